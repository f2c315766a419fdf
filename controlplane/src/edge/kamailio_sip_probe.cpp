#include "edge/kamailio_sip_probe.h"

#include <chrono>
#include <random>

#include "kamailio/node_calls.h"

namespace mv::edge {

ProbeResult KamailioSipProbe::options(const std::string& request_uri,
                                      const std::string& from_domain) {
  static thread_local std::mt19937_64 random{std::random_device{}()};
  auto tag = std::to_string(random());
  auto headers =
      "From: <sip:minivoice@" + from_domain + ">;tag=" + tag + "\r\nTo: <" + request_uri + ">\r\n";
  std::string failure = "no edge node configured";
  for (const auto& endpoint : endpoints_) {
    auto started = std::chrono::steady_clock::now();
    try {
      // Blocks one of the node's RPC workers until the final answer (at most fr_timer, 5 s).
      auto answer = kamailio::options_and_wait(rpc_, endpoint, request_uri, headers);
      auto elapsed = std::chrono::steady_clock::now() - started;
      return {answer.code, answer.text,
              std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count()};
    } catch (const kamailio::RpcError& e) {
      failure = e.what();
    }
  }
  throw ProbeUnavailable(failure);
}

}  // namespace mv::edge
