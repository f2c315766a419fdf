#include "model/noc_views.h"

#include <algorithm>
#include <cstdlib>

#include "model/edge_rows.h"
#include "model/ip_network.h"

namespace mv::model {
namespace {

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

}  // namespace

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
    destination.state = inactive ? "inactive" : "active";
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

}  // namespace mv::model
