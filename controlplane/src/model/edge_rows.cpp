#include "model/edge_rows.h"

#include "crypto/digest_ha1.h"
#include "model/ip_network.h"
#include "model/sip_syntax.h"

namespace mv::model {
namespace {

std::optional<RowFields> address_fields(const Trunk& trunk) {
  if (!trunk.is_active || !trunk.inbound_ip) return std::nullopt;
  auto network = parse_ip_network(*trunk.inbound_ip).network;
  if (!network) return std::nullopt;
  auto address = *network;
  address.prefix = address.max_prefix();  // ip_addr is the network address alone
  return RowFields{{"grp", std::to_string(kAddressGroupTrunks)},
                   {"ip_addr", address.to_string()},
                   {"mask", std::to_string(network->prefix)},
                   {"port", "0"},
                   {"tag", trunk.id + "," + trunk.customer_id}};
}

bool host_is_ip_literal(const std::string& host) {
  auto literal = host.front() == '[' ? host.substr(1, host.size() - 2) : host;
  return parse_ip_address(literal).has_value();
}

std::optional<RowFields> dispatcher_fields(const Trunk& trunk) {
  if (!trunk.is_active || trunk.edge_set == 0) return std::nullopt;
  auto proxy = parse_sip_proxy(trunk.proxy).proxy;
  if (!proxy) return std::nullopt;
  std::string attrs = "trunk=" + trunk.id + ";customer=" + trunk.customer_id;
  if (trunk.from_domain) attrs += ";from_domain=" + *trunk.from_domain;
  int flags = host_is_ip_literal(proxy->host) ? 0 : kDispatcherFlagSkipDns;
  return RowFields{{"setid", std::to_string(trunk.edge_set)},
                   {"destination", dispatcher_destination(trunk.proxy)},
                   {"flags", std::to_string(flags)},
                   {"priority", std::to_string(kTopTrunkPriority - trunk.edge_order)},
                   {"attrs", attrs},
                   {"description", trunk.id}};
}

RowFields htable_fields(const std::string& key, const std::string& value, int value_type) {
  return {{"key_name", key},
          {"key_type", "0"},
          {"value_type", std::to_string(value_type)},
          {"key_value", value},
          {"expires", "0"}};
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
  return {{kAddressTable, trunk.id, address_fields(trunk)},
          {kDispatcherTable, trunk.id, dispatcher_fields(trunk)},
          {kHtableTable, "a:" + trunk.id, auth_fields(trunk, false)},
          {kHtableTable, "h:" + trunk.id, auth_fields(trunk, true)},
          {kUacregTable, trunk.id, uacreg_fields(trunk, settings)}};
}

EdgeRow customer_set_row(const std::string& customer_id, std::int64_t dispatcher_set) {
  return {kHtableTable, "c:" + customer_id,
          htable_fields("c:" + customer_id, std::to_string(dispatcher_set), 1)};
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
  if (table == kAddressTable) {
    return {{"grp", "99"},
            {"ip_addr", "192.0.2.255"},
            {"mask", "32"},
            {"port", "0"},
            {"tag", "padding"}};
  }
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
