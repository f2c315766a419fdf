#include "model/noc_views.h"

#include <algorithm>
#include <cstdlib>

#include "model/edge_rows.h"
#include "model/ip_network.h"
#include "model/registration.h"

namespace mv::model {
namespace {

using json = nlohmann::json;

std::optional<std::string> non_empty(std::string text) {
  if (text.empty()) return std::nullopt;
  return text;
}

// "<trunk id>,<customer id>" (the value of a trunk's source keys).
std::pair<std::optional<std::string>, std::optional<std::string>> split_tag(
    const std::string& tag) {
  auto comma = tag.find(',');
  if (comma == std::string::npos) return {std::nullopt, std::nullopt};
  return {non_empty(tag.substr(0, comma)), non_empty(tag.substr(comma + 1))};
}

std::optional<DestinationLatency> decode_latency(const json& dest) {
  if (!dest.contains("LATENCY") || !dest["LATENCY"].is_object()) return std::nullopt;
  const auto& latency = dest["LATENCY"];
  return DestinationLatency{latency.value("AVG", 0.0), latency.value("STD", 0.0),
                            latency.value("EST", 0.0), latency.value("MAX", 0.0),
                            latency.value("TIMEOUT", std::int64_t{0})};
}

DispatcherDestination decode_destination(const json& dest) {
  DispatcherDestination destination;
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
  destination.trunk_id = attr_value(destination.attrs, "trunk");
  destination.customer_id = attr_value(destination.attrs, "customer");
  destination.latency = decode_latency(dest);
  return destination;
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

std::optional<std::string> attr_value(std::string_view attrs, std::string_view name) {
  while (!attrs.empty()) {
    auto end = attrs.find(';');
    auto pair = attrs.substr(0, end);
    auto equals = pair.find('=');
    if (equals != std::string_view::npos && pair.substr(0, equals) == name) {
      return std::string(pair.substr(equals + 1));
    }
    if (end == std::string_view::npos) break;
    attrs.remove_prefix(end + 1);
  }
  return std::nullopt;
}

std::vector<DispatcherSet> decode_dispatcher_list(const json& result) {
  std::vector<DispatcherSet> sets;
  for (const auto& record : result.value("RECORDS", json::array())) {
    const auto& set_json = record.at("SET");
    DispatcherSet set;
    set.id = set_json.at("ID").get<std::int64_t>();
    if (set.id == kDispatcherSetPadding) continue;
    set.kind = set.id == kDispatcherSetAppServers ? "app_servers" : "customer";
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

std::vector<DispatcherSet> decode_trunk_destinations(
    const std::map<std::string, std::string>& mv_items, const std::set<std::string>& down) {
  std::map<std::string, DispatcherSet> by_customer;
  for (auto item = mv_items.lower_bound("t:"); item != mv_items.end(); ++item) {
    const auto& [key, value] = *item;
    if (!key.starts_with("t:")) break;
    auto destination_uri = route_destination(value);
    if (!destination_uri) continue;
    auto customer = value.substr(0, value.find('|'));
    auto trunk = key.substr(2);
    bool inactive = down.contains(*destination_uri);
    DispatcherDestination destination;
    destination.uri = *destination_uri;
    destination.flags = inactive ? "IP" : "AP";
    destination.state = destination_state(destination.flags);
    destination.probing = true;
    destination.attrs = "trunk=" + trunk + ";customer=" + customer;
    destination.trunk_id = trunk;
    destination.customer_id = customer;
    auto& set = by_customer[customer];
    set.kind = "customer";
    set.customer_id = customer;
    set.destinations.push_back(std::move(destination));
  }
  std::vector<DispatcherSet> sets;
  for (auto& [customer, set] : by_customer) sets.push_back(std::move(set));
  return sets;
}

std::vector<PermissionEntry> decode_sources(const std::map<std::string, std::string>& mv_items) {
  std::vector<PermissionEntry> entries;
  for (const auto& [key, value] : mv_items) {
    if (!key.starts_with("s:") || value.find(',') == std::string::npos) continue;
    auto text = key.substr(2);
    auto slash = text.find('/');
    auto address = text.substr(0, slash);
    PermissionEntry entry;
    if (address.find('.') == std::string::npos) {
      // IPv6: nibbles, the rest of the 32 zero.
      if (address.size() > 32) continue;
      address.resize(32, '0');
      std::string colons;
      for (std::size_t i = 0; i < 32; i += 4) colons += (i ? ":" : "") + address.substr(i, 4);
      address = colons;
    }
    auto parsed = parse_ip_address(address);
    if (!parsed) continue;
    entry.ip = parsed->to_string();
    entry.mask =
        slash == std::string::npos ? parsed->max_prefix() : std::atoi(text.c_str() + slash + 1);
    entry.tag = value;
    std::tie(entry.trunk_id, entry.customer_id) = split_tag(entry.tag);
    entries.push_back(std::move(entry));
  }
  // A single address has its family's full mask: an IPv6 /32 is a network.
  auto single = [](const PermissionEntry& entry) {
    return entry.mask == (entry.ip.find(':') == std::string::npos ? 32 : 128);
  };
  std::stable_sort(entries.begin(), entries.end(),
                   [&](const auto& a, const auto& b) { return single(a) > single(b); });
  return entries;
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

std::vector<RegistrationEntry> decode_registrations(
    const json& reg_dump, const std::map<std::string, std::string>& error_replies,
    std::int64_t now_s) {
  std::vector<RegistrationEntry> entries;
  if (!reg_dump.is_array()) return entries;
  for (const auto& record : reg_dump) {
    auto uuid = record.value("l_uuid", "");
    if (uuid.empty() || uuid == kPaddingOwner) continue;
    RegistrationEntry entry;
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

}  // namespace mv::model
