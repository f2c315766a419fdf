#pragma once

#include <map>
#include <string>
#include <vector>

#include "model/edge_rows.h"
#include "store/edge_rows_store.h"
#include "store/redis_client.h"
#include "store/script_runner.h"
#include "store/trunk_store.h"

namespace mv::store {

// Trunks in Redis: one hash per trunk plus the indexes in redis_keys.h, written by the Lua
// scripts in lua/ (trunk_*.lua, built on edge_rows.lua). schemas/redis-keys.md documents the
// layout.
class RedisTrunkStore final : public TrunkStore, public EdgeRowsStore {
 public:
  // `kamailio_db`: the database number Kamailio's db_redis reads (its rows are kept there, in
  // step with the trunks, by the same scripts).
  RedisTrunkStore(RedisPool& pool, int kamailio_db, model::EdgeSettings settings = {});

  WriteResult create(model::Trunk& trunk, const model::AuditEntry& audit,
                     IdempotentCreate* idempotency) override;
  std::optional<model::Trunk> find(const std::string& trunk_id) override;
  TrunkPage list(const TrunkListQuery& query) override;
  WriteResult update(const model::Trunk& before, model::Trunk& after,
                     const model::AuditEntry& audit) override;
  WriteResult remove(const model::Trunk& trunk, const model::AuditEntry& audit) override;
  model::EdgeProgress edge_progress() override;
  AuditPage audit(const AuditQuery& query) override;

  // The application servers' dispatcher rows (set 1): exactly `uris`, in order.
  void set_app_servers(const std::vector<std::string>& uris);

  std::optional<std::size_t> rewrite_edge_rows(const model::Trunk& trunk) override;
  std::vector<model::Trunk> next_trunks(std::string& cursor, std::size_t count) override;
  int edge_rows_layout() override;
  void record_edge_rows_layout(int layout) override;

 private:
  std::vector<model::Trunk> fetch(const std::vector<std::string>& trunk_ids);

  // The arguments every script built on lua/edge_rows.lua takes: the databases and the Kamailio
  // rows to write (ARG.daemon_db, ARG.kamailio_db, ARG.edge).
  nlohmann::json edge_args(nlohmann::json edge_rows) const;
  // Hands the trunk its dispatcher set and age rank (see model/edge_rows.h).
  void place(model::Trunk& trunk);

  RedisPool& pool_;
  int kamailio_db_;
  model::EdgeSettings settings_;
  const Script create_;
  const Script update_;
  const Script delete_;
  const Script set_app_servers_;
  const Script rewrite_;
  const Script placement_;
};

// The hash fields of a trunk, and back. Exposed for the consistency checker and tests.
RedisCommand trunk_to_fields(const model::Trunk& trunk);
std::optional<model::Trunk> trunk_from_fields(const std::map<std::string, std::string>& fields);
// The trunks stored under `trunk_keys` (mv:trunk:<id>), in one pipeline; one deleted since the
// keys were listed is left out.
std::vector<model::Trunk> read_trunks(RedisPool& pool, const std::vector<std::string>& trunk_keys);
// The probe list's destinations in index order (mv:edge:probe_at; model::probe_rows).
std::vector<std::string> read_probe_list(RedisPool& pool);
// The hash fields of a trunk's registration state (mv:registration:<trunk id>), and back.
RedisCommand registration_to_fields(const model::Registration& registration);
std::optional<model::Registration> registration_from_fields(
    const std::map<std::string, std::string>& fields);

}  // namespace mv::store
