#include "store/redis_trunk_store.h"

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <sstream>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "model/edge_rows.h"
#include "model/idempotency.h"
#include "model/ip_network.h"
#include "store/redis_keys.h"

#include "lua_sources.h"

namespace mv::store {
namespace {

// Audit trail caps (XADD MAXLEN ~, so a little over at times): the whole trail, and one trunk's
// own stream; a deleted trunk's stream is kept this long after the delete.
constexpr int kAuditCap = 100'000;
constexpr int kTrunkAuditCap = 1'000;
constexpr int kDeletedTrunkAuditTtlSeconds = 30 * 24 * 60 * 60;

// The entry's stream fields as the scripts take them (ARG.audit): field, value, ...
nlohmann::json audit_argument(const model::AuditEntry& entry) {
  nlohmann::json flat = nlohmann::json::array();
  for (auto& [name, value] : model::audit_fields(entry)) {
    flat.push_back(std::move(name));
    flat.push_back(std::move(value));
  }
  return flat;
}

WriteResult to_write_result(const RedisReply& reply) {
  static const std::map<std::string, WriteResult> kResults{
      {"ok", WriteResult::ok},
      {"id_taken", WriteResult::id_taken},
      {"gateway_name_exists", WriteResult::gateway_name_exists},
      {"inbound_ip_exists", WriteResult::inbound_ip_exists},
      {"not_found", WriteResult::not_found},
      {"conflict", WriteResult::conflict},
      {"idempotency_mismatch", WriteResult::idempotency_mismatch},
  };
  if (reply.type == RedisReply::Type::error)
    throw std::runtime_error("trunk script: " + reply.text);
  auto it = kResults.find(reply.text.substr(0, reply.text.find(':')));
  if (it == kResults.end()) throw std::runtime_error("trunk script: unexpected reply");
  return it->second;
}

std::optional<std::int64_t> parse_int(const std::string& text) {
  std::int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  return value;
}

// "ok:<generation>" from the create and update scripts: the generation, else nullopt.
std::optional<std::int64_t> written_generation(const RedisReply& reply) {
  if (!reply.text.starts_with("ok:")) return std::nullopt;
  return parse_int(reply.text.substr(3));
}

// The inbound index entry of a trunk: family, first, last, member; all empty without inbound_ip.
struct InboundEntry {
  std::string family, first, last, member;
};

InboundEntry inbound_entry(const model::Trunk& trunk) {
  if (!trunk.inbound_ip) return {};
  auto net = model::parse_ip_network(*trunk.inbound_ip).network;
  if (!net) throw std::runtime_error("stored inbound_ip is not a network");
  return {keys::family_tag(*net), net->first_hex(), net->last_hex(),
          keys::inbound_range_member(*net, trunk.id)};
}

nlohmann::json inbound_argument(const InboundEntry& inbound) {
  return {{"family", inbound.family},
          {"first", inbound.first},
          {"last", inbound.last},
          {"member", inbound.member}};
}

// Sets args[name] unless `value` is empty: the script reads an argument left out as nil, none.
void put_if_set(nlohmann::json& args, const char* name, const std::string& value) {
  if (!value.empty()) args[name] = value;
}

ScriptKeys trunk_keys(const model::Trunk& trunk) {
  return {{"trunk", keys::trunk(trunk.id)},
          {"customer_trunks", keys::customer_trunks(trunk.customer_id)},
          {"gateway_names", keys::customer_gateway_names(trunk.customer_id)},
          {"inbound_ranges", std::string(keys::kInboundRanges)},
          {"edge_generation", std::string(keys::kEdgeGeneration)},
          {"trunk_audit", keys::trunk_audit(trunk.id)}};
}

nlohmann::json row_to_json(const model::EdgeRow& row) {
  nlohmann::json fields = nullptr;
  if (row.fields) {
    fields = nlohmann::json::array();
    for (const auto& [name, value] : *row.fields) {
      fields.push_back(name);
      fields.push_back(value);
    }
  }
  return {{"table", row.table}, {"owner", row.owner}, {"fields", fields}};
}

// ARG.edge of the scripts built on lua/edge_rows.lua: the Kamailio rows to write.
nlohmann::json edge_rows_json(const std::vector<model::EdgeRow>& rows) {
  nlohmann::json edge{{"rows", nlohmann::json::array()}};
  for (const auto& row : rows) edge["rows"].push_back(row_to_json(row));
  return edge;
}

// A trunk's rows for a write; `remove`: the same rows, all without fields.
nlohmann::json trunk_edge_json(const model::Trunk& trunk, const model::EdgeSettings& settings,
                               bool remove) {
  auto rows = model::edge_rows_for(trunk, settings);
  if (remove) {
    for (auto& row : rows) row.fields.reset();
  }
  auto edge = edge_rows_json(rows);
  edge["routes"] = {{"key", keys::edge_customer_routes(trunk.customer_id)},
                    {"first", model::first_route_row(trunk.customer_id, {}).owner},
                    {"trunk", trunk.id},
                    {"order", std::to_string(trunk.edge_order)},
                    {"routable", !remove && model::routable(trunk)}};
  auto destination = remove ? std::nullopt : model::probe_destination(trunk);
  edge["probe"] = {{"trunk", trunk.id},
                   {"destination", destination ? nlohmann::json(*destination) : nullptr}};
  return edge;
}

void append(RedisCommand& to, const RedisCommand& more) {
  to.insert(to.end(), more.begin(), more.end());
}

// A script built on lua/edge_rows.lua, its placeholders replaced by key names and rows from
// redis_keys.h / edge_rows.h.
Script edge_rows_script(std::string_view body) {
  nlohmann::json row_ids, last_row_ids, padding_rows, keyed_by_owner = nlohmann::json::object();
  for (const char* table : model::kEdgeTables) {
    if (model::keyed_by_owner(table)) keyed_by_owner[table] = true;
    row_ids[table] = keys::edge_row_ids(table);
    last_row_ids[table] = keys::edge_last_row_id(table);
    auto& padding = padding_rows[table] = nlohmann::json::array();
    for (const auto& [name, value] : model::padding_row(table)) {
      padding.push_back(name);
      padding.push_back(value);
    }
  }
  return Script({lua_source::kEdgeRows, body},
                {{"{row_ids}", row_ids.dump()},
                 {"{last_row_ids}", last_row_ids.dump()},
                 {"{padding_rows}", padding_rows.dump()},
                 {"{padding_row_id}", std::string(keys::kPaddingRowId)},
                 {"{table_versions}", std::string(keys::kEdgeTableVersions)},
                 {"{htable_table}", model::kHtableTable},
                 {"{htable_log}", std::string(keys::kEdgeHtableLog)},
                 {"{htable_log_cap}", std::to_string(keys::kEdgeHtableLogCap)},
                 {"{source_prefixes}", std::string(keys::kEdgeSourcePrefixes)},
                 {"{probe_of}", std::string(keys::kEdgeProbeOf)},
                 {"{probe_refs}", std::string(keys::kEdgeProbeRefs)},
                 {"{probe_slots}", std::string(keys::kEdgeProbeSlots)},
                 {"{probe_at}", std::string(keys::kEdgeProbeAt)},
                 {"{customer_sets}", std::string(keys::kEdgeCustomerSets)},
                 {"{last_customer_set}", std::string(keys::kEdgeLastCustomerSet)},
                 {"{last_trunk_order}", std::string(keys::kEdgeLastTrunkOrder)},
                 {"{first_customer_set}", std::to_string(model::kFirstCustomerDispatcherSet)},
                 {"{keyed_by_owner}", keyed_by_owner.dump()},
                 {"{padding_owner}", model::kPaddingOwner},
                 {"{registration_prefix}", std::string(keys::kRegistrationPrefix)},
                 {"{audit_stream}", std::string(keys::kAuditStream)},
                 {"{audit_cap}", std::to_string(kAuditCap)},
                 {"{trunk_audit_cap}", std::to_string(kTrunkAuditCap)},
                 {"{deleted_trunk_audit_ttl_s}", std::to_string(kDeletedTrunkAuditTtlSeconds)},
                 {"{idempotency_ttl_s}", std::to_string(model::kIdempotencyRetention.count())}});
}

}  // namespace

RedisCommand trunk_to_fields(const model::Trunk& trunk) {
  RedisCommand fields{"id",          trunk.id,
                      "customer_id", trunk.customer_id,
                      "name",        trunk.name,
                      "proxy",       trunk.proxy,
                      "is_active",   trunk.is_active ? "1" : "0",
                      "created_ns",  std::to_string(trunk.created_ns),
                      "updated_ns",  std::to_string(trunk.updated_ns),
                      "edge_set",    std::to_string(trunk.edge_set),
                      "edge_order",  std::to_string(trunk.edge_order)};
  auto optional_field = [&](const char* name, const std::optional<std::string>& value) {
    if (value) append(fields, {name, *value});
  };
  optional_field("username", trunk.username);
  optional_field("password", trunk.password);
  optional_field("realm", trunk.realm);
  optional_field("from_domain", trunk.from_domain);
  optional_field("inbound_ip", trunk.inbound_ip);
  optional_field("gateway_name", trunk.gateway_name);
  if (trunk.register_requested) append(fields, {"register", *trunk.register_requested ? "1" : "0"});
  return fields;
}

std::optional<model::Trunk> trunk_from_fields(const std::map<std::string, std::string>& fields) {
  auto get = [&](const char* name) -> std::optional<std::string> {
    auto it = fields.find(name);
    return it == fields.end() ? std::nullopt : std::optional<std::string>(it->second);
  };
  auto id = get("id"), customer = get("customer_id"), name = get("name"), proxy = get("proxy");
  auto created = get("created_ns"), updated = get("updated_ns"), active = get("is_active");
  if (!id || !customer || !name || !proxy || !created || !updated || !active) return std::nullopt;
  auto created_ns = parse_int(*created), updated_ns = parse_int(*updated);
  if (!created_ns || !updated_ns) return std::nullopt;
  auto number = [&](const char* name) {
    auto text = get(name);
    return text ? parse_int(*text).value_or(0) : 0;
  };
  model::Trunk trunk;
  trunk.id = *id;
  trunk.customer_id = *customer;
  trunk.name = *name;
  trunk.proxy = *proxy;
  trunk.username = get("username");
  trunk.password = get("password");
  trunk.realm = get("realm");
  trunk.from_domain = get("from_domain");
  trunk.inbound_ip = get("inbound_ip");
  trunk.gateway_name = get("gateway_name");
  trunk.is_active = *active == "1";
  if (auto registers = get("register")) trunk.register_requested = *registers == "1";
  trunk.created_ns = *created_ns;
  trunk.updated_ns = *updated_ns;
  trunk.edge_generation = number("edge_generation");
  trunk.edge_set = number("edge_set");
  trunk.edge_order = number("edge_order");
  return trunk;
}

RedisCommand registration_to_fields(const model::Registration& registration) {
  RedisCommand fields{"state",         registration.state,
                      "since_ns",      std::to_string(registration.since_ns),
                      "expires_at_ns", std::to_string(registration.expires_at_ns),
                      "failures",      std::to_string(registration.failures)};
  if (registration.last_error) append(fields, {"last_error", *registration.last_error});
  return fields;
}

std::optional<model::Registration> registration_from_fields(
    const std::map<std::string, std::string>& fields) {
  auto state = fields.find("state");
  if (state == fields.end()) return std::nullopt;
  auto number = [&](const char* name) {
    auto it = fields.find(name);
    return it == fields.end() ? 0 : parse_int(it->second).value_or(0);
  };
  model::Registration registration;
  registration.state = state->second;
  registration.since_ns = number("since_ns");
  registration.expires_at_ns = number("expires_at_ns");
  registration.failures = number("failures");
  if (auto error = fields.find("last_error"); error != fields.end()) {
    registration.last_error = error->second;
  }
  return registration;
}

RedisTrunkStore::RedisTrunkStore(RedisPool& pool, int kamailio_db, model::EdgeSettings settings)
    : pool_(pool),
      kamailio_db_(kamailio_db),
      settings_(settings),
      create_(edge_rows_script(lua_source::kTrunkCreate)),
      update_(edge_rows_script(lua_source::kTrunkUpdate)),
      delete_(edge_rows_script(lua_source::kTrunkDelete)),
      set_app_servers_(edge_rows_script(lua_source::kAppServersSet)),
      rewrite_(edge_rows_script(lua_source::kTrunkEdgeRewrite)),
      placement_(edge_rows_script(lua_source::kTrunkPlacement)) {}

nlohmann::json RedisTrunkStore::edge_args(nlohmann::json edge_rows) const {
  return {{"daemon_db", std::to_string(pool_.endpoint().db)},
          {"kamailio_db", std::to_string(kamailio_db_)},
          {"edge", std::move(edge_rows)}};
}

void RedisTrunkStore::place(model::Trunk& trunk) {
  auto reply = run_script(pool_, placement_, {}, {{"customer_id", trunk.customer_id}});
  if (reply.type == RedisReply::Type::error || reply.elements.size() != 2)
    throw std::runtime_error("placement script: " + reply.text);
  trunk.edge_set = reply.elements[0].integer;
  trunk.edge_order = reply.elements[1].integer;
}

void RedisTrunkStore::set_app_servers(const std::vector<std::string>& uris) {
  std::vector<model::EdgeRow> rows;
  for (std::size_t i = 0; i < uris.size(); ++i) rows.push_back(model::app_server_row(i, uris[i]));
  auto reply = run_script(pool_, set_app_servers_, {}, edge_args(edge_rows_json(rows)));
  if (reply.type == RedisReply::Type::error)
    throw std::runtime_error("app server script: " + reply.text);
}

std::optional<std::size_t> RedisTrunkStore::rewrite_edge_rows(const model::Trunk& trunk) {
  auto args = edge_args(trunk_edge_json(trunk, settings_, false));
  args["updated_ns"] = std::to_string(trunk.updated_ns);
  auto reply = run_script(pool_, rewrite_,
                          {{"trunk", keys::trunk(trunk.id)},
                           {"customer_trunks", keys::customer_trunks(trunk.customer_id)}},
                          args);
  if (reply.type == RedisReply::Type::error)
    throw std::runtime_error("rewrite script: " + reply.text);
  if (!reply.text.starts_with("ok:")) return std::nullopt;
  return static_cast<std::size_t>(std::stoull(reply.text.substr(3)));
}

std::vector<model::Trunk> RedisTrunkStore::next_trunks(std::string& cursor, std::size_t count) {
  auto scan =
      pool_.command({"SCAN", cursor, "MATCH", keys::trunk("*"), "COUNT", std::to_string(count)});
  cursor = scan.elements.at(0).text;
  std::vector<std::string> trunk_keys;
  for (const auto& key : scan.elements.at(1).elements) trunk_keys.push_back(key.text);
  return read_trunks(pool_, trunk_keys);
}

std::vector<model::Trunk> read_trunks(RedisPool& pool, const std::vector<std::string>& trunk_keys) {
  std::vector<model::Trunk> trunks;
  if (trunk_keys.empty()) return trunks;
  std::vector<RedisCommand> reads;
  for (const auto& key : trunk_keys) reads.push_back({"HGETALL", key});
  for (const auto& reply : pool.acquire()->pipeline(reads)) {
    // Deleted between the listing and HGETALL: reads as empty, skipped.
    if (auto trunk = trunk_from_fields(to_field_map(reply))) trunks.push_back(std::move(*trunk));
  }
  return trunks;
}

std::vector<std::string> read_probe_list(RedisPool& pool) {
  auto at = to_field_map(pool.command({"HGETALL", std::string(keys::kEdgeProbeAt)}));
  // Dense by construction (lua/edge_rows.lua): an index out of range is left out, a missing one
  // reads as "" (check_edge_rows names both).
  std::vector<std::string> list(at.size());
  for (const auto& [index, destination] : at) {
    auto position = std::strtoull(index.c_str(), nullptr, 10);
    if (position < list.size()) list[position] = destination;
  }
  return list;
}

int RedisTrunkStore::edge_rows_layout() {
  auto reply = pool_.command({"GET", std::string(keys::kEdgeRowsLayout)});
  return reply.is_nil() ? 0 : std::stoi(reply.text);
}

void RedisTrunkStore::record_edge_rows_layout(int layout) {
  pool_.command({"SET", std::string(keys::kEdgeRowsLayout), std::to_string(layout)});
}

WriteResult RedisTrunkStore::create(model::Trunk& trunk, const model::AuditEntry& audit,
                                    IdempotentCreate* idempotency) {
  // The script places the trunk (edge set and order) in the same step as it writes it; its rows
  // depend only on its being placed, so they are built with stand-ins it replaces.
  trunk.edge_set = model::kFirstCustomerDispatcherSet;
  trunk.edge_order = 0;
  auto inbound = inbound_entry(trunk);
  auto args = edge_args(trunk_edge_json(trunk, settings_, false));
  args["trunk_id"] = trunk.id;
  args["customer_id"] = trunk.customer_id;
  put_if_set(args, "gateway_name", trunk.gateway_name.value_or(""));
  if (!inbound.family.empty()) args["inbound"] = inbound_argument(inbound);
  args["audit"] = audit_argument(audit);
  args["fields"] = trunk_to_fields(trunk);
  auto keys = trunk_keys(trunk);
  if (idempotency) {
    args["idempotency"] = {{"request_sha256", idempotency->request_sha256},
                           {"etag", idempotency->response.etag},
                           {"body", idempotency->response.body}};
    keys.emplace_back("idempotency", keys::idempotency(trunk.customer_id, idempotency->key));
  }
  auto reply = run_script(pool_, create_, keys, args);
  if (reply.type == RedisReply::Type::array) {
    if (!idempotency || reply.elements.size() != 4 || reply.elements[0].text != "replayed")
      throw std::runtime_error("create script: unexpected reply");
    idempotency->response = {reply.elements[1].text, reply.elements[2].text,
                             reply.elements[3].text};
    return WriteResult::replayed;
  }
  auto result = to_write_result(reply);
  if (result == WriteResult::ok) {
    // "ok:<generation>:<set>:<order>"
    std::istringstream written(reply.text.substr(3));
    char colon = 0;
    if (!(written >> trunk.edge_generation >> colon >> trunk.edge_set >> colon >>
          trunk.edge_order)) {
      throw std::runtime_error("create script: unexpected reply " + reply.text);
    }
  }
  return result;
}

WriteResult RedisTrunkStore::update(const model::Trunk& before, model::Trunk& after,
                                    const model::AuditEntry& audit) {
  auto old_inbound = inbound_entry(before);
  auto new_inbound = inbound_entry(after);
  bool same_range = old_inbound.member == new_inbound.member;
  if (after.edge_set == 0) place(after);  // written before trunks were placed
  auto args = edge_args(trunk_edge_json(after, settings_, false));
  args["trunk_id"] = after.id;
  args["updated_ns"] = std::to_string(before.updated_ns);
  put_if_set(args, "old_gateway_name", before.gateway_name.value_or(""));
  put_if_set(args, "new_gateway_name", after.gateway_name.value_or(""));
  if (!same_range) {
    put_if_set(args, "old_range_member", old_inbound.member);
    if (!new_inbound.family.empty()) args["new_inbound"] = inbound_argument(new_inbound);
  }
  args["audit"] = audit_argument(audit);
  args["fields"] = trunk_to_fields(after);
  auto reply = run_script(pool_, update_, trunk_keys(after), args);
  after.edge_generation = written_generation(reply).value_or(after.edge_generation);
  return to_write_result(reply);
}

WriteResult RedisTrunkStore::remove(const model::Trunk& trunk, const model::AuditEntry& audit) {
  auto args = edge_args(trunk_edge_json(trunk, settings_, true));
  args["trunk_id"] = trunk.id;
  args["updated_ns"] = std::to_string(trunk.updated_ns);
  put_if_set(args, "gateway_name", trunk.gateway_name.value_or(""));
  put_if_set(args, "range_member", inbound_entry(trunk).member);
  args["audit"] = audit_argument(audit);
  return to_write_result(run_script(pool_, delete_, trunk_keys(trunk), args));
}

model::EdgeProgress RedisTrunkStore::edge_progress() {
  std::vector<RedisCommand> reads{
      {"MGET", std::string(keys::kEdgeAppliedGeneration), std::string(keys::kEdgeLastError)}};
  if (!settings_.nodes.empty()) {
    RedisCommand per_node{"HMGET", std::string(keys::kEdgeNodeApplied)};
    per_node.insert(per_node.end(), settings_.nodes.begin(), settings_.nodes.end());
    reads.push_back(std::move(per_node));
  }
  auto replies = pool_.acquire()->pipeline(reads);
  const auto& globals = replies.at(0);
  model::EdgeProgress progress;
  progress.applied_generation = parse_int(globals.elements.at(0).text).value_or(0);
  if (!globals.elements.at(1).is_nil()) progress.last_error = globals.elements.at(1).text;
  for (std::size_t i = 0; i < settings_.nodes.size(); ++i) {
    const auto& applied = replies.at(1).elements.at(i);
    progress.nodes.push_back(
        {model::edge_node_name(i), applied.is_nil() ? 0 : parse_int(applied.text).value_or(0)});
  }
  return progress;
}

AuditPage RedisTrunkStore::audit(const AuditQuery& query) {
  auto stream =
      query.trunk_id ? keys::trunk_audit(*query.trunk_id) : std::string(keys::kAuditStream);
  auto count = std::to_string(query.limit + 1);
  // Exclusive bounds ("(" id) need Redis 6.2 or later.
  auto reply = query.after
                   ? pool_.command({"XRANGE", stream, "(" + *query.after, "+", "COUNT", count})
                   : pool_.command({"XREVRANGE", stream, query.before ? "(" + *query.before : "+",
                                    "-", "COUNT", count});
  AuditPage page;
  for (const auto& element : reply.elements) {
    if (element.elements.size() != 2) continue;
    AuditRecord record{element.elements[0].text, to_field_map(element.elements[1])};
    page.records.push_back(std::move(record));
  }
  page.has_more = page.records.size() > query.limit;
  page.records.resize(std::min(page.records.size(), query.limit));
  // Read oldest first after a cursor; shown newest first like every page.
  if (query.after) std::reverse(page.records.begin(), page.records.end());
  return page;
}

std::optional<model::Trunk> RedisTrunkStore::find(const std::string& trunk_id) {
  auto found = fetch({trunk_id});
  if (found.empty()) return std::nullopt;
  return found.front();
}

std::vector<model::Trunk> RedisTrunkStore::fetch(const std::vector<std::string>& trunk_ids) {
  if (trunk_ids.empty()) return {};
  std::vector<RedisCommand> commands;
  commands.reserve(2 * trunk_ids.size());
  for (const auto& id : trunk_ids) {
    commands.push_back({"HGETALL", keys::trunk(id)});
    commands.push_back({"HGETALL", keys::trunk_registration(id)});
  }
  auto replies = pool_.acquire()->pipeline(commands);
  std::vector<model::Trunk> trunks;
  for (std::size_t i = 0; i + 1 < replies.size(); i += 2) {
    auto trunk = trunk_from_fields(to_field_map(replies[i]));
    if (!trunk) continue;
    trunk->registration = registration_from_fields(to_field_map(replies[i + 1]));
    trunks.push_back(std::move(*trunk));
  }
  return trunks;
}

TrunkPage RedisTrunkStore::list(const TrunkListQuery& query) {
  auto index = keys::customer_trunks(query.customer_id);
  auto after_cursor = [&](const std::string& id) {
    return !query.starting_after || id > *query.starting_after;
  };
  auto matches = [&](const model::Trunk& trunk) {
    return trunk.customer_id == query.customer_id &&
           (!query.is_active || trunk.is_active == *query.is_active) &&
           (!query.gateway_name || trunk.gateway_name == query.gateway_name);
  };

  TrunkPage page;
  if (!query.is_active && !query.gateway_name) {
    // The common case reads only the page: ZCARD for the total, a lex range for the ids.
    std::string from = query.starting_after ? "(" + *query.starting_after : "-";
    auto replies = pool_.acquire()->pipeline(
        {{"ZCARD", index},
         {"ZRANGEBYLEX", index, from, "+", "LIMIT", "0", std::to_string(query.limit + 1)}});
    page.total = static_cast<std::size_t>(replies[0].integer);
    std::vector<std::string> ids;
    for (const auto& element : replies[1].elements) ids.push_back(element.text);
    page.has_more = ids.size() > query.limit;
    ids.resize(std::min(ids.size(), query.limit));
    page.trunks = fetch(ids);
    return page;
  }

  // Filtered: a customer has few trunks, so read them all and filter here.
  std::vector<std::string> ids;
  if (query.gateway_name) {
    auto owner = pool_.command(
        {"HGET", keys::customer_gateway_names(query.customer_id), *query.gateway_name});
    if (!owner.is_nil()) ids.push_back(owner.text);
  } else {
    for (const auto& element : pool_.command({"ZRANGE", index, "0", "-1"}).elements) {
      ids.push_back(element.text);
    }
  }
  for (auto& trunk : fetch(ids)) {
    if (!matches(trunk)) continue;
    ++page.total;
    if (!after_cursor(trunk.id)) continue;
    if (page.trunks.size() == query.limit) {
      page.has_more = true;
      continue;
    }
    page.trunks.push_back(std::move(trunk));
  }
  return page;
}

}  // namespace mv::store
