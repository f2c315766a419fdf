-- trunk_update: rewrites a trunk (compare-and-set on its updated_ns), moves its index entries,
-- syncs its Kamailio rows and records its audit entry, in one step (built on edge_rows).
-- KEY: as trunk_create, without idempotency.
-- ARG: daemon_db, kamailio_db, edge (edge_rows); trunk_id; updated_ns (the value read before,
-- a string as the hash holds it); old_gateway_name, new_gateway_name (each absent without one);
-- old_range_member (absent when the range is unchanged or there was none); new_inbound {family,
-- first, last, member} (absent when the range is unchanged or there is none); audit; fields.
-- Returns 'ok:<edge generation>' or the refusal ('not_found', 'conflict', 'gateway_name_exists',
-- 'inbound_ip_exists').
local current = redis.call('HGET', KEY.trunk, 'updated_ns')
if not current then return 'not_found' end
if current ~= ARG.updated_ns then return 'conflict' end
if ARG.new_gateway_name then
  local owner = redis.call('HGET', KEY.gateway_names, ARG.new_gateway_name)
  if owner and owner ~= ARG.trunk_id then return 'gateway_name_exists' end
end
if inbound_conflict(ARG.new_inbound) then return 'inbound_ip_exists' end
redis.call('DEL', KEY.trunk)
local generation = write_trunk()
if ARG.old_gateway_name then redis.call('HDEL', KEY.gateway_names, ARG.old_gateway_name) end
if ARG.new_gateway_name then
  redis.call('HSET', KEY.gateway_names, ARG.new_gateway_name, ARG.trunk_id)
end
if ARG.old_range_member then redis.call('ZREM', KEY.inbound_ranges, ARG.old_range_member) end
if ARG.new_inbound then redis.call('ZADD', KEY.inbound_ranges, 0, ARG.new_inbound.member) end
sync_edge_rows()
record_audit(ARG.audit)
return 'ok:' .. generation
