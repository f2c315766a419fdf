#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "model/edge_drift.h"
#include "model/noc_views.h"
#include "model/test_call.h"

// What Kamailio 5.6.3's JSON-RPC replies say, decoded into model types: the only code that knows
// their shapes (and uac's flag bits). Pure: node_tables.h, node_record.h and node_calls.h decode
// what a node answers with these, and the unit tests feed them recorded replies. A reply of
// another shape throws nlohmann::json::exception unless a function says otherwise. uac.reg_dump
// holds passwords in clear text: decode_registrations keeps none of them;
// decode_registration_records keeps every column, for comparison only.
namespace mv::kamailio {

// dispatcher.list FLAGS: first letter A(ctive), I(nactive), D(isabled) or T(rying), second P
// (probing) or X. Returns "active", "inactive", "disabled", "trying" or "unknown".
std::string destination_state(std::string_view flags);
bool destination_probing(std::string_view flags);

// dispatcher.list's result: {"NRSETS": n, "RECORDS": [{"SET": {"ID", "TARGETS": [{"DEST":
// {...}}]}}]}, sets in id order, the padding set left out; latency in milliseconds (with
// ds_ping_latency_stats), trunk and customer from a destination's attrs.
std::vector<model::DispatcherSet> decode_dispatcher_list(const nlohmann::json& result);

// htable.dump's result ([{"entry", "size", "slot": [{"name", "value", "type"}]}]) as name ->
// value, integers written out; {} for anything else (an empty table's reply).
std::map<std::string, std::string> decode_htable_dump(const nlohmann::json& result);

// uac.reg_dump's result with the error replies kamailio.cfg keeps per AOR (htable mvreg), at
// `now_s` (unix seconds), in the states model/registration.h names, from uac's flags: disabled
// UNREGED, a REGISTER out TRYING, registered REGED (UNREGED with expiry 0), initialised FAILED
// with an error reply and FAIL_WAIT without; TRYING otherwise. The padding record is left out;
// passwords are not read.
std::vector<model::RegistrationEntry> decode_registrations(
    const nlohmann::json& reg_dump, const std::map<std::string, std::string>& error_replies,
    std::int64_t now_s);

// uac.reg_dump's records, every column as text (numbers written out, null as "").
std::vector<model::RecordColumns> decode_registration_records(const nlohmann::json& reg_dump);

// host:port of the first UDP socket in a corex.list_sockets reply; nullopt if there is none. A
// wildcard address is reached through loopback.
std::optional<std::string> edge_udp_address(const nlohmann::json& sockets);

// The final answer to a request placed with tm.t_uac_wait ([code, reason, ..., reply text]);
// nullopt when `result` is not shaped like one.
std::optional<model::UacReply> parse_uac_reply(const nlohmann::json& result);

}  // namespace mv::kamailio
