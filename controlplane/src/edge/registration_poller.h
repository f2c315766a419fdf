#pragma once

#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <spdlog/logger.h>

#include "edge/registration_counts.h"
#include "kamailio/kamailio_rpc.h"
#include "model/trunk.h"
#include "store/redis_client.h"
#include "store/script_runner.h"

namespace mv::edge {

// Reads the edge's registrations (uac.reg_dump, plus the error replies kamailio.cfg keeps in
// htable mvreg) every `interval`, maps them to states (model/registration.h) and writes each
// trunk's state to Redis when it changes. The first node that answers is the one reported; with
// none answering every known registration becomes UNKNOWN. uac.reg_dump carries passwords in
// clear text: they are dropped here and never logged.
class RegistrationPoller final : public RegistrationCounts {
 public:
  // `kamailio_db`: the database number of Kamailio's rows (its uacreg row says a trunk registers).
  RegistrationPoller(kamailio::KamailioRpc& rpc, store::RedisPool& daemon_db, int kamailio_db,
                     std::vector<std::string> endpoints, std::chrono::milliseconds interval,
                     std::shared_ptr<spdlog::logger> log);
  ~RegistrationPoller() override;

  // From the states known after the last poll (what Redis holds for each trunk the edge has).
  std::map<std::string, std::size_t> count_by_state() const override;

 private:
  void run();
  void poll();
  // l_uuid -> (state, expires_at_ns, error) from one node; throws kamailio::RpcError.
  struct Observed {
    std::string state;
    std::int64_t expires_at_ns = 0;
    std::optional<std::string> error;
  };
  std::map<std::string, Observed> observe(const std::string& endpoint);
  void record(const std::string& trunk_id, const Observed& observed, std::int64_t now_ns);

  kamailio::KamailioRpc& rpc_;
  store::RedisPool& daemon_db_;
  int kamailio_db_;
  std::vector<std::string> endpoints_;
  std::chrono::milliseconds interval_;
  std::shared_ptr<spdlog::logger> log_;
  const store::Script write_while_registering_;  // lua/registration_write_while_registering.lua
  std::map<std::string, model::Registration> known_;  // last state written, per trunk id

  mutable std::mutex mutex_;
  std::map<std::string, std::size_t> counts_;  // by state, copied from known_ after each poll
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread worker_;
};

}  // namespace mv::edge
