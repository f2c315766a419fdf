#pragma once

#include <string>
#include <vector>

#include "edge/test_caller.h"
#include "kamailio/kamailio_rpc.h"

namespace mv::edge {

// TestCaller through a node (kamailio/node_calls.h): it sends the INVITE to its own SIP socket
// and, once answered, the dialog module sends the BYE, with the CSeq and From the carrier
// expects. `rpc` must allow for the ringing limit of test calls (MV_TEST_CALL_RING_MS in
// kamailio.cfg).
class KamailioTestCaller final : public TestCaller {
 public:
  KamailioTestCaller(kamailio::KamailioRpc& rpc, std::vector<std::string> endpoints)
      : rpc_(rpc), endpoints_(std::move(endpoints)) {}
  TestCallResult call(const model::Trunk& trunk, const model::TestCallNumbers& numbers) override;

 private:
  bool hang_up(const std::string& endpoint, const std::string& call_id,
               const model::UacReply& reply);

  kamailio::KamailioRpc& rpc_;
  std::vector<std::string> endpoints_;
};

}  // namespace mv::edge
