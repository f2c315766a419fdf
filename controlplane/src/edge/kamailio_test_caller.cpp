#include "edge/kamailio_test_caller.h"

#include <chrono>
#include <thread>

#include "crypto/api_key.h"
#include "edge/sip_probe.h"
#include "kamailio/node_calls.h"

namespace mv::edge {

TestCallResult KamailioTestCaller::call(const model::Trunk& trunk,
                                        const model::TestCallNumbers& numbers) {
  std::string failure = "no edge node configured";
  for (const auto& endpoint : endpoints_) {
    std::optional<std::string> edge_address;
    try {
      edge_address = kamailio::udp_address(rpc_, endpoint);
    } catch (const kamailio::RpcError& e) {
      failure = e.what();
      continue;  // nothing was sent: the next node may place the call
    }
    if (!edge_address) {
      failure = endpoint + " has no UDP socket";
      continue;
    }
    TestCallResult result;
    result.call_id = "mvtest-" + crypto::random_hex(12);
    auto token = crypto::random_hex(16);
    auto invite =
        model::build_test_call_invite(numbers, trunk, *edge_address, result.call_id, token);
    try {
      kamailio::allow_test_call(rpc_, endpoint, result.call_id, token);
    } catch (const kamailio::RpcError& e) {
      failure = e.what();
      continue;  // nothing was sent: the next node may place the call
    }
    auto started = std::chrono::steady_clock::now();
    std::optional<model::UacReply> reply;
    try {
      reply = kamailio::invite_and_wait(rpc_, endpoint, invite.request_uri, invite.headers,
                                        invite.body);
    } catch (const kamailio::RpcError& e) {
      // The INVITE may have left: never place it twice through another node.
      throw ProbeUnavailable(std::string("the test call failed on ") + endpoint + ": " + e.what());
    }
    result.latency_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                            std::chrono::steady_clock::now() - started)
                            .count();
    if (!reply) throw ProbeUnavailable("unexpected reply to tm.t_uac_wait from " + endpoint);
    result.sip_status = reply->sip_status;
    result.reason = reply->reason;
    result.edge_error = reply->minivoice_error;
    if (reply->sip_status >= 200 && reply->sip_status < 300) {
      result.ended = hang_up(endpoint, result.call_id, *reply);
    }
    return result;
  }
  throw ProbeUnavailable(failure);
}

bool KamailioTestCaller::hang_up(const std::string& endpoint, const std::string& call_id,
                                 const model::UacReply& reply) {
  try {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
    // An unconfirmed dialog would be dropped without any BYE: wait for the ACK first.
    while (!kamailio::dialog_confirmed(rpc_, endpoint, call_id, reply.from_tag)) {
      if (std::chrono::steady_clock::now() > deadline) return false;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    kamailio::end_dialog(rpc_, endpoint, call_id, reply.from_tag, reply.to_tag);
    return true;
  } catch (const kamailio::RpcError&) {
    return false;
  }
}

}  // namespace mv::edge
