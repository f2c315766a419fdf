#pragma once

#include <string_view>

// Atomic trunk writes. Redis runs a script alone, so the checks and the writes below cannot
// interleave with another writer (another thread or another daemon replica), and a crash of the
// daemon can never leave a trunk without its index entries, an index entry without its trunk, or
// a Kamailio row that disagrees with its trunk.
//
// KEYS (all scripts): 1 trunk hash, 2 customer's trunk ids (zset), 3 customer's gateway_name ->
// trunk id (hash), 4 inbound ranges (zset, see redis_keys.h), 5 trunk id -> Kamailio address row
// id (hash), 6 last address row id (counter), 7 edge generation (counter: every write takes the
// next value and the trunk keeps it, so the API can tell whether the edge has applied it).
// `{padding_row_id}` is replaced by keys::kPaddingAddressRowId before use.
// ARGV (all scripts): 1 the daemon's database, 2 Kamailio's database, 3..7 the trunk's address
// row: grp ('' for no row), ip_addr, mask, port, tag. Script arguments start at ARGV[8].
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

local PADDING_ROW_ID = '{padding_row_id}'

-- Replaces one Kamailio row in a single step (DEL then HSET inside this script): a reload never
-- sees a half-written row.
local function write_address_row(row_id, fields)
  redis.call('SELECT', ARGV[2])
  redis.call('DEL', 'address:entry::' .. row_id)
  if fields then redis.call('HSET', 'address:entry::' .. row_id, unpack(fields)) end
  redis.call('SELECT', ARGV[1])
end

-- Puts the trunk's address row into Kamailio's table, or takes it out when ARGV[3] is ''.
local function sync_address_row(trunk_id)
  local row_id = redis.call('HGET', KEYS[5], trunk_id)
  if ARGV[3] == '' then
    if row_id then
      write_address_row(row_id, nil)
      redis.call('HDEL', KEYS[5], trunk_id)
    end
  else
    if not row_id then
      row_id = tostring(redis.call('INCR', KEYS[6]))
      redis.call('HSET', KEYS[5], trunk_id, row_id)
    end
    write_address_row(row_id, {'id', row_id, 'grp', ARGV[3], 'ip_addr', ARGV[4], 'mask', ARGV[5],
                               'port', ARGV[6], 'tag', ARGV[7]})
  end
  -- db_redis drops the last 1,000 rows of a table holding an exact multiple of 1,000 (and says
  -- the reload went well). One harmless row (group 99, which no route checks; permissions refuses
  -- group 0 and fails the whole reload) is present exactly when the trunk rows are such a
  -- multiple, so the table never is.
  local rows = redis.call('HLEN', KEYS[5])
  if rows > 0 and rows % 1000 == 0 then
    write_address_row(PADDING_ROW_ID, {'id', PADDING_ROW_ID, 'grp', '99', 'ip_addr', '192.0.2.255',
                                       'mask', '32', 'port', '0', 'tag', 'padding'})
  else
    write_address_row(PADDING_ROW_ID, nil)
  end
end
)lua";

// ARGV: 8 trunk id, 9 gateway_name or '', 10 family or '', 11 first hex, 12 last hex,
// 13 range member, 14.. hash field/value pairs. Returns 'ok:<edge generation>' or the refusal.
inline constexpr std::string_view kCreate = R"lua(
if redis.call('EXISTS', KEYS[1]) == 1 then return 'id_taken' end
if ARGV[9] ~= '' and redis.call('HEXISTS', KEYS[3], ARGV[9]) == 1 then
  return 'gateway_name_exists'
end
if ARGV[10] ~= '' and inbound_conflict(KEYS[4], ARGV[10], ARGV[11], ARGV[12], ARGV[8]) then
  return 'inbound_ip_exists'
end
redis.call('HSET', KEYS[1], unpack(ARGV, 14))
local generation = redis.call('INCR', KEYS[7])
redis.call('HSET', KEYS[1], 'edge_generation', generation)
redis.call('ZADD', KEYS[2], 0, ARGV[8])
if ARGV[9] ~= '' then redis.call('HSET', KEYS[3], ARGV[9], ARGV[8]) end
if ARGV[10] ~= '' then redis.call('ZADD', KEYS[4], 0, ARGV[13]) end
sync_address_row(ARGV[8])
return 'ok:' .. generation
)lua";

// ARGV: 8 trunk id, 9 expected updated_ns, 10 old gateway_name or '', 11 new gateway_name or '',
// 12 old range member or '', 13 new family or '', 14 new first hex, 15 new last hex,
// 16 new range member or '', 17.. hash field/value pairs. Returns 'ok:<edge generation>' or the
// refusal.
inline constexpr std::string_view kUpdate = R"lua(
local current = redis.call('HGET', KEYS[1], 'updated_ns')
if not current then return 'not_found' end
if current ~= ARGV[9] then return 'conflict' end
if ARGV[11] ~= '' then
  local owner = redis.call('HGET', KEYS[3], ARGV[11])
  if owner and owner ~= ARGV[8] then return 'gateway_name_exists' end
end
if ARGV[13] ~= '' and inbound_conflict(KEYS[4], ARGV[13], ARGV[14], ARGV[15], ARGV[8]) then
  return 'inbound_ip_exists'
end
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], unpack(ARGV, 17))
local generation = redis.call('INCR', KEYS[7])
redis.call('HSET', KEYS[1], 'edge_generation', generation)
if ARGV[10] ~= '' then redis.call('HDEL', KEYS[3], ARGV[10]) end
if ARGV[11] ~= '' then redis.call('HSET', KEYS[3], ARGV[11], ARGV[8]) end
if ARGV[12] ~= '' then redis.call('ZREM', KEYS[4], ARGV[12]) end
if ARGV[16] ~= '' then redis.call('ZADD', KEYS[4], 0, ARGV[16]) end
sync_address_row(ARGV[8])
return 'ok:' .. generation
)lua";

// ARGV: 8 trunk id, 9 expected updated_ns, 10 gateway_name or '', 11 range member or ''.
// ARGV[3] is '' (the trunk's row goes).
inline constexpr std::string_view kDelete = R"lua(
local current = redis.call('HGET', KEYS[1], 'updated_ns')
if not current then return 'not_found' end
if current ~= ARGV[9] then return 'conflict' end
redis.call('DEL', KEYS[1])
redis.call('INCR', KEYS[7])
redis.call('ZREM', KEYS[2], ARGV[8])
if ARGV[10] ~= '' then redis.call('HDEL', KEYS[3], ARGV[10]) end
if ARGV[11] ~= '' then redis.call('ZREM', KEYS[4], ARGV[11]) end
sync_address_row(ARGV[8])
return 'ok'
)lua";

}  // namespace mv::store::lua
