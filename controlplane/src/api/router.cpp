#include "api/router.h"

namespace mv::api {
namespace {

std::vector<std::string> split_path(const std::string& path) {
  std::vector<std::string> segments;
  std::size_t start = 1;
  while (start <= path.size()) {
    auto slash = path.find('/', start);
    if (slash == std::string::npos) slash = path.size();
    segments.push_back(path.substr(start, slash - start));
    start = slash + 1;
  }
  return segments;
}

bool match_pattern(const std::vector<std::string>& pattern, const std::vector<std::string>& path,
                   std::map<std::string, std::string>& params) {
  if (pattern.size() != path.size()) return false;
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    const auto& part = pattern[i];
    if (part.size() > 2 && part.front() == '{' && part.back() == '}') {
      if (path[i].empty()) return false;
      params[part.substr(1, part.size() - 2)] = path[i];
    } else if (part != path[i]) {
      return false;
    }
  }
  return true;
}

}  // namespace

Router::Match Router::match(const std::string& method, const std::string& path) const {
  Match result;
  if (path.empty() || path.front() != '/') return result;
  auto segments = split_path(path);
  for (const auto& route : routes_) {
    std::map<std::string, std::string> params;
    if (!match_pattern(split_path(route.pattern), segments, params)) continue;
    if (route.method == method) {
      result.route = &route;
      result.path_params = std::move(params);
      return result;
    }
    result.allowed_methods.push_back(route.method);
  }
  return result;
}

}  // namespace mv::api
