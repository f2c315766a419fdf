#include <boost/test/unit_test.hpp>

#include <nlohmann/json.hpp>

#include "support/browser.h"
#include "support/edge_fixture.h"
#include "support/raw_sip.h"

namespace mv::test {

BOOST_AUTO_TEST_SUITE(noc)

using namespace std::chrono_literals;

// The edge fixture with the NOC views at hand. Kamailio probes destinations every
// `ping_interval_s`; sipp carriers answer every OPTIONS.
struct NocFixture : EdgeFixture {
  // Without probes by default: a sipp registrar at a trunk's proxy must see only REGISTERs. The
  // audit runs every 2 s (keys changed behind the daemon's back are found that soon), the counts
  // /metrics shows every second.
  explicit NocFixture(int ping_interval_s = 3600, const std::string& more_kamailio_yaml = "")
      : EdgeFixture(ping_interval_s, "always",
                    "  audit_interval_s: 2\n  noc_metrics_refresh_s: 1\n" + more_kamailio_yaml) {}

  static Sipp carrier(int port) {
    return Sipp::uas("uas-carrier-answers-options.xml", port, {{"__FROM_HOST_REGEX__", "."}},
                     1'000'000);
  }

  json trunk_at(int port, const std::string& gateway_name, const std::string& extra = "") {
    return create(R"({"name":"carrier","proxy":"127.0.0.1:)" + std::to_string(port) +
                  R"(","gateway_name":")" + gateway_name + "\"" + extra + "}");
  }

  json noc(const std::string& view) {
    auto result = daemon.call("GET", "/v1/noc/" + view, admin_key);
    BOOST_TEST_REQUIRE(result.status == 200, view << ": " << result.body);
    return json::parse(result.body);
  }

  // The trunk's destination in the dispatcher view of the (only) node, or null.
  json destination(const json& trunk) {
    auto view = noc("dispatcher");
    for (const auto& set : view["nodes"][0]["sets"]) {
      for (const auto& item : set["destinations"]) {
        if (item["trunk_id"] == trunk["id"]) return item;
      }
    }
    return nullptr;
  }

  std::string daemon_url() const { return "http://127.0.0.1:" + std::to_string(daemon.port()); }

  // The operator's CLI: the table `mvctl dispatcher` prints.
  std::string mvctl_dispatcher() {
    return run_and_capture(
        {MV_MVCTL_BINARY, "--url", daemon_url(), "--key", admin_key, "dispatcher"});
  }

  // The row of the NOC page's destination table for `trunk`, as headless Chromium rendered it
  // (empty when the page shows none).
  std::string page_row(const json& trunk) {
    auto dom = chromium_dom(daemon_url() + "/noc/#key=" + admin_key);
    auto at = dom.find("data-trunk-id=\"" + trunk["id"].get<std::string>() + "\"");
    return at == std::string::npos ? "" : dom.substr(at, dom.find("</tr>", at) - at);
  }

  // The CLI line for `trunk`'s gateway (empty when there is none).
  std::string cli_line(const json& trunk) {
    auto table = mvctl_dispatcher();
    auto at = table.find(trunk["id"].get<std::string>());
    if (at == std::string::npos) return "";
    auto start = table.rfind('\n', at) + 1;
    return table.substr(start, table.find('\n', at) - start);
  }

  // Waits until the drift view shows no drift (the dispatcher follows a change within 5 s);
  // `drift` is the view as last read.
  bool drift_clears(json& drift) {
    return wait_until(
        [&] {
          drift = noc("drift");
          return drift["drift_rows"] == 0;
        },
        20s);
  }

  std::string metrics() { return daemon.call("GET", "/metrics", "").body; }

  // mv_dispatcher_destinations{state="inactive"} of the node (-1 when /metrics lacks it): the
  // trunks' destinations the probes hold down.
  int inactive_destinations() {
    auto series =
        "mv_dispatcher_destinations{node=\"" + kamailio.rpc_url() + "\",state=\"inactive\"} ";
    auto text = metrics();
    auto at = text.find(series);
    return at == std::string::npos ? -1 : std::stoi(text.substr(at + series.size()));
  }

  int inactive_in_view() {
    int inactive = 0;
    auto view = noc("dispatcher");
    for (const auto& set : view["nodes"][0]["sets"]) {
      if (set["kind"] != "customer") continue;  // the application servers' are the dispatcher's
      for (const auto& item : set["destinations"]) inactive += item["state"] == "inactive";
    }
    return inactive;
  }

  std::string health_state(const json& trunk) {
    auto path = "/v1/trunks/" + trunk["id"].get<std::string>() + "/health";
    auto result = daemon.call("GET", path, key);
    if (result.status != 200) return "HTTP " + std::to_string(result.status);
    return json::parse(result.body)["nodes"][0]["state"].get<std::string>();
  }

  // Waits until both the NOC view and the owner's health view show `state`.
  bool shows(const json& trunk, const std::string& state, std::chrono::milliseconds limit = 20s) {
    bool seen = wait_until(
        [&] {
          auto item = destination(trunk);
          return !item.is_null() && item["state"] == state && health_state(trunk) == state;
        },
        limit);
    if (!seen) BOOST_TEST_MESSAGE("destination now: " << destination(trunk).dump());
    return seen;
  }
};

// Probes every second: two lost probes take a destination out.
struct ProbingFixture : NocFixture {
  ProbingFixture() : NocFixture(1) {}
};

// Verifies the dispatcher view shows both trunks' gateways with their ids and gateway names;
// a carrier that stops answering turns inactive there and in its owner's health view, and
// active again once it answers, while the other stays active.
BOOST_FIXTURE_TEST_CASE(dispatcher_follows_probes, ProbingFixture) {
  int first_port = reserve_port(), second_port = reserve_port();
  auto first_carrier = carrier(first_port);
  auto second_carrier = carrier(second_port);
  auto first = trunk_at(first_port, "gw-one");
  auto second = trunk_at(second_port, "gw-two");
  BOOST_TEST_REQUIRE(shows(first, "active"));
  BOOST_TEST_REQUIRE(shows(second, "active"));

  auto node = noc("dispatcher")["nodes"][0];
  BOOST_TEST(node["endpoint"] == kamailio.rpc_url());
  BOOST_TEST(node["error"].is_null());
  BOOST_TEST_REQUIRE(node["sets"].size() == 2u);
  BOOST_TEST(node["sets"][0]["kind"] == "app_servers");
  auto customer_set = node["sets"][1];
  BOOST_TEST(customer_set["kind"] == "customer");
  BOOST_TEST(customer_set["customer_id"] == "cust_edge");
  BOOST_TEST_REQUIRE(customer_set["destinations"].size() == 2u);
  auto item = destination(first);
  BOOST_TEST(item["uri"] == "sip:127.0.0.1:" + std::to_string(first_port));
  BOOST_TEST(item["customer_id"] == "cust_edge");
  BOOST_TEST(item["gateway_name"] == "gw-one");
  BOOST_TEST(item["probing"] == true);
  BOOST_TEST(item["latency"].is_null());  // stateless probes measure none
  BOOST_TEST(destination(second)["gateway_name"] == "gw-two");

  BOOST_TEST(cli_line(first).find(" active ") != std::string::npos, mvctl_dispatcher());
  BOOST_TEST(page_row(first).find("data-state=\"active\"") != std::string::npos);
  BOOST_TEST(page_row(first).find("gw-one") != std::string::npos);
  chromium_screenshot(daemon_url() + "/noc/#key=" + admin_key,
                      test_artifacts_dir() + "/noc-page-both-active.png");

  first_carrier.finish(0ms);  // the carrier is gone
  BOOST_TEST_REQUIRE(shows(first, "inactive", 30s));
  BOOST_TEST(destination(second)["state"] == "active");
  // The CLI, the page and the metrics show it too.
  BOOST_TEST(cli_line(first).find(" inactive ") != std::string::npos, mvctl_dispatcher());
  BOOST_TEST(cli_line(second).find(" active ") != std::string::npos, mvctl_dispatcher());
  auto row = page_row(first);
  BOOST_TEST(row.find("data-state=\"inactive\"") != std::string::npos, row);
  BOOST_TEST(row.find(">inactive<") != std::string::npos, row);
  chromium_screenshot(daemon_url() + "/noc/#key=" + admin_key,
                      test_artifacts_dir() + "/noc-page-one-inactive.png");
  // The metric counts what the dispatcher view shows (the first trunk among them), from the
  // probes' down marks.
  BOOST_TEST(wait_until([&] { return inactive_destinations() == inactive_in_view(); }, 10s));

  auto back = carrier(first_port);
  BOOST_TEST(shows(first, "active", 30s));
  BOOST_TEST(destination(second)["state"] == "active");
  BOOST_TEST(cli_line(first).find(" active ") != std::string::npos, mvctl_dispatcher());
  BOOST_TEST(page_row(first).find("data-state=\"active\"") != std::string::npos);
}

// One header line of a SIP message ("Call-ID: x\r\n" -> "Call-ID: x"), "" when it has none.
std::string header_line(const std::string& message, const std::string& name) {
  auto at = message.find("\r\n" + name + ":");
  if (at == std::string::npos) return "";
  at += 2;
  return message.substr(at, message.find("\r\n", at) - at);
}

// Verifies only an answer to the node's own probe brings a destination back: two silent carriers
// get stateless OPTIONS (Call-ID "mvp-...") and are taken out; a 200 that names the other
// destination in To, or alters the Call-ID's signature, leaves the mark; the probe's own headers
// answered with 200 clear it (from any source: the signature is the proof).
BOOST_FIXTURE_TEST_CASE(only_the_probed_destination_clears_its_mark, ProbingFixture) {
  int first_port = reserve_port(), second_port = reserve_port();
  UdpRecorder first_carrier(first_port), second_carrier(second_port);
  auto first = trunk_at(first_port, "gw-silent-1");
  trunk_at(second_port, "gw-silent-2");
  auto first_uri = "sip:127.0.0.1:" + std::to_string(first_port);
  auto second_uri = "sip:127.0.0.1:" + std::to_string(second_port);
  auto marked_down = [&](const std::string& uri) {
    return !kamailio.rpc("htable.get", json::array({"mvdown", uri}))["item"]["value"].is_null();
  };
  BOOST_TEST_REQUIRE(
      wait_until([&] { return marked_down(first_uri) && marked_down(second_uri); }, 20s));
  BOOST_TEST(health_state(first) == "inactive");
  auto probes = first_carrier.datagrams();
  BOOST_TEST_REQUIRE(!probes.empty());
  const auto probe = probes.back();
  BOOST_TEST(probe.starts_with("OPTIONS " + first_uri + " SIP/2.0\r\n"), probe);
  auto call_id = header_line(probe, "Call-ID");
  BOOST_TEST_REQUIRE(call_id.starts_with("Call-ID: mvp-"), probe);

  auto answer = [&](const std::string& to, const std::string& with_call_id) {
    RawSipSocket socket(SipTransport::udp, "127.0.0.1");
    socket.send("SIP/2.0 200 OK\r\n" + header_line(probe, "Via") + "\r\n" +
                    header_line(probe, "From") + "\r\n" + to + ";tag=carrier\r\n" + with_call_id +
                    "\r\n" + header_line(probe, "CSeq") + "\r\nContent-Length: 0\r\n\r\n",
                kamailio.sip_port());
    // The next probe goes out within a second; the mark is read before it could matter.
    std::this_thread::sleep_for(200ms);
  };
  answer("To: <" + second_uri + ">", call_id);
  BOOST_TEST(marked_down(second_uri));
  auto forged = call_id;
  forged.back() = forged.back() == '0' ? '1' : '0';
  answer(header_line(probe, "To"), forged);
  BOOST_TEST(marked_down(first_uri));

  answer(header_line(probe, "To"), call_id);
  BOOST_TEST(!marked_down(first_uri));
  BOOST_TEST(marked_down(second_uri));
}

// Verifies customer keys get 403 on every NOC view, another customer's trunk health is 404,
// and a trunk not (yet) on the edge is "not_loaded".
BOOST_FIXTURE_TEST_CASE(access_rules, NocFixture) {
  for (const char* view : {"dispatcher", "permissions", "registrations", "drift"}) {
    BOOST_TEST_CONTEXT(view) {
      auto result = daemon.call("GET", std::string("/v1/noc/") + view, key);
      BOOST_TEST(result.status == 403);
      BOOST_TEST(json::parse(result.body)["error"]["code"] == "forbidden");
    }
  }
  auto inactive = create(R"({"name":"off","proxy":"127.0.0.1:9","is_active":false})");
  auto path = "/v1/trunks/" + inactive["id"].get<std::string>() + "/health";
  BOOST_TEST(health_state(inactive) == "not_loaded");
  auto other_key = daemon.create_key("cust_other");
  auto foreign = daemon.call("GET", path, other_key);
  BOOST_TEST(foreign.status == 404);
  BOOST_TEST(json::parse(foreign.body)["error"]["code"] == "not_found");
}

// Verifies the audit sets again a key changed in the node's memory and /metrics counts it; rows
// changed in Kamailio's database behind the daemon's back show in the drift view once the node
// has reloaded them (an operator's resync): a deleted route as missing (with its trunk), a stray
// htable row as extra; the permissions view shows the trunk's inbound address.
BOOST_FIXTURE_TEST_CASE(drift_after_rows_changed_behind_the_daemon, NocFixture) {
  auto trunk = trunk_at(reserve_port(), "gw-drift", R"(,"inbound_ip":"198.51.100.7")");
  auto id = trunk["id"].get<std::string>();
  wait_applied(trunk);
  // Calls route with it now; the dispatcher (the health probes) follows within 5 s.
  json drift;
  BOOST_TEST_REQUIRE(drift_clears(drift), drift.dump());
  BOOST_TEST(drift["nodes"][0]["in_sync"] == true);
  BOOST_TEST(drift["nodes"][0]["last_reload_at"].is_string());
  BOOST_TEST(drift["nodes"][0]["restarted_since_reload"] == false);

  auto entries = noc("permissions")["nodes"][0]["entries"];
  BOOST_TEST_REQUIRE(entries.size() == 1u, entries.dump());
  BOOST_TEST(entries[0]["ip"] == "198.51.100.7");
  BOOST_TEST(entries[0]["mask"] == 32);
  BOOST_TEST(entries[0]["trunk_id"] == id);
  BOOST_TEST(entries[0]["customer_id"] == "cust_edge");

  // A key changed in the node's memory behind the daemon's back: the audit (every 2 s here) sets
  // it again, and /metrics counts the repair.
  auto route_key = "t:" + id;
  auto route = [&] { return kamailio.rpc("htable.get", json::array({"mv", route_key}))["item"]; };
  auto routed = route()["value"];
  kamailio.rpc("htable.sets", json::array({"mv", route_key, "cust_other||sip:127.0.0.1:9"}));
  BOOST_TEST_REQUIRE(wait_until([&] { return route()["value"] == routed; }, 20s), route().dump());
  // The node's status (and so /metrics) takes the count when the audit's round ends.
  auto repairs = "mv_edge_audit_repaired_rows_total{node=\"" + kamailio.rpc_url() + "\"} 1\n";
  std::string scraped;
  BOOST_TEST(wait_until(
                 [&] {
                   scraped = metrics();
                   return scraped.find(repairs) != std::string::npos;
                 },
                 10s),
             scraped);

  // Rows changed in Kamailio's database behind the daemon's back reach the node at its next
  // reload of the table; the operator's resync reloads every table at once.
  auto row_id = EdgeFixture::first_line(redis.cli({"HGET", "mv:edge:htable_rows", route_key}));
  BOOST_TEST_REQUIRE(!row_id.empty());
  redis.cli({"-n", "1", "DEL", "htable:entry::" + row_id});
  redis.cli({"-n", "1", "HSET", "htable:entry::999999", "id", "999999", "key_name", "x:stray",
             "key_type", "0", "value_type", "0", "key_value", "1", "expires", "0"});
  BOOST_TEST_REQUIRE(daemon.call("POST", "/v1/edge/nodes/edge-1/resync", admin_key).status == 202);
  bool drifted = wait_until(
      [&] {
        drift = noc("drift");
        auto tables = drift["nodes"][0]["tables"];
        return tables["htable"]["missing"].size() == 1 && tables["htable"]["extra"].size() == 1;
      },
      40s);
  BOOST_TEST_REQUIRE(drifted, drift.dump());
  auto node = drift["nodes"][0];
  BOOST_TEST(drift["drift_rows"] == 2);
  BOOST_TEST(node["in_sync"] == false);
  BOOST_TEST(node["tables"]["htable"]["missing"][0]["trunk_id"] == id);
  BOOST_TEST(node["tables"]["htable"]["missing"][0]["row"].get<std::string>().starts_with(
      "key_name=" + route_key + " key_value=cust_edge||sip:127.0.0.1:"));
  BOOST_TEST(node["tables"]["htable"]["extra"][0]["trunk_id"].is_null());
  BOOST_TEST(node["tables"]["htable"]["extra"][0]["row"] == "key_name=x:stray key_value=1");
  // The trunk's health is its route and its destination's probes: the node has no route now.
  BOOST_TEST(health_state(trunk) == "not_loaded");
}

// Verifies a dispatcher destination added in a node's memory behind the daemon's back (over the
// node's own RPC) is found by the audit's count (every 2 s here): the dispatcher is reloaded and
// holds the application server alone again.
BOOST_FIXTURE_TEST_CASE(dispatcher_changed_in_node_memory_is_reloaded, NocFixture) {
  auto listed = [&](const std::string& uri) {
    return kamailio.rpc("dispatcher.list").dump().find(uri) != std::string::npos;
  };
  BOOST_TEST_REQUIRE(wait_until([&] { return edge_node()["in_sync"] == true; }, 20s));
  auto reloads = edge_node()["reloads"].get<int>();
  // dispatcher.add refuses within a second of the last reload ("Ongoing reload").
  BOOST_TEST_REQUIRE(wait_until(
      [&] {
        return !kamailio.rpc("dispatcher.add", json::array({1, "sip:127.0.0.1:9"}))
                    .contains("error");
      },
      10s));
  BOOST_TEST(wait_until([&] { return edge_node()["reloads"].get<int>() > reloads; }, 30s));
  BOOST_TEST(!listed("sip:127.0.0.1:9"));
  BOOST_TEST(listed("sip:127.0.0.1:" + std::to_string(app_port)));
}

// The rows audit walks 1,000 keys a second (every trunk of these tests in one step).
struct RowsAuditFixture : NocFixture {
  RowsAuditFixture() : NocFixture(3600, "  rows_audit_keys_per_s: 1000\n") {}
};

// Verifies rows changed in Kamailio's database behind the daemon's back are found by the rows
// audit and written again without an operator: a trunk's route row pointed elsewhere and its
// source key's row deleted come back as the trunk calls for them, /metrics counts them, and the
// node loads them (the drift view clears).
BOOST_FIXTURE_TEST_CASE(rows_changed_in_redis_are_written_again, RowsAuditFixture) {
  auto trunk = trunk_at(reserve_port(), "gw-audit", R"(,"inbound_ip":"127.18.0.9")");
  auto id = trunk["id"].get<std::string>();
  wait_applied(trunk);
  json drift;
  BOOST_TEST_REQUIRE(drift_clears(drift), drift.dump());

  auto route_row =
      "htable:entry::" + first_line(redis.cli({"HGET", "mv:edge:htable_rows", "t:" + id}));
  auto source_row =
      "htable:entry::" + first_line(redis.cli({"HGET", "mv:edge:htable_rows", "s0:" + id}));
  auto destination = [&] {
    return first_line(redis.cli({"-n", "1", "HGET", route_row, "key_value"}));
  };
  auto source_key = [&] {
    return first_line(redis.cli({"-n", "1", "HGET", source_row, "key_name"}));
  };
  auto wanted_destination = destination();
  BOOST_TEST_REQUIRE(source_key() == "s:127.18.0.9");
  redis.cli({"-n", "1", "HSET", route_row, "key_value", "cust_edge||sip:127.0.0.1:9"});
  redis.cli({"-n", "1", "DEL", source_row});

  BOOST_TEST(wait_until([&] { return destination() == wanted_destination; }, 10s), destination());
  BOOST_TEST(wait_until([&] { return source_key() == "s:127.18.0.9"; }, 10s));
  std::string scraped;
  BOOST_TEST(wait_until(
                 [&] {
                   scraped = metrics();
                   return scraped.find("mv_edge_rows_audit_repaired_rows_total 2\n") !=
                          std::string::npos;
                 },
                 10s),
             scraped);
  BOOST_TEST(drift_clears(drift), drift.dump());
}

// Verifies the registrations view shows a registering trunk REGED with its ids, the drift view
// finds its registration and credentials in step, and its password appears in no NOC body, no
// health body and not in the daemon's log.
BOOST_FIXTURE_TEST_CASE(registrations_without_passwords, NocFixture) {
  const std::string password = "Noc-Pw-7781x";
  int port = reserve_port();
  auto registrar = Sipp::uas("uas-registrar.xml", port,
                             {{"__USERNAME__", "acct-noc"}, {"__PASSWORD__", password}});
  auto trunk =
      trunk_at(port, "gw-reg",
               R"(,"username":"acct-noc","password":")" + password + R"(","realm":"carrier.test")");
  auto id = trunk["id"].get<std::string>();
  json registration;
  bool reged = wait_until(
      [&] {
        auto view = noc("registrations");
        for (const auto& item : view["nodes"][0]["registrations"]) {
          if (item["trunk_id"] == id) registration = item;
        }
        return !registration.is_null() && registration["state"] == "REGED";
      },
      30s);
  BOOST_TEST_REQUIRE(reged, registration.dump());
  BOOST_TEST(registration["customer_id"] == "cust_edge");
  BOOST_TEST(registration["aor"] == "sip:acct-noc@127.0.0.1");
  BOOST_TEST(registration["registrar"] == "sip:127.0.0.1:" + std::to_string(port));
  BOOST_TEST(registration["expires_in_s"].get<int>() >= 0);
  BOOST_TEST(registration["last_error"].is_null());
  BOOST_TEST(registrar.finish(10s) == 0, registrar.log_text());

  wait_applied(trunk);
  json drift;
  BOOST_TEST(drift_clears(drift), drift.dump());
  BOOST_TEST(drift["nodes"][0]["tables"]["uacreg"]["expected_rows"] == 1);
  // h:, t:, o:, and the probe list's p:0 and p:n
  BOOST_TEST(drift["nodes"][0]["tables"]["htable"]["expected_rows"] == 5);

  std::vector<std::string> bodies;
  for (const char* view : {"dispatcher", "permissions", "registrations", "drift"}) {
    bodies.push_back(daemon.call("GET", std::string("/v1/noc/") + view, admin_key).body);
  }
  bodies.push_back(daemon.call("GET", "/v1/trunks/" + id + "/health", key).body);
  bodies.push_back(daemon.log_text());
  for (const auto& body : bodies) {
    BOOST_TEST(body.find(password) == std::string::npos, body.substr(0, 2000));
  }
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace mv::test
