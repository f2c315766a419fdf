#pragma once

#include <boost/test/unit_test.hpp>

#include <nlohmann/json.hpp>

#include <set>
#include <stdexcept>
#include <string>

#include "support/stack.h"

namespace mv::test {

// Every trunk id the customer has, page by page through the API.
inline std::set<std::string> all_trunk_ids(const ControlPlane& daemon, const std::string& key) {
  std::set<std::string> ids;
  std::string after;
  for (;;) {
    auto target = "/v1/trunks?limit=1000" + (after.empty() ? "" : "&starting_after=" + after);
    auto result = daemon.call("GET", target, key);
    BOOST_TEST_REQUIRE(result.status == 200, result.body);
    auto page = nlohmann::json::parse(result.body);
    for (const auto& trunk : page["data"]) ids.insert(trunk["id"].get<std::string>());
    if (!page["has_more"].get<bool>() || page["data"].empty()) return ids;
    after = page["data"].back()["id"];
  }
}

// `controlplane fsck` as an operator runs it: its output, which ends in "consistent" when the
// trunks, their indexes and Kamailio's rows in Redis agree (it exits 1 otherwise).
inline std::string fsck_output(const ControlPlane& daemon) {
  try {
    return daemon.run_command({"fsck"});
  } catch (const std::runtime_error& e) {
    return e.what();
  }
}

// Rows the edge node has loaded that differ from what the trunks call for, from the NOC's drift
// view (0 when the node holds exactly the trunks' rows).
inline int drift_rows(const ControlPlane& daemon, const std::string& admin_key) {
  auto result = daemon.call("GET", "/v1/noc/drift", admin_key);
  BOOST_TEST_REQUIRE(result.status == 200, result.body);
  return nlohmann::json::parse(result.body)["drift_rows"].get<int>();
}

// Waits until the node holds exactly the trunks' rows: calls route with a change as soon as it is
// applied, the dispatcher (the trunks' health probes) follows within its health_reload_every.
inline bool drift_clears(const ControlPlane& daemon, const std::string& admin_key) {
  return wait_until([&] { return drift_rows(daemon, admin_key) == 0; }, std::chrono::seconds(20));
}

}  // namespace mv::test
