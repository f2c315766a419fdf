#pragma once

#include <algorithm>
#include <deque>
#include <functional>
#include <map>
#include <set>
#include <stdexcept>
#include <utility>
#include <vector>

#include "edge/edge_status.h"
#include "edge/sip_probe.h"
#include "edge/test_caller.h"
#include "kamailio/kamailio_rpc.h"
#include "service/trunk_service.h"
#include "store/api_key_store.h"
#include "store/store_unavailable.h"
#include "store/trunk_catalog.h"
#include "store/trunk_store.h"
#include "support/printers.h"
#include "util/clock.h"

namespace mv::test {

// A clock that moves only when told to.
class ManualClock final : public util::Clock {
 public:
  explicit ManualClock(std::int64_t now_ns) : now_ns_(now_ns) {}
  std::int64_t now_unix_ns() const override { return now_ns_; }
  void advance_ns(std::int64_t ns) { now_ns_ += ns; }

 private:
  std::int64_t now_ns_;
};

// Trunks in a map. Enforces gateway_name per customer, optimistic updates and idempotency keys,
// and keeps the audit trail (oldest first, ids "1-0", "2-0", ...); scripted results can be queued
// to exercise the service's retry paths.
class FakeTrunkStore final : public store::TrunkStore {
 public:
  struct Remembered {
    std::string request_sha256;
    store::CreatedResponse response;
  };
  std::map<std::string, model::Trunk> trunks;
  std::deque<store::WriteResult> scripted;  // returned (and consumed) before any real write
  bool unavailable = false;
  int writes = 0;
  std::int64_t generation = 0;
  std::vector<std::pair<std::string, model::AuditEntry>> audit_trail;     // (stream id, entry)
  std::map<std::pair<std::string, std::string>, Remembered> idempotency;  // (customer, key)
  // Runs as an update or delete reaches the store: plays another writer getting there first.
  std::function<void()> before_write;

  store::WriteResult create(model::Trunk& trunk, const model::AuditEntry& audit,
                            store::IdempotentCreate* claim) override {
    check_available();
    ++writes;
    if (auto result = next_scripted()) return *result;
    auto remembered = claim ? idempotency.find({trunk.customer_id, claim->key}) : idempotency.end();
    if (remembered != idempotency.end()) {
      if (remembered->second.request_sha256 != claim->request_sha256)
        return store::WriteResult::idempotency_mismatch;
      claim->response = remembered->second.response;
      return store::WriteResult::replayed;
    }
    if (trunks.contains(trunk.id)) return store::WriteResult::id_taken;
    if (gateway_taken(trunk)) return store::WriteResult::gateway_name_exists;
    trunk.edge_generation = ++generation;
    trunks[trunk.id] = trunk;
    record(audit);
    if (claim)
      idempotency[{trunk.customer_id, claim->key}] = {claim->request_sha256, claim->response};
    return store::WriteResult::ok;
  }
  std::optional<model::Trunk> find(const std::string& id) override {
    check_available();
    auto it = trunks.find(id);
    return it == trunks.end() ? std::nullopt : std::optional(it->second);
  }
  store::TrunkPage list(const store::TrunkListQuery& query) override {
    check_available();
    store::TrunkPage page;
    for (const auto& [id, trunk] : trunks) {
      if (trunk.customer_id != query.customer_id) continue;
      if (query.is_active && trunk.is_active != *query.is_active) continue;
      ++page.total;
      if (page.trunks.size() < query.limit) page.trunks.push_back(trunk);
    }
    return page;
  }
  store::WriteResult update(const model::Trunk& before, model::Trunk& after,
                            const model::AuditEntry& audit) override {
    check_available();
    ++writes;
    if (before_write) std::exchange(before_write, nullptr)();
    if (auto result = next_scripted()) return *result;
    auto it = trunks.find(before.id);
    if (it == trunks.end()) return store::WriteResult::not_found;
    if (it->second.updated_ns != before.updated_ns) return store::WriteResult::conflict;
    if (gateway_taken(after)) return store::WriteResult::gateway_name_exists;
    after.edge_generation = ++generation;
    it->second = after;
    record(audit);
    return store::WriteResult::ok;
  }
  model::EdgeProgress progress;
  bool progress_unavailable = false;
  model::EdgeProgress edge_progress() override {
    if (progress_unavailable) throw store::StoreUnavailable("fake progress is down");
    return progress;
  }
  store::WriteResult remove(const model::Trunk& trunk, const model::AuditEntry& audit) override {
    check_available();
    ++writes;
    if (before_write) std::exchange(before_write, nullptr)();
    if (auto result = next_scripted()) return *result;
    auto it = trunks.find(trunk.id);
    if (it == trunks.end()) return store::WriteResult::not_found;
    if (it->second.updated_ns != trunk.updated_ns) return store::WriteResult::conflict;
    trunks.erase(it);
    record(audit);
    return store::WriteResult::ok;
  }
  // Newest first, as the Redis store pages; cursors compare by the number before "-0".
  store::AuditPage audit(const store::AuditQuery& query) override {
    check_available();
    auto number = [](const std::string& id) { return std::stoll(id.substr(0, id.find('-'))); };
    store::AuditPage page;
    for (auto it = audit_trail.rbegin(); it != audit_trail.rend(); ++it) {
      const auto& [id, entry] = *it;
      if (query.trunk_id && entry.trunk_id != *query.trunk_id) continue;
      if (query.before && number(id) >= number(*query.before)) continue;
      if (query.after && number(id) <= number(*query.after)) continue;
      store::AuditRecord record{id, {}};
      for (const auto& [name, value] : model::audit_fields(entry)) record.fields[name] = value;
      page.records.push_back(std::move(record));
    }
    page.has_more = page.records.size() > query.limit;
    // After a cursor the entries next to it are kept (the oldest), as XRANGE would read them.
    if (query.after && page.has_more) {
      page.records.erase(page.records.begin(), page.records.end() - query.limit);
    }
    page.records.resize(std::min(page.records.size(), query.limit));
    return page;
  }

 private:
  void check_available() const {
    if (unavailable) throw store::StoreUnavailable("fake store is down");
  }
  void record(const model::AuditEntry& entry) {
    audit_trail.emplace_back(std::to_string(audit_trail.size() + 1) + "-0", entry);
  }
  std::optional<store::WriteResult> next_scripted() {
    if (scripted.empty()) return std::nullopt;
    auto result = scripted.front();
    scripted.pop_front();
    return result;
  }
  bool gateway_taken(const model::Trunk& trunk) const {
    for (const auto& [id, other] : trunks) {
      if (id != trunk.id && other.customer_id == trunk.customer_id && trunk.gateway_name &&
          other.gateway_name == trunk.gateway_name) {
        return true;
      }
    }
    return false;
  }
};

// Counts how often trunks changed.
class CountingChangeListener final : public edge::TrunkChangeListener {
 public:
  int changes = 0;
  void trunks_changed() override { ++changes; }
};

// The edge as a fixed list of node states; resync requests for a listed node's name are kept.
class FakeEdgeStatus final : public edge::EdgeStatusSource, public edge::EdgeRepair {
 public:
  std::vector<edge::NodeStatus> nodes;
  std::vector<std::string> resyncs;
  std::vector<edge::NodeStatus> status() const override { return nodes; }
  bool resync(const std::string& node_name) override {
    for (const auto& node : nodes) {
      if (node.name != node_name) continue;
      resyncs.push_back(node_name);
      return true;
    }
    return false;
  }
};

class FakeApiKeyStore final : public store::ApiKeyStore {
 public:
  std::map<std::string, store::ApiKeyRecord> records;
  bool unavailable = false;

  std::optional<store::ApiKeyRecord> find(const std::string& key_id) override {
    if (unavailable) throw store::StoreUnavailable("fake key store is down");
    auto it = records.find(key_id);
    return it == records.end() ? std::nullopt : std::optional(it->second);
  }
  void add(const store::ApiKeyRecord& record) override { records[record.key_id] = record; }
  std::vector<store::ApiKeyRecord> list() override {
    std::vector<store::ApiKeyRecord> out;
    for (const auto& [id, record] : records) out.push_back(record);
    return out;
  }
  bool revoke(const std::string& key_id) override { return records.erase(key_id) == 1; }
};

// A SIP probe with a scripted answer; `unavailable` plays an edge nobody can reach.
class FakeSipProbe final : public edge::SipProbe {
 public:
  edge::ProbeResult answer{200, "OK", 12};
  bool unavailable = false;
  std::vector<std::pair<std::string, std::string>> sent;  // (request URI, From domain)

  edge::ProbeResult options(const std::string& request_uri,
                            const std::string& from_domain) override {
    if (unavailable) throw edge::ProbeUnavailable("fake edge is down");
    sent.emplace_back(request_uri, from_domain);
    return answer;
  }
};

class FakeTestCaller final : public edge::TestCaller {
 public:
  edge::TestCallResult answer{200, "OK", 40, "mvtest-1", "", true};
  bool unavailable = false;
  std::vector<std::pair<std::string, model::TestCallNumbers>> placed;  // (trunk id, numbers)

  edge::TestCallResult call(const model::Trunk& trunk,
                            const model::TestCallNumbers& numbers) override {
    if (unavailable) throw edge::ProbeUnavailable("fake edge is down");
    placed.emplace_back(trunk.id, numbers);
    return answer;
  }
};

// A node that answers only JSON-RPC: kamailio.cfg's own routes (post) are not found.
struct JsonRpcOnlyNode : kamailio::KamailioRpc {
  std::string post(const std::string&, const std::string& path, const std::string&) override {
    throw kamailio::RpcError(path + ": HTTP 404: not found");
  }
};

// Kamailio nodes answering JSON-RPC from a table of replies: (endpoint, method) -> result. An
// endpoint in `down` fails every call, as an unreachable node does; a missing reply is an error
// reply. A post() is kept in `posts` and answered as kamailio.cfg's /mv/htable route does when
// it applies every line: their number.
class FakeKamailioRpc final : public kamailio::KamailioRpc {
 public:
  std::map<std::pair<std::string, std::string>, nlohmann::json> replies;
  std::set<std::string> down;
  std::vector<std::pair<std::string, nlohmann::json>> calls;  // (method, params)
  std::vector<std::pair<std::string, std::string>> posts;     // (path, body)

  std::string post(const std::string& endpoint, const std::string& path,
                   const std::string& body) override {
    posts.emplace_back(path, body);
    if (down.contains(endpoint)) throw kamailio::RpcError(path + ": Connection refused");
    return std::to_string(std::count(body.begin(), body.end(), '\n')) + "\n";
  }

  nlohmann::json call(const std::string& endpoint, const std::string& method,
                      const nlohmann::json& params) override {
    calls.emplace_back(method, params);
    if (down.contains(endpoint)) throw kamailio::RpcError(method + ": Connection refused");
    auto key = std::pair(endpoint, method);
    // htable.dump is asked per table ("htable.dump mv", "htable.dump mvreg"), htable.get per
    // table and key ("htable.get mvnode boot").
    if (method == "htable.dump") key.second += " " + params.at(0).get<std::string>();
    if (method == "htable.get") {
      key.second += " " + params.at(0).get<std::string>() + " " + params.at(1).get<std::string>();
    }
    auto it = replies.find(key);
    if (it != replies.end()) return it->second;
    // A key without its own reply is looked up in the table's dump, as Kamailio would; the
    // counts are those of the dumps.
    if (method == "htable.get") return htable_get(endpoint, params);
    if (method == "htable.stats") return htable_stats(endpoint);
    if (method == "stats.get_statistics" && params == nlohmann::json::array({"uac:regtotal"})) {
      auto dump = replies.find({endpoint, "uac.reg_dump"});
      auto records = dump == replies.end() ? 0 : dump->second.size();
      return nlohmann::json::array({"uac:regtotal = " + std::to_string(records)});
    }
    throw kamailio::RpcError(method + ": Method Not Found");
  }

 private:
  nlohmann::json htable_stats(const std::string& endpoint) {
    auto stats = nlohmann::json::array();
    for (const auto& [key, dump] : replies) {
      if (key.first != endpoint || !key.second.starts_with("htable.dump ")) continue;
      std::size_t items = 0;
      for (const auto& entry : dump) items += entry.value("slot", nlohmann::json::array()).size();
      stats.push_back({{"name", key.second.substr(12)}, {"all", items}});
    }
    return stats;
  }
  nlohmann::json htable_get(const std::string& endpoint, const nlohmann::json& params) {
    auto table = params.at(0).get<std::string>();
    auto dump = replies.find({endpoint, "htable.dump " + table});
    if (dump != replies.end()) {
      for (const auto& entry : dump->second) {
        for (const auto& item : entry.value("slot", nlohmann::json::array())) {
          if (item.value("name", "") == params.at(1)) return {{"item", item}};
        }
      }
    }
    throw kamailio::RpcError("htable.get: Key name doesn't exist in htable");
  }
};

// Trunks and the probe list; `unavailable` plays Redis down.
class FakeTrunkCatalog final : public store::TrunkCatalog {
 public:
  std::vector<model::Trunk> trunks;
  std::vector<std::string> probes;
  bool unavailable = false;

  std::vector<model::Trunk> all_trunks() override {
    if (unavailable) throw store::StoreUnavailable("fake catalog is down");
    return trunks;
  }
  std::vector<std::string> probe_list() override {
    if (unavailable) throw store::StoreUnavailable("fake catalog is down");
    return probes;
  }
};

}  // namespace mv::test
