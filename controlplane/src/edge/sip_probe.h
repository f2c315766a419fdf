#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>

namespace mv::edge {

// The first final answer to one request the edge sent.
struct ProbeResult {
  int sip_status = 0;
  std::string reason;
  std::int64_t latency_ms = 0;
};

// No edge node could send the request.
class ProbeUnavailable : public std::runtime_error {
 public:
  explicit ProbeUnavailable(const std::string& what) : std::runtime_error(what) {}
};

// Sends a SIP OPTIONS from the edge (so it leaves from the address carriers allow) and waits for
// its final answer (Kamailio's own 408 when nobody answers).
class SipProbe {
 public:
  virtual ~SipProbe() = default;
  virtual ProbeResult options(const std::string& request_uri, const std::string& from_domain) = 0;
};

}  // namespace mv::edge
