#include <boost/test/unit_test.hpp>

#include <chrono>
#include <string>
#include <vector>

#include "http/jsonrpc_http_client.h"
#include "support/http_client.h"
#include "support/process.h"
#include "support/sip_edge.h"
#include "support/stack.h"

namespace mv::test {

BOOST_AUTO_TEST_SUITE(jsonrpc_client)

using namespace std::chrono_literals;

// A JSON-RPC endpoint on a loopback port that answers every call {"result": "done"} after 1.5 s,
// as a node reloading 100k rows does.
struct SlowNode {
  int port = reserve_port();
  TempDir dir;
  ChildProcess server{{"/usr/bin/python3", "-c",
                       "import http.server, sys, time\n"
                       "class Slow(http.server.BaseHTTPRequestHandler):\n"
                       "    def do_POST(self):\n"
                       "        self.rfile.read(int(self.headers['Content-Length']))\n"
                       "        time.sleep(1.5)\n"
                       "        body = b'{\"jsonrpc\":\"2.0\",\"result\":\"done\",\"id\":1}'\n"
                       "        self.send_response(200)\n"
                       "        self.send_header('Content-Length', str(len(body)))\n"
                       "        self.end_headers()\n"
                       "        self.wfile.write(body)\n"
                       "http.server.ThreadingHTTPServer(('127.0.0.1', int(sys.argv[1])), "
                       "Slow).serve_forever()\n",
                       std::to_string(port)},
                      dir.path() + "/server.log"};
  std::string endpoint = "http://127.0.0.1:" + std::to_string(port) + "/RPC";

  SlowNode() {
    bool up = wait_until(
        [&] {
          try {
            return http_request(port, "POST", "/RPC", {}, "{}").status == 200;
          } catch (const std::exception&) {
            return false;
          }
        },
        15s);
    BOOST_TEST_REQUIRE(up);
  }
};

// Verifies a call that reloads or lists a whole table gets the long bound (a 1.5 s reload
// completes under a 500 ms bound for the others), while any other call still fails at its own.
BOOST_FIXTURE_TEST_CASE(whole_table_calls_get_their_own_bound, SlowNode) {
  http::JsonRpcHttpClient both_bounds(500ms, 10s);
  kamailio::KamailioRpc& client = both_bounds;
  for (const char* method : {"htable.reload", "dispatcher.list", "uac.reg_dump"}) {
    BOOST_TEST_CONTEXT(method) { BOOST_TEST(client.call(endpoint, method) == "done"); }
  }
  BOOST_CHECK_THROW(client.call(endpoint, "htable.get"), kamailio::RpcError);
  BOOST_CHECK_THROW(client.call(endpoint, "core.uptime"), kamailio::RpcError);
  // Without its own bound, every call has the short one.
  http::JsonRpcHttpClient short_bound(500ms);
  kamailio::KamailioRpc& short_only = short_bound;
  BOOST_CHECK_THROW(short_only.call(endpoint, "htable.reload"), kamailio::RpcError);
}

// Verifies post() and kamailio.cfg's /mv/htable route on a real node: sets (a string with bytes
// that would break a line apart, an integer), deletes (a key the table lacks is no error), lines
// applied in order (a key set then deleted in one batch ends deleted), the reply the number of
// lines; a malformed line (an unknown change, a key or value not in hex, an integer that is
// none) is the node's 400, an RpcError, with the lines before it applied.
BOOST_AUTO_TEST_CASE(htable_batch_applies_every_line_in_order) {
  RedisServer redis;
  KamailioEdge node(redis);
  http::JsonRpcHttpClient one_client(5s);
  kamailio::KamailioRpc& client = one_client;
  // "x:1" -> "a b|c\n,d", "x:2" -> 42, "x:3" set then deleted, "x:missing" deleted.
  const std::string batch =
      "S 783a31 6120627c630a2c64\n"
      "I 783a32 42\n"
      "S 783a33 7633\n"
      "D 783a33\n"
      "D 783a6d697373696e67\n";
  BOOST_TEST(client.post(node.rpc_url(), "/mv/htable", batch) == "5\n");
  BOOST_TEST(node.rpc("htable.get", {"mv", "x:1"})["item"]["value"] == "a b|c\n,d");
  BOOST_TEST(node.rpc("htable.get", {"mv", "x:2"})["item"]["value"] == 42);
  BOOST_TEST(node.rpc("htable.get", {"mv", "x:3"}).contains("error"));

  try {
    client.post(node.rpc_url(), "/mv/htable", "S 783a34 7634\nX 783a35\nS 783a36 7636\n");
    BOOST_ERROR("a malformed line was taken");
  } catch (const kamailio::RpcError& e) {
    BOOST_TEST(std::string(e.what()) == "/mv/htable: HTTP 400: line 1: no such change");
  }
  BOOST_TEST(node.rpc("htable.get", {"mv", "x:4"})["item"]["value"] == "v4");
  BOOST_TEST(node.rpc("htable.get", {"mv", "x:6"}).contains("error"));
  // Keys and values that are not what the format says are refused, not applied as garbage.
  for (const std::string line : {"S zz 7637", "S 783a3 7637", "S 783a37 zz", "I 783a37 4x"}) {
    BOOST_CHECK_THROW(client.post(node.rpc_url(), "/mv/htable", line + "\n"), kamailio::RpcError);
  }
  BOOST_TEST(node.rpc("htable.get", {"mv", "x:7"}).contains("error"));
  BOOST_CHECK_THROW(client.post(node.rpc_url(), "/mv/nothing", "S 783a37 7637\n"),
                    kamailio::RpcError);
}

// Verifies a kept-alive connection the node has closed meanwhile (this one closes every
// connection after its reply, as HTTP/1.0 does, without saying so) costs no call: each is sent
// again on a new connection.
BOOST_AUTO_TEST_CASE(a_connection_closed_while_idle_is_replaced) {
  int port = reserve_port();
  TempDir dir;
  ChildProcess server{{"/usr/bin/python3", "-c",
                       "import http.server, sys\n"
                       "class Once(http.server.BaseHTTPRequestHandler):\n"
                       "    def do_POST(self):\n"
                       "        self.rfile.read(int(self.headers['Content-Length']))\n"
                       "        body = b'{\"jsonrpc\":\"2.0\",\"result\":\"done\",\"id\":1}'\n"
                       "        self.send_response(200)\n"
                       "        self.send_header('Content-Length', str(len(body)))\n"
                       "        self.end_headers()\n"
                       "        self.wfile.write(body)\n"
                       "http.server.HTTPServer(('127.0.0.1', int(sys.argv[1])), "
                       "Once).serve_forever()\n",
                       std::to_string(port)},
                      dir.path() + "/server.log"};
  BOOST_TEST_REQUIRE(wait_until(
      [&] {
        try {
          return http_request(port, "POST", "/RPC", {}, "{}").status == 200;
        } catch (const std::exception&) {
          return false;
        }
      },
      15s));
  http::JsonRpcHttpClient one_client(2s);
  kamailio::KamailioRpc& client = one_client;
  auto endpoint = "http://127.0.0.1:" + std::to_string(port) + "/RPC";
  for (int i = 0; i < 3; ++i) {
    BOOST_TEST_CONTEXT("call " << i) { BOOST_TEST(client.call(endpoint, "core.uptime") == "done"); }
  }
}

// Verifies a node that cannot be reached is an RpcError, in time, for call and post alike.
BOOST_AUTO_TEST_CASE(an_unreachable_node_is_an_rpc_error) {
  http::JsonRpcHttpClient unreachable(500ms);
  kamailio::KamailioRpc& client = unreachable;
  auto endpoint = "http://127.0.0.1:" + std::to_string(reserve_port()) + "/RPC";
  BOOST_CHECK_THROW(client.call(endpoint, "core.uptime"), kamailio::RpcError);
  BOOST_CHECK_THROW(client.post(endpoint, "/mv/htable", "D 783a31\n"), kamailio::RpcError);
  BOOST_CHECK_THROW(client.call("https://127.0.0.1:1/RPC", "core.uptime"), kamailio::RpcError);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace mv::test
