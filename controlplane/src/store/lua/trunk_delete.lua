-- trunk_delete: removes a trunk (compare-and-set on its updated_ns), its index entries and its
-- Kamailio rows, and records its audit entry, in one step (built on edge_rows). The trunk's
-- audit stream is kept a while after it (its owner can still read how it ended), then expires.
-- KEY: as trunk_create, without idempotency.
-- ARG: daemon_db, kamailio_db, edge (edge_rows: the trunk's rows, all without fields, so they
-- all go); trunk_id; updated_ns (as in trunk_update); gateway_name, range_member (each absent
-- without one); audit.
-- Returns 'ok' or the refusal ('not_found', 'conflict').
local current = redis.call('HGET', KEY.trunk, 'updated_ns')
if not current then return 'not_found' end
if current ~= ARG.updated_ns then return 'conflict' end
redis.call('DEL', KEY.trunk)
redis.call('INCR', KEY.edge_generation)
redis.call('ZREM', KEY.customer_trunks, ARG.trunk_id)
if ARG.gateway_name then redis.call('HDEL', KEY.gateway_names, ARG.gateway_name) end
if ARG.range_member then redis.call('ZREM', KEY.inbound_ranges, ARG.range_member) end
sync_edge_rows()
record_audit(ARG.audit)
redis.call('EXPIRE', KEY.trunk_audit, '{deleted_trunk_audit_ttl_s}')
return 'ok'
