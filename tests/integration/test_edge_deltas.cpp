#include <boost/test/unit_test.hpp>

#include <nlohmann/json.hpp>

#include <atomic>
#include <thread>

#include "edge/edge_ledger.h"
#include "edge/edge_reloader.h"
#include "edge/node_verifier.h"
#include "kamailio/node_record.h"
#include "metrics/edge_metrics.h"
#include "metrics/registry.h"
#include "model/edge_rows.h"
#include "model/trunk.h"
#include "store/redis_client.h"
#include "store/redis_trunk_store.h"
#include "support/instrumented_rpc.h"
#include "support/printers.h"
#include "support/sip_edge.h"
#include "support/stack.h"

namespace mv::test {

BOOST_AUTO_TEST_SUITE(edge_deltas)

using json = nlohmann::json;
using namespace std::chrono_literals;

// One node, the trunk store and in-process reloaders (one per daemon replica) on one Redis: what
// each change costs the node, RPC by RPC.
struct DeltaFixture {
  RedisServer redis;
  KamailioEdge node{redis};
  store::RedisPool daemon_db{redis.daemon_endpoint(0), 4};
  store::RedisPool kamailio_db{redis.daemon_endpoint(1), 2};
  store::RedisTrunkStore store{daemon_db, 1};
  metrics::Registry registry;
  metrics::EdgeReloadMetrics reload_metrics{registry};
  model::AuditEntry written{"test", "", "c", "key_test", 0, {}};
  std::atomic<std::int64_t> next_ns = 1'780'056'000'000'000'000;

  std::unique_ptr<edge::EdgeReloader> reloader(kamailio::KamailioRpc& rpc,
                                               edge::EdgeReloader::Timing timing = {}) {
    return std::make_unique<edge::EdgeReloader>(rpc, daemon_db, kamailio_db,
                                                std::vector<std::string>{node.rpc_url()}, timing,
                                                reload_metrics, quiet_log(), 1);
  }

  model::Trunk trunk(const std::string& inbound) {
    model::Trunk t;
    t.created_ns = t.updated_ns = ++next_ns;
    t.id = model::format_trunk_id(t.created_ns);
    t.customer_id = "cust_delta";
    t.name = "n";
    t.proxy = "127.0.0.1:9";
    t.inbound_ip = inbound;
    return t;
  }

  // The node's value of htable mv `key`, or null when it has none.
  json node_value(const std::string& key) const {
    auto reply = node.rpc("htable.get", json::array({"mv", key}));
    return reply.contains("item") ? reply["item"].value("value", json()) : json();
  }

  std::int64_t redis_htable_version() {
    auto reply = daemon_db.command({"HGET", "mv:edge:table_versions", "htable"});
    return reply.is_nil() ? 0 : std::stoll(reply.text);
  }

  json node_htable_version() const {
    auto reply = node.rpc("htable.get", json::array({"mvnode", "mv_version"}));
    return reply.contains("item") ? reply["item"].value("value", json()) : json();
  }

  bool node_has_every_change() { return node_htable_version() == json(redis_htable_version()); }
};

// Verifies a trunk's create, inbound change and delete reach the node key by key from the change
// log (no htable.reload), that the prefix lengths in use follow, and that the node records the
// table version it has.
BOOST_FIXTURE_TEST_CASE(changes_reach_the_node_key_by_key, DeltaFixture) {
  InstrumentedRpc rpc(node);
  auto edge = reloader(rpc);
  BOOST_TEST_REQUIRE(wait_until([&] { return edge->status()[0].in_sync(); }, 20s));
  // Another source network, so the prefix list has two lengths at one point.
  auto other = trunk("127.9.0.0/16");
  BOOST_TEST_REQUIRE(store.create(other, written, nullptr) == store::WriteResult::ok);
  edge->trunks_changed();
  BOOST_TEST_REQUIRE(wait_until([&] { return node_has_every_change(); }, 10s));
  rpc.take_calls();

  auto t = trunk("127.0.0.9");
  BOOST_TEST_REQUIRE(store.create(t, written, nullptr) == store::WriteResult::ok);
  edge->trunks_changed();
  BOOST_TEST_REQUIRE(
      wait_until([&] { return node_value("s:127.0.0.9") == t.id + ",cust_delta"; }, 10s));

  auto before = t;
  t.inbound_ip = "127.8.0.0/24";
  t.updated_ns = ++next_ns;
  BOOST_TEST_REQUIRE(store.update(before, t, written) == store::WriteResult::ok);
  edge->trunks_changed();
  BOOST_TEST_REQUIRE(wait_until([&] { return node_value("s:127.8.0.0/24").is_string(); }, 10s));
  BOOST_TEST(node_value("s:127.0.0.9").is_null());
  BOOST_TEST(node_value("s:4") == "24|16");

  BOOST_TEST_REQUIRE(store.remove(t, written) == store::WriteResult::ok);
  edge->trunks_changed();
  BOOST_TEST_REQUIRE(wait_until([&] { return node_value("s:127.8.0.0/24").is_null(); }, 10s));
  BOOST_TEST_REQUIRE(wait_until([&] { return node_has_every_change(); }, 10s));
  BOOST_TEST(node_value("s:4") == "16");

  auto calls = rpc.take_calls();
  BOOST_TEST(calls["htable.reload"] == 0);
  BOOST_TEST(calls["htable.sets"] >= 3);
  BOOST_TEST(calls["htable.delete"] >= 2);
}

// Verifies a dispatcher reload (the application servers changed) does not hold a routing change
// back: with the node's dispatcher.reload held unanswered, a new trunk's source address reaches
// the node and the node's applied generation covers the write; once the reload answers, the
// dispatcher is in step too, with the new application server.
BOOST_FIXTURE_TEST_CASE(a_slow_dispatcher_reload_does_not_hold_back_routing, DeltaFixture) {
  InstrumentedRpc rpc(node);
  edge::EdgeReloader::Timing timing;
  timing.health_reload_every = 100ms;
  auto edge = reloader(rpc, timing);
  BOOST_TEST_REQUIRE(wait_until([&] { return edge->status()[0].in_sync(); }, 20s));
  rpc.hold("dispatcher.reload");
  store.set_app_servers({"sip:127.0.0.1:5081"});

  auto t = trunk("127.0.0.11");
  BOOST_TEST_REQUIRE(store.create(t, written, nullptr) == store::WriteResult::ok);
  auto generation = std::stoll(daemon_db.command({"GET", "mv:edge:generation"}).text);
  edge->trunks_changed();
  BOOST_TEST_REQUIRE(wait_until([&] { return rpc.waiting("dispatcher.reload") == 1; }, 10s));
  BOOST_TEST(wait_until([&] { return node_value("s:127.0.0.11").is_string(); }, 5s));
  BOOST_TEST(wait_until(
      [&] { return kamailio::node_applied_generation(rpc, node.rpc_url()) >= generation; }, 5s));
  BOOST_TEST(rpc.waiting("dispatcher.reload") == 1);

  rpc.release();
  BOOST_TEST(wait_until(
      [&] {
        auto status = edge->status()[0];
        return status.in_sync() &&
               status.tables[1].loaded_version ==
                   std::stoll(
                       daemon_db.command({"HGET", "mv:edge:table_versions", "dispatcher"}).text);
      },
      20s));
  BOOST_TEST(node.rpc("dispatcher.list").dump().find("sip:127.0.0.1:5081") != std::string::npos);
}

// Verifies the node's recorded version decides: a node without one (an operator's resync, or a
// start) gets the whole table reloaded once, then key by key again.
BOOST_FIXTURE_TEST_CASE(a_node_without_its_version_reloads_the_table, DeltaFixture) {
  InstrumentedRpc rpc(node);
  auto edge = reloader(rpc);
  BOOST_TEST_REQUIRE(wait_until([&] { return edge->status()[0].in_sync(); }, 20s));
  rpc.take_calls();  // the first round's, which reloaded too (a node that just started)
  BOOST_TEST_REQUIRE(edge->resync("edge-1"));
  BOOST_TEST_REQUIRE(wait_until([&] { return rpc.take_calls()["htable.reload"] == 1; }, 10s));
  BOOST_TEST_REQUIRE(wait_until([&] { return node_has_every_change(); }, 10s));

  auto t = trunk("127.0.0.10");
  BOOST_TEST_REQUIRE(store.create(t, written, nullptr) == store::WriteResult::ok);
  edge->trunks_changed();
  BOOST_TEST_REQUIRE(wait_until([&] { return node_value("s:127.0.0.10").is_string(); }, 10s));
  BOOST_TEST(rpc.take_calls()["htable.reload"] == 0);
}

// Verifies a node that restarts is brought in step by the change log, not by a whole reload: it
// loaded htable mv itself at its start, and the reloader replays the changes from a version it
// noted before that start. A trunk written while the node was down and one written after it
// answers both reach it; the counts agree. A reloader that noted nothing that old (it started
// after the node) reloads the table instead.
BOOST_FIXTURE_TEST_CASE(a_restarted_node_replays_the_log_from_before_its_start, DeltaFixture) {
  InstrumentedRpc rpc(node);
  edge::EdgeReloader::Timing timing;
  timing.verify_every = 200ms;
  timing.start_up_margin = 1s;
  auto edge = reloader(rpc, timing);
  BOOST_TEST_REQUIRE(wait_until([&] { return edge->status()[0].in_sync(); }, 20s));
  // Versions noted more than the margin before the restart.
  std::this_thread::sleep_for(2500ms);
  rpc.take_calls();

  node.stop();
  auto while_down = trunk("127.0.0.21");
  BOOST_TEST_REQUIRE(store.create(while_down, written, nullptr) == store::WriteResult::ok);
  edge->trunks_changed();
  node.start();
  BOOST_TEST_REQUIRE(wait_until(
      [&] {
        auto status = edge->status()[0];
        return status.restarts_seen == 1 && status.in_sync();
      },
      20s));
  auto after = trunk("127.0.0.22");
  BOOST_TEST_REQUIRE(store.create(after, written, nullptr) == store::WriteResult::ok);
  edge->trunks_changed();
  BOOST_TEST(wait_until([&] { return node_value("s:127.0.0.22").is_string(); }, 10s));
  BOOST_TEST(node_value("s:127.0.0.21").is_string());
  BOOST_TEST(wait_until([&] { return node_has_every_change(); }, 10s));
  BOOST_TEST(rpc.take_calls()["htable.reload"] == 0);

  // A second reloader, as a daemon that started shortly before the node's next restart: it has
  // no version noted a whole margin (30 s here) before it, and the node reloads the table.
  edge.reset();
  timing.start_up_margin = 30s;
  auto late = reloader(rpc, timing);
  BOOST_TEST_REQUIRE(wait_until([&] { return late->status()[0].in_sync(); }, 20s));
  rpc.take_calls();
  node.restart();
  BOOST_TEST(wait_until([&] { return rpc.take_calls()["htable.reload"] == 1; }, 20s));
}

// Verifies a node far behind (more than max_htable_changes) while writes keep coming (a bulk
// import) is caught up by a whole reload paced after the previous one (reload_pause_factor), not
// by one reload per round: with a pause far longer than the test, 3 s of streaming writes get at
// most the first round's reload and the last writes stay off the node; once the writes stop, the
// last reload goes at once.
BOOST_FIXTURE_TEST_CASE(catching_up_reloads_are_paced_while_writes_stream, DeltaFixture) {
  InstrumentedRpc rpc(node);
  edge::EdgeReloader::Timing timing;
  timing.max_htable_changes = 3;
  timing.max_htable_changes_per_key = 0;
  timing.reload_pause_factor = 1e6;  // the first round's reload (a millisecond or more) -> >15 min
  auto edge = reloader(rpc, timing);
  BOOST_TEST_REQUIRE(wait_until([&] { return edge->status()[0].in_sync(); }, 20s));
  BOOST_TEST_REQUIRE(wait_until([&] { return rpc.take_calls()["htable.reload"] == 0; }, 5s));

  int written_trunks = 0;
  auto write_for = [&](std::chrono::milliseconds how_long) {
    auto until = std::chrono::steady_clock::now() + how_long;
    while (std::chrono::steady_clock::now() < until) {
      auto t = trunk("127.0.1." + std::to_string(++written_trunks));
      BOOST_TEST_REQUIRE(store.create(t, written, nullptr) == store::WriteResult::ok);
      edge->trunks_changed();
      std::this_thread::sleep_for(50ms);
    }
  };
  write_for(3s);
  // The first round that finds the node behind reloads (no reload before it to pace it by);
  // without the pause, every round would (one a second at least).
  BOOST_TEST(rpc.take_calls()["htable.reload"] <= 1);
  auto last = "s:127.0.1." + std::to_string(written_trunks);
  BOOST_TEST(node_value(last).is_null());
  BOOST_TEST(!node_has_every_change());

  BOOST_TEST(wait_until([&] { return node_has_every_change(); }, 10s));
  BOOST_TEST(node_value(last).is_string());
  BOOST_TEST(rpc.take_calls()["htable.reload"] == 1);
}

// Verifies a stream of writes does not have the node count htable mv every round (htable.stats
// walks every slot of every table): with count_every of an hour, 40 writes streamed one by one
// reach the node in many rounds and no count, and the node reads in sync; with count_every 0
// (a count every round) the same stream has as many counts as rounds.
BOOST_FIXTURE_TEST_CASE(a_stream_of_writes_is_not_counted_every_round, DeltaFixture) {
  InstrumentedRpc rpc(node);
  int next_network = 0;
  auto stream = [&](edge::EdgeReloader& edge) {
    for (int i = 0; i < 40; ++i) {
      auto t = trunk("127.31." + std::to_string(next_network++) + ".1");
      BOOST_TEST_REQUIRE(store.create(t, written, nullptr) == store::WriteResult::ok);
      edge.trunks_changed();
      std::this_thread::sleep_for(30ms);  // about a round per write (settle: 10 ms)
    }
    BOOST_TEST_REQUIRE(wait_until([&] { return node_has_every_change(); }, 10s));
    BOOST_TEST_REQUIRE(wait_until([&] { return edge.status()[0].in_sync(); }, 10s));
    return rpc.take_calls();
  };
  edge::EdgeReloader::Timing timing;
  timing.count_every = 1h;
  auto edge = reloader(rpc, timing);
  BOOST_TEST_REQUIRE(wait_until([&] { return edge->status()[0].in_sync(); }, 20s));
  rpc.take_calls();
  auto paced = stream(*edge);
  BOOST_TEST(paced["POST /mv/htable"] >= 10);
  BOOST_TEST(paced["htable.stats"] == 0);
  edge.reset();

  timing.count_every = 0ms;
  auto every_round = reloader(rpc, timing);
  BOOST_TEST_REQUIRE(wait_until([&] { return every_round->status()[0].in_sync(); }, 20s));
  rpc.take_calls();
  auto counted = stream(*every_round);
  BOOST_TEST(counted["htable.stats"] >= counted["POST /mv/htable"]);
}

// Verifies the audit's count comparison proves drift only at the version the node has: counted
// after a write the node has not had yet (a bulk import's audits), the counts differ and the
// table is not taken for drifted; at that version, a node without the write has drifted.
BOOST_FIXTURE_TEST_CASE(counts_prove_drift_only_at_the_version_the_node_has, DeltaFixture) {
  InstrumentedRpc rpc(node);
  {
    auto edge = reloader(rpc);
    auto first = trunk("127.0.3.1");
    BOOST_TEST_REQUIRE(store.create(first, written, nullptr) == store::WriteResult::ok);
    edge->trunks_changed();
    BOOST_TEST_REQUIRE(wait_until([&] { return node_has_every_change(); }, 20s));
  }
  auto log = quiet_log();
  edge::EdgeLedger ledger(daemon_db, kamailio_db, 0, 200ms, {node.rpc_url()}, *log);
  edge::NodeVerifier verifier(rpc, ledger, *log);
  edge::TableStatus table;
  table.table = model::kHtableTable;
  table.loaded_version = redis_htable_version();
  BOOST_TEST(verifier.counts_match(node.rpc_url(), table));

  auto second = trunk("127.0.3.2");
  BOOST_TEST_REQUIRE(store.create(second, written, nullptr) == store::WriteResult::ok);
  BOOST_TEST(verifier.counts_match(node.rpc_url(), table));
  BOOST_TEST(table.loaded_rows != table.expected_rows);

  table.loaded_version = redis_htable_version();
  BOOST_TEST(!verifier.counts_match(node.rpc_url(), table));
}

// Verifies two daemon replicas racing over one node apply every change once and in order (the
// log and the node's recorded version decide, under the node's lock), and the node ends with
// exactly the keys Redis holds.
BOOST_FIXTURE_TEST_CASE(two_replicas_apply_each_change_once_in_order, DeltaFixture) {
  InstrumentedRpc shared_rpc(node);
  auto first = reloader(shared_rpc);
  auto second = reloader(shared_rpc);
  BOOST_TEST_REQUIRE(wait_until(
      [&] { return first->status()[0].in_sync() && second->status()[0].in_sync(); }, 20s));
  BOOST_TEST_REQUIRE(wait_until([&] { return node_has_every_change(); }, 10s));
  auto start_version = redis_htable_version();
  shared_rpc.take_log();

  // Two writers, each waking its own replica after every write.
  auto write = [&](edge::EdgeReloader& edge, int base) {
    for (int i = 0; i < 40; ++i) {
      auto t = trunk("127.30." + std::to_string(base + i) + ".0/24");
      BOOST_TEST(store.create(t, written, nullptr) == store::WriteResult::ok);
      edge.trunks_changed();
    }
  };
  std::thread one(write, std::ref(*first), 0);
  std::thread two(write, std::ref(*second), 100);
  one.join();
  two.join();
  auto end_version = redis_htable_version();
  BOOST_TEST_REQUIRE(wait_until([&] { return node_has_every_change(); }, 20s));

  std::vector<std::int64_t> recorded;
  int key_changes = 0;
  for (const auto& [method, params] : shared_rpc.take_log()) {
    if (method == "htable.reload") BOOST_ERROR("the table was reloaded");
    if (method == "htable.seti" && params[0] == "mvnode" && params[1] == "mv_version") {
      recorded.push_back(params[2].get<std::int64_t>());
    }
    if ((method == "htable.sets" || method == "htable.seti" || method == "htable.delete") &&
        params[0] == "mv") {
      ++key_changes;
    }
  }
  BOOST_TEST_REQUIRE(!recorded.empty());
  for (std::size_t i = 1; i < recorded.size(); ++i) {
    BOOST_TEST(recorded[i] > recorded[i - 1],
               "version " << recorded[i] << " after " << recorded[i - 1]);
  }
  BOOST_TEST(recorded.back() == end_version);
  // At most one key change per log entry (a slice sets a key written twice in it once): a
  // change applied twice would show as a version recorded twice above.
  BOOST_TEST(key_changes <= end_version - start_version);
  BOOST_TEST(key_changes >= 80);  // the 80 trunks' source keys at least
  for (int i = 0; i < 40; ++i) {
    for (int base : {0, 100}) {
      auto key = "s:127.30." + std::to_string(base + i) + ".0/24";
      BOOST_TEST(node_value(key).is_string(), key);
    }
  }
}

// Verifies the rounds at rest compare a bounded slice of htable keys with Redis (at most
// audit_keys_per_round htable.get per round) and set again a key changed or deleted on the node
// behind the daemon's back, within (keys / slice) rounds.
BOOST_FIXTURE_TEST_CASE(audit_repairs_keys_a_slice_per_round, DeltaFixture) {
  edge::EdgeReloader::Timing timing;
  timing.verify_every = 200ms;
  timing.audit_keys_per_round = 5;
  InstrumentedRpc rpc(node);
  // More rows than Redis keeps in a compact hash (128), so HSCAN's COUNT is only a hint.
  for (int i = 0; i < 150; ++i) {
    auto t = trunk("127.41." + std::to_string(i / 250) + "." + std::to_string(i % 250 + 1));
    BOOST_TEST_REQUIRE(store.create(t, written, nullptr) == store::WriteResult::ok);
  }
  auto edge = reloader(rpc, timing);
  BOOST_TEST_REQUIRE(wait_until([&] { return edge->status()[0].in_sync(); }, 20s));
  auto changed = node_value("s:127.41.0.7");
  BOOST_TEST_REQUIRE(changed.is_string());
  auto deleted = node_value("s:127.41.0.9");
  rpc.take_log();
  rpc.take_calls();
  node.rpc("htable.sets", json::array({"mv", "s:127.41.0.7", "trunk_evil,cust_evil"}));
  node.rpc("htable.delete", json::array({"mv", "s:127.41.0.9"}));

  // 151 rows (150 sources, the customer's set) at 5 per round of 200 ms: a pass in 31 rounds.
  BOOST_TEST(wait_until(
      [&] {
        return node_value("s:127.41.0.7") == changed && node_value("s:127.41.0.9") == deleted;
      },
      20s));
  std::this_thread::sleep_for(2s);
  // Rounds are told apart by their boot id read (htable.get mvnode boot).
  int rounds = 0, in_round = 0, most = 0;
  for (const auto& [method, params] : rpc.take_log()) {
    if (method != "htable.get") continue;
    if (params[0] == "mvnode") {
      ++rounds;
      in_round = 0;
    } else if (params[0] == "mv") {
      most = std::max(most, ++in_round);
    }
  }
  BOOST_TEST(rounds >= 5);
  BOOST_TEST(most == 5);
  BOOST_TEST(rpc.take_calls()["htable.reload"] == 0);
}

// Verifies a reply of a shape the daemon does not expect during the htable audit (htable.get of
// an mv key answering a bare string) is logged, not thrown out of the node's thread (which would
// end the daemon): the rounds go on, and a change made afterwards still reaches the node.
BOOST_FIXTURE_TEST_CASE(an_odd_reply_to_the_audit_does_not_end_the_round_thread, DeltaFixture) {
  edge::EdgeReloader::Timing timing;
  timing.verify_every = 200ms;
  timing.audit_keys_per_round = 5;
  InstrumentedRpc rpc(node);
  auto first = trunk("127.42.0.1");
  BOOST_TEST_REQUIRE(store.create(first, written, nullptr) == store::WriteResult::ok);
  auto edge = reloader(rpc, timing);
  BOOST_TEST_REQUIRE(wait_until([&] { return edge->status()[0].in_sync(); }, 20s));
  rpc.answer("htable.get", "mv", "not an object");
  rpc.take_log();
  int odd_replies = 0;  // audit reads answered oddly, in as many rounds
  BOOST_TEST_REQUIRE(wait_until(
      [&] {
        for (const auto& [method, params] : rpc.take_log()) {
          odd_replies += method == "htable.get" && params[0] == "mv";
        }
        return odd_replies >= 3;
      },
      10s));
  rpc.answer("htable.get", "mv", nullptr);

  auto second = trunk("127.42.0.2");
  BOOST_TEST_REQUIRE(store.create(second, written, nullptr) == store::WriteResult::ok);
  edge->trunks_changed();
  BOOST_TEST(wait_until([&] { return node_value("s:127.42.0.2").is_string(); }, 10s));
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace mv::test
