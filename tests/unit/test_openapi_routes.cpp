#include <boost/test/unit_test.hpp>

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <set>

#include "api/ops_routes.h"
#include "api/routes.h"
#include "support/fake_api.h"

namespace mv::api {

BOOST_AUTO_TEST_SUITE(openapi_routes)

// Verifies schemas/openapi.yaml lists exactly the (method, path) pairs the daemon routes.
BOOST_AUTO_TEST_CASE(document_and_route_table_agree) {
  test::FakeApiServices services;
  auto router = build_router(services.targets(), "", noc_page_files("", "", ""));
  metrics::Registry metrics;
  add_ops_routes(router, {metrics, services.edge, [] { return true; }});

  std::set<std::string> served;
  for (const auto& route : router.routes()) served.insert(route.method + " " + route.pattern);

  auto document = YAML::LoadFile(std::string(MV_SOURCE_DIR) + "/schemas/openapi.yaml");
  BOOST_REQUIRE(document["paths"].IsMap());
  std::set<std::string> documented;
  for (const auto& path : document["paths"]) {
    for (const auto& operation : path.second) {
      auto method = operation.first.as<std::string>();
      if (method == "parameters" || method == "summary" || method == "description") continue;
      std::transform(method.begin(), method.end(), method.begin(), ::toupper);
      documented.insert(method + " " + path.first.as<std::string>());
    }
  }
  BOOST_TEST(served == documented, boost::test_tools::per_element());
}

// Verifies the document declares OpenAPI 3.1 and Bearer auth.
BOOST_AUTO_TEST_CASE(document_is_openapi_31_with_bearer) {
  auto document = YAML::LoadFile(std::string(MV_SOURCE_DIR) + "/schemas/openapi.yaml");
  BOOST_TEST(document["openapi"].as<std::string>().starts_with("3.1"));
  bool has_bearer = false;
  for (const auto& scheme : document["components"]["securitySchemes"]) {
    has_bearer |= scheme.second["scheme"].as<std::string>("") == "bearer";
  }
  BOOST_TEST(has_bearer);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace mv::api
