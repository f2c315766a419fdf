#pragma once

#include <string_view>

// Atomic trunk writes. Redis runs a script alone, so the checks and the writes below cannot
// interleave with another writer (another thread or another daemon replica), and a crash of the
// daemon can never leave a trunk without its index entries, an index entry without its trunk, or
// a Kamailio row that disagrees with its trunk.
//
// KEYS (trunk scripts): 1 trunk hash, 2 customer's trunk ids (zset), 3 customer's gateway_name ->
// trunk id (hash), 4 inbound ranges (zset, see redis_keys.h), 5 edge generation (counter: every
// write takes the next value and the trunk keeps it, so the API can tell whether the edge has
// applied it), 6 the trunk's audit stream. Each trunk write appends its audit entry to the
// audit trail and to the trunk's own stream in the same step, so no write goes unrecorded and
// no entry records a write that did not happen.
// ARGV (all scripts): 1 the daemon's database, 2 Kamailio's database, 3 the Kamailio rows to
// write, as JSON (see RedisTrunkStore): {"rows": [{"table", "owner", "fields": [name, value, ...]
// or null}], "customer_row": {...} or absent}. Script arguments start at ARGV[4].
// The `{...}` placeholders are replaced by key names and rows from redis_keys.h / edge_rows.h.
namespace mv::store::lua {

inline constexpr std::string_view kHelpers = R"lua(
-- Does any other trunk's range overlap [first, last]? Existing ranges never overlap each other,
-- so only two can matter: the one starting at or before `first` (does it reach `first`?) and
-- any starting inside [first, last].
local function inbound_conflict(ranges, fam, first, last, self_id)
  local function other_trunk(member)
    return string.match(member, '^%w:%x+:%x+:(.+)$') ~= self_id
  end
  local before = redis.call('ZREVRANGEBYLEX', ranges, '[' .. fam .. ':' .. first .. ':~',
                            '[' .. fam .. ':', 'LIMIT', 0, 1)
  if #before == 1 and other_trunk(before[1]) then
    if string.match(before[1], '^%w:%x+:(%x+):') >= first then return true end
  end
  local inside = redis.call('ZRANGEBYLEX', ranges, '[' .. fam .. ':' .. first .. ':',
                            '[' .. fam .. ':' .. last .. ':~', 'LIMIT', 0, 2)
  for _, member in ipairs(inside) do
    if other_trunk(member) then return true end
  end
  return false
end

local ROW_IDS = cjson.decode([==[{row_ids}]==])          -- table -> owner -> row id (hash)
local LAST_ROW_IDS = cjson.decode([==[{last_row_ids}]==])  -- table -> last row id (counter)
local PADDING = cjson.decode([==[{padding_rows}]==])       -- table -> padding row fields
local PADDING_ROW_ID = '{padding_row_id}'
local KEYED_BY_OWNER = cjson.decode([==[{keyed_by_owner}]==])  -- table -> true: key ends in owner
local PADDING_OWNER = '{padding_owner}'
local TABLE_VERSIONS = '{table_versions}'

-- Appends one audit entry (a JSON array: field, value, ...) to the trail and the trunk's stream,
-- each trimmed to about its cap (MAXLEN ~: whole macro nodes, so cheap).
local function record_audit(fields_json)
  local fields = cjson.decode(fields_json)
  redis.call('XADD', '{audit_stream}', 'MAXLEN', '~', '{audit_cap}', '*', unpack(fields))
  redis.call('XADD', KEYS[6], 'MAXLEN', '~', '{trunk_audit_cap}', '*', unpack(fields))
end

local function same_row(current, wanted)
  if not wanted then return #current == 0 end
  if #current ~= #wanted then return false end
  local fields = {}
  for i = 1, #current, 2 do fields[current[i]] = current[i + 1] end
  for i = 1, #wanted, 2 do
    if fields[wanted[i]] ~= wanted[i + 1] then return false end
  end
  return true
end

-- Replaces one Kamailio row in a single step (DEL then HSET inside this script): a reload never
-- sees a half-written row. A row that does not change is not touched, so its table's version
-- stays and the reloader leaves that table alone.
local function write_row(tbl, row_id, owner, fields)
  local wanted = nil
  if fields then
    wanted = {'id', row_id}
    for _, value in ipairs(fields) do table.insert(wanted, value) end
  end
  local key = tbl .. ':entry::' .. (KEYED_BY_OWNER[tbl] and owner or row_id)
  redis.call('SELECT', ARGV[2])
  local changed = not same_row(redis.call('HGETALL', key), wanted)
  if changed then
    redis.call('DEL', key)
    if wanted then redis.call('HSET', key, unpack(wanted)) end
  end
  redis.call('SELECT', ARGV[1])
  if changed then redis.call('HINCRBY', TABLE_VERSIONS, tbl, 1) end
end

-- Puts the row `owner` owns into `tbl`, or takes it out when `fields` is nil. Row ids are handed
-- out once and never reused.
local function sync_row(tbl, owner, fields)
  if fields == cjson.null then fields = nil end
  local row_ids = ROW_IDS[tbl]
  local row_id = redis.call('HGET', row_ids, owner)
  if fields then
    if not row_id then
      row_id = tostring(redis.call('INCR', LAST_ROW_IDS[tbl]))
      redis.call('HSET', row_ids, owner, row_id)
    end
    write_row(tbl, row_id, owner, fields)
  elseif row_id then
    write_row(tbl, row_id, owner, nil)
    redis.call('HDEL', row_ids, owner)
  end
  -- db_redis drops the last 1,000 rows of a table holding an exact multiple of 1,000 (and says
  -- the reload went well): one harmless padding row is present exactly when the owned rows are
  -- such a multiple, so the table never is.
  local rows = redis.call('HLEN', row_ids)
  if rows > 0 and rows % 1000 == 0 then
    write_row(tbl, PADDING_ROW_ID, PADDING_OWNER, PADDING[tbl])
  else
    write_row(tbl, PADDING_ROW_ID, PADDING_OWNER, nil)
  end
end

-- The trunk's rows; then the customer's row, kept while the customer has any trunk (KEYS[2]).
local function sync_edge_rows()
  local edge = cjson.decode(ARGV[3])
  for _, row in ipairs(edge.rows) do
    sync_row(row.table, row.owner, row.fields)
    -- A trunk that no longer registers (deactivated, register false, credentials cleared,
    -- deleted) keeps no registration state to show.
    if row.table == 'uacreg' and row.fields == cjson.null then
      redis.call('DEL', '{registration_prefix}' .. row.owner)
    end
  end
  local customer = edge.customer_row
  if customer then
    local keep = redis.call('ZCARD', KEYS[2]) > 0
    sync_row(customer.table, customer.owner, keep and customer.fields or nil)
  end
end
)lua";

// ARGV: 4 trunk id, 5 gateway_name or '', 6 family or '', 7 first hex, 8 last hex,
// 9 range member, 10 audit entry (JSON array), 11 request SHA-256 or '' (no idempotency key),
// 12 response ETag, 13 response body, 14.. hash field/value pairs. KEYS[7]: the idempotency
// record, when ARGV[11] is set. Returns 'ok:<edge generation>', the refusal, or
// {'replayed', trunk id, ETag, body} when the key was used before for the same request.
// The key is looked at first: a retry of a create that went through must not meet its own
// gateway_name or inbound_ip as a conflict.
inline constexpr std::string_view kCreate = R"lua(
if ARGV[11] ~= '' then
  local first = redis.call('HMGET', KEYS[7], 'request_sha256', 'trunk_id', 'etag', 'body')
  if first[1] then
    if first[1] ~= ARGV[11] then return 'idempotency_mismatch' end
    return {'replayed', first[2], first[3], first[4]}
  end
end
if redis.call('EXISTS', KEYS[1]) == 1 then return 'id_taken' end
if ARGV[5] ~= '' and redis.call('HEXISTS', KEYS[3], ARGV[5]) == 1 then
  return 'gateway_name_exists'
end
if ARGV[6] ~= '' and inbound_conflict(KEYS[4], ARGV[6], ARGV[7], ARGV[8], ARGV[4]) then
  return 'inbound_ip_exists'
end
redis.call('HSET', KEYS[1], unpack(ARGV, 14))
local generation = redis.call('INCR', KEYS[5])
redis.call('HSET', KEYS[1], 'edge_generation', generation)
redis.call('ZADD', KEYS[2], 0, ARGV[4])
if ARGV[5] ~= '' then redis.call('HSET', KEYS[3], ARGV[5], ARGV[4]) end
if ARGV[6] ~= '' then redis.call('ZADD', KEYS[4], 0, ARGV[9]) end
sync_edge_rows()
record_audit(ARGV[10])
if ARGV[11] ~= '' then
  redis.call('HSET', KEYS[7], 'request_sha256', ARGV[11], 'trunk_id', ARGV[4], 'etag', ARGV[12],
             'body', ARGV[13])
  redis.call('EXPIRE', KEYS[7], '{idempotency_ttl_s}')
end
return 'ok:' .. generation
)lua";

// ARGV: 4 trunk id, 5 expected updated_ns, 6 old gateway_name or '', 7 new gateway_name or '',
// 8 old range member or '', 9 new family or '', 10 new first hex, 11 new last hex,
// 12 new range member or '', 13 audit entry (JSON array), 14.. hash field/value pairs. Returns
// 'ok:<edge generation>' or the refusal.
inline constexpr std::string_view kUpdate = R"lua(
local current = redis.call('HGET', KEYS[1], 'updated_ns')
if not current then return 'not_found' end
if current ~= ARGV[5] then return 'conflict' end
if ARGV[7] ~= '' then
  local owner = redis.call('HGET', KEYS[3], ARGV[7])
  if owner and owner ~= ARGV[4] then return 'gateway_name_exists' end
end
if ARGV[9] ~= '' and inbound_conflict(KEYS[4], ARGV[9], ARGV[10], ARGV[11], ARGV[4]) then
  return 'inbound_ip_exists'
end
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], unpack(ARGV, 14))
local generation = redis.call('INCR', KEYS[5])
redis.call('HSET', KEYS[1], 'edge_generation', generation)
if ARGV[6] ~= '' then redis.call('HDEL', KEYS[3], ARGV[6]) end
if ARGV[7] ~= '' then redis.call('HSET', KEYS[3], ARGV[7], ARGV[4]) end
if ARGV[8] ~= '' then redis.call('ZREM', KEYS[4], ARGV[8]) end
if ARGV[12] ~= '' then redis.call('ZADD', KEYS[4], 0, ARGV[12]) end
sync_edge_rows()
record_audit(ARGV[13])
return 'ok:' .. generation
)lua";

// ARGV: 4 trunk id, 5 expected updated_ns, 6 gateway_name or '', 7 range member or '', 8 audit
// entry (JSON array). ARGV[3] lists the trunk's rows without fields (they all go). The trunk's
// audit stream is kept a while after it (its owner can still read how it ended), then expires.
inline constexpr std::string_view kDelete = R"lua(
local current = redis.call('HGET', KEYS[1], 'updated_ns')
if not current then return 'not_found' end
if current ~= ARGV[5] then return 'conflict' end
redis.call('DEL', KEYS[1])
redis.call('INCR', KEYS[5])
redis.call('ZREM', KEYS[2], ARGV[4])
if ARGV[6] ~= '' then redis.call('HDEL', KEYS[3], ARGV[6]) end
if ARGV[7] ~= '' then redis.call('ZREM', KEYS[4], ARGV[7]) end
sync_edge_rows()
record_audit(ARGV[8])
redis.call('EXPIRE', KEYS[6], '{deleted_trunk_audit_ttl_s}')
return 'ok'
)lua";

// The application servers' dispatcher rows: ARGV[3] lists them all ("app:<n>" owners); rows of
// servers no longer listed go. KEYS: none. Returns 'ok'.
inline constexpr std::string_view kSetAppServers = R"lua(
local listed = {}
for _, row in ipairs(cjson.decode(ARGV[3]).rows) do
  listed[row.owner] = true
  sync_row(row.table, row.owner, row.fields)
end
for _, owner in ipairs(redis.call('HKEYS', ROW_IDS.dispatcher)) do
  if string.sub(owner, 1, 4) == 'app:' and not listed[owner] then
    sync_row('dispatcher', owner, nil)
  end
end
return 'ok'
)lua";

// Where a new trunk goes in outbound routing. KEYS: 1 customer -> dispatcher set (hash), 2 last
// set handed out, 3 last trunk order. ARGV: 1 customer id, 2 first customer set.
// Returns {dispatcher set, order}.
inline constexpr std::string_view kPlacement = R"lua(
local set = redis.call('HGET', KEYS[1], ARGV[1])
if not set then
  set = redis.call('INCR', KEYS[2]) + tonumber(ARGV[2]) - 1
  redis.call('HSET', KEYS[1], ARGV[1], set)
end
return {tonumber(set), redis.call('INCR', KEYS[3])}
)lua";

}  // namespace mv::store::lua
