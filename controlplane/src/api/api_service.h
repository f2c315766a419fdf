#pragma once

#include <memory>

#include <spdlog/logger.h>

#include "api/router.h"
#include "model/api_error.h"
#include "store/api_key_store.h"

namespace mv::api {

HttpResponse json_response(int status, std::string body);
HttpResponse error_response(const model::ApiError& error);

// The one wrapper around every route: request id, route lookup (404/405), body limits and
// media type, Bearer auth, mapping infrastructure failures to 503, security headers, and one log
// line per request. Never throws.
class ApiService {
 public:
  ApiService(Router router, store::ApiKeyStore& keys, std::shared_ptr<spdlog::logger> log);

  HttpResponse handle(const HttpRequest& request) const;
  const Router& router() const { return router_; }

 private:
  HttpResponse dispatch(const HttpRequest& request, std::optional<Principal>& principal) const;

  Router router_;
  store::ApiKeyStore& keys_;
  std::shared_ptr<spdlog::logger> log_;
};

}  // namespace mv::api
