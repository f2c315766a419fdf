#pragma once

#include <memory>

#include <spdlog/logger.h>

#include "api/router.h"
#include "logging/log_context.h"
#include "metrics/http_metrics.h"
#include "model/api_error.h"
#include "model/rate_limiter.h"
#include "store/api_key_store.h"
#include "util/clock.h"

namespace mv::api {

HttpResponse json_response(int status, std::string body);

// Token buckets per API key: every authenticated request takes a token from its key's bucket
// (admin keys from their own limiter); an empty bucket answers 429 rate_limited + Retry-After.
struct KeyRateLimits {
  model::RateLimiter& customer;
  model::RateLimiter& admin;
  const util::Clock& clock;
};
HttpResponse error_response(const model::ApiError& error);

// The one wrapper around every route: request id, route lookup (404/405), body limits and
// media type, Bearer auth, per-key rate limits, mapping infrastructure failures to 503, security
// headers, one log line per request (request_id, and customer_id and trunk_id where they apply, on
// every line logged while it runs) and the request metrics. Never throws.
class ApiService {
 public:
  // `metrics`: where requests are counted; null counts nothing. `limits`: none limits nothing.
  ApiService(Router router, store::ApiKeyStore& keys, std::shared_ptr<spdlog::logger> log,
             metrics::HttpMetrics* metrics = nullptr,
             std::optional<KeyRateLimits> limits = std::nullopt);

  HttpResponse handle(const HttpRequest& request) const;
  const Router& router() const { return router_; }

 private:
  // `route`: set to the matched pattern; `log_fields`: gets customer_id and trunk_id.
  HttpResponse dispatch(const HttpRequest& request, std::string& route,
                        logging::LogScope& log_fields) const;
  // The 429 for a key whose bucket is empty; nullopt when it may go ahead (and took a token).
  std::optional<HttpResponse> over_rate_limit(const Principal& principal) const;

  Router router_;
  store::ApiKeyStore& keys_;
  std::shared_ptr<spdlog::logger> log_;
  metrics::HttpMetrics* metrics_;
  std::optional<KeyRateLimits> limits_;
};

}  // namespace mv::api
