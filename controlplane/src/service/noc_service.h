#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "edge/edge_status.h"
#include "kamailio/kamailio_rpc.h"
#include "model/edge_drift.h"
#include "model/edge_rows.h"
#include "model/noc_views.h"
#include "store/trunk_catalog.h"
#include "util/clock.h"

namespace mv::service {

// One node's answer to a NOC view: the value, or why the node could not give it.
template <typename T>
struct NodeView {
  std::string endpoint;
  std::optional<std::string> error;
  T value{};
};

struct NodeDrift {
  std::string endpoint;
  std::optional<std::string> error;
  std::int64_t last_reload_unix_ns = 0;  // 0: never
  bool restarted_since_reload = false;
  std::size_t restarts_seen = 0;
  std::string name;                     // edge-<n>, as in a trunk's sync.nodes
  std::int64_t applied_generation = 0;  // the highest edge generation verified on the node
  std::vector<model::TableDrift> tables;

  std::size_t drift_rows() const;
  bool in_sync() const { return !error && drift_rows() == 0; }
};

// One node's view of one trunk's gateway: "active", or "inactive" while the node's probes
// hold its destination down; "not_loaded" when the node has no route for the trunk; empty when
// the node did not answer.
struct GatewayHealth {
  std::string endpoint;
  std::optional<std::string> error;
  std::string state;
  bool probing = false;
};

// Another whole-table view is being read: retry once it is done.
class NocBusy : public std::runtime_error {
 public:
  NocBusy() : std::runtime_error("another NOC view is being read") {}
};

// One node's trunk destinations as last counted, for /metrics: `loaded` the length of its probe
// list (htable mv "p:n"), `down` the ones the probes hold down (htable mvdown, which routing
// skips).
struct DestinationCounts {
  std::string endpoint;
  std::optional<std::string> error;
  std::size_t loaded = 0;
  std::size_t down = 0;
};

// What /metrics shows of the nodes beyond the reloader's own status: a scrape reads nothing.
// Empty until the first refresh_sample().
struct NocSample {
  std::vector<DestinationCounts> destinations;
};

// What each Kamailio node has loaded now, read over JSON-RPC one node after the other (each call
// bounded by the client's timeout), with trunk and customer ids from the trunks in Redis. A node
// that does not answer gets its error; the others still answer. The views list whole tables and
// are read on request only; refresh_sample() keeps the few counts /metrics shows (last_sample()).
class NocService {
 public:
  struct Settings {
    std::vector<std::string> endpoints;
    std::vector<std::string> app_servers;  // desired dispatcher set 1
    model::EdgeSettings edge;
    // How long a whole-table view waits for the one being read before it gives up (NocBusy).
    std::chrono::milliseconds listing_wait{20000};
    // A node holding more keys in htable mv, or more registrations, than this gets an error in
    // the whole-table views instead of a listing (counted first, O(1)): htable.dump costs the node
    // ~65 us a key (7 s at 100,000 keys, ~25 s at 400,000: 100k trunks), so two such nodes
    // outlast the API's 60 s idle timeout and the client gets nothing. 0: no limit.
    std::size_t max_listed_rows = 100000;
  };

  NocService(kamailio::KamailioRpc& rpc, store::TrunkCatalog& catalog,
             const edge::EdgeStatusSource& reloader, const util::Clock& clock, Settings settings)
      : rpc_(rpc),
        catalog_(catalog),
        reloader_(reloader),
        clock_(clock),
        settings_(std::move(settings)) {}

  // The whole-table views list every table of every node: one at a time, since each keeps a
  // node's RPC busy for seconds. A view asked for while another is read waits for it up to
  // Settings::listing_wait, then throws NocBusy. A node with more rows than
  // Settings::max_listed_rows gets that as its error, unlisted. Trunk lookups
  // are best effort here: with Redis down the nodes' state is still shown, without gateway names
  // (and registrations without customer ids).
  std::vector<NodeView<std::vector<model::DispatcherSet>>> dispatcher();
  std::vector<NodeView<std::vector<model::PermissionEntry>>> permissions();
  std::vector<NodeView<std::vector<model::RegistrationEntry>>> registrations();
  // Needs Redis (the desired side): throws store::StoreUnavailable.
  std::vector<NodeDrift> drift();
  // The trunk's destination on every node (the caller checked who owns the trunk).
  std::vector<GatewayHealth> gateway_health(const std::string& trunk_id);

  // The counts as last read by refresh_sample().
  NocSample last_sample() const;
  // Reads the counts again: one htable.stats per node, whatever the number of trunks (the
  // background refresh for /metrics).
  void refresh_sample();

 private:
  // Runs `read(endpoint)` against every node; a node that fails gets its error.
  template <typename T, typename Read>
  std::vector<NodeView<T>> per_node(Read read);
  // Every trunk in Redis, none when Redis is down or no node of `views` was listed.
  std::vector<model::Trunk> trunks_if_reachable(const auto& views);
  // Throws TooManyRows (a node's error in a view) when the node holds more keys in htable mv,
  // or more registrations, than a view lists.
  void check_routing_listable(const std::string& endpoint);
  // Throws TooManyRows naming `holder`'s `rows` and where to look per trunk instead.
  void check_listable(std::size_t rows, const char* holder, const char* rows_are,
                      const char* per_trunk) const;
  void check_registrations_listable(const std::string& endpoint);

  kamailio::KamailioRpc& rpc_;
  store::TrunkCatalog& catalog_;
  const edge::EdgeStatusSource& reloader_;
  const util::Clock& clock_;
  Settings settings_;
  // Held while a whole-table view is read.
  std::timed_mutex listing_mutex_;
  std::unique_lock<std::timed_mutex> listing_turn();
  mutable std::mutex sample_mutex_;
  NocSample sample_;
};

}  // namespace mv::service
