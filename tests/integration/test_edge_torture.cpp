#include <boost/test/unit_test.hpp>

#include <signal.h>

#include <fstream>
#include <memory>
#include <regex>
#include <set>
#include <sstream>

#include "support/edge_fixture.h"
#include "support/raw_sip.h"

namespace mv::test {

BOOST_AUTO_TEST_SUITE(edge_torture)

using namespace std::chrono_literals;

namespace {

const std::string torture_dir = std::string(MV_SOURCE_DIR) + "/tests/sip/torture/";
// The carrier's trunk: 127.0.8.0/24.
const std::string carrier_network = "127.0.8.0/24";

// One line of tests/sip/torture/index.txt: the message and the answer the edge must give.
struct TortureMessage {
  std::string name;
  std::string section;
  bool valid = false;
  // carrier UDP, carrier TCP, stranger UDP, stranger TCP: a status code, "-" or "closed".
  std::string expected[4];
  std::string bytes;
  // What identifies the request wherever it arrives: its Call-ID, or without one its branch.
  std::string marker;
};

std::string read_bytes(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  std::stringstream bytes;
  bytes << file.rdbuf();
  return bytes.str();
}

std::vector<TortureMessage> load_torture_messages() {
  std::vector<TortureMessage> messages;
  std::ifstream index(torture_dir + "index.txt");
  static const std::regex call_id(R"(\r\n(?:call-id|i)[ \t]*:[ \t]*([^\r]*))", std::regex::icase);
  static const std::regex branch(R"(;branch=([^;\r\n ]+))");
  for (std::string line; std::getline(index, line);) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream fields(line);
    TortureMessage message;
    std::string kind;
    fields >> message.name >> message.section >> kind;
    for (auto& answer : message.expected) fields >> answer;
    message.valid = kind == "valid";
    // RFC 4475 3.1.1: every valid request gets an answer, whatever the edge makes of it.
    for (const auto& answer : message.expected) {
      BOOST_TEST((!message.valid || (answer != "-" && answer != "closed")),
                 "index.txt leaves valid " << message.name << " unanswered");
    }
    message.bytes = read_bytes(torture_dir + message.name + ".sip");
    std::smatch found;
    if (std::regex_search(message.bytes, found, call_id) ||
        std::regex_search(message.bytes, found, branch)) {
      message.marker = found[1];
    }
    BOOST_TEST_REQUIRE(!message.marker.empty(), message.name << " has no Call-ID nor branch");
    messages.push_back(std::move(message));
  }
  return messages;
}

std::string replace_all(std::string text, const std::string& name, const std::string& value) {
  for (auto at = text.find(name); at != std::string::npos;
       at = text.find(name, at + value.size())) {
    text.replace(at, name.size(), value);
  }
  return text;
}

// The carrier's address in round `column`: tm takes a request with the same branch from the same
// host (any port, any transport) for a retransmission of the earlier round's, still in its wait.
std::string carrier_ip(int column) { return "127.0.8." + std::to_string(column + 1); }

// A stranger's address per message, so no per-source limit sees one flooding source.
std::string stranger_ip(std::size_t message) { return "127.0.9." + std::to_string(message + 1); }

// What came back for one request: the first final status code, "closed" (TCP closed without
// one) or "-" (nothing); and every byte received.
struct Answer {
  std::string code;
  std::string received;
};

// Sends every message at once from its source over `transport` and returns each one's answer.
// Waits until every message expected to be answered or closed is, at least 2 s (so an answer
// where none is expected has time to show) and at most 12 s.
std::vector<Answer> send_round(const std::vector<TortureMessage>& messages, SipTransport transport,
                               bool from_carrier, int column, int edge_port, int sink_port) {
  std::vector<std::unique_ptr<RawSipSocket>> sockets;
  for (std::size_t n = 0; n < messages.size(); ++n) {
    auto source = from_carrier ? carrier_ip(column) : stranger_ip(n);
    auto socket = std::make_unique<RawSipSocket>(transport, source);
    auto bytes =
        replace_all(messages[n].bytes, "__EDGE__", "127.0.0.1:" + std::to_string(edge_port));
    bytes = replace_all(bytes, "__VIA__", source + ":" + std::to_string(socket->local_port()));
    bytes = replace_all(bytes, "__SINK__", "127.0.0.1:" + std::to_string(sink_port));
    BOOST_TEST(socket->send(bytes, edge_port), messages[n].name << " could not be sent");
    sockets.push_back(std::move(socket));
  }
  auto started = std::chrono::steady_clock::now();
  auto settled = [&] {
    for (std::size_t n = 0; n < messages.size(); ++n) {
      sockets[n]->drain();
      const auto& expected = messages[n].expected[column];
      if (expected == "-") continue;
      if (sockets[n]->first_final_status() == 0 && !sockets[n]->closed()) return false;
    }
    return std::chrono::steady_clock::now() - started >= 2s;
  };
  wait_until(settled, 12s);
  std::vector<Answer> answers;
  for (const auto& socket : sockets) {
    socket->drain();
    int status = socket->first_final_status();
    auto code = status != 0 ? std::to_string(status) : socket->closed() ? "closed" : "-";
    answers.push_back({code, socket->received()});
  }
  return answers;
}

// A 4xx, 5xx or 6xx status code, as index.txt writes it.
bool is_refusal(const std::string& answer) {
  return answer.size() == 3 && answer >= "400" && answer <= "699";
}

// The pids of every Kamailio process, as Kamailio lists them.
std::set<int> kamailio_pids(const KamailioEdge& kamailio) {
  std::set<int> pids;
  for (const auto& process : kamailio.rpc("core.psx")) pids.insert(process["PID"].get<int>());
  return pids;
}

}  // namespace

// Verifies the RFC 4475 torture requests, sent from a known carrier and from strangers over UDP
// and TCP: no invalid one reaches the application server or any other host, every one gets the
// answer tests/sip/torture/index.txt names, every Kamailio process survives, and a real call
// from the carrier completes afterwards.
BOOST_FIXTURE_TEST_CASE(torture_requests_are_refused_or_answered, EdgeFixture) {
  auto trunk =
      create(R"({"name":"carrier","proxy":"127.0.0.1:9","inbound_ip":")" + carrier_network + "\"}");
  BOOST_TEST_REQUIRE(edge_has_sources(1));
  wait_applied(trunk);
  auto messages = load_torture_messages();
  BOOST_TEST_REQUIRE(messages.size() >= 40u);
  auto pids_before = kamailio_pids(kamailio);
  int sink_port = reserve_port();
  {
    UdpRecorder app_server(app_port);
    UdpRecorder other_host(sink_port);
    struct Round {
      SipTransport transport;
      bool from_carrier;
      int column;
      const char* name;
    };
    for (const auto& round : {Round{SipTransport::udp, true, 0, "carrier UDP"},
                              Round{SipTransport::tcp, true, 1, "carrier TCP"},
                              Round{SipTransport::udp, false, 2, "stranger UDP"},
                              Round{SipTransport::tcp, false, 3, "stranger TCP"}}) {
      auto answers = send_round(messages, round.transport, round.from_carrier, round.column,
                                kamailio.sip_port(), sink_port);
      for (std::size_t n = 0; n < messages.size(); ++n) {
        const auto& expected = messages[n].expected[round.column];
        // A stranger may be refused with 403 before the syntax checks instead of their 4xx.
        const auto& answer = answers[n].code;
        bool stranger_refused = !round.from_carrier && answer == "403" && is_refusal(expected);
        BOOST_TEST((answer == expected || stranger_refused),
                   messages[n].name << " from " << round.name << ": answered " << answer
                                    << ", index says " << expected);
        if (answer != "-" && answer != "closed") {
          BOOST_TEST(answers[n].received.find(messages[n].marker) != std::string::npos,
                     messages[n].name << " from " << round.name << ": the answer is not its own");
        }
        if (answer == "420") {
          BOOST_TEST(answers[n].received.find("\r\nUnsupported: ") != std::string::npos,
                     messages[n].name << ": 420 without Unsupported");
        }
        BOOST_TEST_MESSAGE(messages[n].name << " " << round.name << ": " << answer);
      }
    }
    for (const auto& message : messages) {
      if (!message.valid) {
        BOOST_TEST(!app_server.received_text(message.marker),
                   "invalid " << message.name << " reached the application server");
      } else if (message.expected[0] == "408") {
        BOOST_TEST(app_server.received_text(message.marker),
                   message.name << " was answered 408 without reaching the application server");
      }
    }
    BOOST_TEST(other_host.datagrams().empty(), "the edge relayed to another host");
  }
  auto pids_after = kamailio_pids(kamailio);
  BOOST_TEST((pids_after == pids_before), "Kamailio's processes changed");
  for (int pid : pids_after) BOOST_TEST(kill(pid, 0) == 0, "Kamailio process " << pid << " gone");
  expect_call_routed(carrier_ip(0), trunk);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace mv::test
