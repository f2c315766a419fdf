#include <boost/test/unit_test.hpp>

#include <spdlog/sinks/ostream_sink.h>

#include <map>
#include <set>
#include <sstream>
#include <thread>

#include "model/edge_rows.h"
#include "service/edge_rows_audit.h"
#include "support/fakes.h"

namespace mv::service {

BOOST_AUTO_TEST_SUITE(edge_rows_audit)

// A store of `trunk_count` trunks, two keys each, walked in SCAN-like steps over its keys; the
// rows of the trunks in `drifted` differ from their model (that many rows each), once.
struct FakeEdgeRows final : store::EdgeRowsStore {
  std::size_t trunk_count = 0;
  std::vector<std::size_t> counts_asked;
  std::vector<std::string> rewritten;
  std::map<std::string, std::size_t> drifted;
  std::set<std::string> changed_since_read;

  std::optional<std::size_t> rewrite_edge_rows(const model::Trunk& trunk) override {
    rewritten.push_back(trunk.id);
    if (changed_since_read.contains(trunk.id)) return std::nullopt;
    auto drift = drifted.find(trunk.id);
    if (drift == drifted.end()) return 0;
    auto rows = drift->second;
    drifted.erase(drift);
    return rows;
  }
  std::vector<model::Trunk> next_trunks(std::string& cursor, std::size_t count) override {
    counts_asked.push_back(count);
    std::size_t first_key = std::stoul(cursor);
    std::size_t end_key = std::min(first_key + count, trunk_count * 2);
    std::vector<model::Trunk> trunks;
    for (std::size_t key = first_key; key < end_key; ++key) {
      if (key % 2 != 0) continue;  // the trunk's other key (its audit stream)
      model::Trunk trunk;
      trunk.id = "trunk_" + std::to_string(key / 2);
      trunks.push_back(trunk);
    }
    cursor = end_key == trunk_count * 2 ? "0" : std::to_string(end_key);
    return trunks;
  }
  int edge_rows_layout() override { return model::kEdgeRowsLayout; }
  void record_edge_rows_layout(int) override {}
};

struct AuditFixture {
  FakeEdgeRows rows;
  test::CountingChangeListener edge;
  std::ostringstream log_text;
  spdlog::logger log{"test", std::make_shared<spdlog::sinks::ostream_sink_mt>(log_text)};
  EdgeRowsAudit audit{
      rows, edge, {.tick = std::chrono::milliseconds(10), .keys_per_tick = 20}, log};

  AuditFixture() { rows.trunk_count = 25; }
};

// Verifies each step asks the store for keys_per_tick keys and no more, so a step's cost does not
// grow with the trunks: 25 trunks (50 keys) take three steps of at most 10 trunks.
BOOST_FIXTURE_TEST_CASE(each_step_reads_a_bounded_slice, AuditFixture) {
  std::vector<std::size_t> checked;
  for (int i = 0; i < 3; ++i) checked.push_back(audit.step().trunks_checked);
  BOOST_TEST(checked == (std::vector<std::size_t>{10, 10, 5}), boost::test_tools::per_element());
  BOOST_TEST(rows.counts_asked == (std::vector<std::size_t>{20, 20, 20}),
             boost::test_tools::per_element());
  BOOST_TEST(rows.rewritten.size() == 25u);
  BOOST_TEST(audit.totals().walks_completed == 1u);
}

// Verifies rows that drifted are written again and counted, the edge is told so the nodes pick
// them up, and a walk finding everything right tells it nothing.
BOOST_FIXTURE_TEST_CASE(drifted_rows_are_written_again_and_the_edge_told, AuditFixture) {
  rows.drifted = {{"trunk_3", 1}, {"trunk_12", 2}};
  std::size_t repaired = 0;
  for (int i = 0; i < 3; ++i) repaired += audit.step().rows_repaired;
  BOOST_TEST(repaired == 3u);
  BOOST_TEST(audit.totals().rows_repaired == 3u);
  BOOST_TEST(edge.changes == 2);  // one per step that repaired
  BOOST_TEST(log_text.str().find("trunk_12") != std::string::npos);
  for (int i = 0; i < 3; ++i) audit.step();
  BOOST_TEST(edge.changes == 2);
  BOOST_TEST(audit.totals().walks_completed == 2u);
}

// Verifies a trunk written since it was read is not counted as repaired (its write made its rows).
BOOST_FIXTURE_TEST_CASE(a_trunk_written_meanwhile_is_left_to_that_write, AuditFixture) {
  rows.drifted = {{"trunk_1", 4}};
  rows.changed_since_read = {"trunk_1"};
  auto done = audit.step();
  BOOST_TEST(done.trunks_checked == 10u);
  BOOST_TEST(done.rows_repaired == 0u);
  BOOST_TEST(edge.changes == 0);
}

// Verifies run() steps every tick until stopped.
BOOST_FIXTURE_TEST_CASE(run_steps_until_stopped, AuditFixture) {
  {
    std::jthread walker([&](std::stop_token stop) { audit.run(stop); });
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  auto steps = rows.counts_asked.size();
  BOOST_TEST(steps >= 3u);
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  BOOST_TEST(rows.counts_asked.size() == steps);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace mv::service
