#include <boost/test/unit_test.hpp>

#include "api/router.h"

namespace mv::api {

BOOST_AUTO_TEST_SUITE(router)

Router sample_router() {
  Router router;
  auto ok = [](const RequestContext&) { return HttpResponse{}; };
  router.add({"GET", "/v1/trunks", Access::customer, false, ok});
  router.add({"POST", "/v1/trunks", Access::customer, true, ok});
  router.add({"GET", "/v1/trunks/{id}", Access::customer, false, ok});
  router.add({"DELETE", "/v1/trunks/{id}", Access::customer, false, ok});
  return router;
}

// Verifies exact paths and captured segments match the right route.
BOOST_AUTO_TEST_CASE(matches_and_captures) {
  auto router = sample_router();
  auto list = router.match("GET", "/v1/trunks");
  BOOST_REQUIRE(list.route != nullptr);
  BOOST_TEST(list.route->pattern == "/v1/trunks");
  auto one = router.match("DELETE", "/v1/trunks/trunk_1");
  BOOST_REQUIRE(one.route != nullptr);
  BOOST_TEST(one.route->method == "DELETE");
  BOOST_TEST(one.path_params.at("id") == "trunk_1");
}

// Verifies a known path with a wrong method reports the allowed methods (for 405 + Allow).
BOOST_AUTO_TEST_CASE(wrong_method_lists_allowed) {
  auto router = sample_router();
  auto match = router.match("PUT", "/v1/trunks/x");
  BOOST_TEST(match.route == nullptr);
  std::vector<std::string> expected{"GET", "DELETE"};
  BOOST_TEST(match.allowed_methods == expected, boost::test_tools::per_element());
}

// Verifies paths that are not exactly a route are unknown (404), including near misses.
BOOST_AUTO_TEST_CASE(unknown_paths) {
  auto router = sample_router();
  for (const char* path : {"", "/", "/v1", "/v1/trunks/", "/v1/trunks/x/y", "/v1//trunks",
                           "v1/trunks", "/V1/trunks", "/v1/trunks//"}) {
    BOOST_TEST_CONTEXT(path) {
      auto match = router.match("GET", path);
      BOOST_TEST(match.route == nullptr);
      BOOST_TEST(match.allowed_methods.empty());
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace mv::api
