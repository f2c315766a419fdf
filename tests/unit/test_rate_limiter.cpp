#include <boost/test/unit_test.hpp>

#include "model/rate_limiter.h"
#include "service/trunk_check_service.h"

namespace mv::model {

BOOST_AUTO_TEST_SUITE(rate_limiter)

constexpr std::int64_t kSecond = 1'000'000'000;

// Verifies a burst goes through, the next request waits for one refill, and keys are apart.
BOOST_AUTO_TEST_CASE(burst_then_refill_per_key) {
  RateLimiter limiter(3, 6 * kSecond);
  for (int i = 0; i < 3; ++i) BOOST_TEST(limiter.acquire("cust_a", 0) == 0);
  BOOST_TEST(limiter.acquire("cust_a", 0) == 6 * kSecond);
  BOOST_TEST(limiter.acquire("cust_b", 0) == 0);
  BOOST_TEST(limiter.acquire("cust_a", 2 * kSecond) == 4 * kSecond);
  BOOST_TEST(limiter.acquire("cust_a", 6 * kSecond) == 0);
  BOOST_TEST(limiter.acquire("cust_a", 6 * kSecond) > 0);
  // A long pause refills to the burst, not beyond.
  for (int i = 0; i < 3; ++i) BOOST_TEST(limiter.acquire("cust_a", 600 * kSecond) == 0);
  BOOST_TEST(limiter.acquire("cust_a", 600 * kSecond) > 0);
}

// Verifies how a probe's status reads: Kamailio's own 408 is a timeout, 477/478 could not send.
BOOST_AUTO_TEST_CASE(probe_status_classes) {
  BOOST_TEST(service::classify_probe(200) == "answered");
  BOOST_TEST(service::classify_probe(404) == "answered");
  BOOST_TEST(service::classify_probe(503) == "answered");
  BOOST_TEST(service::classify_probe(408) == "timeout");
  BOOST_TEST(service::classify_probe(477) == "unreachable");
  BOOST_TEST(service::classify_probe(478) == "unreachable");
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace mv::model
