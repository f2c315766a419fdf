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
  prometheus::Family<prometheus::Counter>& reloads_;
  prometheus::Family<prometheus::Histogram>& duration_;
  const prometheus::Histogram::BucketBoundaries buckets_{0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
                                                         0.5,   1,    2.5,   5,    10,  30};
};

// What each node has loaded, read from the reloader's last check at every scrape.
class EdgeStatusMetrics final : public prometheus::Collectable {
 public:
  explicit EdgeStatusMetrics(const edge::EdgeStatusSource& edge) : edge_(edge) {}
  std::vector<prometheus::MetricFamily> Collect() const override;

 private:
  const edge::EdgeStatusSource& edge_;
};

// Stored registrations by state; every state is present, at 0 when no trunk is in it.
class RegistrationMetrics final : public prometheus::Collectable {
 public:
  explicit RegistrationMetrics(const edge::RegistrationCounts& counts) : counts_(counts) {}
  std::vector<prometheus::MetricFamily> Collect() const override;

 private:
  const edge::RegistrationCounts& counts_;
};

// Redis commands that failed (connection, timeout, error reply, no free connection), over every
// pool of the daemon.
class RedisErrorMetrics final : public prometheus::Collectable {
 public:
  explicit RedisErrorMetrics(std::vector<const store::RedisPool*> pools)
      : pools_(std::move(pools)) {}
  std::vector<prometheus::MetricFamily> Collect() const override;

 private:
  std::vector<const store::RedisPool*> pools_;
};

}  // namespace mv::metrics
