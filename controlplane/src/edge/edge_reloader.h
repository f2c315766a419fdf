#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <spdlog/logger.h>

#include "edge/edge_status.h"
#include "kamailio/kamailio_rpc.h"
#include "service/trunk_service.h"
#include "store/redis_client.h"

namespace mv::edge {

// Tells every Kamailio node to reload its address table after trunks change, and checks what it
// loaded. Reloads run on one thread, so never two at once against a node; a burst of writes
// waits `settle` and then costs one reload per node. A failed or short reload is retried after
// `retry`; without changes every node is checked every `verify_every` (which also catches a
// restarted node or rows changed behind the daemon's back).
class EdgeReloader final : public service::TrunkChangeListener, public EdgeStatusSource {
 public:
  struct Timing {
    std::chrono::milliseconds settle{100};
    std::chrono::milliseconds retry{1100};  // above Kamailio's reload_delta of 1 s
    std::chrono::milliseconds verify_every{10000};
  };

  // `daemon_db`: where the trunks and the edge generations live; `kamailio_db`: Kamailio's rows.
  EdgeReloader(kamailio::KamailioRpc& rpc, store::RedisPool& daemon_db,
               store::RedisPool& kamailio_db, std::vector<std::string> endpoints, Timing timing,
               std::shared_ptr<spdlog::logger> log);
  ~EdgeReloader() override;

  void trunks_changed() override;
  std::vector<NodeStatus> status() const override;

 private:
  void run();
  // Reloads (or, when `reload` is false, only checks) one node; true when it matches Redis.
  bool sync_node(NodeStatus& node, bool reload);
  std::size_t expected_rows();
  // The write generation now (nullopt when Redis cannot say): read before a reload, every write
  // up to it is in Redis already.
  std::optional<std::int64_t> current_generation();
  // After a reload round: every write up to `generation` is loaded on every node...
  void record_applied(std::int64_t generation);
  // ...or some node is not in step: why, for the trunks' sync state.
  void record_failure(const std::vector<NodeStatus>& nodes);
  std::size_t loaded_rows(const std::string& endpoint);

  kamailio::KamailioRpc& rpc_;
  store::RedisPool& daemon_db_;
  store::RedisPool& kamailio_db_;
  Timing timing_;
  std::shared_ptr<spdlog::logger> log_;

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::vector<NodeStatus> nodes_;
  bool changed_ = true;  // load once at start: the node may predate this daemon's writes
  bool stopping_ = false;
  std::thread worker_;
};

}  // namespace mv::edge
