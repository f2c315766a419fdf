#include <boost/test/unit_test.hpp>

#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include <sstream>
#include <thread>

#include "logging/log_formatter.h"
#include "logging/log_line.h"
#include "util/utf8.h"

namespace mv::logging {

BOOST_AUTO_TEST_SUITE(json_log)

std::string as_json(std::string_view text) {
  std::string out;
  append_json_string(out, text);
  return out;
}

// 2026-05-29T12:00:00.000Z
constexpr std::int64_t kNoon = 1'780'056'000'000'000'000;

// Verifies quotes and backslashes are escaped and plain text passes unchanged.
BOOST_AUTO_TEST_CASE(quotes_and_backslashes) {
  BOOST_TEST(as_json("plain text") == R"("plain text")");
  BOOST_TEST(as_json(R"(say "hi")") == R"("say \"hi\"")");
  BOOST_TEST(as_json(R"(C:\path\)") == R"("C:\\path\\")");
  BOOST_TEST(as_json("") == R"("")");
}

// Verifies every control character is escaped, by name where JSON has one.
BOOST_AUTO_TEST_CASE(control_characters) {
  BOOST_TEST(as_json("a\nb\rc\td\be\ff") == R"("a\nb\rc\td\be\ff")");
  BOOST_TEST(as_json(std::string("nul\0end", 7)) == R"("nul\u0000end")");
  BOOST_TEST(as_json("\x01\x1f\x7f") == R"("\u0001\u001f\u007f")");
  for (int c = 0; c < 0x20; ++c) {
    auto text = as_json(std::string(1, static_cast<char>(c)));
    BOOST_TEST(text.find(static_cast<char>(c)) == std::string::npos, "raw byte " << c);
  }
}

// Verifies valid UTF-8 is kept as is and each invalid byte becomes \ufffd: stray continuation,
// truncated sequence, overlong form, surrogate, above U+10FFFF, bytes that never occur.
BOOST_AUTO_TEST_CASE(invalid_utf8_is_replaced) {
  BOOST_TEST(as_json("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x93\x9E") ==
             "\"caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x93\x9E\"");
  BOOST_TEST(as_json("a\x80z") == R"("a\ufffdz")");
  BOOST_TEST(as_json("a\xC3") == R"("a\ufffd")");
  BOOST_TEST(as_json("\xC0\xAF") == R"("\ufffd\ufffd")");
  BOOST_TEST(as_json("\xE0\x80\xAF") == R"("\ufffd\ufffd\ufffd")");
  BOOST_TEST(as_json("\xED\xA0\x80") == R"("\ufffd\ufffd\ufffd")");
  BOOST_TEST(as_json("\xF4\x90\x80\x80") == R"("\ufffd\ufffd\ufffd\ufffd")");
  BOOST_TEST(as_json("\xFE\xFF") == R"("\ufffd\ufffd")");
  std::string valid;
  util::append_valid_utf8(valid, "ok\xFFok");
  BOOST_TEST(valid == "ok\xEF\xBF\xBDok");
}

// Verifies every byte string gives a line a JSON parser accepts, with the text intact where valid.
BOOST_AUTO_TEST_CASE(any_bytes_give_valid_json) {
  std::string all;
  for (int c = 0; c < 256; ++c) all += static_cast<char>(c);
  for (const auto& text : {all, std::string("\"}{\\"), std::string("\xF0\x9F"), std::string()}) {
    auto line = json_log_line(kNoon, "info", "test", text, {{"field", text}});
    auto parsed = nlohmann::json::parse(line, nullptr, false);
    BOOST_TEST_REQUIRE(!parsed.is_discarded(), line);
    BOOST_TEST(line.find('\n') == std::string::npos);
  }
  auto parsed = nlohmann::json::parse(json_log_line(kNoon, "info", "t", "a\"b\\c\nd", {}));
  BOOST_TEST(parsed["msg"] == "a\"b\\c\nd");
}

// Verifies the line's fields: ts, level, logger, msg first, then the scope's fields with their
// types; a repeated key keeps its last value and cannot replace the fixed ones.
BOOST_AUTO_TEST_CASE(line_has_fixed_and_scoped_fields) {
  auto line = json_log_line(kNoon, "warn", "controlplane", "request",
                            {{"request_id", std::string("abc")},
                             {"status", std::int64_t{201}},
                             {"duration_ms", 1.23456},
                             {"trunk_id", std::string("old")},
                             {"trunk_id", std::string("new")},
                             {"msg", std::string("forged")}});
  BOOST_TEST(line.starts_with(
      R"({"ts":"2026-05-29T12:00:00.000Z","level":"warn","logger":"controlplane","msg":"request",)"));
  auto parsed = nlohmann::json::parse(line);
  BOOST_TEST(parsed["request_id"] == "abc");
  BOOST_TEST(parsed["status"] == 201);
  BOOST_TEST(parsed["duration_ms"].get<double>() == 1.235);
  BOOST_TEST(parsed["trunk_id"] == "new");
  BOOST_TEST(parsed["msg"] == "request");
  BOOST_TEST(line.find("forged") == std::string::npos);
  auto infinite = json_log_line(kNoon, "info", "t", "m", {{"x", HUGE_VAL}});
  BOOST_TEST(nlohmann::json::parse(infinite)["x"].is_null());
}

// Verifies the text format keeps one line and quotes values that need it.
BOOST_AUTO_TEST_CASE(text_line_for_people) {
  auto line = text_log_line(kNoon, "info", "controlplane", "two\nlines",
                            {{"request_id", std::string("abc")},
                             {"route", std::string("/v1/trunks/{id}")},
                             {"name", std::string("a b")},
                             {"status", std::int64_t{200}}});
  BOOST_TEST(line ==
             "2026-05-29T12:00:00.000Z info controlplane: two lines request_id=abc "
             "route=/v1/trunks/{id} name=\"a b\" status=200");
}

// Verifies scopes add fields to this thread's lines only, and each removes just its own fields
// even when scopes end out of order.
BOOST_AUTO_TEST_CASE(scopes_are_per_thread) {
  BOOST_TEST(current_log_fields().empty());
  {
    LogScope outer({{"request_id", std::string("r1")}});
    auto inner = std::make_unique<LogScope>(std::vector<LogField>{{"status", std::int64_t{1}}});
    outer.add("customer_id", std::string("cust_1"));
    BOOST_TEST(current_log_fields().size() == 3u);
    std::thread([] { BOOST_TEST(current_log_fields().empty()); }).join();
    inner.reset();
    auto fields = current_log_fields();
    BOOST_TEST_REQUIRE(fields.size() == 2u);
    BOOST_TEST(fields[0].key == "request_id");
    BOOST_TEST(fields[1].key == "customer_id");
  }
  BOOST_TEST(current_log_fields().empty());
}

// Verifies the spdlog formatter writes one JSON object per message with the scope's fields.
BOOST_AUTO_TEST_CASE(formatter_writes_json_lines) {
  std::ostringstream out;
  spdlog::logger log("controlplane", std::make_shared<spdlog::sinks::ostream_sink_st>(out));
  log.set_formatter(std::make_unique<LineFormatter>(LogFormat::json));
  log.info("first {}", "line\n\"quoted\"");
  {
    LogScope scope({{"request_id", std::string("req-1")}, {"trunk_id", std::string("trk_1")}});
    log.warn("second");
  }
  std::istringstream lines(out.str());
  std::string line;
  std::vector<nlohmann::json> parsed;
  while (std::getline(lines, line)) parsed.push_back(nlohmann::json::parse(line));
  BOOST_TEST_REQUIRE(parsed.size() == 2u);
  BOOST_TEST(parsed[0]["msg"] == "first line\n\"quoted\"");
  BOOST_TEST(parsed[0]["level"] == "info");
  BOOST_TEST(parsed[0]["logger"] == "controlplane");
  BOOST_TEST(!parsed[0].contains("request_id"));
  BOOST_TEST(parsed[1]["level"] == "warn");
  BOOST_TEST(parsed[1]["request_id"] == "req-1");
  BOOST_TEST(parsed[1]["trunk_id"] == "trk_1");
  BOOST_TEST(parsed[1]["ts"].get<std::string>().ends_with("Z"));
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace mv::logging
