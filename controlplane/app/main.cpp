// Wiring only: parse the command line and config, build the objects, run.
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>
#include <CLI/CLI.hpp>

#include <csignal>
#include <iostream>
#include <optional>
#include <thread>

#include "api/api_service.h"
#include "api/ops_routes.h"
#include "api/routes.h"
#include "config/config.h"
#include "crypto/api_key.h"
#include "edge/edge_reloader.h"
#include "edge/kamailio_sip_probe.h"
#include "edge/kamailio_test_caller.h"
#include "edge/registration_poller.h"
#include "http/cpprest_server.h"
#include "http/jsonrpc_http_client.h"
#include "logging/log_formatter.h"
#include "metrics/edge_metrics.h"
#include "metrics/edge_rows_audit_metrics.h"
#include "metrics/http_metrics.h"
#include "metrics/noc_service_metrics.h"
#include "metrics/registry.h"
#include "model/api_key_request.h"
#include "noc_page.h"
#include "openapi_document.h"
#include "service/edge_rows_audit.h"
#include "service/edge_rows_upgrade.h"
#include "service/noc_sampler.h"
#include "service/noc_service.h"
#include "service/trunk_service.h"
#include "store/redis_api_key_store.h"
#include "store/redis_consistency.h"
#include "store/redis_trunk_catalog.h"
#include "store/redis_trunk_store.h"
#include "store/store_unavailable.h"
#include "util/clock.h"

namespace {

using namespace mv;

std::optional<config::Config> load_or_report(const std::string& path) {
  auto loaded = config::load_config_file(path);
  for (const auto& error : loaded.errors) std::cerr << "config error: " << error << "\n";
  return loaded.config;
}

// Kamailio's database on the daemon's Redis.
store::RedisEndpoint kamailio_redis(const config::Config& config) {
  auto endpoint = config.redis;
  endpoint.db = config.kamailio.redis_db;
  return endpoint;
}

http::ServerLimits server_limits(const config::HttpConfig& http) {
  return {http.max_in_flight, http.max_connections,
          std::chrono::duration_cast<std::chrono::milliseconds>(http.idle_timeout),
          http.max_header_bytes};
}

model::RateLimiter key_limiter(const config::KeyRateLimit& limit) {
  return model::RateLimiter(limit.burst, 1'000'000'000 / limit.per_second);
}

model::EdgeSettings edge_settings(const config::Config& config) {
  model::EdgeSettings settings;
  settings.registration_expires_s = config.kamailio.registration_expires_s;
  settings.nodes = config.kamailio.rpc_endpoints;
  return settings;
}

int serve(const config::Config& config) {
  // Blocked before any thread starts, so every thread inherits the mask and sigwait below is the
  // one place SIGINT/SIGTERM arrive.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  auto log = spdlog::stdout_logger_mt("controlplane");
  log->set_formatter(std::make_unique<logging::LineFormatter>(
      config.log_format == "text" ? logging::LogFormat::text : logging::LogFormat::json));
  log->set_level(spdlog::level::from_str(config.log_level));
  log->flush_on(spdlog::level::info);

  metrics::Registry metrics;
  metrics::HttpMetrics http_metrics(metrics);
  metrics::EdgeReloadMetrics reload_metrics(metrics);

  http::CpprestServer::configure_thread_pool(config.http.threads);
  store::RedisPool redis(config.redis, config.redis_pool_size);
  store::RedisTrunkStore trunk_store(redis, config.kamailio.redis_db, edge_settings(config));
  store::RedisApiKeyStore key_store(redis);
  store::RedisPool kamailio_db(kamailio_redis(config), 1);
  http::JsonRpcHttpClient rpc(config.kamailio.rpc_timeout, config.kamailio.table_rpc_timeout);
  try {
    trunk_store.set_app_servers(config.kamailio.app_servers);
  } catch (const store::StoreUnavailable& e) {
    // The rows already in Redis stay in force; the next start writes the configured list.
    log->error("cannot write the application servers to Redis: {}", e.what());
  }
  edge::EdgeReloader::Timing reload_timing;
  reload_timing.replica_wait = config.kamailio.edge_replica_wait;
  reload_timing.audit_every = config.kamailio.audit_interval;
  reload_timing.health_reload_every = config.kamailio.health_reload_interval;
  reload_timing.audit_keys_per_round = config.kamailio.audit_keys_per_round;
  edge::EdgeReloader edge(rpc, redis, kamailio_db, config.kamailio.rpc_endpoints, reload_timing,
                          reload_metrics, log, config.kamailio.edge_replicas);
  edge::RegistrationPoller registrations(rpc, redis, config.kamailio.redis_db,
                                         config.kamailio.rpc_endpoints,
                                         config.kamailio.registration_poll, log);
  metrics::RedisErrorMetrics redis_errors({&redis, &kamailio_db});
  metrics::EdgeStatusMetrics edge_metrics(edge);
  metrics::RegistrationMetrics registration_metrics(registrations);
  metrics.add_source(redis_errors);
  metrics.add_source(edge_metrics);
  metrics.add_source(registration_metrics);
  util::SystemClock clock;
  service::TrunkService trunks(trunk_store, clock, edge);
  // A probe's RPC returns with the SIP answer, at the latest when Kamailio's fr_timer (5 s) ends.
  http::JsonRpcHttpClient probe_rpc(std::chrono::seconds(8));
  edge::KamailioSipProbe probe(probe_rpc, config.kamailio.rpc_endpoints);
  // A test call's RPC returns with its first final answer: at the latest when Kamailio's ringing
  // limit for test calls (MV_TEST_CALL_RING_MS, 20 s) ends.
  http::JsonRpcHttpClient test_call_rpc(std::chrono::seconds(30));
  edge::KamailioTestCaller test_caller(test_call_rpc, config.kamailio.rpc_endpoints);
  // Readiness checks and test calls: 5 at once per customer, then one every 6 s (10 a minute).
  model::RateLimiter check_limiter(5, 6'000'000'000);
  service::TrunkCheckService checks(trunks, probe, test_caller, clock, check_limiter);
  store::RedisTrunkCatalog catalog(redis);
  service::NocService noc(rpc, catalog, edge, clock,
                          {.endpoints = config.kamailio.rpc_endpoints,
                           .app_servers = config.kamailio.app_servers,
                           .edge = edge_settings(config),
                           .max_listed_rows = config.kamailio.noc_max_listed_rows});
  auto noc_metrics = metrics::noc_service_metrics(noc);
  metrics.add_source(noc_metrics);
  std::optional<service::NocSampler> noc_sampler;
  if (config.kamailio.noc_metrics_refresh.count() > 0) {
    noc_sampler.emplace(noc, config.kamailio.noc_metrics_refresh, log);
  }
  // Trunks written by an older daemon get this one's edge rows, once, while the API serves.
  std::jthread edge_rows_upgrade([&](std::stop_token stop) {
    try {
      service::upgrade_edge_rows(
          catalog, trunk_store, [&edge] { edge.trunks_changed(); }, stop, *log);
    } catch (const std::exception& e) {
      log->error("edge rows: not all written again ({}); the next start goes on", e.what());
    }
  });
  // Kamailio's rows in Redis written again where they drifted from their trunks, a bounded step
  // every second.
  service::EdgeRowsAudit rows_audit(trunk_store, edge,
                                    {.keys_per_tick = config.kamailio.rows_audit_keys_per_s}, *log);
  metrics::EdgeRowsAuditMetrics rows_audit_metrics(rows_audit);
  metrics.add_source(rows_audit_metrics);
  std::jthread rows_audit_thread;
  if (config.kamailio.rows_audit_keys_per_s > 0) {
    rows_audit_thread = std::jthread([&](std::stop_token stop) { rows_audit.run(stop); });
  }
  auto noc_page = api::noc_page_files(std::string(web::kIndexHtml), std::string(web::kNocCss),
                                      std::string(web::kNocJs));
  auto router = api::build_router({trunks, checks, edge, edge, noc, key_store, clock},
                                  std::string(kOpenApiYaml), std::move(noc_page));
  api::OpsContext ops{metrics, edge, [&redis] {
                        try {
                          return redis.command({"PING"}).text == "PONG";
                        } catch (const store::StoreUnavailable&) {
                          return false;
                        }
                      }};
  // With an admin listener the ops routes live only there: the main port answers 404 for them.
  std::optional<api::ApiService> admin_api;
  std::optional<http::CpprestServer> admin_server;
  if (config.http.admin_port != 0) {
    api::Router admin_router;
    api::add_ops_routes(admin_router, ops);
    admin_api.emplace(std::move(admin_router), key_store, log, &http_metrics);
    admin_server.emplace(config.http.admin_address, config.http.admin_port, *admin_api, log,
                         server_limits(config.http));
  } else {
    api::add_ops_routes(router, ops);
  }
  auto customer_limiter = key_limiter(config.http.rate_limit);
  auto admin_limiter = key_limiter(config.http.admin_rate_limit);
  api::ApiService api(std::move(router), key_store, log, &http_metrics,
                      api::KeyRateLimits{customer_limiter, admin_limiter, clock});
  http::CpprestServer server(config.http.address, config.http.port, api, log,
                             server_limits(config.http));

  // The admin listener first: once the main port answers, both do.
  if (admin_server) {
    admin_server->start();
    log->info("metrics, health and readiness on http://{}:{}", config.http.admin_address,
              config.http.admin_port);
  }
  server.start();
  log->info("listening on http://{}:{}", config.http.address, config.http.port);
  int received = 0;
  sigwait(&signals, &received);
  log->info("signal {} received, stopping", received);
  server.stop();
  if (admin_server) admin_server->stop();
  return 0;
}

int create_key(const config::Config& config, const std::string& customer, const std::string& role) {
  store::RedisPool redis(config.redis, 1);
  store::RedisApiKeyStore keys(redis);
  auto key = crypto::generate_api_key();
  util::SystemClock clock;
  keys.add({key.key_id, customer, role, key.secret_sha256_hex, clock.now_unix_ns()});
  std::cout << key.token << "\n";
  std::cerr << "key id " << key.key_id << " for " << customer << " (" << role
            << "); the key is shown only once\n";
  return 0;
}

int list_keys(const config::Config& config) {
  store::RedisPool redis(config.redis, 1);
  store::RedisApiKeyStore keys(redis);
  for (const auto& record : keys.list()) {
    std::cout << record.key_id << "\t" << record.customer_id << "\t" << record.role << "\t"
              << model::format_rfc3339(record.created_ns) << "\n";
  }
  return 0;
}

int revoke_key(const config::Config& config, const std::string& key_id) {
  store::RedisPool redis(config.redis, 1);
  store::RedisApiKeyStore keys(redis);
  if (!keys.revoke(key_id)) {
    std::cerr << "no key with id " << key_id << "\n";
    return 1;
  }
  std::cout << "revoked " << key_id << "\n";
  return 0;
}

int fsck(const config::Config& config) {
  store::RedisPool redis(config.redis, 1);
  store::RedisPool kamailio_db(kamailio_redis(config), 1);
  auto problems = store::check_trunk_consistency(redis, kamailio_db, edge_settings(config));
  for (const auto& problem : problems) std::cout << problem << "\n";
  std::cout << (problems.empty() ? "consistent\n" : "INCONSISTENT\n");
  return problems.empty() ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"MiniVoice Edge control plane: the trunk API and its Redis store"};
  app.require_subcommand(1);
  std::string config_path = "config/dev.yaml";
  app.add_option("-c,--config", config_path, "YAML config file")->capture_default_str();

  auto* serve_cmd = app.add_subcommand("serve", "serve the HTTP API");
  auto* check_cmd = app.add_subcommand("check-config", "validate the config file and exit");
  auto* fsck_cmd =
      app.add_subcommand("fsck", "check trunk indexes in Redis; exit 1 when inconsistent");
  auto* keys_cmd = app.add_subcommand("keys", "manage API keys");
  keys_cmd->require_subcommand(1);
  std::string customer, role = "customer", key_id;
  auto* create_cmd = keys_cmd->add_subcommand("create", "create a key and print it once");
  create_cmd->add_option("--customer", customer, "customer id, e.g. cust_123")->required();
  create_cmd->add_option("--role", role, "customer or admin")
      ->check(CLI::IsMember({"customer", "admin"}))
      ->capture_default_str();
  auto* list_cmd = keys_cmd->add_subcommand("list", "list key ids, customers and roles");
  auto* revoke_cmd = keys_cmd->add_subcommand("revoke", "revoke a key by its id");
  revoke_cmd->add_option("key_id", key_id, "key id as shown by keys list")->required();
  CLI11_PARSE(app, argc, argv);

  auto config = load_or_report(config_path);
  if (!config) return 2;
  try {
    if (*check_cmd) return 0;
    if (*serve_cmd) return serve(*config);
    if (*fsck_cmd) return fsck(*config);
    if (*create_cmd) {
      if (!model::is_customer_id(customer)) {
        std::cerr << "--customer: letters, digits, '_' and '-' only, at most 64\n";
        return 2;
      }
      return create_key(*config, customer, role);
    }
    if (*list_cmd) return list_keys(*config);
    if (*revoke_cmd) return revoke_key(*config, key_id);
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
