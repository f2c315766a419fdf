-- trunk_create: writes a new trunk, its indexes, its Kamailio rows and its audit entry in one
-- step (built on edge_rows).
-- KEY: trunk (hash), customer_trunks (zset of the customer's trunk ids), gateway_names (hash,
-- the customer's gateway_name -> trunk id), inbound_ranges (zset, see redis_keys.h),
-- edge_generation (counter: every write takes the next value and the trunk keeps it, so the API
-- can tell whether the edge has applied it), trunk_audit (stream), idempotency (the idempotency
-- record; only with an Idempotency-Key).
-- ARG: daemon_db, kamailio_db, edge (edge_rows); trunk_id; customer_id; gateway_name (absent
-- without one); inbound {family, first, last, member} (absent without inbound_ip); audit (the
-- audit entry: field, value, ...); idempotency {request_sha256, etag, body} (absent without a
-- key); fields (the trunk hash: field, value, ...).
-- Returns 'ok:<edge generation>:<edge set>:<edge order>', the refusal ('idempotency_mismatch',
-- 'id_taken', 'gateway_name_exists', 'inbound_ip_exists'), or {'replayed', trunk id, ETag,
-- body} when the key was used before for the same request.
-- The key is looked at first: a retry of a create that went through must not meet its own
-- gateway_name or inbound_ip as a conflict.
local idempotency = ARG.idempotency
if idempotency then
  local first = redis.call('HMGET', KEY.idempotency, 'request_sha256', 'trunk_id', 'etag', 'body')
  if first[1] then
    if first[1] ~= idempotency.request_sha256 then return 'idempotency_mismatch' end
    return {'replayed', first[2], first[3], first[4]}
  end
end
if redis.call('EXISTS', KEY.trunk) == 1 then return 'id_taken' end
if ARG.gateway_name and redis.call('HEXISTS', KEY.gateway_names, ARG.gateway_name) == 1 then
  return 'gateway_name_exists'
end
if inbound_conflict(ARG.inbound) then return 'inbound_ip_exists' end
-- Its place in outbound routing is taken here, once the create can no longer be refused: the
-- trunk hash's edge_set and edge_order and the routes' order arrive as stand-ins.
local set, order = place_trunk(ARG.customer_id)
for i = 1, #ARG.fields, 2 do
  if ARG.fields[i] == 'edge_set' then ARG.fields[i + 1] = tostring(set) end
  if ARG.fields[i] == 'edge_order' then ARG.fields[i + 1] = tostring(order) end
end
ARG.edge.routes.order = tostring(order)
local generation = write_trunk()
redis.call('ZADD', KEY.customer_trunks, 0, ARG.trunk_id)
if ARG.gateway_name then redis.call('HSET', KEY.gateway_names, ARG.gateway_name, ARG.trunk_id) end
if ARG.inbound then redis.call('ZADD', KEY.inbound_ranges, 0, ARG.inbound.member) end
sync_edge_rows()
record_audit(ARG.audit)
if idempotency then
  redis.call('HSET', KEY.idempotency, 'request_sha256', idempotency.request_sha256,
             'trunk_id', ARG.trunk_id, 'etag', idempotency.etag, 'body', idempotency.body)
  redis.call('EXPIRE', KEY.idempotency, '{idempotency_ttl_s}')
end
return 'ok:' .. generation .. ':' .. set .. ':' .. order
