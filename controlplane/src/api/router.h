#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "api/http_types.h"

namespace mv::api {

// Who is calling, once the Bearer key checked out.
struct Principal {
  std::string key_id;
  std::string customer_id;
  std::string role;
};

struct RequestContext {
  const HttpRequest& request;
  std::map<std::string, std::string> path_params;
  std::optional<Principal> principal;  // set on every route but Access::anyone
};

using Handler = std::function<HttpResponse(const RequestContext&)>;

// Who may call a route: anyone, any valid key, or only keys with the admin role.
enum class Access { anyone, customer, admin };

struct Route {
  std::string method;
  std::string pattern;  // segments; "{name}" captures one segment
  Access access = Access::customer;
  bool takes_json_body = false;
  Handler handler;
};

// The one table of routes. match() tells a missing path (404) from a wrong method (405).
class Router {
 public:
  void add(Route route) { routes_.push_back(std::move(route)); }
  const std::vector<Route>& routes() const { return routes_; }

  struct Match {
    const Route* route = nullptr;  // null: see allowed_methods
    std::map<std::string, std::string> path_params;
    std::vector<std::string> allowed_methods;  // non-empty: the path exists, the method does not
  };
  Match match(const std::string& method, const std::string& path) const;

 private:
  std::vector<Route> routes_;
};

}  // namespace mv::api
