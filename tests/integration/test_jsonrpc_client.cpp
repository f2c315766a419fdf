#include <boost/test/unit_test.hpp>

#include <chrono>

#include "http/jsonrpc_http_client.h"
#include "support/http_client.h"
#include "support/process.h"

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

BOOST_AUTO_TEST_SUITE_END()

}  // namespace mv::test
