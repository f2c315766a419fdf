#include <boost/test/unit_test.hpp>

#include <nlohmann/json.hpp>

#include "store/script_runner.h"
#include "store/store_unavailable.h"
#include "support/stack.h"

namespace mv::store {

BOOST_AUTO_TEST_SUITE(script_runner)

// The runner against a real Redis, as the daemon's Redis user.
struct RunnerFixture {
  test::RedisServer redis;
  RedisPool pool{redis.daemon_endpoint(0), 1};

  bool redis_has(const Script& script) {
    auto reply = pool.command({"SCRIPT", "EXISTS", script.sha1});
    return reply.elements.at(0).integer == 1;
  }
};

// Answers what it was given, by name, with one placeholder.
constexpr const char* kEcho = R"lua(
return {KEY.first, KEY.second, #KEYS, #ARGV, ARG.name, ARG.list[2], ARG.nested.inner,
        tostring(ARG.missing == nil), tostring(ARG.nothing == cjson.null), '{greeting}'}
)lua";

// Verifies keys arrive by name whatever their place in KEYS, arguments by name in their JSON
// shapes (string, array, object, null, left out) in ARGV[1] alone, and placeholders are replaced.
BOOST_FIXTURE_TEST_CASE(keys_and_args_arrive_by_name, RunnerFixture) {
  Script echo({kEcho}, {{"{greeting}", "hello"}});
  auto reply = run_script(pool, echo, {{"second", "key:2"}, {"first", "key:1"}},
                          nlohmann::json::parse(R"({"name": "n", "list": ["a", "b"],
                                                    "nested": {"inner": "i"}, "nothing": null})"));
  std::vector<std::string> answered;
  for (const auto& element : reply.elements) {
    answered.push_back(element.type == RedisReply::Type::integer ? std::to_string(element.integer)
                                                                 : element.text);
  }
  std::vector<std::string> expected{"key:1", "key:2", "2",    "1",    "n",
                                    "b",     "i",     "true", "true", "hello"};
  BOOST_TEST(answered == expected, boost::test_tools::per_element());
}

// Verifies a script Redis no longer has (SCRIPT FLUSH, as after a restart without AOF) is sent
// again with EVAL, which also loads it for the next EVALSHA.
BOOST_FIXTURE_TEST_CASE(noscript_is_answered_with_eval, RunnerFixture) {
  Script script({"return ARG.value"});
  BOOST_TEST(run_script(pool, script, {}, {{"value", "first"}}).text == "first");
  BOOST_TEST_REQUIRE(redis_has(script));
  redis.cli({"SCRIPT", "FLUSH"});
  BOOST_TEST_REQUIRE(!redis_has(script));
  BOOST_TEST(run_script(pool, script, {}, {{"value", "second"}}).text == "second");
  BOOST_TEST(redis_has(script));
}

// Verifies an error raised inside a script comes back as an error (StoreUnavailable with Redis's
// message, as every error reply), never as a result, and the connection serves the next script.
BOOST_FIXTURE_TEST_CASE(script_error_is_an_error, RunnerFixture) {
  Script failing({"error('refused: ' .. ARG.why)"});
  BOOST_CHECK_EXCEPTION(run_script(pool, failing, {}, {{"why", "on purpose"}}), StoreUnavailable,
                        [](const StoreUnavailable& e) {
                          return std::string(e.what()).find("refused: on purpose") !=
                                 std::string::npos;
                        });
  Script working({"return 'ok'"});
  BOOST_TEST(run_script(pool, working, {}, {}).text == "ok");
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace mv::store
