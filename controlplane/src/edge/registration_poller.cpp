#include "edge/registration_poller.h"

#include "kamailio/node_replies.h"
#include "kamailio/node_tables.h"
#include "logging/log_context.h"
#include "model/edge_rows.h"
#include "model/noc_views.h"
#include "model/registration.h"
#include "store/redis_keys.h"
#include "store/redis_trunk_store.h"
#include "store/store_unavailable.h"
#include "util/clock.h"

#include "lua_sources.h"

namespace mv::edge {
RegistrationPoller::RegistrationPoller(kamailio::KamailioRpc& rpc, store::RedisPool& daemon_db,
                                       int kamailio_db, std::vector<std::string> endpoints,
                                       std::chrono::milliseconds interval,
                                       std::shared_ptr<spdlog::logger> log)
    : rpc_(rpc),
      daemon_db_(daemon_db),
      kamailio_db_(kamailio_db),
      endpoints_(std::move(endpoints)),
      interval_(interval),
      log_(std::move(log)),
      write_while_registering_({store::lua_source::kRegistrationWriteWhileRegistering}) {
  if (!endpoints_.empty()) worker_ = std::thread([this] { run(); });
}

RegistrationPoller::~RegistrationPoller() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (worker_.joinable()) worker_.join();
}

void RegistrationPoller::run() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    lock.unlock();
    try {
      poll();
    } catch (const store::StoreUnavailable& e) {
      log_->warn("registrations: cannot write states: {}", e.what());
    } catch (const nlohmann::json::exception& e) {
      // A reply of another shape must not end the poller's thread.
      log_->error("registrations: unexpected JSON-RPC reply: {}", e.what());
    }
    std::map<std::string, std::size_t> counts;
    for (const auto& [trunk_id, registration] : known_) ++counts[registration.state];
    lock.lock();
    counts_ = std::move(counts);
    wake_.wait_for(lock, interval_, [&] { return stopping_; });
  }
}

std::map<std::string, std::size_t> RegistrationPoller::count_by_state() const {
  std::lock_guard lock(mutex_);
  return counts_;
}

void RegistrationPoller::poll() {
  auto now = util::system_now_unix_ns();
  std::string failure;
  for (const auto& endpoint : endpoints_) {
    try {
      auto observed = observe(endpoint);
      for (const auto& [trunk_id, state] : observed) record(trunk_id, state, now);
      // Records the node no longer has (trunk deleted or no longer registering): forget them.
      std::erase_if(known_, [&](const auto& entry) { return !observed.contains(entry.first); });
      return;
    } catch (const kamailio::RpcError& e) {
      failure = e.what();
    }
  }
  // No node answers: what the registrations are is unknown, not what they were (also those
  // stored before this daemon started).
  std::vector<std::string> trunk_ids;
  for (const auto& key : store::scan_keys(daemon_db_, store::keys::trunk_registration("*"))) {
    trunk_ids.push_back(key.substr(store::keys::kRegistrationPrefix.size()));
  }
  for (const auto& trunk_id : trunk_ids) {
    record(trunk_id, {"UNKNOWN", 0, "edge unreachable: " + failure}, now);
  }
}

std::map<std::string, RegistrationPoller::Observed> RegistrationPoller::observe(
    const std::string& endpoint) {
  // AOR -> "403 Forbidden": the last error reply to a REGISTER (kamailio.cfg, reply_route).
  auto errors = kamailio::registration_errors(rpc_, endpoint);
  std::map<std::string, Observed> observed;
  auto now_s = util::system_now_unix_s();
  for (auto& entry :
       kamailio::decode_registrations(kamailio::registration_dump(rpc_, endpoint), errors, now_s)) {
    observed[entry.trunk_id] = {entry.state, entry.timer_expires_s * 1'000'000'000,
                                std::move(entry.last_error)};
  }
  return observed;
}

void RegistrationPoller::record(const std::string& trunk_id, const Observed& observed,
                                std::int64_t now_ns) {
  auto previous = known_.find(trunk_id);
  if (previous == known_.end()) {
    // First sight since this daemon started: continue from what Redis holds.
    auto stored = daemon_db_.command({"HGETALL", store::keys::trunk_registration(trunk_id)});
    if (auto registration = store::registration_from_fields(store::to_field_map(stored))) {
      previous = known_.emplace(trunk_id, *registration).first;
    }
  }
  std::optional<model::Registration> before;
  if (previous != known_.end()) before = previous->second;
  auto next = model::next_registration(before, observed.state, now_ns, observed.expires_at_ns,
                                       observed.error);
  if (before && *before == next) return;
  auto written =
      store::run_script(daemon_db_, write_while_registering_,
                        {{"registration", store::keys::trunk_registration(trunk_id)}},
                        {{"daemon_db", std::to_string(daemon_db_.endpoint().db)},
                         {"kamailio_db", std::to_string(kamailio_db_)},
                         {"uacreg_row", store::keys::kamailio_row(model::kUacregTable, trunk_id)},
                         {"fields", store::registration_to_fields(next)}});
  if (written.integer == 1) {
    known_[trunk_id] = next;
    logging::LogScope fields({{"trunk_id", trunk_id}});
    log_->info("registration trunk={} state={}{}", trunk_id, next.state,
               next.last_error && next.state != "REGED" ? " error=" + *next.last_error : "");
  }
}

}  // namespace mv::edge
