#include "model/trunk_validation.h"

#include <algorithm>
#include <array>

#include "model/ip_network.h"
#include "model/json_body.h"
#include "model/sip_syntax.h"

namespace mv::model {
namespace {

using json = nlohmann::json;

struct StringFieldRule {
  std::string_view name;
  std::size_t max_length;
  bool nullable;
};

constexpr std::array<StringFieldRule, 8> kStringFields{{
    {"name", 128, false},
    {"proxy", 255, false},
    {"username", 64, true},
    {"password", 128, true},
    {"realm", 253, true},
    {"from_domain", 253, true},
    {"inbound_ip", 49, true},
    {"gateway_name", 64, true},
}};

constexpr std::array<std::string_view, 4> kReadOnlyFields{"id", "customer_id", "created_at",
                                                          "updated_at"};

const StringFieldRule* find_rule(std::string_view field) {
  auto it = std::find_if(kStringFields.begin(), kStringFields.end(),
                         [&](const auto& rule) { return rule.name == field; });
  return it == kStringFields.end() ? nullptr : &*it;
}

ApiError invalid(std::string message) { return {ErrorCode::invalid_request, std::move(message)}; }

std::string field_error(std::string_view field, std::string_view reason) {
  return std::string(field) + ": " + std::string(reason);
}

// A key name is repeated in a message only when it is short and plain.
bool has_control_or_quote(std::string_view value, bool allow_inner_space) {
  return std::any_of(value.begin(), value.end(), [&](char ch) {
    auto c = static_cast<unsigned char>(ch);
    if (c == ' ') return !allow_inner_space;
    return c < 0x20 || c == 0x7f || c == '"' || c == '\'' || c == '\\';
  });
}

// Code points that render as nothing or reorder text: C1 controls, no-break and zero-width
// spaces, bidi controls, line/paragraph separators, BOM. The input is valid UTF-8 (the JSON
// parser checked it).
bool has_invisible_code_point(std::string_view text) {
  for (std::size_t i = 0; i < text.size();) {
    auto lead = static_cast<unsigned char>(text[i]);
    int length = lead < 0x80 ? 1 : lead < 0xe0 ? 2 : lead < 0xf0 ? 3 : 4;
    if (i + static_cast<std::size_t>(length) > text.size()) return true;
    char32_t cp = length == 1 ? lead : lead & (0xff >> (length + 1));
    for (int k = 1; k < length; ++k)
      cp = (cp << 6) | (static_cast<unsigned char>(text[i + k]) & 0x3f);
    if ((cp >= 0x80 && cp <= 0xa0) || (cp >= 0x200b && cp <= 0x200f) ||
        (cp >= 0x2028 && cp <= 0x202e) || (cp >= 0x2060 && cp <= 0x2069) || cp == 0xfeff) {
      return true;
    }
    i += static_cast<std::size_t>(length);
  }
  return false;
}

std::string lower_ascii(std::string_view value) {
  std::string out(value);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::string_view check_value(std::string_view field, std::string_view value) {
  if (field == "proxy") {
    auto parsed = parse_sip_proxy(value);
    return parsed.proxy ? std::string_view{}
                        : std::string_view{"must be host[:port] or a sip:/sips: URI"};
  }
  if (field == "username") {
    return is_sip_user(value) ? "" : "may only contain letters, digits and -_.!~*()&=+$";
  }
  if (field == "password") {
    bool printable =
        std::all_of(value.begin(), value.end(), [](char c) { return c > 0x20 && c < 0x7f; });
    return printable ? "" : "must be printable ASCII without spaces, quotes or backslashes";
  }
  if (field == "realm")
    return is_realm(value) ? "" : "may only contain letters, digits and -._!*+~";
  if (field == "from_domain") {
    return is_sip_host(value) ? ""
                              : "must be a DNS name, an IPv4 address or a bracketed IPv6 address";
  }
  if (field == "gateway_name") {
    return is_gateway_name(value) ? "" : "may only contain letters, digits, '.', '_' and '-'";
  }
  return "";
}

FieldCheck check_inbound_ip(std::string_view value) {
  auto parsed = parse_ip_network(value);
  if (!parsed.network) return {std::nullopt, field_error("inbound_ip", parsed.error)};
  const auto& net = *parsed.network;
  bool v4 = net.family == IpNetwork::Family::v4;
  if (net.prefix < (v4 ? 16 : 32)) {
    return {std::nullopt,
            field_error("inbound_ip", v4 ? "IPv4 prefixes wider than /16 are not accepted"
                                         : "IPv6 prefixes wider than /32 are not accepted")};
  }
  if (!net.is_unicast()) {
    return {std::nullopt, field_error("inbound_ip", "must be a unicast source address")};
  }
  if (net.embeds_ipv4()) {
    // Otherwise "::ffff:10.0.0.1" would slip past both the prefix rule and the overlap index.
    return {std::nullopt,
            field_error("inbound_ip", "IPv4-mapped IPv6 is not accepted; use the IPv4 form")};
  }
  return {net.to_string(), {}};
}

}  // namespace

FieldCheck check_string_field(std::string_view field, std::string_view value) {
  const auto* rule = find_rule(field);
  if (rule == nullptr) return {std::nullopt, field_error(field, "is not a string field")};
  if (value.empty()) return {std::nullopt, field_error(field, "must not be empty")};
  if (value.size() > rule->max_length) {
    return {std::nullopt,
            field_error(field, "must be at most " + std::to_string(rule->max_length) + " bytes")};
  }
  bool allow_inner_space = field == "name";
  if (has_control_or_quote(value, allow_inner_space) ||
      (allow_inner_space && (value.front() == ' ' || value.back() == ' '))) {
    return {std::nullopt,
            field_error(field, allow_inner_space ? "must not contain control characters, quotes, "
                                                   "backslashes or leading/trailing spaces"
                                                 : "must not contain control characters, spaces, "
                                                   "quotes or backslashes")};
  }
  if (field == "name" && has_invisible_code_point(value)) {
    return {std::nullopt, field_error(field, "must not contain invisible or control characters")};
  }
  if (field == "inbound_ip") return check_inbound_ip(value);
  if (auto reason = check_value(field, value); !reason.empty()) {
    return {std::nullopt, field_error(field, reason)};
  }
  // Host names, URI schemes and transports are case-insensitive: store one spelling.
  if (field == "proxy" || field == "from_domain") return {lower_ascii(value), {}};
  return {std::string(value), {}};
}

std::variant<TrunkPatch, ApiError> parse_trunk_patch(std::string_view body) {
  auto parsed = parse_json_object_body(body);
  if (auto* error = std::get_if<ApiError>(&parsed)) return *error;
  const auto& document = std::get<json>(parsed);

  TrunkPatch patch;
  for (const auto& [key, value] : document.items()) {
    if (std::find(kReadOnlyFields.begin(), kReadOnlyFields.end(), key) != kReadOnlyFields.end() ||
        key == "direction" || key == "registration_status" || key == "registration") {
      return invalid(field_error(key, "is read-only"));
    }
    if (key == "is_active") {
      if (!value.is_boolean()) return invalid("is_active: must be a boolean");
      patch.is_active = value.get<bool>();
      continue;
    }
    if (key == "register") {
      if (!value.is_boolean() && !value.is_null()) {
        return invalid("register: must be a boolean or null");
      }
      patch.register_requested =
          value.is_null() ? std::optional<bool>() : std::optional<bool>(value.get<bool>());
      continue;
    }
    const auto* rule = find_rule(key);
    if (rule == nullptr) return invalid("unknown field " + describe_key(key));
    if (value.is_null()) {
      if (!rule->nullable) return invalid(field_error(key, "must not be null"));
    } else if (!value.is_string()) {
      return invalid(field_error(key, "must be a string"));
    }

    std::optional<std::string> checked;
    if (!value.is_null()) {
      auto check = check_string_field(key, value.get_ref<const std::string&>());
      if (!check.value) return invalid(check.error);
      checked = std::move(check.value);
    }
    if (key == "name") patch.name = checked;
    if (key == "proxy") patch.proxy = checked;
    if (key == "username") patch.username = checked;
    if (key == "password") patch.password = checked;
    if (key == "realm") patch.realm = checked;
    if (key == "from_domain") patch.from_domain = checked;
    if (key == "inbound_ip") patch.inbound_ip = checked;
    if (key == "gateway_name") patch.gateway_name = checked;
  }
  return patch;
}

std::variant<Trunk, ApiError> apply_trunk_patch(Trunk trunk, const TrunkPatch& patch) {
  if (patch.name) trunk.name = *patch.name;
  if (patch.proxy) trunk.proxy = *patch.proxy;
  if (patch.username) trunk.username = *patch.username;
  if (patch.password) trunk.password = *patch.password;
  if (patch.realm) trunk.realm = *patch.realm;
  if (patch.from_domain) trunk.from_domain = *patch.from_domain;
  if (patch.inbound_ip) trunk.inbound_ip = *patch.inbound_ip;
  if (patch.gateway_name) trunk.gateway_name = *patch.gateway_name;
  if (patch.is_active) trunk.is_active = *patch.is_active;
  if (patch.register_requested) trunk.register_requested = *patch.register_requested;

  if (trunk.password && !trunk.username) {
    return invalid("password: needs a username (digest credentials are a pair)");
  }
  if (trunk.register_requested.value_or(false) && !(trunk.username && trunk.password)) {
    return invalid("register: needs a username and a password to register with");
  }
  return trunk;
}

std::variant<Trunk, ApiError> trunk_from_create(const TrunkPatch& patch) {
  if (!patch.name) return invalid("name: is required");
  if (!patch.proxy) return invalid("proxy: is required");
  return apply_trunk_patch(Trunk{}, patch);
}

}  // namespace mv::model
