#pragma once

#include "api/routes.h"
#include "support/fakes.h"

namespace mv::test {

// The API's services over fakes, wired as main.cpp wires the real ones; `targets()` is what
// build_router takes. For unit tests and fuzz targets.
struct FakeApiServices {
  FakeTrunkStore trunk_store;
  FakeApiKeyStore keys;
  ManualClock clock;
  CountingChangeListener changes;
  service::TrunkService trunks{trunk_store, clock, changes};
  FakeEdgeStatus edge;
  FakeSipProbe probe;
  FakeTestCaller caller;
  model::RateLimiter check_limiter{2, 10'000'000'000};  // 2 at once, then one per 10 s
  service::TrunkCheckService checks{trunks, probe, caller, clock, check_limiter};
  FakeKamailioRpc rpc;
  FakeTrunkCatalog catalog;
  service::NocService noc;

  explicit FakeApiServices(std::int64_t now_ns = 1'780'056'000'000'000'000,
                           service::NocService::Settings noc_settings = {})
      : clock(now_ns), noc(rpc, catalog, edge, clock, std::move(noc_settings)) {}

  api::RouteTargets targets() { return {trunks, checks, edge, edge, noc, keys, clock}; }
};

}  // namespace mv::test
