#include <boost/test/unit_test.hpp>

#include <spdlog/sinks/null_sink.h>

#include <condition_variable>
#include <mutex>
#include <thread>

#include "metrics/noc_service_metrics.h"
#include "metrics/registry.h"
#include "service/noc_sampler.h"
#include "service/noc_service.h"
#include "support/fakes.h"
#include "support/kamailio_replies.h"
#include "support/process.h"

// Optional values compare in assertions; a failure shows the expression.
BOOST_TEST_DONT_PRINT_LOG_VALUE(std::optional<std::string>)
BOOST_TEST_DONT_PRINT_LOG_VALUE(std::optional<std::int64_t>)

namespace mv::service {

BOOST_AUTO_TEST_SUITE(noc_service)

using json = nlohmann::json;

constexpr const char* kUp = "http://10.0.0.1:5071/RPC";
constexpr const char* kDown = "http://10.0.0.2:5071/RPC";
constexpr const char* kTrunk = "trunk_20261122T182939.475543228";

// Two nodes, the second unreachable; the first answers with the recorded replies. Redis holds
// the trunk those replies name, with the source the node holds for it.
struct NocFixture {
  test::FakeKamailioRpc rpc;
  test::FakeTrunkCatalog catalog;
  test::FakeEdgeStatus reloader;
  test::ManualClock clock{1'795'390'140'000'000'000};
  NocService noc{rpc, catalog, reloader, clock, {{kUp, kDown}, {"sip:127.0.0.1:47394"}, {}}};

  NocFixture() {
    rpc.down.insert(kDown);
    rpc.replies[{kUp, "dispatcher.list"}] = json::parse(test::kDispatcherListAppServers);
    rpc.replies[{kUp, "uac.reg_dump"}] = json::parse(test::kRegDump);
    rpc.replies[{kUp, "htable.dump mv"}] = json::parse(test::kHtableMv);
    rpc.replies[{kUp, "htable.dump mvdown"}] = json::parse(test::kHtableMvdown);
    rpc.replies[{kUp, "htable.dump mvreg"}] = json::array();
    rpc.replies[{kUp, "htable.get mvnode boot"}] = {
        {"item", {{"name", "boot"}, {"value", "1795600000.5-77"}}}};
    model::Trunk trunk;
    trunk.id = kTrunk;
    trunk.customer_id = "cust_a";
    trunk.gateway_name = "primary";
    trunk.proxy = "127.0.0.1:47395";
    trunk.edge_set = 1001;
    trunk.edge_order = 1;
    trunk.inbound_ip = "127.0.0.2";
    catalog.trunks.push_back(trunk);
  }
};

// Verifies the dispatcher view: the answering node's application servers from its dispatcher,
// and its trunks' destinations from its routes (htable mv) with the probes' verdict (mvdown), in
// the customer's set from Redis with the trunk's gateway name; the other node its error and no
// sets.
BOOST_FIXTURE_TEST_CASE(dispatcher_per_node, NocFixture) {
  auto nodes = noc.dispatcher();
  BOOST_TEST_REQUIRE(nodes.size() == 2u);
  BOOST_TEST(nodes[0].endpoint == kUp);
  BOOST_TEST(!nodes[0].error.has_value());
  BOOST_TEST_REQUIRE(nodes[0].value.size() == 2u);
  BOOST_TEST(nodes[0].value[0].kind == "app_servers");
  const auto& customer = nodes[0].value[1];
  BOOST_TEST(customer.id == 1001);
  BOOST_TEST(customer.kind == "customer");
  BOOST_TEST(customer.customer_id == "cust_a");
  BOOST_TEST_REQUIRE(customer.destinations.size() == 2u);
  const auto& carrier = customer.destinations[0];
  BOOST_TEST(carrier.trunk_id == kTrunk);
  BOOST_TEST(carrier.gateway_name == "primary");
  BOOST_TEST(carrier.uri == "sip:127.0.0.1:47395");
  BOOST_TEST(carrier.state == "active");
  BOOST_TEST(carrier.probing);
  BOOST_TEST(!carrier.latency.has_value());
  const auto& down = customer.destinations[1];
  BOOST_TEST(down.state == "inactive");
  BOOST_TEST(down.flags == "IP");
  BOOST_TEST(!down.gateway_name.has_value());  // trunk not in Redis
  BOOST_TEST(nodes[1].endpoint == kDown);
  BOOST_TEST(nodes[1].error == "htable.stats: Connection refused");  // its count, asked first
  BOOST_TEST(nodes[1].value.empty());
}

// Verifies the views still answer with Redis down, without what Redis adds.
BOOST_FIXTURE_TEST_CASE(views_without_redis, NocFixture) {
  catalog.unavailable = true;
  auto nodes = noc.dispatcher();
  BOOST_TEST(!nodes[0].value[1].destinations[0].gateway_name.has_value());
  auto registrations = noc.registrations();
  BOOST_TEST_REQUIRE(registrations[0].value.size() == 1u);
  BOOST_TEST(!registrations[0].value[0].customer_id.has_value());
  BOOST_CHECK_THROW(noc.drift(), store::StoreUnavailable);
}

// Verifies an empty dispatcher table (an error reply) and empty htables are no sets, not a node
// error, and a reply of another shape is that node's error.
BOOST_FIXTURE_TEST_CASE(empty_table_and_odd_reply, NocFixture) {
  rpc.replies.erase({kUp, "dispatcher.list"});
  struct Empty final : test::JsonRpcOnlyNode {
    json call(const std::string&, const std::string& method, const json&) override {
      if (method == "htable.dump") return json::object();  // jsonrpcs: a result with no items
      if (method == "htable.stats") return json::array();
      throw kamailio::RpcError(method + ": No Destination Sets");
    }
  } empty;
  NocService empty_noc{empty, catalog, reloader, clock, {{kUp}, {}, {}}};
  auto nodes = empty_noc.dispatcher();
  BOOST_TEST(!nodes[0].error.has_value());
  BOOST_TEST(nodes[0].value.empty());

  rpc.replies[{kUp, "dispatcher.list"}] = json::parse(R"({"RECORDS":[{"SET":"?"}]})");
  auto odd = noc.dispatcher();
  BOOST_TEST_REQUIRE(odd[0].error.has_value());
  BOOST_TEST(odd[0].error->starts_with("unexpected JSON-RPC reply"));
}

// Verifies the permissions view (the source keys of htable mv, credentials left out) and the
// registrations view, with customer ids, per node.
BOOST_FIXTURE_TEST_CASE(permissions_and_registrations, NocFixture) {
  auto permissions = noc.permissions();
  BOOST_TEST_REQUIRE(permissions[0].value.size() == 13u);
  BOOST_TEST(permissions[0].value[1].ip == "127.0.0.2");
  BOOST_TEST(permissions[0].value[1].customer_id == "cust_a");
  BOOST_TEST(permissions[1].error == "htable.stats: Connection refused");
  BOOST_TEST(rpc.calls[0].first == "htable.stats");  // the count first, then the listing
  BOOST_TEST(rpc.calls[1].first == "htable.dump");
  BOOST_TEST(rpc.calls[1].second == json::array({"mv"}));
  auto registrations = noc.registrations();
  BOOST_TEST_REQUIRE(registrations[0].value.size() == 1u);
  BOOST_TEST(registrations[0].value[0].customer_id == "cust_a");
  BOOST_TEST(registrations[0].value[0].state == "TRYING");
  BOOST_TEST(registrations[1].error.has_value());
}

// Verifies a trunk's gateway health: "active" on the node that routes it, "inactive" once the
// probes mark its destination down there, "not_loaded" where a node answers without its route,
// the error where a node does not answer; two keys read per node, no listing.
BOOST_FIXTURE_TEST_CASE(gateway_health_per_node, NocFixture) {
  auto nodes = noc.gateway_health(kTrunk);
  BOOST_TEST_REQUIRE(nodes.size() == 2u);
  BOOST_TEST(nodes[0].state == "active");
  BOOST_TEST(nodes[0].probing);
  BOOST_TEST(nodes[1].error.has_value());
  BOOST_TEST(nodes[1].state.empty());
  BOOST_TEST(!nodes[1].probing);
  std::vector<std::string> methods;
  for (const auto& [method, params] : rpc.calls) methods.push_back(method + " " + params.dump());
  BOOST_TEST((methods == std::vector<std::string>{
                             R"(htable.get ["mv","t:trunk_20261122T182939.475543228"])",
                             R"(htable.get ["mvdown","sip:127.0.0.1:47395"])",
                             R"(htable.get ["mv","t:trunk_20261122T182939.475543228"])"}));

  rpc.replies[{kUp, "htable.get mvdown sip:127.0.0.1:47395"}] = {
      {"item", {{"name", "sip:127.0.0.1:47395"}, {"value", 1}}}};
  BOOST_TEST(noc.gateway_health(kTrunk)[0].state == "inactive");
  auto other = noc.gateway_health("trunk_20991231T000000.000000000");
  BOOST_TEST(other[0].state == "not_loaded");
  BOOST_TEST(!other[0].probing);
}

// Verifies drift per node: rows the trunks call for against the node's, the reloader's last
// reload, its name and applied generation, and a restart (a new boot id) the reloader has not
// seen yet.
BOOST_FIXTURE_TEST_CASE(drift_per_node, NocFixture) {
  edge::NodeStatus status;
  status.endpoint = kUp;
  status.last_reload_unix_ns = 42;
  status.restarts_seen = 2;
  status.name = "edge-1";
  status.applied_generation = 17;
  status.boot_id = "1795500000.25-70";
  reloader.nodes.push_back(status);
  auto nodes = noc.drift();
  BOOST_TEST_REQUIRE(nodes.size() == 2u);
  const auto& up = nodes[0];
  BOOST_TEST(!up.error.has_value());
  BOOST_TEST(up.last_reload_unix_ns == 42);
  BOOST_TEST(up.restarts_seen == 2u);
  BOOST_TEST(up.name == "edge-1");
  BOOST_TEST(up.applied_generation == 17);
  BOOST_TEST(up.restarted_since_reload);
  BOOST_TEST_REQUIRE(up.tables.size() == 3u);
  // The node holds rows Redis does not have: a second trunk's route and the probe list of both
  // trunks' destinations (Redis's is empty here), the first trunk's credentials and
  // registration, five more trunks' source keys (one of them split into 8) and the prefix lengths
  // they use. The first trunk's source key, route and routes match, and so does the application
  // server.
  BOOST_TEST(!up.in_sync());
  std::map<std::string, const model::TableDrift*> tables;
  for (const auto& table : up.tables) tables[table.table] = &table;
  BOOST_TEST(tables[model::kDispatcherTable]->extra.empty());
  BOOST_TEST(tables[model::kDispatcherTable]->missing.empty());
  const auto& htable = *tables[model::kHtableTable];
  BOOST_TEST(htable.expected_rows == 3u);
  BOOST_TEST(htable.loaded_rows == 22u);
  BOOST_TEST(htable.missing.empty());
  BOOST_TEST(htable.differing.empty());
  BOOST_TEST_REQUIRE(htable.extra.size() == 19u);
  std::map<std::string, std::size_t> extra_by_trunk;
  for (const auto& row : htable.extra) ++extra_by_trunk[row.trunk_id.value_or("-")];
  BOOST_TEST(extra_by_trunk["trunk_4"] == 8u);
  BOOST_TEST(extra_by_trunk[kTrunk] == 1u);                             // its credentials
  BOOST_TEST(extra_by_trunk["trunk_20261122T182939.475543229"] == 2u);  // route, source
  BOOST_TEST(extra_by_trunk["-"] == 5u);  // "s:4", "s:6", "p:n", "p:0", "p:1"
  BOOST_TEST(tables[model::kUacregTable]->extra.size() == 1u);
  BOOST_TEST(up.drift_rows() == 20u);
  const auto& down = nodes[1];
  BOOST_TEST(down.error.has_value());
  BOOST_TEST(!down.in_sync());
  BOOST_TEST(down.tables.empty());

  reloader.nodes[0].boot_id = "1795600000.5-77";
  BOOST_TEST(!noc.drift()[0].restarted_since_reload);
}

// Verifies /metrics counts the trunks' destinations from two keys per node: the length of its
// probe list, those the probes hold down (htable.stats) as inactive; a scrape makes no JSON-RPC
// call, a node that does not answer has no series, and nothing lists a table.
BOOST_FIXTURE_TEST_CASE(metrics_count_destinations_without_a_listing, NocFixture) {
  rpc.replies[{kUp, "htable.get mv p:n"}] = {{"item", {{"name", "p:n"}, {"value", 5}}}};
  rpc.replies[{kUp, "htable.stats"}] =
      json::parse(R"([{"name":"mv","slots":4096,"all":9,"min":0,"max":2},)"
                  R"({"name":"mvdown","slots":1024,"all":2,"min":0,"max":1}])");
  auto noc_metrics = metrics::noc_service_metrics(noc);
  metrics::Registry registry;
  registry.add_source(noc_metrics);
  BOOST_TEST(registry.render().find("mv_dispatcher_destinations{") == std::string::npos);
  BOOST_TEST(rpc.calls.empty());

  noc.refresh_sample();
  std::set<std::string> methods;
  for (const auto& [method, params] : rpc.calls) methods.insert(method);
  BOOST_TEST((methods == std::set<std::string>{"htable.get", "htable.stats"}));
  auto calls = rpc.calls.size();
  auto text = registry.render();
  BOOST_TEST(rpc.calls.size() == calls);
  auto up = std::string("node=\"") + kUp + "\"";
  BOOST_TEST(
      text.find("mv_dispatcher_destinations{" + up + ",state=\"active\"} 3") != std::string::npos,
      text);
  BOOST_TEST(
      text.find("mv_dispatcher_destinations{" + up + ",state=\"inactive\"} 2") != std::string::npos,
      text);
  BOOST_TEST(text.find(kDown) == std::string::npos, text);
}

// Verifies the sampler counts at once when it starts, so /metrics has the counts without anyone
// opening the NOC.
BOOST_FIXTURE_TEST_CASE(sampler_counts_at_start, NocFixture) {
  rpc.replies[{kUp, "htable.stats"}] = json::array();
  NocSampler sampler(
      noc, std::chrono::hours(1),
      std::make_shared<spdlog::logger>("test", std::make_shared<spdlog::sinks::null_sink_mt>()));
  BOOST_TEST(test::wait_until([&] { return noc.last_sample().destinations.size() == 2u; },
                              std::chrono::seconds(10)));
}

// Verifies the whole-table views are read one at a time: while one waits on a node, any other
// waits its listing_wait and is then refused with NocBusy, and the next one after it is read.
BOOST_AUTO_TEST_CASE(whole_table_views_one_at_a_time) {
  // Answers dispatcher.list only once `release` is set; anything else as the recorded replies.
  struct HeldRpc final : test::JsonRpcOnlyNode {
    test::FakeKamailioRpc replies;
    std::mutex mutex;
    std::condition_variable changed;
    bool listing = false;
    bool release = false;
    json call(const std::string& endpoint, const std::string& method, const json& params) override {
      if (method == "dispatcher.list") {
        std::unique_lock lock(mutex);
        listing = true;
        changed.notify_all();
        changed.wait(lock, [&] { return release; });
      }
      return replies.call(endpoint, method, params);
    }
  } rpc;
  rpc.replies.replies[{kUp, "dispatcher.list"}] = json::parse(test::kDispatcherListAppServers);
  rpc.replies.replies[{kUp, "htable.dump mv"}] = json::parse(test::kHtableMv);
  test::FakeTrunkCatalog catalog;
  test::FakeEdgeStatus reloader;
  test::ManualClock clock{1'795'390'140'000'000'000};
  NocService noc{rpc, catalog, reloader, clock, {{kUp}, {}, {}, std::chrono::milliseconds(50)}};

  std::thread first([&] { noc.dispatcher(); });
  {
    std::unique_lock lock(rpc.mutex);
    rpc.changed.wait(lock, [&] { return rpc.listing; });
  }
  BOOST_CHECK_THROW(noc.permissions(), NocBusy);
  BOOST_CHECK_THROW(noc.dispatcher(), NocBusy);
  BOOST_CHECK_THROW(noc.drift(), NocBusy);
  BOOST_TEST(noc.gateway_health(kTrunk)[0].state == "active");  // two keys: never refused
  {
    std::lock_guard lock(rpc.mutex);
    rpc.release = true;
  }
  rpc.changed.notify_all();
  first.join();
  BOOST_TEST(noc.permissions()[0].value.size() == 13u);
}

// Verifies a node holding more rows than a view lists gets that as its error, counted without a
// listing (no htable.dump, no uac.reg_dump), while a node under the limit is listed; the drift
// reads no trunk from Redis when no node is listed.
BOOST_FIXTURE_TEST_CASE(a_node_with_too_many_rows_is_not_listed, NocFixture) {
  NocService limited{rpc,
                     catalog,
                     reloader,
                     clock,
                     {.endpoints = {kUp}, .app_servers = {}, .edge = {}, .max_listed_rows = 12}};
  rpc.calls.clear();
  auto permissions = limited.permissions();
  BOOST_TEST_REQUIRE(permissions[0].error.has_value());
  BOOST_TEST(permissions[0].error->starts_with("htable mv holds "));
  BOOST_TEST(permissions[0].value.empty());
  BOOST_TEST_REQUIRE(limited.dispatcher()[0].error.has_value());
  catalog.unavailable = true;  // read: the drift would throw
  auto drift = limited.drift();
  BOOST_TEST_REQUIRE(drift[0].error.has_value());
  BOOST_TEST(drift[0].error->find("more than a view lists (12, kamailio.noc_max_listed_rows)") !=
             std::string::npos);
  catalog.unavailable = false;
  for (const auto& [method, params] : rpc.calls) {
    BOOST_TEST_CONTEXT(method << " " << params.dump()) {
      BOOST_TEST((method != "htable.dump" || params.at(0) != "mv"));
      BOOST_TEST(method != "dispatcher.list");
    }
  }
  // Registrations: one record, under the limit, listed; the limit set below it refuses.
  BOOST_TEST(!limited.registrations()[0].error.has_value());
  NocService one{rpc,
                 catalog,
                 reloader,
                 clock,
                 {.endpoints = {kUp}, .app_servers = {}, .edge = {}, .max_listed_rows = 0}};
  BOOST_TEST(!one.permissions()[0].error.has_value());  // 0: no limit
  rpc.replies[{kUp, "stats.get_statistics"}] = json::array({"uac:regtotal = 13"});
  auto registrations = limited.registrations();
  BOOST_TEST_REQUIRE(registrations[0].error.has_value());
  BOOST_TEST(registrations[0].error->starts_with("uac holds 13 registrations"));
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace mv::service
