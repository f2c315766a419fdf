// POST/PATCH /v1/trunks bodies: parse_trunk_patch, then trunk_from_create and apply_trunk_patch
// onto a stored trunk, as the service does.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

#include "fuzz_checks.h"
#include "model/trunk.h"
#include "model/trunk_validation.h"

namespace {

using namespace mv;
using fuzz::require;

// A stored trunk with every optional field set, so a PATCH can clear or replace each one.
model::Trunk stored_trunk() {
  model::Trunk trunk;
  trunk.id = "trunk_20260529T120000.000000000";
  trunk.customer_id = "cust_123";
  trunk.name = "primary-outbound";
  trunk.proxy = "sip.example.net";
  trunk.username = "user1";
  trunk.password = "secret";
  trunk.realm = "sip.example.net";
  trunk.from_domain = "sip.example.net";
  trunk.inbound_ip = "203.0.113.0/24";
  trunk.gateway_name = "primary";
  return trunk;
}

// What reaches Kamailio's tables and SIP messages holds nothing that ends a header or parameter.
// A proxy may carry exactly one URI parameter, ;transport=udp|tcp|tls.
void require_sip_safe(const model::Trunk& trunk) {
  std::string_view proxy = trunk.proxy;
  if (auto semicolon = proxy.find(';'); semicolon != std::string_view::npos) {
    auto parameter = proxy.substr(semicolon);
    require(parameter == ";transport=udp" || parameter == ";transport=tcp" ||
                parameter == ";transport=tls",
            "a proxy's only parameter is transport");
    proxy = proxy.substr(0, semicolon);
  }
  require(!proxy.empty() && !fuzz::has_sip_breaking_byte(proxy), "proxy is SIP-safe");
  require(!fuzz::contains(proxy, "@"), "proxy has no user part");
  for (const auto* value : {&trunk.username, &trunk.realm, &trunk.from_domain, &trunk.inbound_ip,
                            &trunk.gateway_name}) {
    if (*value) {
      require(!(*value)->empty() && !fuzz::has_sip_breaking_byte(**value), "field is SIP-safe");
    }
  }
  if (trunk.username) require(!fuzz::contains(*trunk.username, ":"), "username has no ':'");
  if (trunk.password) {
    for (char c : *trunk.password) {
      auto byte = static_cast<unsigned char>(c);
      require(byte > 0x20 && byte < 0x7f && c != '"' && c != '\\',
              "password is printable ASCII without quotes or backslashes");
    }
  }
  for (char c : trunk.name) {
    auto byte = static_cast<unsigned char>(c);
    require(byte >= 0x20 && byte != 0x7f && c != '"' && c != '\\', "name has no control bytes");
  }
  require(!trunk.name.empty() && trunk.name.front() != ' ' && trunk.name.back() != ' ',
          "name is trimmed");
  require(!trunk.password || trunk.username, "a password comes with a username");
  require(!trunk.register_requested.value_or(false) || (trunk.username && trunk.password),
          "registering needs credentials");
}

// Every stored value is canonical: checking it again accepts it unchanged.
void require_canonical(std::string_view field, const std::optional<std::string>& value) {
  if (!value) return;
  auto check = model::check_string_field(field, *value);
  require(check.value == value, "a stored value checks again to itself");
}

void require_canonical(const model::Trunk& trunk) {
  require_canonical("name", trunk.name);
  require_canonical("proxy", trunk.proxy);
  require_canonical("username", trunk.username);
  require_canonical("password", trunk.password);
  require_canonical("realm", trunk.realm);
  require_canonical("from_domain", trunk.from_domain);
  require_canonical("inbound_ip", trunk.inbound_ip);
  require_canonical("gateway_name", trunk.gateway_name);
}

// The public view of an accepted trunk, less its read-only fields and with the write-only
// password back, is a create body that gives the same trunk.
void require_round_trip(const model::Trunk& trunk) {
  auto view = model::trunk_to_json(trunk, {});
  require(!view.contains("password"), "the public view has no password");
  for (const char* read_only : {"id", "customer_id", "direction", "registration_status",
                                "registration", "created_at", "updated_at", "sync", "register"}) {
    view.erase(read_only);
  }
  if (trunk.password) view["password"] = *trunk.password;
  if (trunk.register_requested) view["register"] = *trunk.register_requested;
  auto again = model::parse_trunk_patch(view.dump());
  require(std::holds_alternative<model::TrunkPatch>(again), "a re-serialised trunk parses");
  auto rebuilt = model::trunk_from_create(std::get<model::TrunkPatch>(again));
  require(std::holds_alternative<model::Trunk>(rebuilt), "a re-serialised trunk is accepted");
  auto expected = trunk;
  expected.id.clear();
  expected.customer_id.clear();
  require(std::get<model::Trunk>(rebuilt) == expected, "a re-serialised trunk is the same trunk");
}

void require_accepted(const model::Trunk& trunk) {
  require_sip_safe(trunk);
  require_canonical(trunk);
  require_round_trip(trunk);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view body(reinterpret_cast<const char*>(data), size);
  auto parsed = model::parse_trunk_patch(body);
  if (const auto* error = std::get_if<model::ApiError>(&parsed)) {
    require(error->code == model::ErrorCode::invalid_request, "a bad body is invalid_request");
    fuzz::require_clean_error(*error);
    return 0;
  }
  const auto& patch = std::get<model::TrunkPatch>(parsed);

  auto created = model::trunk_from_create(patch);
  if (const auto* trunk = std::get_if<model::Trunk>(&created)) {
    require(patch.name && patch.proxy, "a create has a name and a proxy");
    require_accepted(*trunk);
  } else {
    fuzz::require_clean_error(std::get<model::ApiError>(created));
  }

  auto before = stored_trunk();
  auto updated = model::apply_trunk_patch(before, patch);
  if (const auto* trunk = std::get_if<model::Trunk>(&updated)) {
    require(trunk->id == before.id && trunk->customer_id == before.customer_id,
            "a patch keeps the id and the owner");
    require(patch.name || trunk->name == before.name, "a patch keeps what it does not name");
    require(patch.inbound_ip || trunk->inbound_ip == before.inbound_ip,
            "a patch keeps what it does not name");
    require_accepted(*trunk);
  } else {
    fuzz::require_clean_error(std::get<model::ApiError>(updated));
  }
  return 0;
}
