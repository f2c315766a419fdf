#include <boost/test/unit_test.hpp>

#include "model/registration.h"

namespace mv::model {

BOOST_AUTO_TEST_SUITE(registration)

// Verifies since moves only on a change, failures count each new failure once and reset on
// success, the last error is kept as history, and expires_at is set only while REGED.
BOOST_AUTO_TEST_CASE(transitions_keep_history) {
  auto trying = next_registration(std::nullopt, "TRYING", 100, 0, std::nullopt);
  BOOST_TEST(trying.since_ns == 100);
  BOOST_TEST(trying.failures == 0);
  auto failed = next_registration(trying, "FAILED", 200, 0, "403 Forbidden");
  BOOST_TEST(failed.failures == 1);
  BOOST_TEST(failed.since_ns == 200);
  auto still_failed = next_registration(failed, "FAILED", 300, 0, "403 Forbidden");
  BOOST_TEST(still_failed.failures == 1);
  BOOST_TEST(still_failed.since_ns == 200);
  BOOST_TEST((still_failed == failed));
  auto waiting = next_registration(failed, "FAIL_WAIT", 400, 0, "408 timeout (no answer)");
  BOOST_TEST(waiting.failures == 1);  // failing on: not a new failure
  auto retry = next_registration(waiting, "TRYING", 500, 0, std::nullopt);
  auto again = next_registration(retry, "FAILED", 600, 0, "403 Forbidden");
  BOOST_TEST(again.failures == 2);
  auto reged = next_registration(again, "REGED", 700, 9'000, std::nullopt);
  BOOST_TEST(reged.failures == 0);
  BOOST_TEST(reged.expires_at_ns == 9'000);
  BOOST_TEST(*reged.last_error == "403 Forbidden");
  BOOST_TEST(next_registration(reged, "UNREGED", 800, 9'000, std::nullopt).expires_at_ns == 0);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace mv::model
