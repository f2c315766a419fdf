#pragma once

#include <string>
#include <vector>

#include "edge/sip_probe.h"
#include "kamailio/kamailio_rpc.h"

namespace mv::edge {

// SipProbe through the first node that answers (kamailio::options_and_wait).
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
