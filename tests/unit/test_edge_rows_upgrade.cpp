#include <boost/test/unit_test.hpp>

#include <spdlog/sinks/ostream_sink.h>

#include <sstream>

#include "model/edge_rows.h"
#include "service/edge_rows_upgrade.h"
#include "store/store_unavailable.h"
#include "support/fakes.h"

// Optional counts compare in assertions; a failure shows the expression.
BOOST_TEST_DONT_PRINT_LOG_VALUE(std::optional<std::size_t>)

namespace mv::service {

BOOST_AUTO_TEST_SUITE(edge_rows_upgrade)

// The layout recorded and the trunks written again; `changed_since_read` are refused as the
// rewrite script refuses a trunk written since it was read.
struct FakeEdgeRows final : store::EdgeRowsStore {
  int layout = 0;
  std::vector<std::string> rewritten;
  std::set<std::string> changed_since_read;
  bool unavailable_after_first = false;

  std::optional<std::size_t> rewrite_edge_rows(const model::Trunk& trunk) override {
    if (unavailable_after_first && !rewritten.empty()) {
      throw store::StoreUnavailable("fake redis is down");
    }
    if (changed_since_read.contains(trunk.id)) return std::nullopt;
    rewritten.push_back(trunk.id);
    return 1;
  }
  std::vector<model::Trunk> next_trunks(std::string& cursor, std::size_t) override {
    cursor = "0";
    return {};
  }
  int edge_rows_layout() override { return layout; }
  void record_edge_rows_layout(int recorded) override { layout = recorded; }
};

struct UpgradeFixture {
  test::FakeTrunkCatalog catalog;
  FakeEdgeRows rows;
  int changes = 0;
  std::ostringstream log_text;
  spdlog::logger log{"test", std::make_shared<spdlog::sinks::ostream_sink_mt>(log_text)};

  UpgradeFixture() {
    for (int i = 0; i < 2500; ++i) {
      model::Trunk trunk;
      trunk.id = "trunk_" + std::to_string(i);
      trunk.customer_id = "cust_a";
      catalog.trunks.push_back(trunk);
    }
  }

  std::optional<std::size_t> upgrade(std::stop_token stop = {}) {
    return upgrade_edge_rows(
        catalog, rows, [this] { ++changes; }, stop, log);
  }
};

// Verifies rows of an older layout are written again for every trunk, the edge told every 1,000
// trunks and at the end, and the layout recorded last; a trunk written since it was read is left
// to that write.
BOOST_FIXTURE_TEST_CASE(older_layout_rewrites_every_trunk, UpgradeFixture) {
  rows.changed_since_read = {"trunk_7"};
  BOOST_TEST(upgrade() == std::optional<std::size_t>(2500));
  BOOST_TEST(rows.rewritten.size() == 2499u);
  BOOST_TEST(rows.rewritten.front() == "trunk_0");
  BOOST_TEST(changes == 3);
  BOOST_TEST(rows.layout == model::kEdgeRowsLayout);
  BOOST_TEST(log_text.str().find("layout 0 in Redis") != std::string::npos, log_text.str());
}

// Verifies the current layout writes nothing (a start after the upgrade, or a fresh database
// once its first start recorded it) and an empty database records the layout at once.
BOOST_FIXTURE_TEST_CASE(current_layout_writes_nothing, UpgradeFixture) {
  rows.layout = model::kEdgeRowsLayout;
  BOOST_TEST(!upgrade().has_value());
  BOOST_TEST(rows.rewritten.empty());
  BOOST_TEST(changes == 0);

  catalog.trunks.clear();
  rows.layout = 0;
  BOOST_TEST(upgrade() == std::optional<std::size_t>(0));
  BOOST_TEST(rows.layout == model::kEdgeRowsLayout);
}

// Verifies a stop or Redis going away midway records no layout, so the next start goes on.
BOOST_FIXTURE_TEST_CASE(interrupted_upgrade_records_no_layout, UpgradeFixture) {
  std::stop_source stopped;
  stopped.request_stop();
  BOOST_TEST(!upgrade(stopped.get_token()).has_value());
  BOOST_TEST(rows.layout == 0);
  BOOST_TEST(rows.rewritten.empty());

  rows.unavailable_after_first = true;
  BOOST_CHECK_THROW(upgrade(), store::StoreUnavailable);
  BOOST_TEST(rows.layout == 0);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace mv::service
