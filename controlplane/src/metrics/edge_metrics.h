#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "edge/edge_ports.h"
#include "edge/edge_status.h"
#include "edge/registration_counts.h"
#include "metrics/registry.h"
#include "store/redis_client.h"

namespace mv::metrics {

// Counted by the reloader as it reloads: per node, table and result, and how long each took.
class EdgeReloadMetrics final : public edge::ReloadObserver {
 public:
  explicit EdgeReloadMetrics(Registry& registry);

  void reloaded(const std::string& node, const std::string& table, const std::string& result,
                std::chrono::duration<double> took) override;

 private:
  CounterFamily& reloads_;
  HistogramFamily& duration_;
};

// What each node has loaded, read from the reloader's last check at every scrape.
class EdgeStatusMetrics final : public MetricsSource {
 public:
  explicit EdgeStatusMetrics(const edge::EdgeStatusSource& edge) : edge_(edge) {}
  void collect(MetricsWriter& out) const override;

 private:
  const edge::EdgeStatusSource& edge_;
};

// Stored registrations by state; every state is present, at 0 when no trunk is in it.
class RegistrationMetrics final : public MetricsSource {
 public:
  explicit RegistrationMetrics(const edge::RegistrationCounts& counts) : counts_(counts) {}
  void collect(MetricsWriter& out) const override;

 private:
  const edge::RegistrationCounts& counts_;
};

// Redis commands that failed (connection, timeout, error reply, no free connection), over every
// pool of the daemon.
class RedisErrorMetrics final : public MetricsSource {
 public:
  explicit RedisErrorMetrics(std::vector<const store::RedisPool*> pools)
      : pools_(std::move(pools)) {}
  void collect(MetricsWriter& out) const override;

 private:
  std::vector<const store::RedisPool*> pools_;
};

}  // namespace mv::metrics
