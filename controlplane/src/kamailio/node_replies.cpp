#include "kamailio/node_replies.h"

#include <algorithm>
#include <regex>

#include "model/edge_rows.h"

namespace mv::kamailio {
namespace {

using json = nlohmann::json;

// uac.reg_dump "flags" bits (uac_reg.h).
constexpr std::int64_t kUacDisabled = 1;
constexpr std::int64_t kUacInProgress = 2;
constexpr std::int64_t kUacOnline = 4;
constexpr std::int64_t kUacInitialised = 16;

// A uac record as far as its state goes: its flags, its expiry (0 after an un-REGISTER even while
// the flags still say registered) and when uac renews (REGED) or retries, unix seconds.
struct UacRecord {
  std::int64_t flags = 0;
  std::int64_t expires = 0;
  std::int64_t timer_expires = 0;
};

std::string registration_state(const UacRecord& record, bool error_reply) {
  if (record.flags & kUacDisabled) return "UNREGED";
  if (record.flags & kUacInProgress) return "TRYING";
  if (record.flags & kUacOnline) return record.expires > 0 ? "REGED" : "UNREGED";
  if (record.flags & kUacInitialised) return error_reply ? "FAILED" : "FAIL_WAIT";
  return "TRYING";
}

std::optional<model::DestinationLatency> decode_latency(const json& dest) {
  if (!dest.contains("LATENCY") || !dest["LATENCY"].is_object()) return std::nullopt;
  const auto& latency = dest["LATENCY"];
  return model::DestinationLatency{latency.value("AVG", 0.0), latency.value("STD", 0.0),
                                   latency.value("EST", 0.0), latency.value("MAX", 0.0),
                                   latency.value("TIMEOUT", std::int64_t{0})};
}

model::DispatcherDestination decode_destination(const json& dest) {
  model::DispatcherDestination destination;
  destination.uri = dest.at("URI").get<std::string>();
  destination.flags = dest.value("FLAGS", "");
  destination.state = destination_state(destination.flags);
  destination.probing = destination_probing(destination.flags);
  destination.priority = dest.value("PRIORITY", std::int64_t{0});
  // ATTRS is an object with the row's attrs in BODY (older versions: the string itself).
  const auto& attrs = dest.contains("ATTRS") ? dest["ATTRS"] : json();
  if (attrs.is_object() && attrs.contains("BODY") && attrs["BODY"].is_string()) {
    destination.attrs = attrs["BODY"].get<std::string>();
  } else if (attrs.is_string()) {
    destination.attrs = attrs.get<std::string>();
  }
  destination.trunk_id = model::attr_value(destination.attrs, "trunk");
  destination.customer_id = model::attr_value(destination.attrs, "customer");
  destination.latency = decode_latency(dest);
  return destination;
}

// The value of `name`'s tag parameter in a reply's header block ("" when absent).
std::string header_tag(const std::string& reply, const std::string& name) {
  std::regex line("(^|\r\n)" + name + ":[^\r\n]*;tag=([^;>\r\n ]+)", std::regex::icase);
  std::smatch match;
  return std::regex_search(reply, match, line) ? match[2].str() : std::string();
}

std::string header_value(const std::string& reply, const std::string& name) {
  std::regex line("(^|\r\n)" + name + ":[ \t]*([^\r\n]*)", std::regex::icase);
  std::smatch match;
  return std::regex_search(reply, match, line) ? match[2].str() : std::string();
}

// A reply's scalar as text: numbers written out, null as "".
std::string text_of(const json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_number_integer()) return std::to_string(value.get<std::int64_t>());
  if (value.is_null()) return "";
  return value.dump();
}

}  // namespace

std::string destination_state(std::string_view flags) {
  if (flags.empty()) return "unknown";
  switch (flags.front()) {
    case 'A':
      return "active";
    case 'I':
      return "inactive";
    case 'D':
      return "disabled";
    case 'T':
      return "trying";
    default:
      return "unknown";
  }
}

bool destination_probing(std::string_view flags) { return flags.size() > 1 && flags[1] == 'P'; }

std::vector<model::DispatcherSet> decode_dispatcher_list(const json& result) {
  std::vector<model::DispatcherSet> sets;
  for (const auto& record : result.value("RECORDS", json::array())) {
    const auto& set_json = record.at("SET");
    model::DispatcherSet set;
    set.id = set_json.at("ID").get<std::int64_t>();
    if (set.id == model::kDispatcherSetPadding) continue;
    set.kind = set.id == model::kDispatcherSetAppServers ? "app_servers" : "customer";
    for (const auto& target : set_json.value("TARGETS", json::array())) {
      auto destination = decode_destination(target.at("DEST"));
      if (set.kind == "app_servers") {
        destination.trunk_id.reset();
        destination.customer_id.reset();
      } else if (!set.customer_id) {
        set.customer_id = destination.customer_id;
      }
      set.destinations.push_back(std::move(destination));
    }
    sets.push_back(std::move(set));
  }
  std::sort(sets.begin(), sets.end(), [](const auto& a, const auto& b) { return a.id < b.id; });
  return sets;
}

std::map<std::string, std::string> decode_htable_dump(const json& result) {
  std::map<std::string, std::string> items;
  if (!result.is_array()) return items;
  for (const auto& entry : result) {
    for (const auto& item : entry.value("slot", json::array())) {
      if (!item.contains("name") || !item["name"].is_string()) continue;
      const auto& value = item.contains("value") ? item["value"] : json();
      auto name = item["name"].get<std::string>();
      if (value.is_string()) {
        items[name] = value.get<std::string>();
      } else if (value.is_number_integer()) {
        items[name] = std::to_string(value.get<std::int64_t>());
      }
    }
  }
  return items;
}

std::vector<model::RegistrationEntry> decode_registrations(
    const json& reg_dump, const std::map<std::string, std::string>& error_replies,
    std::int64_t now_s) {
  std::vector<model::RegistrationEntry> entries;
  if (!reg_dump.is_array()) return entries;
  for (const auto& record : reg_dump) {
    auto uuid = record.value("l_uuid", "");
    if (uuid.empty() || uuid == model::kPaddingOwner) continue;
    model::RegistrationEntry entry;
    entry.trunk_id = uuid;
    entry.aor = "sip:" + record.value("r_username", "") + "@" + record.value("r_domain", "");
    entry.registrar = record.value("auth_proxy", "");
    UacRecord uac{record.value("flags", std::int64_t{0}), record.value("expires", std::int64_t{0}),
                  record.value("timer_expires", std::int64_t{0})};
    auto error = error_replies.find(entry.aor);
    entry.state = registration_state(uac, error != error_replies.end());
    entry.timer_expires_s = uac.timer_expires;
    if (entry.state == "REGED")
      entry.expires_in_s = std::max<std::int64_t>(0, uac.timer_expires - now_s);
    if (entry.state == "FAILED") entry.last_error = error->second;
    if (entry.state == "FAIL_WAIT") entry.last_error = "408 timeout (no answer)";
    entries.push_back(std::move(entry));
  }
  return entries;
}

std::vector<model::RecordColumns> decode_registration_records(const json& reg_dump) {
  std::vector<model::RecordColumns> records;
  if (!reg_dump.is_array()) return records;
  for (const auto& record : reg_dump) {
    if (!record.is_object()) continue;
    model::RecordColumns columns;
    for (const auto& [name, value] : record.items()) columns[name] = text_of(value);
    records.push_back(std::move(columns));
  }
  return records;
}

std::optional<std::string> edge_udp_address(const json& sockets) {
  if (!sockets.is_array()) return std::nullopt;
  for (const auto& socket : sockets) {
    if (!socket.is_object() || socket.value("PROTO", "") != "udp") continue;
    auto host = socket.value("NAME", "");
    auto port = socket.value("PORT", "");
    if (host.empty() || port.empty()) continue;
    if (host == "0.0.0.0") host = "127.0.0.1";
    if (host == "::" || host == "[::]") host = "::1";
    if (host.find(':') != std::string::npos && host.front() != '[') host = "[" + host + "]";
    return host + ":" + port;
  }
  return std::nullopt;
}

std::optional<model::UacReply> parse_uac_reply(const json& result) {
  if (!result.is_array() || result.size() < 3 || !result[0].is_number_integer() ||
      !result[1].is_string() || !result.back().is_string()) {
    return std::nullopt;
  }
  const auto& reply = result.back().get_ref<const std::string&>();
  model::UacReply parsed;
  parsed.sip_status = result[0].get<int>();
  parsed.reason = result[1].get<std::string>();
  parsed.from_tag = header_tag(reply, "From");
  parsed.to_tag = header_tag(reply, "To");
  parsed.minivoice_error = header_value(reply, "X-MiniVoice-Error");
  return parsed;
}

}  // namespace mv::kamailio
