#include <boost/test/unit_test.hpp>

#include <spdlog/sinks/ostream_sink.h>

#include <sstream>

#include "api/api_service.h"
#include "api/routes.h"
#include "crypto/api_key.h"
#include "support/fake_api.h"
#include "support/kamailio_replies.h"

namespace mv::api {

BOOST_AUTO_TEST_SUITE(noc_handlers)

using json = nlohmann::json;

constexpr const char* kNode = "http://10.0.0.1:5071/RPC";
constexpr const char* kDeadNode = "http://10.0.0.2:5071/RPC";
constexpr const char* kRecordedTrunk = "trunk_20261122T182939.475543228";

// The whole API over fakes, with one answering edge node (the recorded replies) and one down;
// the recorded trunk belongs to cust_a.
struct NocApiFixture : test::FakeApiServices {
  std::ostringstream log_text;
  ApiService api{build_router(targets(), ""), keys,
                 std::make_shared<spdlog::logger>(
                     "test", std::make_shared<spdlog::sinks::ostream_sink_st>(log_text))};
  std::string admin = add_key("ops", "admin");
  std::string owner = add_key("cust_a", "customer");
  std::string stranger = add_key("cust_b", "customer");

  NocApiFixture() : FakeApiServices(1'795'390'140'000'000'000, {{kNode, kDeadNode}, {}, {}}) {
    rpc.down.insert(kDeadNode);
    rpc.replies[{kNode, "dispatcher.list"}] = json::parse(test::kDispatcherListAppServers);
    rpc.replies[{kNode, "uac.reg_dump"}] = json::parse(test::kRegDump);
    rpc.replies[{kNode, "htable.dump mv"}] = json::parse(test::kHtableMv);
    rpc.replies[{kNode, "htable.dump mvdown"}] = json::parse(test::kHtableMvdown);
    rpc.replies[{kNode, "htable.dump mvreg"}] = json::array();
    rpc.replies[{kNode, "htable.get mvnode boot"}] = {
        {"item", {{"name", "boot"}, {"value", "1795600000.5-77"}}}};
    model::Trunk trunk;
    trunk.id = kRecordedTrunk;
    trunk.customer_id = "cust_a";
    trunk.name = "carrier";
    trunk.proxy = "127.0.0.1:47395";
    trunk.username = "acct1";
    trunk.password = "s3cretPW";
    trunk.edge_set = 1001;
    trunk.edge_order = 1;
    trunk_store.trunks[trunk.id] = trunk;
    catalog.trunks.push_back(trunk);
  }

  std::string add_key(const std::string& customer, const std::string& role) {
    auto key = crypto::generate_api_key();
    keys.add({key.key_id, customer, role, key.secret_sha256_hex, 0});
    return key.token;
  }

  HttpResponse get(const std::string& path, const std::string& token) {
    HttpRequest request{"GET", path, "", {{"authorization", "Bearer " + token}}, ""};
    return api.handle(request);
  }
};

std::set<std::string> keys_of(const json& object) {
  std::set<std::string> names;
  for (const auto& item : object.items()) names.insert(item.key());
  return names;
}

// Verifies every NOC view is admin only: customer keys get 403 forbidden and no RPC is made.
BOOST_FIXTURE_TEST_CASE(customer_keys_are_forbidden, NocApiFixture) {
  for (const char* path :
       {"/v1/noc/dispatcher", "/v1/noc/permissions", "/v1/noc/registrations", "/v1/noc/drift"}) {
    BOOST_TEST_CONTEXT(path) {
      auto response = get(path, owner);
      BOOST_TEST(response.status == 403);
      BOOST_TEST(json::parse(response.body)["error"]["code"] == "forbidden");
      BOOST_TEST(get(path, admin).status == 200);
    }
  }
}

// Verifies the dispatcher body has the contract's members, one entry per node in config order,
// the dead node with its error and no sets.
BOOST_FIXTURE_TEST_CASE(dispatcher_body, NocApiFixture) {
  auto body = json::parse(get("/v1/noc/dispatcher", admin).body);
  BOOST_TEST(keys_of(body) == std::set<std::string>{"nodes"});
  BOOST_TEST_REQUIRE(body["nodes"].size() == 2u);
  auto node = body["nodes"][0];
  BOOST_TEST((keys_of(node) == std::set<std::string>{"endpoint", "error", "sets"}));
  BOOST_TEST(node["endpoint"] == kNode);
  BOOST_TEST(node["error"].is_null());
  auto set = node["sets"][1];
  BOOST_TEST((keys_of(set) == std::set<std::string>{"id", "kind", "customer_id", "destinations"}));
  BOOST_TEST(set["kind"] == "customer");
  BOOST_TEST(set["customer_id"] == "cust_a");
  auto destination = set["destinations"][0];
  BOOST_TEST((keys_of(destination) ==
              std::set<std::string>{"uri", "state", "probing", "flags", "priority", "attrs",
                                    "trunk_id", "customer_id", "gateway_name", "latency"}));
  BOOST_TEST(destination["state"] == "active");
  BOOST_TEST(destination["probing"] == true);
  BOOST_TEST(destination["trunk_id"] == kRecordedTrunk);
  BOOST_TEST(destination["latency"].is_null());  // the trunks' probes are stateless
  auto app = node["sets"][0];
  BOOST_TEST(app["kind"] == "app_servers");
  BOOST_TEST(app["customer_id"].is_null());
  BOOST_TEST(app["destinations"][0]["trunk_id"].is_null());
  BOOST_TEST(app["destinations"][0]["latency"]["timeouts"] == 17);
  BOOST_TEST(body["nodes"][1]["error"] == "htable.stats: Connection refused");
  BOOST_TEST(body["nodes"][1]["sets"] == json::array());
}

// Verifies the permissions, registrations and drift bodies' members, and that no password the
// edge reported (uac.reg_dump, htable mv: the permissions view reads the same dump) appears in
// any body or in the log.
BOOST_FIXTURE_TEST_CASE(other_bodies_without_passwords, NocApiFixture) {
  auto permissions_text = get("/v1/noc/permissions", admin).body;
  auto permissions = json::parse(permissions_text);
  BOOST_TEST(
      (keys_of(permissions["nodes"][0]["entries"][0]) ==
       std::set<std::string>{"group", "ip", "mask", "port", "tag", "trunk_id", "customer_id"}));
  BOOST_TEST(permissions["nodes"][0]["entries"].size() == 13u);
  BOOST_TEST(permissions["nodes"][0]["entries"][1]["ip"] == "127.0.0.2");
  BOOST_TEST(permissions["nodes"][0]["entries"][1]["mask"] == 32);
  BOOST_TEST(permissions["nodes"][0]["entries"][1]["trunk_id"] == kRecordedTrunk);
  auto registrations_text = get("/v1/noc/registrations", admin).body;
  auto registration = json::parse(registrations_text)["nodes"][0]["registrations"][0];
  BOOST_TEST(
      (keys_of(registration) == std::set<std::string>{"trunk_id", "customer_id", "aor", "registrar",
                                                      "state", "expires_in_s", "last_error"}));
  BOOST_TEST(registration["customer_id"] == "cust_a");
  auto drift_text = get("/v1/noc/drift", admin).body;
  auto drift = json::parse(drift_text);
  BOOST_TEST((keys_of(drift) == std::set<std::string>{"drift_rows", "nodes"}));
  auto node = drift["nodes"][0];
  BOOST_TEST(
      (keys_of(node) == std::set<std::string>{"endpoint", "name", "applied_generation", "error",
                                              "in_sync", "last_reload_at", "restarted_since_reload",
                                              "restarts_seen", "tables"}));
  BOOST_TEST((keys_of(node["tables"]) == std::set<std::string>{"dispatcher", "htable", "uacreg"}));
  BOOST_TEST(
      (keys_of(node["tables"]["uacreg"]) ==
       std::set<std::string>{"expected_rows", "loaded_rows", "missing", "extra", "differing"}));
  // The node holds the trunk's credentials and registration with other fields (realm, proxy):
  // differing, both sides masked.
  auto credentials = node["tables"]["htable"]["differing"][0];
  BOOST_TEST(credentials["trunk_id"] == kRecordedTrunk);
  BOOST_TEST(credentials["row"] == "key_name=a:trunk_20261122T182939.475543228 key_value=***");
  BOOST_TEST(credentials["loaded"] == credentials["row"]);
  BOOST_TEST(node["tables"]["uacreg"]["differing"].size() == 1u);
  BOOST_TEST(drift["drift_rows"].get<int>() > 0);
  BOOST_TEST(drift["nodes"][1]["in_sync"] == false);
  BOOST_TEST(drift["nodes"][1]["tables"] == json::object());
  for (const auto& text : {permissions_text, registrations_text, drift_text, log_text.str()}) {
    BOOST_TEST(text.find("s3cretPW") == std::string::npos, text);
  }
}

// Verifies a trunk's owner sees its health per node; another customer gets 404 as for any
// trunk route, and a malformed id is 404 too.
BOOST_FIXTURE_TEST_CASE(trunk_health_for_its_owner, NocApiFixture) {
  auto path = std::string("/v1/trunks/") + kRecordedTrunk + "/health";
  auto response = get(path, owner);
  BOOST_TEST_REQUIRE(response.status == 200, response.body);
  auto body = json::parse(response.body);
  BOOST_TEST(body["trunk_id"] == kRecordedTrunk);
  BOOST_TEST_REQUIRE(body["nodes"].size() == 2u);
  BOOST_TEST((keys_of(body["nodes"][0]) ==
              std::set<std::string>{"endpoint", "error", "state", "probing", "latency"}));
  BOOST_TEST(body["nodes"][0]["state"] == "active");
  BOOST_TEST(body["nodes"][0]["probing"] == true);
  BOOST_TEST(body["nodes"][1]["error"].is_string());
  BOOST_TEST(body["nodes"][1]["state"].is_null());

  auto foreign = get(path, stranger);
  BOOST_TEST(foreign.status == 404);
  BOOST_TEST(json::parse(foreign.body)["error"]["code"] == "not_found");
  BOOST_TEST(get("/v1/trunks/nonsense/health", owner).status == 404);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace mv::api
