#include <boost/test/unit_test.hpp>

#include <algorithm>

#include "model/connection_limits.h"

namespace mv::model {

BOOST_AUTO_TEST_SUITE(connection_limits)

using namespace std::chrono_literals;

std::vector<int> sorted(std::vector<int> fds) {
  std::sort(fds.begin(), fds.end());
  return fds;
}

// Verifies every connection silent for the idle timeout or longer is closed, and none other
// while under the cap.
BOOST_AUTO_TEST_CASE(idle_connections_are_closed) {
  ConnectionLimits limits{1000ms, 10};
  auto close = connections_to_close({{5, 999ms}, {6, 1000ms}, {7, 5000ms}, {8, 0ms}}, limits);
  BOOST_TEST(sorted(close) == (std::vector<int>{6, 7}), boost::test_tools::per_element());
  BOOST_TEST(connections_to_close({}, limits).empty());
}

// Verifies that over the cap the idlest go first and the most recently active stay.
BOOST_AUTO_TEST_CASE(over_the_cap_the_idlest_go) {
  ConnectionLimits limits{60000ms, 2};
  auto close = connections_to_close({{5, 30ms}, {6, 300ms}, {7, 3ms}, {8, 3000ms}}, limits);
  BOOST_TEST(sorted(close) == (std::vector<int>{6, 8}), boost::test_tools::per_element());
  BOOST_TEST(connections_to_close({{5, 30ms}, {6, 300ms}}, limits).empty());
}

// Verifies idle and over-cap closes add up: idle ones count toward bringing the number down.
BOOST_AUTO_TEST_CASE(idle_closes_count_toward_the_cap) {
  ConnectionLimits limits{1000ms, 2};
  auto close = connections_to_close({{5, 2000ms}, {6, 10ms}, {7, 20ms}, {8, 30ms}}, limits);
  BOOST_TEST(sorted(close) == (std::vector<int>{5, 8}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace mv::model
