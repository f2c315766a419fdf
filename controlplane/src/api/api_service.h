#pragma once

#include <memory>

#include <spdlog/logger.h>

#include "api/router.h"
#include "logging/log_context.h"
#include "metrics/http_metrics.h"
#include "model/api_error.h"
#include "store/api_key_store.h"

namespace mv::api {

HttpResponse json_response(int status, std::string body);
HttpResponse error_response(const model::ApiError& error);

// The one wrapper around every route: request id, route lookup (404/405), body limits and
// media type, Bearer auth, mapping infrastructure failures to 503, security headers, one log
// line per request (request_id, and customer_id and trunk_id where they apply, on every line
// logged while it runs) and the request metrics. Never throws.
class ApiService {
 public:
  // `metrics`: where requests are counted; null counts nothing.
  ApiService(Router router, store::ApiKeyStore& keys, std::shared_ptr<spdlog::logger> log,
             metrics::HttpMetrics* metrics = nullptr);

  HttpResponse handle(const HttpRequest& request) const;
  const Router& router() const { return router_; }

 private:
  // `route`: set to the matched pattern; `log_fields`: gets customer_id and trunk_id.
  HttpResponse dispatch(const HttpRequest& request, std::string& route,
                        logging::LogScope& log_fields) const;

  Router router_;
  store::ApiKeyStore& keys_;
  std::shared_ptr<spdlog::logger> log_;
  metrics::HttpMetrics* metrics_;
};

}  // namespace mv::api
