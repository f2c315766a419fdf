#include "cli/arguments.h"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <map>
#include <sstream>
#include <tuple>

#include "cli/exit_codes.h"

namespace mv::cli {
namespace {

using Json = nlohmann::ordered_json;

constexpr const char* kFooter =
    "Environment: MV_API_URL (default http://127.0.0.1:8080) and MV_API_KEY, used when --url\n"
    "and --key are not given.\n"
    "Exit codes: 0 success; 1 the API refused the request (400, 409, 415, 429 ...);\n"
    "2 usage error, nothing sent; 3 API unreachable, 5xx or an unreadable answer;\n"
    "4 not found (404); 5 key unknown or revoked (401) or not admin (403).";

// The trunk fields a create or update sets from flags (or --json-body), and fields to clear.
struct TrunkFieldOptions {
  CLI::Option* json_body_option = nullptr;
  std::string json_body;
  std::map<std::string, std::string> values;                         // by JSON field name
  std::vector<std::tuple<CLI::Option*, std::string, bool>> options;  // (option, field, boolean)
  std::vector<std::string> clear;

  void add_to(CLI::App* command, bool with_clear) {
    json_body_option = command->add_option(
        "--json-body", json_body, "the request body as a JSON object; flags override its fields");
    auto add = [&](const std::string& flag, const std::string& field, const std::string& help,
                   bool boolean) {
      auto* option = command->add_option(flag, values[field], help);
      if (boolean) option->check(CLI::IsMember({"true", "false"}));
      options.emplace_back(option, field, boolean);
    };
    add("--name", "name", "display name", false);
    add("--proxy", "proxy", "carrier proxy: host[:port] or sip:/sips: URI", false);
    add("--username", "username", "digest user name", false);
    add("--password", "password", "digest password (sent, never printed)", false);
    add("--realm", "realm", "digest realm", false);
    add("--from-domain", "from_domain", "From domain", false);
    add("--inbound-ip", "inbound_ip", "carrier source address or network", false);
    add("--gateway-name", "gateway_name", "gateway name, unique per customer", false);
    add("--active", "is_active", "true or false", true);
    add("--register", "register", "true or false", true);
    if (with_clear) {
      command->add_option("--clear", clear, "set an optional field to null (repeatable)")
          ->check(CLI::IsMember({"username", "password", "realm", "from_domain", "inbound_ip",
                                 "gateway_name", "register"}));
    }
  }

  // The body to send, or a usage error.
  std::variant<std::string, EarlyExit> body() const {
    Json body = Json::object();
    if (json_body_option->count() > 0) {
      body = Json::parse(json_body, nullptr, false);
      if (body.is_discarded() || !body.is_object()) {
        return EarlyExit{kUsage, "", "--json-body: must be a JSON object\n"};
      }
    }
    for (const auto& [option, field, boolean] : options) {
      if (option->count() == 0) continue;
      const auto& value = values.at(field);
      body[field] = boolean ? Json(value == "true") : Json(value);
    }
    for (const auto& field : clear) body[field] = nullptr;
    if (body.empty()) {
      return EarlyExit{kUsage, "", "nothing to send: give --json-body or field options\n"};
    }
    return body.dump();
  }
};

std::string without_trailing_slashes(std::string url) {
  while (url.ends_with('/')) url.pop_back();
  return url;
}

bool is_http_url(std::string_view url) {
  for (std::string_view scheme : {"http://", "https://"}) {
    if (url.starts_with(scheme) && url.size() > scheme.size()) return true;
  }
  return false;
}

}  // namespace

std::string encode_segment(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (char c : text) {
    auto byte = static_cast<unsigned char>(c);
    if (std::isalnum(byte) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += c;
    } else {
      out += '%';
      out += kHex[byte >> 4];
      out += kHex[byte & 0xf];
    }
  }
  return out;
}

std::variant<Invocation, EarlyExit> parse_arguments(const std::vector<std::string>& args,
                                                    const EnvLookup& env) {
  CLI::App app{"mvctl: the MiniVoice Edge operator CLI (trunks, NOC views, API keys)", "mvctl"};
  app.footer(kFooter);
  app.require_subcommand(1);
  app.fallthrough();
  std::string url, key;
  bool json = false;
  int timeout_s = 15;
  auto* url_option = app.add_option("--url", url, "API base URL (else MV_API_URL)");
  auto* key_option = app.add_option("--key", key, "API key (else MV_API_KEY)");
  app.add_flag("--json", json, "print the API's JSON (pretty) instead of tables");
  app.add_option("--timeout", timeout_s, "seconds to wait for the API")
      ->check(CLI::Range(1, 300))
      ->capture_default_str();

  auto* trunks = app.add_subcommand("trunks", "customer trunks (of the key's customer)");
  trunks->require_subcommand(1);
  std::string id, starting_after, list_active, list_gateway;
  int limit = 0;
  auto* list = trunks->add_subcommand("list", "list trunks, oldest first");
  auto* limit_option = list->add_option("--limit", limit, "page size")->check(CLI::Range(1, 1000));
  auto* after_option =
      list->add_option("--starting-after", starting_after, "page after this trunk id");
  auto* active_option = list->add_option("--active", list_active, "only active (true) or not")
                            ->check(CLI::IsMember({"true", "false"}));
  auto* gateway_option = list->add_option("--gateway-name", list_gateway, "only this gateway");
  auto* get = trunks->add_subcommand("get", "show one trunk");
  get->add_option("id", id, "trunk id")->required();
  TrunkFieldOptions create_fields, update_fields;
  auto* create = trunks->add_subcommand("create", "create a trunk");
  create_fields.add_to(create, false);
  auto* update = trunks->add_subcommand("update", "change a trunk (only the fields given)");
  update->add_option("id", id, "trunk id")->required();
  update_fields.add_to(update, true);
  auto* remove = trunks->add_subcommand("delete", "delete a trunk");
  remove->add_option("id", id, "trunk id")->required();

  auto* dispatcher = app.add_subcommand("dispatcher", "dispatcher sets per Kamailio node (admin)");
  auto* permissions = app.add_subcommand("permissions", "loaded inbound addresses (admin)");
  auto* registrations = app.add_subcommand("registrations", "registrations per node (admin)");
  auto* drift = app.add_subcommand("drift", "Redis vs what each node loaded (admin)");

  auto* edge = app.add_subcommand("edge", "the Kamailio nodes the daemon keeps in step (admin)");
  edge->require_subcommand(1);
  auto* edge_status = edge->add_subcommand("status", "what each node has loaded");
  std::string node_name;
  auto* edge_resync =
      edge->add_subcommand("resync", "reload every table of one node (the repair path)");
  edge_resync->add_option("node", node_name, "node name as edge status shows it, e.g. edge-1")
      ->required();

  auto* keys = app.add_subcommand("keys", "API keys (admin)");
  keys->require_subcommand(1);
  std::string customer, role = "customer";
  auto* keys_list = keys->add_subcommand("list", "list keys (never their secrets)");
  auto* keys_create = keys->add_subcommand("create", "create a key and print it once");
  keys_create->add_option("--customer", customer, "customer id, e.g. cust_123")->required();
  keys_create->add_option("--role", role, "customer or admin")
      ->check(CLI::IsMember({"customer", "admin"}))
      ->capture_default_str();
  auto* keys_revoke = keys->add_subcommand("revoke", "revoke a key at once");
  keys_revoke->add_option("key_id", id, "key id as keys list shows it")->required();

  try {
    std::vector<std::string> reversed(args.rbegin(), args.rend());
    app.parse(reversed);
  } catch (const CLI::ParseError& e) {
    std::ostringstream out, err;
    int code = app.exit(e, out, err);
    return EarlyExit{code == 0 ? kSuccess : kUsage, out.str(), err.str()};
  }

  Invocation invocation;
  invocation.json = json;
  invocation.timeout = std::chrono::seconds(timeout_s);
  invocation.api_url = without_trailing_slashes(
      url_option->count() > 0 ? url : env("MV_API_URL").value_or(std::string(kDefaultApiUrl)));
  invocation.api_key = key_option->count() > 0 ? key : env("MV_API_KEY").value_or("");
  if (!is_http_url(invocation.api_url)) {
    return EarlyExit{kUsage, "", "--url / MV_API_URL: must start with http:// or https://\n"};
  }
  if (invocation.api_key.empty()) {
    return EarlyExit{kUsage, "", "no API key: pass --key or set MV_API_KEY\n"};
  }

  auto& request = invocation.request;
  auto with_body = [&](const TrunkFieldOptions& fields, std::string method, std::string target,
                       View view) -> std::variant<Invocation, EarlyExit> {
    auto body = fields.body();
    if (auto* usage = std::get_if<EarlyExit>(&body)) return *usage;
    request = {std::move(method), std::move(target), std::get<std::string>(body)};
    invocation.view = view;
    return invocation;
  };
  invocation.subject = id;
  const std::string trunk_path = "/v1/trunks/" + encode_segment(id);
  if (*list) {
    std::string query;
    auto add = [&](CLI::Option* option, const char* name, const std::string& value) {
      if (option->count() == 0) return;
      query += (query.empty() ? "?" : "&") + std::string(name) + "=" + encode_segment(value);
    };
    add(limit_option, "limit", std::to_string(limit));
    add(after_option, "starting_after", starting_after);
    add(active_option, "is_active", list_active);
    add(gateway_option, "gateway_name", list_gateway);
    request = {"GET", "/v1/trunks" + query, std::nullopt};
    invocation.view = View::trunk_list;
  } else if (*get) {
    request = {"GET", trunk_path, std::nullopt};
    invocation.view = View::trunk;
  } else if (*create) {
    return with_body(create_fields, "POST", "/v1/trunks", View::trunk);
  } else if (*update) {
    return with_body(update_fields, "PATCH", trunk_path, View::trunk);
  } else if (*remove) {
    request = {"DELETE", trunk_path, std::nullopt};
    invocation.view = View::trunk_deleted;
  } else if (*dispatcher || *permissions || *registrations || *drift) {
    const std::vector<std::tuple<CLI::App*, const char*, View>> noc{
        {dispatcher, "dispatcher", View::dispatcher},
        {permissions, "permissions", View::permissions},
        {registrations, "registrations", View::registrations},
        {drift, "drift", View::drift}};
    for (const auto& [command, name, view] : noc) {
      if (!*command) continue;
      request = {"GET", std::string("/v1/noc/") + name, std::nullopt};
      invocation.view = view;
    }
  } else if (*edge_status) {
    request = {"GET", "/v1/edge/status", std::nullopt};
    invocation.view = View::edge_status;
  } else if (*edge_resync) {
    request = {"POST", "/v1/edge/nodes/" + encode_segment(node_name) + "/resync", std::nullopt};
    invocation.view = View::edge_resync;
  } else if (*keys_list) {
    request = {"GET", "/v1/keys", std::nullopt};
    invocation.view = View::key_list;
  } else if (*keys_create) {
    request = {"POST", "/v1/keys", Json{{"customer_id", customer}, {"role", role}}.dump()};
    invocation.view = View::key_created;
  } else if (*keys_revoke) {
    request = {"DELETE", "/v1/keys/" + encode_segment(id), std::nullopt};
    invocation.view = View::key_revoked;
  }
  return invocation;
}

}  // namespace mv::cli
