#pragma once

#include <string>
#include <vector>

#include "edge/sip_probe.h"
#include "kamailio/kamailio_rpc.h"

namespace mv::edge {

// SipProbe through Kamailio's tm.t_uac_wait_block on the first node that answers.
class KamailioSipProbe final : public SipProbe {
 public:
  KamailioSipProbe(kamailio::KamailioRpc& rpc, std::vector<std::string> endpoints)
      : rpc_(rpc), endpoints_(std::move(endpoints)) {}
  ProbeResult options(const std::string& request_uri, const std::string& from_domain) override;

 private:
  kamailio::KamailioRpc& rpc_;
  std::vector<std::string> endpoints_;
};

}  // namespace mv::edge
