#include <boost/test/unit_test.hpp>

#include <nlohmann/json.hpp>

#include "kamailio/node_record.h"
#include "kamailio/node_tables.h"
#include "model/edge_rows.h"
#include "support/fakes.h"

namespace mv::test {

BOOST_AUTO_TEST_SUITE(node_tables)

using json = nlohmann::json;

constexpr const char* kNode = "http://127.0.0.1:5071/RPC";

// dispatcher.list of two sets: the application server, and a customer's set with one destination
// probing took out and one active.
const json kDispatcherList = json::parse(R"({"NRSETS": 2, "RECORDS": [
  {"SET": {"ID": 1, "TARGETS": [{"DEST": {"URI": "sip:127.0.0.1:5080", "FLAGS": "AX"}}]}},
  {"SET": {"ID": 1001, "TARGETS": [
    {"DEST": {"URI": "sip:127.0.0.1:5091", "FLAGS": "IP"}},
    {"DEST": {"URI": "sip:127.0.0.1:5092", "FLAGS": "AP"}}]}}]})");

// Verifies the dispatcher's rows are its targets across sets, the destinations probing took out
// are the Inactive ones with their set, and an empty table (an error reply in 5.6.3) is no rows
// rather than an error.
BOOST_AUTO_TEST_CASE(dispatcher_targets_and_inactive_destinations) {
  FakeKamailioRpc rpc;
  rpc.replies[{kNode, "dispatcher.list"}] = kDispatcherList;
  BOOST_TEST(kamailio::loaded_row_count(rpc, kNode, model::kDispatcherTable) == 3u);
  auto down = kamailio::inactive_destinations(rpc, kNode);
  BOOST_TEST_REQUIRE(down.size() == 1u);
  BOOST_TEST(down[0].set_id == 1001);
  BOOST_TEST(down[0].uri == "sip:127.0.0.1:5091");

  FakeKamailioRpc empty;
  BOOST_CHECK_THROW(kamailio::dispatcher_list(empty, kNode), kamailio::RpcError);
  struct EmptyTable final : test::JsonRpcOnlyNode {
    json call(const std::string&, const std::string& method, const json&) override {
      throw kamailio::RpcError(method + ": No Destination Sets");
    }
  } no_sets;
  BOOST_TEST(kamailio::dispatcher_list(no_sets, kNode) == json::object());
  BOOST_TEST(kamailio::loaded_row_count(no_sets, kNode, model::kDispatcherTable) == 0u);
  BOOST_TEST(kamailio::inactive_destinations(no_sets, kNode).empty());
}

// Verifies a destination is taken out with dispatcher.set_state ip <set> <uri>, and one the node
// no longer has is reported, not thrown.
BOOST_AUTO_TEST_CASE(marking_a_destination_inactive) {
  FakeKamailioRpc rpc;
  rpc.replies[{kNode, "dispatcher.set_state"}] = json();
  BOOST_TEST(kamailio::mark_inactive(rpc, kNode, {1001, "sip:127.0.0.1:5091"}));
  BOOST_TEST(rpc.calls.back().second == json::parse(R"(["ip", 1001, "sip:127.0.0.1:5091"])"));
  FakeKamailioRpc gone;
  BOOST_TEST(!kamailio::mark_inactive(gone, kNode, {1001, "sip:127.0.0.1:5091"}));
}

// Verifies the whole-table reloads name the right RPC (htable mv, the dispatcher) and a table
// without one (uacreg, record by record) is refused rather than sent.
BOOST_AUTO_TEST_CASE(whole_table_reloads) {
  FakeKamailioRpc rpc;
  rpc.replies[{kNode, "htable.reload"}] = json();
  rpc.replies[{kNode, "dispatcher.reload"}] = json();
  kamailio::reload_table(rpc, kNode, model::kHtableTable);
  kamailio::reload_table(rpc, kNode, model::kDispatcherTable);
  BOOST_CHECK_THROW(kamailio::reload_table(rpc, kNode, model::kUacregTable), kamailio::RpcError);
  BOOST_TEST_REQUIRE(rpc.calls.size() == 2u);
  BOOST_TEST(rpc.calls[0].first == "htable.reload");
  BOOST_TEST(rpc.calls[0].second == json::array({"mv"}));
  BOOST_TEST(rpc.calls[1].first == "dispatcher.reload");
}

// Verifies uac's flag bits: a record holds a binding only while online, enabled and unexpired.
BOOST_AUTO_TEST_CASE(registration_bound_by_flags) {
  BOOST_TEST(kamailio::registration_bound({{"flags", 4}, {"expires", 600}}));
  BOOST_TEST(kamailio::registration_bound({{"flags", 4 | 16}, {"expires", 600}}));
  BOOST_TEST(!kamailio::registration_bound({{"flags", 4 | 1}, {"expires", 600}}));  // disabled
  BOOST_TEST(!kamailio::registration_bound({{"flags", 0}, {"expires", 600}}));      // offline
  BOOST_TEST(!kamailio::registration_bound({{"flags", 4}, {"expires", 0}}));
}

// Verifies uac's record counter is read from its statistic's text, and the records are keyed
// by l_uuid.
BOOST_AUTO_TEST_CASE(registration_count_and_records) {
  FakeKamailioRpc rpc;
  rpc.replies[{kNode, "stats.get_statistics"}] = json::array({"uac:regtotal = 1001"});
  rpc.replies[{kNode, "uac.reg_dump"}] =
      json::parse(R"([{"l_uuid": "a", "flags": 4}, {"l_uuid": "b", "flags": 0}])");
  BOOST_TEST(kamailio::registration_count(rpc, kNode) == 1001u);
  auto records = kamailio::registration_records(rpc, kNode);
  BOOST_TEST(records.size() == 2u);
  BOOST_TEST(records.at("b")["flags"] == 0);
}

// Verifies changes reach the node as kamailio.cfg's /mv/htable batches: a line per change (a
// delete, a string, an integer), key and value in hex, in order, no batch over the node's 8 KB;
// and a batch the node applied only in part is an RpcError.
BOOST_AUTO_TEST_CASE(htable_changes_go_in_batches) {
  FakeKamailioRpc node;
  std::vector<kamailio::HtableChange> changes;
  changes.push_back({"s:127.0.0.1", "t:1", "cust|a b", 0});
  changes.push_back({std::nullopt, "p:n", "7", 1});
  for (int i = 0; i < 200; ++i) {
    changes.push_back({std::nullopt, "k:" + std::to_string(i), std::string(60, 'v'), 0});
  }
  kamailio::apply_htable_changes(node, kNode, changes);
  std::string value_hex;
  for (int i = 0; i < 60; ++i) value_hex += "76";  // "v"
  BOOST_TEST_REQUIRE(node.posts.size() >= 2u);
  std::string sent;
  for (const auto& [path, body] : node.posts) {
    BOOST_TEST(path == "/mv/htable");
    BOOST_TEST(body.size() <= 8192u);
    sent += body;
  }
  BOOST_TEST(
      sent.starts_with("D 733a3132372e302e302e31\n"
                       "S 743a31 637573747c612062\n"
                       "I 703a6e 7\n"
                       "S 6b3a30 " +
                       value_hex + "\n"));
  BOOST_TEST(std::count(sent.begin(), sent.end(), '\n') == 203);
  BOOST_TEST(sent.ends_with("S 6b3a313939 " + value_hex + "\n"));

  struct AppliesOneLine final : JsonRpcOnlyNode {
    json call(const std::string&, const std::string& method, const json&) override {
      throw kamailio::RpcError(method + ": Method Not Found");
    }
    std::string post(const std::string&, const std::string&, const std::string&) override {
      return "1\n";
    }
  } partial;
  BOOST_CHECK_THROW(kamailio::apply_htable_changes(partial, kNode, changes), kamailio::RpcError);
}

// Verifies a slice of the change log is applied with one change per key, its last: a key set
// twice is set once to its last value, a key set then deleted is only deleted, a key deleted then
// set is only set, and the keys keep the order of their last changes.
BOOST_AUTO_TEST_CASE(htable_changes_coalesce_to_each_keys_last) {
  auto set = [](std::string key, std::string value, int type = 0) {
    kamailio::HtableChange change;
    change.key = std::move(key);
    change.value = std::move(value);
    change.value_type = type;
    return change;
  };
  auto del = [](std::string key) {
    kamailio::HtableChange change;
    change.deleted_key = std::move(key);
    return change;
  };
  auto rename = set("s:10.0.0.2", "t2");
  rename.deleted_key = "s:10.0.0.1";
  std::vector<kamailio::HtableChange> changes{
      set("p:n", "1", 1), set("p:1", "sip:a"), set("s:10.0.0.1", "t1"),
      set("p:n", "2", 1), del("p:1"),          set("x", "old"),
      del("x"),           set("x", "new"),     rename,
      set("p:n", "3", 1)};
  auto coalesced = kamailio::coalesce_htable_changes(changes);

  std::vector<std::string> applied;
  for (const auto& change : coalesced) {
    if (change.deleted_key) applied.push_back("del " + *change.deleted_key);
    if (change.key) {
      applied.push_back("set " + *change.key + "=" + change.value + "/" +
                        std::to_string(change.value_type));
    }
  }
  std::vector<std::string> expected{"del p:1", "set x=new/0", "del s:10.0.0.1",
                                    "set s:10.0.0.2=t2/0", "set p:n=3/1"};
  BOOST_TEST(applied == expected, boost::test_tools::per_element());
  BOOST_TEST(kamailio::coalesce_htable_changes({}).empty());
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace mv::test
