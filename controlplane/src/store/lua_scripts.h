#pragma once

#include <string_view>

// Atomic trunk writes. Redis runs a script alone, so the checks and the writes below cannot
// interleave with another writer (another thread or another daemon replica), and a crash of the
// daemon can never leave a trunk without its index entries or an index entry without its trunk.
//
// KEYS (all scripts): 1 trunk hash, 2 customer's trunk ids (zset), 3 customer's gateway_name ->
// trunk id (hash), 4 inbound ranges (zset, see redis_keys.h).
namespace mv::store::lua {

// inbound_conflict(ranges, family, first_hex, last_hex, self_id): does any other trunk's range
// overlap [first, last]? Existing ranges never overlap each other, so only two can matter: the
// one starting at or before `first` (does it reach `first`?) and any starting inside [first, last].
inline constexpr std::string_view kInboundConflict = R"lua(
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
)lua";

// ARGV: 1 trunk id, 2 gateway_name or '', 3 family or '', 4 first hex, 5 last hex,
// 6 range member, 7.. hash field/value pairs.
inline constexpr std::string_view kCreate = R"lua(
if redis.call('EXISTS', KEYS[1]) == 1 then return 'id_taken' end
if ARGV[2] ~= '' and redis.call('HEXISTS', KEYS[3], ARGV[2]) == 1 then
  return 'gateway_name_exists'
end
if ARGV[3] ~= '' and inbound_conflict(KEYS[4], ARGV[3], ARGV[4], ARGV[5], ARGV[1]) then
  return 'inbound_ip_exists'
end
redis.call('HSET', KEYS[1], unpack(ARGV, 7))
redis.call('ZADD', KEYS[2], 0, ARGV[1])
if ARGV[2] ~= '' then redis.call('HSET', KEYS[3], ARGV[2], ARGV[1]) end
if ARGV[3] ~= '' then redis.call('ZADD', KEYS[4], 0, ARGV[6]) end
return 'ok'
)lua";

// ARGV: 1 trunk id, 2 expected updated_ns, 3 old gateway_name or '', 4 new gateway_name or '',
// 5 old range member or '', 6 new family or '', 7 new first hex, 8 new last hex,
// 9 new range member or '', 10.. hash field/value pairs.
inline constexpr std::string_view kUpdate = R"lua(
local current = redis.call('HGET', KEYS[1], 'updated_ns')
if not current then return 'not_found' end
if current ~= ARGV[2] then return 'conflict' end
if ARGV[4] ~= '' then
  local owner = redis.call('HGET', KEYS[3], ARGV[4])
  if owner and owner ~= ARGV[1] then return 'gateway_name_exists' end
end
if ARGV[6] ~= '' and inbound_conflict(KEYS[4], ARGV[6], ARGV[7], ARGV[8], ARGV[1]) then
  return 'inbound_ip_exists'
end
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], unpack(ARGV, 10))
if ARGV[3] ~= '' then redis.call('HDEL', KEYS[3], ARGV[3]) end
if ARGV[4] ~= '' then redis.call('HSET', KEYS[3], ARGV[4], ARGV[1]) end
if ARGV[5] ~= '' then redis.call('ZREM', KEYS[4], ARGV[5]) end
if ARGV[9] ~= '' then redis.call('ZADD', KEYS[4], 0, ARGV[9]) end
return 'ok'
)lua";

// ARGV: 1 trunk id, 2 expected updated_ns, 3 gateway_name or '', 4 range member or ''.
inline constexpr std::string_view kDelete = R"lua(
local current = redis.call('HGET', KEYS[1], 'updated_ns')
if not current then return 'not_found' end
if current ~= ARGV[2] then return 'conflict' end
redis.call('DEL', KEYS[1])
redis.call('ZREM', KEYS[2], ARGV[1])
if ARGV[3] ~= '' then redis.call('HDEL', KEYS[3], ARGV[3]) end
if ARGV[4] ~= '' then redis.call('ZREM', KEYS[4], ARGV[4]) end
return 'ok'
)lua";

}  // namespace mv::store::lua
