#pragma once

#include <optional>
#include <string>

#include "kamailio/kamailio_rpc.h"
#include "model/test_call.h"

namespace mv::kamailio {

// The requests a node sends on the daemon's behalf, and the dialogs they make: a readiness check's
// OPTIONS and a test call's INVITE (tm), its one-time token (htable mvtc, kamailio.cfg's
// route[TEST_CALL_TOKEN]) and its hang-up (dialog). With node_tables.h and node_record.h, the only
// code that knows these RPCs' names and reply shapes. Every function throws RpcError.

// host:port of the node's first UDP socket (corex.list_sockets); nullopt when it has none.
std::optional<std::string> udp_address(KamailioRpc& rpc, const std::string& endpoint);

// Lets the node take one INVITE with this Call-ID marked with `token` (htable mvtc, which
// expires it after 60 s).
void allow_test_call(KamailioRpc& rpc, const std::string& endpoint, const std::string& call_id,
                     const std::string& token);

// Sends an INVITE from the node and waits for its final answer (tm.t_uac_wait; tm ACKs a 2xx
// itself): nullopt when the reply has another shape.
std::optional<model::UacReply> invite_and_wait(KamailioRpc& rpc, const std::string& endpoint,
                                               const std::string& request_uri,
                                               const std::string& headers, const std::string& body);

// The first final answer to an OPTIONS the node sends (tm.t_uac_wait_block: holds one of the
// node's RPC workers until then, at most fr_timer).
struct OptionsAnswer {
  int code = 0;
  std::string text;
};
OptionsAnswer options_and_wait(KamailioRpc& rpc, const std::string& endpoint,
                               const std::string& request_uri, const std::string& headers);

// Whether the node's dialog module has the dialog and holds it confirmed by the ACK (state 4:
// only then does a hang-up send BYE).
bool dialog_confirmed(KamailioRpc& rpc, const std::string& endpoint, const std::string& call_id,
                      const std::string& from_tag);
// Ends the dialog with a BYE both ways (dlg.terminate_dlg).
void end_dialog(KamailioRpc& rpc, const std::string& endpoint, const std::string& call_id,
                const std::string& from_tag, const std::string& to_tag);

}  // namespace mv::kamailio
