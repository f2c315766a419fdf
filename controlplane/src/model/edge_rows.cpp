#include "model/edge_rows.h"

#include <algorithm>
#include <functional>
#include <map>
#include <set>
#include <tuple>

#include "crypto/digest_ha1.h"
#include "model/ip_network.h"
#include "model/sip_syntax.h"

namespace mv::model {
namespace {

RowFields htable_fields(const std::string& key, const std::string& value, int value_type) {
  return {{"key_name", key},
          {"key_type", "0"},
          {"value_type", std::to_string(value_type)},
          {"key_value", value},
          {"expires", "0"}};
}

std::optional<RowFields> route_fields(const Trunk& trunk) {
  if (!routable(trunk)) return std::nullopt;
  return htable_fields(route_key(trunk.id),
                       trunk.customer_id + "|" + trunk.from_domain.value_or("") + "|" +
                           dispatcher_destination(trunk.proxy),
                       0);
}

// The trunk's digest secret in htable `mv` under "<prefix><trunk id>": "h:" holds an HA1, "a:" a
// password; `ha1` says which of the two rows this is.
std::optional<RowFields> auth_fields(const Trunk& trunk, bool ha1) {
  if (!trunk.is_active || !trunk.username || !trunk.password) return std::nullopt;
  auto secret = edge_secret(trunk);
  if (ha1 == secret.ha1.empty()) return std::nullopt;
  return htable_fields(
      (ha1 ? "h:" : "a:") + trunk.id,
      *trunk.username + ":" + trunk.realm.value_or("") + ":" + (ha1 ? secret.ha1 : secret.password),
      0);
}

// The trunk's source keys, each in its own row ("s<n>:<trunk id>"): none without an active
// inbound_ip.
std::vector<EdgeRow> source_rows(const Trunk& trunk) {
  std::vector<std::string> keys;
  if (trunk.is_active && trunk.inbound_ip) {
    if (auto network = parse_ip_network(*trunk.inbound_ip).network) keys = source_keys(*network);
  }
  std::vector<EdgeRow> rows;
  for (std::size_t i = 0; i < kSourceKeysPerTrunk; ++i) {
    EdgeRow row{kHtableTable, "s" + std::to_string(i) + ":" + trunk.id, std::nullopt};
    if (i < keys.size()) row.fields = htable_fields(keys[i], trunk.id + "," + trunk.customer_id, 0);
    rows.push_back(std::move(row));
  }
  return rows;
}

std::optional<RowFields> uacreg_fields(const Trunk& trunk, const EdgeSettings& settings) {
  if (!trunk.is_active || !trunk.registers()) return std::nullopt;
  auto proxy = parse_sip_proxy(trunk.proxy).proxy;
  if (!proxy) return std::nullopt;
  auto domain = trunk.from_domain.value_or(proxy->host);
  auto secret = edge_secret(trunk);
  return RowFields{{"l_uuid", trunk.id},
                   {"l_username", trunk.id},
                   {"l_domain", domain},
                   {"r_username", *trunk.username},
                   {"r_domain", domain},
                   {"realm", trunk.realm.value_or("")},
                   {"auth_username", *trunk.username},
                   {"auth_password", secret.password},
                   {"auth_ha1", secret.ha1},
                   {"auth_proxy", dispatcher_destination(trunk.proxy)},
                   {"expires", std::to_string(settings.registration_expires_s)},
                   {"flags", "0"},
                   {"reg_delay", "0"},
                   {"contact_addr", ""},
                   {"socket", ""}};
}

}  // namespace

EdgeSecret edge_secret(const Trunk& trunk) {
  if (!trunk.username || !trunk.password) return {};
  if (!trunk.realm || trunk.realm->empty()) return {*trunk.password, ""};
  return {"", crypto::digest_ha1(*trunk.username, *trunk.realm, *trunk.password)};
}

bool keyed_by_owner(const std::string& table) { return table == kUacregTable; }

std::vector<EdgeRow> edge_rows_for(const Trunk& trunk, const EdgeSettings& settings) {
  auto rows = source_rows(trunk);
  rows.push_back({kDispatcherTable, trunk.id, std::nullopt});
  rows.push_back({kHtableTable, "c:" + trunk.customer_id, std::nullopt});
  rows.push_back({kHtableTable, route_key(trunk.id), route_fields(trunk)});
  rows.push_back({kHtableTable, "a:" + trunk.id, auth_fields(trunk, false)});
  rows.push_back({kHtableTable, "h:" + trunk.id, auth_fields(trunk, true)});
  rows.push_back({kUacregTable, trunk.id, uacreg_fields(trunk, settings)});
  return rows;
}

std::vector<std::string> source_keys(const IpNetwork& network) {
  if (network.family == IpNetwork::Family::v4) {
    auto text = network.to_string();  // "a.b.c.d" or "a.b.c.d/nn"
    return {"s:" + text};
  }
  auto nibbles = network.first_hex();
  int rounded = (network.prefix + 3) / 4 * 4;
  int spread = rounded - network.prefix;  // low bits of the last nibble the network leaves free
  auto prefix = nibbles.substr(0, static_cast<std::size_t>(rounded / 4));
  std::vector<std::string> keys;
  for (int low = 0; low < (1 << spread); ++low) {
    auto key = prefix;
    if (!key.empty() && spread > 0) {
      int last = std::stoi(key.substr(key.size() - 1), nullptr, 16) | low;
      key.back() = "0123456789abcdef"[last];
    }
    keys.push_back("s:" + key + (rounded == 128 ? "" : "/" + std::to_string(rounded)));
  }
  return keys;
}

std::optional<SourcePrefix> source_key_prefix(const std::string& key) {
  auto slash = key.rfind('/');
  if (!key.starts_with("s:") || slash == std::string::npos) return std::nullopt;
  SourcePrefix prefix;
  prefix.family = key.find('.') == std::string::npos ? 6 : 4;
  prefix.length = std::stoi(key.substr(slash + 1));
  return prefix;
}

std::vector<EdgeRow> source_prefix_rows(const std::vector<Trunk>& trunks) {
  std::set<int, std::greater<>> lengths[2];  // IPv4, IPv6
  for (const auto& trunk : trunks) {
    for (const auto& row : source_rows(trunk)) {
      if (!row.fields) continue;
      if (auto prefix = source_key_prefix(row.fields->front().second)) {
        lengths[prefix->family == 4 ? 0 : 1].insert(prefix->length);
      }
    }
  }
  std::vector<EdgeRow> rows;
  for (int family : {0, 1}) {
    const char* key = family == 0 ? kSourcePrefixKeyV4 : kSourcePrefixKeyV6;
    EdgeRow row{kHtableTable, key, std::nullopt};
    if (!lengths[family].empty()) {
      std::string value;
      for (int length : lengths[family]) {
        value += (value.empty() ? "" : "|") + std::to_string(length);
      }
      row.fields = htable_fields(key, value, 0);
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

bool routable(const Trunk& trunk) {
  return trunk.is_active && trunk.edge_set != 0 && parse_sip_proxy(trunk.proxy).proxy;
}

std::string route_key(const std::string& trunk_id) { return "t:" + trunk_id; }

std::optional<std::string> route_destination(const std::string& route_value) {
  auto customer_end = route_value.find('|');
  if (customer_end == std::string::npos) return std::nullopt;
  auto domain_end = route_value.find('|', customer_end + 1);
  if (domain_end == std::string::npos || domain_end + 1 == route_value.size()) return std::nullopt;
  auto destination = route_value.substr(domain_end + 1);
  if (destination.find('|') != std::string::npos) return std::nullopt;
  return destination;
}

EdgeRow first_route_row(const std::string& customer_id, const std::optional<std::string>& first) {
  auto key = "o:" + customer_id;
  if (!first) return {kHtableTable, key, std::nullopt};
  return {kHtableTable, key, htable_fields(key, *first, 0)};
}

EdgeRow next_route_row(const std::string& trunk_id, const std::optional<std::string>& next) {
  auto key = "n:" + trunk_id;
  if (!next) return {kHtableTable, key, std::nullopt};
  return {kHtableTable, key, htable_fields(key, *next, 0)};
}

std::vector<EdgeRow> customer_routes_rows(const std::vector<Trunk>& trunks) {
  std::map<std::string, std::vector<const Trunk*>> by_customer;
  for (const auto& trunk : trunks) {
    if (routable(trunk)) by_customer[trunk.customer_id].push_back(&trunk);
  }
  std::vector<EdgeRow> rows;
  for (auto& [customer, routes] : by_customer) {
    // Redis's sorted set breaks a tie of scores by member: so does this.
    std::sort(routes.begin(), routes.end(), [](const Trunk* a, const Trunk* b) {
      return std::tie(a->edge_order, a->id) < std::tie(b->edge_order, b->id);
    });
    rows.push_back(first_route_row(customer, routes.front()->id));
    for (std::size_t i = 0; i + 1 < routes.size(); ++i) {
      rows.push_back(next_route_row(routes[i]->id, routes[i + 1]->id));
    }
  }
  return rows;
}

std::optional<std::string> probe_destination(const Trunk& trunk) {
  if (!routable(trunk)) return std::nullopt;
  return dispatcher_destination(trunk.proxy);
}

std::string probe_key(std::size_t index) { return "p:" + std::to_string(index); }

std::vector<EdgeRow> probe_rows(const std::vector<std::string>& destinations) {
  std::vector<EdgeRow> rows;
  for (std::size_t i = 0; i < destinations.size(); ++i) {
    rows.push_back({kHtableTable, probe_key(i), htable_fields(probe_key(i), destinations[i], 0)});
  }
  EdgeRow count{kHtableTable, kProbeCountKey, std::nullopt};
  if (!destinations.empty()) {
    count.fields = htable_fields(kProbeCountKey, std::to_string(destinations.size()), 1);
  }
  rows.push_back(std::move(count));
  return rows;
}

EdgeRow app_server_row(std::size_t index, const std::string& uri) {
  return {kDispatcherTable, "app:" + std::to_string(index),
          RowFields{{"setid", std::to_string(kDispatcherSetAppServers)},
                    {"destination", uri},
                    {"flags", "0"},
                    {"priority", "0"},
                    {"attrs", "app_server=" + std::to_string(index)},
                    {"description", "application server"}}};
}

RowFields padding_row(const std::string& table) {
  if (table == kDispatcherTable) {
    return {{"setid", std::to_string(kDispatcherSetPadding)},
            {"destination", "sip:192.0.2.255:9"},
            {"flags", std::to_string(kDispatcherFlagDisabled)},
            {"priority", "0"},
            {"attrs", "padding=1"},
            {"description", "padding"}};
  }
  if (table == kUacregTable) {
    // Disabled (flags 1): loaded, never registered. uac ignores a record with an empty
    // auth_username (one log line, and reg_refresh still answers OK), so it has one.
    return {{"l_uuid", kPaddingOwner},
            {"l_username", kPaddingOwner},
            {"l_domain", "invalid"},
            {"r_username", kPaddingOwner},
            {"r_domain", "invalid"},
            {"realm", ""},
            {"auth_username", kPaddingOwner},
            {"auth_password", kPaddingOwner},
            {"auth_ha1", ""},
            {"auth_proxy", "sip:192.0.2.255:9"},
            {"expires", "60"},
            {"flags", "1"},
            {"reg_delay", "0"},
            {"contact_addr", ""},
            {"socket", ""}};
  }
  return htable_fields("padding", "1", 0);
}

bool padding_needed(std::size_t owned_rows) { return owned_rows > 0 && owned_rows % 1000 == 0; }

std::string uacreg_dump_value(const std::string& column, const std::string& value) {
  bool shown_as_none = column == "auth_password" || column == "auth_ha1" ||
                       column == "auth_proxy" || column == "contact_addr";
  return shown_as_none && value.empty() ? "none" : value;
}

std::string dispatcher_destination(const std::string& proxy_text) {
  auto proxy = parse_sip_proxy(proxy_text).proxy;
  if (!proxy) return {};
  std::string uri = proxy->scheme + ":" + proxy->host;
  if (proxy->port) uri += ":" + std::to_string(*proxy->port);
  if (proxy->transport) uri += ";transport=" + *proxy->transport;
  return uri;
}

}  // namespace mv::model
