#include <boost/test/unit_test.hpp>

#include <nlohmann/json.hpp>

#include <fstream>
#include <sstream>
#include <thread>

#include "support/edge_fixture.h"
#include "support/raw_sip.h"

namespace mv::test {

BOOST_AUTO_TEST_SUITE(edge_lockdown)

using namespace std::chrono_literals;

namespace {

std::string joined(const std::vector<std::string>& datagrams) {
  std::string all;
  for (const auto& datagram : datagrams) all += datagram + "\n----\n";
  return all;
}

std::string http_rpc_request(const std::string& method, const std::string& path,
                             const std::string& host) {
  const std::string body = R"({"jsonrpc":"2.0","method":"htable.dump","params":["mv"],"id":1})";
  return method + " " + path + " HTTP/1.1\r\nHost: " + host +
         "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
         "\r\n\r\n" + body;
}

std::string read_text(const std::string& path) {
  std::ifstream file(path);
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

// A SIPVicious tool run to completion from `source_ip` (tests/support/sipvicious_from.py);
// returns everything it printed.
std::string run_scanner(const std::string& source_ip, const std::vector<std::string>& arguments) {
  TempDir dir;
  std::vector<std::string> argv{"/usr/bin/python3",
                                std::string(MV_SOURCE_DIR) + "/tests/support/sipvicious_from.py",
                                source_ip};
  argv.insert(argv.end(), arguments.begin(), arguments.end());
  ChildProcess scanner(argv, dir.path() + "/scanner.log");
  int exit_code = scanner.wait_exit(90s);
  return "exit " + std::to_string(exit_code) + "\n" + read_text(dir.path() + "/scanner.log");
}

}  // namespace

// Verifies JSON-RPC is answered only on the RPC socket, only to allowed sources and only at
// /RPC (the htable batch only at /mv/htable, under the same rules): HTTP to the SIP TCP listener
// (any path, case, method or Host) gets the connection closed with no answer, HTTP over SIP UDP
// gets no JSON-RPC body, and the RPC socket refuses a second loopback address with 403, while the
// control plane's own calls keep working.
BOOST_FIXTURE_TEST_CASE(json_rpc_only_on_its_socket_from_allowed_sources, EdgeFixture) {
  auto trunk = create(
      R"({"name":"secret","proxy":"127.0.0.1:5999","username":"u1","password":"Rpc-Secret-1",)"
      R"("realm":"carrier.test","register":false})");
  wait_applied(trunk);
  const std::vector<std::string> paths{"/RPC",  "/RPC/", "//RPC",     "/rpc",
                                       "/RPCx", "/",     "/mv/htable"};
  const std::vector<std::string> hosts{"127.0.0.1:" + std::to_string(kamailio.rpc_port()),
                                       "localhost", "rpc.invalid"};
  RawSipSocket udp_client(SipTransport::udp, "127.0.0.1");
  for (const auto& path : paths) {
    for (const std::string method : {"POST", "GET"}) {
      for (const auto& host : hosts) {
        auto request = http_rpc_request(method, path, host);
        RawConnection sip_tcp(kamailio.sip_port());
        sip_tcp.send(request);
        BOOST_TEST(sip_tcp.closed_by_server(5s), method << " " << path << " on SIP TCP");
        BOOST_TEST(sip_tcp.received().empty(), method << " " << path << ": " << sip_tcp.received());

        auto stranger = http_raw(kamailio.rpc_port(), request, 5s, "127.0.0.2");
        BOOST_TEST(stranger.status == 403, method << " " << path << " from 127.0.0.2");
        BOOST_TEST(stranger.body.find("jsonrpc") == std::string::npos, stranger.body);

        udp_client.send(request, kamailio.sip_port());
      }
    }
  }
  std::this_thread::sleep_for(1s);
  udp_client.drain();
  auto udp_answers = udp_client.received();
  BOOST_TEST(udp_answers.find("jsonrpc") == std::string::npos, udp_answers);
  BOOST_TEST(udp_answers.find("Rpc-Secret-1") == std::string::npos, udp_answers);

  auto lower_case = http_raw(kamailio.rpc_port(), http_rpc_request("POST", "/rpc", "x"), 5s);
  BOOST_TEST(lower_case.status == 404);
  BOOST_TEST(kamailio.rpc("core.uptime").contains("uptime"));

  // kamailio.cfg's htable batch (/mv/htable) is behind the same checks: a stranger's batch is
  // refused and changes nothing, on the SIP socket it is closed unanswered; the allowed source's
  // is applied.
  const std::string batch = "S 783a737472616e676572 6576696c\n";  // "x:stranger" -> "evil"
  const std::string batch_request =
      "POST /mv/htable HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: " +
      std::to_string(batch.size()) + "\r\n\r\n" + batch;
  BOOST_TEST(http_raw(kamailio.rpc_port(), batch_request, 5s, "127.0.0.2").status == 403);
  RawConnection sip_batch(kamailio.sip_port());
  sip_batch.send(batch_request);
  BOOST_TEST(sip_batch.closed_by_server(5s));
  BOOST_TEST(sip_batch.received().empty(), sip_batch.received());
  BOOST_TEST(kamailio.rpc("htable.get", {"mv", "x:stranger"}).contains("error"));
  BOOST_TEST(http_raw(kamailio.rpc_port(), batch_request, 5s).status == 200);
  BOOST_TEST(kamailio.rpc("htable.get", {"mv", "x:stranger"})["item"]["value"] == "evil");
}

// Verifies requests that look in-dialog (a To-tag and a Route) but belong to no dialog this edge
// set up get 404 and reach nobody, from a stranger and from a known carrier, over UDP and TCP:
// INVITE, MESSAGE, OPTIONS and BYE routed to the application server, to another host, and to
// the edge itself with another host in the Request-URI. Within a real call, a BYE naming another
// host still goes only to the dialog's other side. Real calls' in-dialog requests still pass
// both ways, the application server's BYE over UDP and over TCP to the carrier.
BOOST_FIXTURE_TEST_CASE(forged_in_dialog_requests_reach_nobody, EdgeFixture) {
  auto trunk = create(R"({"name":"carrier","proxy":"127.0.0.1:5999","inbound_ip":"127.0.8.0/24"})");
  wait_applied(trunk);
  int other_port = reserve_port();
  const std::string app = "127.0.0.1:" + std::to_string(app_port);
  const std::string other = "127.0.0.77:" + std::to_string(other_port);
  const std::string edge = "127.0.0.1:" + std::to_string(kamailio.sip_port());
  struct Target {
    std::string request_uri;
    std::string route;
  };
  const std::vector<Target> targets{
      {"sip:+15551230002@" + app, "<sip:" + app + ";lr>"},
      {"sip:+15551230002@" + other, "<sip:" + other + ";lr>"},
      {"sip:+15551230002@" + other, "<sip:" + edge + ";lr>"},
      {"sip:+15551230002@" + other, "<sip:" + edge + ";lr;r2=on;ftag=x;did=0a1.b2>"}};
  {
    UdpRecorder app_server(app_port);
    UdpRecorder other_host(other_port, "127.0.0.77");
    int source = 0;
    for (const std::string network : {"127.0.8.", "127.0.9."}) {
      for (const std::string transport : {"u1", "t1"}) {
        for (const std::string method : {"INVITE", "MESSAGE", "OPTIONS", "BYE"}) {
          for (const auto& target : targets) {
            auto from = network + std::to_string(++source);
            auto uac = Sipp::uac("uac-forged-in-dialog-expects-404.xml", from, kamailio.sip_port(),
                                 {{"__METHOD__", method},
                                  {"__RURI__", target.request_uri},
                                  {"__ROUTE__", target.route}},
                                 {"-t", transport});
            BOOST_TEST(uac.finish() == 0, method << " from " << from << " over " << transport
                                                 << " via " << target.route << "\n"
                                                 << uac.log_text());
          }
        }
      }
    }
    std::this_thread::sleep_for(500ms);
    BOOST_TEST(joined(app_server.datagrams()).empty());
    BOOST_TEST(joined(other_host.datagrams()).empty());
  }
  {
    UdpRecorder other_host(other_port, "127.0.0.77");
    auto app_server =
        Sipp::uas("uas-app-server-expects-trunk-headers.xml", app_port,
                  {{"__TRUNK_ID__", trunk["id"]}, {"__CUSTOMER_ID__", trunk["customer_id"]}});
    auto carrier = Sipp::uac("uac-call-bye-aimed-elsewhere.xml", "127.0.8.201", kamailio.sip_port(),
                             {{"__BYE_URI__", "sip:+15551230002@" + other}});
    BOOST_TEST(carrier.finish() == 0, carrier.log_text());
    BOOST_TEST(app_server.finish(10s) == 0, app_server.log_text());
    BOOST_TEST(joined(other_host.datagrams()).empty());
  }
  for (const std::string transport : {"u1", "t1"}) {
    auto app_server = Sipp::uas("uas-app-server-answers-then-hangs-up.xml", app_port);
    auto carrier = Sipp::uac("uac-call-hung-up-by-callee.xml", "127.0.8.200", kamailio.sip_port(),
                             {}, {"-t", transport});
    BOOST_TEST(carrier.finish() == 0, transport << "\n" << carrier.log_text());
    BOOST_TEST(app_server.finish(10s) == 0, transport << "\n" << app_server.log_text());
  }
}

// Verifies an INVITE marked as a test call without the token the control plane gave the edge
// for its Call-ID gets 403 and reaches no carrier, sent from the edge's own address (also an
// application server's here) with no token ("1", "0", empty) and with a made-up one, over UDP
// and TCP; a real test call still completes and spends its token.
BOOST_FIXTURE_TEST_CASE(forged_test_call_reaches_no_carrier, EdgeFixture) {
  int carrier_port = reserve_port();
  auto trunk =
      create(R"({"name":"carrier","proxy":"127.0.0.1:)" + std::to_string(carrier_port) + "\"}");
  wait_applied(trunk);
  {
    UdpRecorder carrier(carrier_port);
    for (const std::string token : {"1", "0", "", "0123456789abcdef0123456789abcdef"}) {
      for (const std::string transport : {"u1", "t1"}) {
        auto forged =
            Sipp::uac("uac-forged-test-call-expects-403.xml", "127.0.0.1", kamailio.sip_port(),
                      {{"__TOKEN__", token},
                       {"__CUSTOMER_ID__", trunk["customer_id"].get<std::string>()},
                       {"__TRUNK_ID__", trunk["id"].get<std::string>()}},
                      {"-t", transport});
        BOOST_TEST(forged.finish() == 0, token << " over " << transport << "\n"
                                               << forged.log_text());
      }
    }
    std::this_thread::sleep_for(500ms);
    BOOST_TEST(joined(carrier.datagrams()).empty());
  }
  auto carrier = Sipp::uas("uas-carrier-answers.xml", carrier_port,
                           {{"__FROM_HOST_REGEX__", "@127\\.0\\.0\\.1>"},
                            {"__PROXY_PORT__", std::to_string(carrier_port)}});
  auto answered = daemon.call("POST", "/v1/trunks/" + trunk["id"].get<std::string>() + "/test-call",
                              key, R"({"to":"+15551230002","from":"+15551230001"})");
  BOOST_TEST_REQUIRE(answered.status == 200, answered.body);
  BOOST_TEST(json::parse(answered.body)["result"] == "answered", answered.body);
  BOOST_TEST(carrier.finish(10s) == 0, carrier.log_text());
  auto call_id = json::parse(answered.body)["call_id"].get<std::string>();
  BOOST_TEST(kamailio.rpc("htable.dump", {"mvtc"}).dump().find(call_id) == std::string::npos);
}

// Verifies SIPVicious (svmap, svwar with REGISTER and INVITE, svcrack) run from a stranger's
// address while a known trunk places calls: every trunk call completes, the scanners find no
// extension and no credential, and the stranger is cut off by pike.
BOOST_FIXTURE_TEST_CASE(scanners_find_nothing_and_trunk_calls_flow, EdgeFixture) {
  auto trunk = create(R"({"name":"carrier","proxy":"127.0.0.1:5999","inbound_ip":"127.0.8.0/24"})");
  wait_applied(trunk);
  const int calls = 100;
  auto app_server =
      Sipp::uas("uas-app-server-expects-trunk-headers.xml", app_port,
                {{"__TRUNK_ID__", trunk["id"]}, {"__CUSTOMER_ID__", trunk["customer_id"]}}, calls);
  auto load = Sipp::uac_loop("uac-call-completes.xml", "127.0.8.5", kamailio.sip_port(), calls, 5);
  auto port = std::to_string(kamailio.sip_port());
  std::string map_output, register_output, invite_output, crack_output;
  std::vector<std::thread> scanners;
  scanners.emplace_back([&] {
    map_output = run_scanner("127.0.9.200", {"svmap", "-p", port, "127.0.0.1"});
  });
  scanners.emplace_back([&] {
    register_output =
        run_scanner("127.0.9.201", {"svwar", "--force", "-p", port, "-e", "100-999", "127.0.0.1"});
    invite_output = run_scanner("127.0.9.202", {"svwar", "--force", "-m", "INVITE", "-p", port,
                                                "-e", "100-999", "127.0.0.1"});
  });
  scanners.emplace_back([&] {
    crack_output = run_scanner(
        "127.0.9.203", {"svcrack", "-p", port, "-u", "100", "-r", "1000-1200", "127.0.0.1"});
  });
  for (auto& scanner : scanners) scanner.join();

  BOOST_TEST(load.finish(60s) == 0, load.log_text());
  BOOST_TEST(app_server.finish(10s) == 0, app_server.log_text());
  BOOST_TEST(map_output.find("MiniVoice Edge") != std::string::npos, map_output);
  for (const auto* output : {&register_output, &invite_output, &crack_output}) {
    BOOST_TEST(output->find("found nothing") != std::string::npos, *output);
    BOOST_TEST(output->find("| Extension") == std::string::npos, *output);
  }
  BOOST_TEST(kamailio.log_text().find("BLOCKing ip 127.0.9.") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace mv::test
