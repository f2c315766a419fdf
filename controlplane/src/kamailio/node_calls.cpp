#include "kamailio/node_calls.h"

#include "kamailio/node_replies.h"

namespace mv::kamailio {
namespace {

constexpr const char* kTestCallTokenHtable = "mvtc";
// dialog module state 4: confirmed by the ACK. dlg.terminate_dlg drops an unconfirmed dialog
// without sending any BYE.
constexpr int kDialogConfirmed = 4;

}  // namespace

std::optional<std::string> udp_address(KamailioRpc& rpc, const std::string& endpoint) {
  return edge_udp_address(rpc.call(endpoint, "corex.list_sockets"));
}

void allow_test_call(KamailioRpc& rpc, const std::string& endpoint, const std::string& call_id,
                     const std::string& token) {
  rpc.call(endpoint, "htable.sets", {kTestCallTokenHtable, call_id, token});
}

std::optional<model::UacReply> invite_and_wait(KamailioRpc& rpc, const std::string& endpoint,
                                               const std::string& request_uri,
                                               const std::string& headers,
                                               const std::string& body) {
  return parse_uac_reply(
      rpc.call(endpoint, "tm.t_uac_wait", {"INVITE", request_uri, ".", ".", headers, body}));
}

OptionsAnswer options_and_wait(KamailioRpc& rpc, const std::string& endpoint,
                               const std::string& request_uri, const std::string& headers) {
  auto reply =
      rpc.call(endpoint, "tm.t_uac_wait_block", {"OPTIONS", request_uri, ".", ".", headers});
  return {reply.value("code", 0), reply.value("text", "")};
}

bool dialog_confirmed(KamailioRpc& rpc, const std::string& endpoint, const std::string& call_id,
                      const std::string& from_tag) {
  auto dialog = rpc.call(endpoint, "dlg.dlg_list", {call_id, from_tag});
  return dialog.is_object() && dialog.value("state", 0) == kDialogConfirmed;
}

void end_dialog(KamailioRpc& rpc, const std::string& endpoint, const std::string& call_id,
                const std::string& from_tag, const std::string& to_tag) {
  rpc.call(endpoint, "dlg.terminate_dlg", {call_id, from_tag, to_tag});
}

}  // namespace mv::kamailio
