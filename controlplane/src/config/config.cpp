#include "config/config.h"

#include "model/edge_rows.h"
#include "model/ip_network.h"
#include "model/sip_syntax.h"

#include <yaml-cpp/yaml.h>

#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>

namespace mv::config {
namespace {

class Reader {
 public:
  std::vector<std::string> errors;

  // Reports keys of `node` that are not in `known`.
  void only_keys(const YAML::Node& node, const std::string& path,
                 const std::set<std::string>& known) {
    if (!node) return;
    if (!node.IsMap()) {
      errors.push_back(path_or_root(path) + ": must be a mapping");
      return;
    }
    for (const auto& entry : node) {
      auto key = entry.first.as<std::string>();
      if (!known.contains(key)) errors.push_back(join(path, key) + ": unknown key");
    }
  }

  void integer(const YAML::Node& node, const std::string& path, long min, long max, auto& out) {
    if (!node) return;
    try {
      auto value = node.as<long>();
      if (value < min || value > max) throw YAML::Exception(YAML::Mark(), "range");
      out = static_cast<std::remove_reference_t<decltype(out)>>(value);
    } catch (const YAML::Exception&) {
      errors.push_back(path + ": must be an integer from " + std::to_string(min) + " to " +
                       std::to_string(max));
    }
  }

  // A std::chrono duration given as an integer count of its own unit (seconds, milliseconds).
  template <typename Rep, typename Period>
  void duration(const YAML::Node& node, const std::string& path, long min, long max,
                std::chrono::duration<Rep, Period>& out) {
    long count = out.count();
    integer(node, path, min, max, count);
    out = std::chrono::duration<Rep, Period>(count);
  }

  void boolean(const YAML::Node& node, const std::string& path, bool& out) {
    if (!node) return;
    try {
      out = node.as<bool>();
    } catch (const YAML::Exception&) {
      errors.push_back(path + ": must be true or false");
    }
  }

  void text(const YAML::Node& node, const std::string& path, std::string& out) {
    if (!node) return;
    if (!node.IsScalar() || node.Scalar().empty()) {
      errors.push_back(path + ": must be a non-empty string");
      return;
    }
    out = node.Scalar();
  }

  static std::string join(const std::string& path, const std::string& key) {
    return path.empty() ? key : path + "." + key;
  }
  static std::string path_or_root(const std::string& path) {
    return path.empty() ? "(top level)" : path;
  }
};

// Under outbound.loopback_only: refuses a destination host that is not a loopback literal
// (a name would need a DNS query, which may leave the machine).
void require_loopback(Reader& reader, const OutboundConfig& outbound, const std::string& path,
                      std::string_view host) {
  if (!outbound.loopback_only) return;
  auto literal = host;
  if (literal.starts_with('[') && literal.ends_with(']')) {
    literal = literal.substr(1, literal.size() - 2);
  }
  auto address = model::parse_ip_address(literal);
  if (address && address->is_loopback()) return;
  reader.errors.push_back(
      path + ": outbound.loopback_only allows only 127.0.0.0/8 and ::1 literals, not " +
      std::string(host));
}

// The host of an http:// URL ("[::1]" for an IPv6 literal).
std::string_view url_host(std::string_view url) {
  url.remove_prefix(std::string_view("http://").size());
  url = url.substr(0, url.find('/'));
  if (url.starts_with('[')) return url.substr(0, url.find(']') + 1);
  return url.substr(0, url.find(':'));
}

void read_listen(Reader& reader, const YAML::Node& node, HttpConfig& http) {
  if (!node) return;
  std::string listen;
  reader.text(node, "http.listen", listen);
  auto colon = listen.rfind(':');
  long port = 0;
  try {
    port = colon == std::string::npos ? 0 : std::stol(listen.substr(colon + 1));
  } catch (const std::exception&) {
    port = 0;
  }
  if (listen.empty()) return;
  if (colon == std::string::npos || colon == 0 || port < 1 || port > 65535) {
    reader.errors.push_back("http.listen: must be address:port, e.g. 127.0.0.1:8080");
    return;
  }
  http.address = listen.substr(0, colon);
  http.port = static_cast<int>(port);
}

bool is_wildcard(const std::string& address) {
  return address == "0.0.0.0" || address == "::" || address == "[::]";
}

void read_admin_listener(Reader& reader, const YAML::Node& http, HttpConfig& config) {
  reader.integer(http["admin_port"], "http.admin_port", 1, 65535, config.admin_port);
  reader.text(http["admin_address"], "http.admin_address", config.admin_address);
  if (http["admin_address"] && !http["admin_port"]) {
    reader.errors.push_back("http.admin_address: needs http.admin_port");
  }
  if (config.admin_port == 0) return;
  if (config.admin_address.empty()) config.admin_address = config.address;
  bool same_address = config.admin_address == config.address || is_wildcard(config.admin_address) ||
                      is_wildcard(config.address);
  if (config.admin_port == config.port && same_address) {
    reader.errors.push_back("http.admin_port: must differ from the port of http.listen");
  }
}

void read_rate_limit(Reader& reader, const YAML::Node& node, const std::string& path,
                     KeyRateLimit& limit) {
  reader.only_keys(node, path, {"per_second", "burst"});
  if (!node || !node.IsMap()) return;
  reader.integer(node["per_second"], path + ".per_second", 1, 1'000'000, limit.per_second);
  reader.integer(node["burst"], path + ".burst", 1, 1'000'000, limit.burst);
}

void read_request_limits(Reader& reader, const YAML::Node& http, HttpConfig& config) {
  read_rate_limit(reader, http["rate_limit"], "http.rate_limit", config.rate_limit);
  read_rate_limit(reader, http["admin_rate_limit"], "http.admin_rate_limit",
                  config.admin_rate_limit);
  reader.integer(http["max_in_flight"], "http.max_in_flight", 1, 100'000, config.max_in_flight);
  reader.integer(http["max_connections"], "http.max_connections", 1, 100'000,
                 config.max_connections);
  reader.duration(http["idle_timeout_s"], "http.idle_timeout_s", 1, 3600, config.idle_timeout);
  reader.integer(http["max_header_bytes"], "http.max_header_bytes", 1024, 1 << 20,
                 config.max_header_bytes);
}

}  // namespace

ConfigLoad parse_config(std::string_view yaml_text, const ConfigEnvironment& environment) {
  YAML::Node root;
  try {
    root = YAML::Load(std::string(yaml_text));
  } catch (const YAML::Exception& e) {
    return {std::nullopt,
            {"config is not valid YAML: " + e.msg + " at line " + std::to_string(e.mark.line + 1)}};
  }
  Config config;
  Reader reader;
  if (root.IsNull()) return {config, {}};
  reader.only_keys(root, "", {"http", "redis", "kamailio", "outbound", "log_level", "log_format"});
  if (!reader.errors.empty() && !root.IsMap()) return {std::nullopt, reader.errors};

  // Read first: the destinations below are checked against it.
  const auto outbound = root["outbound"];
  reader.only_keys(outbound, "outbound", {"loopback_only"});
  if (outbound && outbound.IsMap()) {
    reader.boolean(outbound["loopback_only"], "outbound.loopback_only",
                   config.outbound.loopback_only);
  }

  const auto http = root["http"];
  reader.only_keys(
      http, "http",
      {"listen", "threads", "admin_address", "admin_port", "rate_limit", "admin_rate_limit",
       "max_in_flight", "max_connections", "idle_timeout_s", "max_header_bytes"});
  if (http && http.IsMap()) {
    read_listen(reader, http["listen"], config.http);
    reader.integer(http["threads"], "http.threads", 1, 256, config.http.threads);
    read_admin_listener(reader, http, config.http);
    read_request_limits(reader, http, config.http);
  }

  const auto redis = root["redis"];
  reader.only_keys(redis, "redis",
                   {"host", "port", "db", "username", "password", "pool_size", "connect_timeout_ms",
                    "command_timeout_ms"});
  if (redis && redis.IsMap()) {
    reader.text(redis["host"], "redis.host", config.redis.host);
    reader.text(redis["username"], "redis.username", config.redis.username);
    reader.text(redis["password"], "redis.password", config.redis.password);
    reader.integer(redis["port"], "redis.port", 1, 65535, config.redis.port);
    reader.integer(redis["db"], "redis.db", 0, 15, config.redis.db);
    reader.integer(redis["pool_size"], "redis.pool_size", 1, 256, config.redis_pool_size);
    reader.duration(redis["connect_timeout_ms"], "redis.connect_timeout_ms", 10, 10000,
                    config.redis.connect_timeout);
    reader.duration(redis["command_timeout_ms"], "redis.command_timeout_ms", 10, 10000,
                    config.redis.command_timeout);
  }
  require_loopback(reader, config.outbound, "redis.host", config.redis.host);

  const auto kamailio = root["kamailio"];
  reader.only_keys(
      kamailio, "kamailio",
      {"rpc_endpoints", "redis_db", "rpc_timeout_ms", "table_rpc_timeout_ms", "app_servers",
       "registration_expires_s", "registration_poll_ms", "edge_replicas", "edge_replica_wait_ms",
       "audit_interval_s", "audit_keys_per_round", "noc_metrics_refresh_s", "noc_max_listed_rows",
       "health_reload_interval_s", "rows_audit_keys_per_s"});
  if (kamailio && kamailio.IsMap()) {
    reader.integer(kamailio["redis_db"], "kamailio.redis_db", 0, 15, config.kamailio.redis_db);
    reader.integer(kamailio["edge_replicas"], "kamailio.edge_replicas", 0, 1000,
                   config.kamailio.edge_replicas);
    reader.duration(kamailio["edge_replica_wait_ms"], "kamailio.edge_replica_wait_ms", 10, 60000,
                    config.kamailio.edge_replica_wait);
    reader.duration(kamailio["rpc_timeout_ms"], "kamailio.rpc_timeout_ms", 100, 60000,
                    config.kamailio.rpc_timeout);
    reader.duration(kamailio["table_rpc_timeout_ms"], "kamailio.table_rpc_timeout_ms", 1000, 600000,
                    config.kamailio.table_rpc_timeout);
    reader.integer(kamailio["registration_expires_s"], "kamailio.registration_expires_s", 60, 86400,
                   config.kamailio.registration_expires_s);
    reader.duration(kamailio["registration_poll_ms"], "kamailio.registration_poll_ms", 200, 60000,
                    config.kamailio.registration_poll);
    reader.duration(kamailio["audit_interval_s"], "kamailio.audit_interval_s", 1, 86400,
                    config.kamailio.audit_interval);
    reader.integer(kamailio["audit_keys_per_round"], "kamailio.audit_keys_per_round", 0, 100000,
                   config.kamailio.audit_keys_per_round);
    reader.duration(kamailio["noc_metrics_refresh_s"], "kamailio.noc_metrics_refresh_s", 0, 86400,
                    config.kamailio.noc_metrics_refresh);
    reader.integer(kamailio["noc_max_listed_rows"], "kamailio.noc_max_listed_rows", 0, 100000000,
                   config.kamailio.noc_max_listed_rows);
    reader.duration(kamailio["health_reload_interval_s"], "kamailio.health_reload_interval_s", 1,
                    86400, config.kamailio.health_reload_interval);
    reader.integer(kamailio["rows_audit_keys_per_s"], "kamailio.rows_audit_keys_per_s", 0, 100000,
                   config.kamailio.rows_audit_keys_per_s);
  }
  if (kamailio && kamailio.IsMap() && kamailio["rpc_endpoints"]) {
    const auto endpoints = kamailio["rpc_endpoints"];
    if (!endpoints.IsSequence()) {
      reader.errors.push_back("kamailio.rpc_endpoints: must be a list of http:// URLs");
    } else {
      for (std::size_t i = 0; i < endpoints.size(); ++i) {
        std::string url;
        auto path = "kamailio.rpc_endpoints[" + std::to_string(i) + "]";
        reader.text(endpoints[i], path, url);
        if (!url.empty() && !url.starts_with("http://")) {
          reader.errors.push_back(path + ": must be an http:// URL");
        } else if (!url.empty()) {
          require_loopback(reader, config.outbound, path, url_host(url));
        }
        if (!url.empty()) config.kamailio.rpc_endpoints.push_back(url);
      }
    }
  }
  if (kamailio && kamailio.IsMap() && kamailio["app_servers"]) {
    const auto servers = kamailio["app_servers"];
    if (!servers.IsSequence()) {
      reader.errors.push_back("kamailio.app_servers: must be a list of sip: URIs");
    } else {
      for (std::size_t i = 0; i < servers.size(); ++i) {
        std::string uri;
        auto path = "kamailio.app_servers[" + std::to_string(i) + "]";
        reader.text(servers[i], path, uri);
        if (uri.empty()) continue;
        if (auto parsed = model::parse_sip_proxy(uri); !parsed.proxy) {
          reader.errors.push_back(path + ": " + parsed.error);
        } else {
          require_loopback(reader, config.outbound, path, parsed.proxy->host);
          config.kamailio.app_servers.push_back(model::dispatcher_destination(uri));
        }
      }
    }
  }

  reader.text(root["log_format"], "log_format", config.log_format);
  if (config.log_format != "json" && config.log_format != "text") {
    reader.errors.push_back("log_format: must be json or text");
  }
  reader.text(root["log_level"], "log_level", config.log_level);
  static const std::set<std::string> kLevels{"trace", "debug",    "info", "warn",
                                             "error", "critical", "off"};
  if (!kLevels.contains(config.log_level)) {
    reader.errors.push_back(
        "log_level: must be one of trace, debug, info, warn, error, critical, off");
  }

  if (environment.redis_password) config.redis.password = *environment.redis_password;
  if (!config.redis.username.empty() && config.redis.password.empty()) {
    reader.errors.push_back("redis.username: needs redis.password (or MV_REDIS_PASSWORD)");
  }
  if (config.kamailio.redis_db == config.redis.db) {
    reader.errors.push_back(
        "kamailio.redis_db: must differ from redis.db (Kamailio scans its whole database)");
  }
  if (config.kamailio.edge_replica_wait >= config.redis.command_timeout) {
    reader.errors.push_back(
        "kamailio.edge_replica_wait_ms: must be below redis.command_timeout_ms (WAIT blocks the "
        "connection that long)");
  }
  if (!reader.errors.empty()) return {std::nullopt, reader.errors};
  return {config, {}};
}

ConfigLoad load_config_file(const std::string& path) {
  std::ifstream file(path);
  if (!file) return {std::nullopt, {"cannot read config file " + path}};
  std::stringstream text;
  text << file.rdbuf();
  ConfigEnvironment environment;
  if (const char* password = std::getenv("MV_REDIS_PASSWORD"); password && *password) {
    environment.redis_password = password;
  }
  return parse_config(text.str(), environment);
}

}  // namespace mv::config
