#include <boost/test/unit_test.hpp>

#include "api/trunk_handlers.h"

namespace mv::api {

BOOST_AUTO_TEST_SUITE(list_query)

std::string error_of(std::string_view query) {
  auto parsed = parse_list_query(query);
  const auto* error = std::get_if<model::ApiError>(&parsed);
  return error ? error->message : "";
}

// Verifies defaults: 100 per page, no cursor, no filters.
BOOST_AUTO_TEST_CASE(defaults) {
  auto query = std::get<store::TrunkListQuery>(parse_list_query(""));
  BOOST_TEST(query.limit == 100u);
  BOOST_TEST(!query.starting_after.has_value());
  BOOST_TEST(!query.is_active.has_value());
  BOOST_TEST(!query.gateway_name.has_value());
}

// Verifies every parameter is read, with percent-decoding.
BOOST_AUTO_TEST_CASE(all_parameters) {
  auto query = std::get<store::TrunkListQuery>(
      parse_list_query("limit=1000&starting_after=trunk_20260529T120000.000000000&is_active=false&"
                       "gateway_name=gw%2D1"));
  BOOST_TEST(query.limit == 1000u);
  BOOST_TEST(*query.starting_after == "trunk_20260529T120000.000000000");
  BOOST_TEST(*query.is_active == false);
  BOOST_TEST(*query.gateway_name == "gw-1");
}

// Verifies out-of-range and malformed values are 400 with the parameter named.
BOOST_AUTO_TEST_CASE(bad_values_name_the_parameter) {
  for (const char* query : {"limit=0", "limit=1001", "limit=-1", "limit=abc", "limit=", "limit=10x",
                            "limit=99999999999999999999999"}) {
    BOOST_TEST_CONTEXT(query) { BOOST_TEST(error_of(query).starts_with("limit:")); }
  }
  BOOST_TEST(error_of("starting_after=trunk_1").starts_with("starting_after:"));
  BOOST_TEST(error_of("starting_after=*").starts_with("starting_after:"));
  BOOST_TEST(error_of("is_active=yes").starts_with("is_active:"));
  BOOST_TEST(error_of("gateway_name=a%20b").starts_with("gateway_name:"));
  BOOST_TEST(error_of("gateway_name=" + std::string(65, 'a')).starts_with("gateway_name:"));
}

// Verifies a typo in a parameter name is refused rather than silently listing everything.
BOOST_AUTO_TEST_CASE(unknown_parameter_refused) {
  BOOST_TEST(error_of("isactive=true").starts_with("unknown query parameter"));
  BOOST_TEST(error_of("limit=5%zz").find("percent escape") != std::string::npos);
  BOOST_TEST(error_of("limit=5%2").find("percent escape") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace mv::api
