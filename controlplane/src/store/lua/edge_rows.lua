-- edge_rows: helpers shared by the trunk scripts and app_servers_set (placed between the prelude
-- and their bodies); defines functions and constants, returns nothing.
-- Atomic trunk writes: Redis runs a script alone, so the checks and the writes of one script
-- cannot interleave with another writer (another thread or another daemon replica), and a crash
-- of the daemon can never leave a trunk without its index entries, an index entry without its
-- trunk, or a Kamailio row that disagrees with its trunk. Each trunk write appends its audit
-- entry to the audit trail and to the trunk's own stream in the same step, so no write goes
-- unrecorded and no entry records a write that did not happen.
-- KEY (trunk scripts): inbound_ranges (inbound_conflict), trunk and edge_generation
-- (write_trunk), trunk_audit (record_audit).
-- ARG: trunk_id and fields (trunk scripts, as above); daemon_db, the daemon's database;
-- kamailio_db, Kamailio's database; edge, the Kamailio rows to write: {"rows": [{"table",
-- "owner", "fields": [name, value, ...] or null}], "routes": {...} and "probe": {"trunk",
-- "destination" or null} of a trunk write, absent otherwise} (see RedisTrunkStore).
-- The `{...}` placeholders are replaced by key names and rows from redis_keys.h / edge_rows.h.

-- Does `range` ({family, first, last, member}; nil for none) overlap another trunk's range in
-- KEY.inbound_ranges (the trunk being written is ARG.trunk_id)? Existing ranges never overlap
-- each other, so only two can matter: the one starting at or before `first` (does it reach
-- `first`?) and any starting inside [first, last].
local function inbound_conflict(range)
  if not range then return false end
  local fam, first, last = range.family, range.first, range.last
  local function other_trunk(member)
    return string.match(member, '^%w:%x+:%x+:(.+)$') ~= ARG.trunk_id
  end
  local before = redis.call('ZREVRANGEBYLEX', KEY.inbound_ranges,
                            '[' .. fam .. ':' .. first .. ':~', '[' .. fam .. ':', 'LIMIT', 0, 1)
  if #before == 1 and other_trunk(before[1]) then
    if string.match(before[1], '^%w:%x+:(%x+):') >= first then return true end
  end
  local inside = redis.call('ZRANGEBYLEX', KEY.inbound_ranges, '[' .. fam .. ':' .. first .. ':',
                            '[' .. fam .. ':' .. last .. ':~', 'LIMIT', 0, 2)
  for _, member in ipairs(inside) do
    if other_trunk(member) then return true end
  end
  return false
end

-- Writes ARG.fields into the trunk hash with the next edge generation, which it returns.
local function write_trunk()
  redis.call('HSET', KEY.trunk, unpack(ARG.fields))
  local generation = redis.call('INCR', KEY.edge_generation)
  redis.call('HSET', KEY.trunk, 'edge_generation', generation)
  return generation
end

local ROW_IDS = cjson.decode([==[{row_ids}]==])          -- table -> owner -> row id (hash)
local LAST_ROW_IDS = cjson.decode([==[{last_row_ids}]==])  -- table -> last row id (counter)
local PADDING = cjson.decode([==[{padding_rows}]==])       -- table -> padding row fields
local PADDING_ROW_ID = '{padding_row_id}'
local KEYED_BY_OWNER = cjson.decode([==[{keyed_by_owner}]==])  -- table -> true: key ends in owner
local PADDING_OWNER = '{padding_owner}'
local TABLE_VERSIONS = '{table_versions}'
local HTABLE = '{htable_table}'
local HTABLE_LOG = '{htable_log}'
local SOURCE_PREFIXES = '{source_prefixes}'
local PROBE_OF = '{probe_of}'        -- trunk -> the destination it has in the probe list
local PROBE_REFS = '{probe_refs}'    -- destination -> how many trunks have it
local PROBE_SLOTS = '{probe_slots}'  -- destination -> its index in the list
local PROBE_AT = '{probe_at}'        -- index -> destination
local CUSTOMER_SETS = '{customer_sets}'            -- customer -> its set (Trunk::edge_set)
local LAST_CUSTOMER_SET = '{last_customer_set}'    -- counter of the sets handed out
local LAST_TRUNK_ORDER = '{last_trunk_order}'      -- counter of the trunks' age ranks
local FIRST_CUSTOMER_SET = {first_customer_set}

-- Where a new trunk of `customer_id` goes in outbound routing: its customer's set (handed out at
-- the customer's first trunk) and the next age rank. Returns set, order (numbers).
local function place_trunk(customer_id)
  local set = redis.call('HGET', CUSTOMER_SETS, customer_id)
  if not set then
    set = redis.call('INCR', LAST_CUSTOMER_SET) + FIRST_CUSTOMER_SET - 1
    redis.call('HSET', CUSTOMER_SETS, customer_id, set)
  end
  return tonumber(set), redis.call('INCR', LAST_TRUNK_ORDER)
end

-- Appends one audit entry (an array: field, value, ...) to the trail and the trunk's stream,
-- each trimmed to about its cap (MAXLEN ~: whole macro nodes, so cheap).
local function record_audit(fields)
  redis.call('XADD', '{audit_stream}', 'MAXLEN', '~', '{audit_cap}', '*', unpack(fields))
  redis.call('XADD', KEY.trunk_audit, 'MAXLEN', '~', '{trunk_audit_cap}', '*', unpack(fields))
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

local function field_of(row, name)
  if not row then return nil end
  for i = 1, #row, 2 do
    if row[i] == name then return row[i + 1] end
  end
  return nil
end

-- The entry of an "s:" key in SOURCE_PREFIXES: "s:10.0.0.0/24" -> "4/24", "s:20010db8/32" ->
-- "6/32"; nil for an exact-address key and any other key (model::source_key_prefix).
local function source_prefix(key)
  local length = key and string.match(key, '^s:[^/]*/(%d+)$')
  if not length then return nil end
  return (string.find(key, '.', 1, true) and '4' or '6') .. '/' .. length
end

local function count_source_prefix(key, by)
  local prefix = source_prefix(key)
  if prefix and redis.call('HINCRBY', SOURCE_PREFIXES, prefix, by) <= 0 then
    redis.call('HDEL', SOURCE_PREFIXES, prefix)
  end
end

-- The edge's change log for htable `mv`: one entry per change of the table, its ID the table's
-- version ("<version>-0"), holding what a node does to apply it without reloading: "del" (a key
-- to delete) and/or "key_name", "key_value", "value_type" (a key to set). The node's publisher
-- applies entries after the version it recorded on the node, in order; a log that no longer
-- reaches back that far (trimmed at about {htable_log_cap} entries) means a whole-table reload.
local function log_htable_change(version, current, wanted)
  local old_key, new_key = field_of(current, 'key_name'), field_of(wanted, 'key_name')
  count_source_prefix(old_key, -1)
  count_source_prefix(new_key, 1)
  local entry = {}
  if old_key and old_key ~= new_key then
    table.insert(entry, 'del')
    table.insert(entry, old_key)
  end
  if wanted then
    for _, name in ipairs({'key_name', 'key_value', 'value_type'}) do
      table.insert(entry, name)
      table.insert(entry, field_of(wanted, name))
    end
  end
  local id = version .. '-0'
  local added = redis.pcall('XADD', HTABLE_LOG, 'MAXLEN', '~', '{htable_log_cap}', id,
                            unpack(entry))
  if type(added) == 'table' and added.err then
    -- The versions went back (a restored or hand-edited database): the log starts again, and
    -- every node reloads the whole table once.
    redis.call('DEL', HTABLE_LOG)
    redis.call('XADD', HTABLE_LOG, id, unpack(entry))
  end
end

-- Rows this script changed (write_row), for the scripts that say how many.
local CHANGED_ROWS = 0

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
  redis.call('SELECT', ARG.kamailio_db)
  local current = redis.call('HGETALL', key)
  local changed = not same_row(current, wanted)
  if changed then
    redis.call('DEL', key)
    if wanted then redis.call('HSET', key, unpack(wanted)) end
  end
  redis.call('SELECT', ARG.daemon_db)
  if changed then
    CHANGED_ROWS = CHANGED_ROWS + 1
    local version = redis.call('HINCRBY', TABLE_VERSIONS, tbl, 1)
    if tbl == HTABLE then log_htable_change(version, current, wanted) end
  end
end

-- Tables whose rows this script changed or looked at (pad_tables).
local TOUCHED = {}

-- Puts the row `owner` owns into `tbl`, or takes it out when `fields` is nil. Row ids are handed
-- out once and never reused. The script calls pad_tables() after its last sync_row.
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
  TOUCHED[tbl] = true
end

-- Puts the htable `mv` key `key` (which owns its row) with `value` (`value_type` '1': an integer;
-- a string without it), or takes it out when `value` is nil (model::htable_fields).
local function sync_key(key, value, value_type)
  local fields = nil
  if value then
    fields = {'key_name', key, 'key_type', '0', 'value_type', value_type or '0',
              'key_value', value, 'expires', '0'}
  end
  sync_row(HTABLE, key, fields)
end

-- db_redis drops the last 1,000 rows of a table holding an exact multiple of 1,000 (and says the
-- reload went well): one harmless padding row is present exactly when the owned rows are such a
-- multiple, so the table never is. Once per table a script touched, after its rows.
local function pad_tables()
  for tbl in pairs(TOUCHED) do
    local rows = redis.call('HLEN', ROW_IDS[tbl])
    if rows > 0 and rows % 1000 == 0 then
      write_row(tbl, PADDING_ROW_ID, PADDING_OWNER, PADDING[tbl])
    else
      write_row(tbl, PADDING_ROW_ID, PADDING_OWNER, nil)
    end
  end
  TOUCHED = {}
end

-- The rows "s:4" and "s:6": the prefix lengths the source keys use, longest first
-- (model::source_prefix_rows).
local function sync_source_prefix_rows()
  local lengths = {['4'] = {}, ['6'] = {}}
  for _, prefix in ipairs(redis.call('HKEYS', SOURCE_PREFIXES)) do
    local family, length = string.match(prefix, '^(%d)/(%d+)$')
    table.insert(lengths[family], tonumber(length))
  end
  for _, family in ipairs({'4', '6'}) do
    local list = lengths[family]
    table.sort(list, function(a, b) return a > b end)
    sync_key('s:' .. family, #list > 0 and table.concat(list, '|') or nil)
  end
end

-- The customer's routable trunks, oldest first, as a linked list (model::first_route_row,
-- next_route_row): "o:<customer>" -> the first, "n:<trunk>" -> the next. ARG.edge.routes.key is
-- the sorted set behind it (score: edge_order), so a trunk finds its neighbours in O(log n) and
-- a write changes at most three keys.
local function sync_customer_routes()
  local routes = ARG.edge.routes
  if not routes then return end
  local key, trunk = routes.key, routes.trunk
  -- The row that points at the trunk: the previous trunk's "n:", or the customer's "o:".
  local function neighbours()
    local rank = redis.call('ZRANK', key, trunk)
    if not rank then return nil, nil, false end
    local before = routes.first
    if rank > 0 then before = 'n:' .. redis.call('ZRANGE', key, rank - 1, rank - 1)[1] end
    return before, redis.call('ZRANGE', key, rank + 1, rank + 1)[1], true
  end
  local before, after, listed = neighbours()
  if routes.routable and not listed then
    redis.call('ZADD', key, routes.order, trunk)
    before, after = neighbours()
    sync_key(before, trunk)
    sync_key('n:' .. trunk, after)
  elseif not routes.routable and listed then
    redis.call('ZREM', key, trunk)
    sync_key(before, after)
    sync_key('n:' .. trunk, nil)
  end
end

-- The probe list (model::probe_rows): "p:<index>" -> a destination for indexes 0..n-1, one per
-- distinct destination of the routable trunks (counted in PROBE_REFS), "p:n" -> n. A destination
-- leaves by the last one moving into its index: at most three keys change.
local function probe_row(index, destination)
  sync_key('p:' .. index, destination)
end

local function probe_count_row(count)
  sync_key('p:n', count > 0 and tostring(count) or nil, '1')
end

local function add_probe(destination)
  if redis.call('HINCRBY', PROBE_REFS, destination, 1) > 1 then return end
  local index = redis.call('HLEN', PROBE_AT)
  redis.call('HSET', PROBE_AT, index, destination)
  redis.call('HSET', PROBE_SLOTS, destination, index)
  probe_row(index, destination)
  probe_count_row(index + 1)
end

local function remove_probe(destination)
  if redis.call('HINCRBY', PROBE_REFS, destination, -1) > 0 then return end
  redis.call('HDEL', PROBE_REFS, destination)
  local index = tonumber(redis.call('HGET', PROBE_SLOTS, destination))
  redis.call('HDEL', PROBE_SLOTS, destination)
  local last = redis.call('HLEN', PROBE_AT) - 1
  if index ~= last then
    local moved = redis.call('HGET', PROBE_AT, last)
    redis.call('HSET', PROBE_AT, index, moved)
    redis.call('HSET', PROBE_SLOTS, moved, index)
    probe_row(index, moved)
  end
  redis.call('HDEL', PROBE_AT, last)
  probe_row(last, nil)
  probe_count_row(last)
end

-- The trunk's destination in the probe list (ARG.edge.probe). An unchanged one has its row
-- written again, so a rewrite (the rows audit) repairs it too.
local function sync_probe()
  local probe = ARG.edge.probe
  if not probe then return end
  local wanted = probe.destination
  if wanted == cjson.null then wanted = nil end
  local current = redis.call('HGET', PROBE_OF, probe.trunk) or nil
  if current == wanted then
    if wanted then probe_row(redis.call('HGET', PROBE_SLOTS, wanted), wanted) end
    return
  end
  if current then
    remove_probe(current)
    redis.call('HDEL', PROBE_OF, probe.trunk)
  end
  if wanted then
    add_probe(wanted)
    redis.call('HSET', PROBE_OF, probe.trunk, wanted)
  end
end

-- The trunk's rows, the source prefix lengths, the customer's routes and the probe list.
local function sync_edge_rows()
  for _, row in ipairs(ARG.edge.rows) do
    sync_row(row.table, row.owner, row.fields)
    -- A trunk that no longer registers (deactivated, register false, credentials cleared,
    -- deleted) keeps no registration state to show.
    if row.table == 'uacreg' and row.fields == cjson.null then
      redis.call('DEL', '{registration_prefix}' .. row.owner)
    end
  end
  sync_source_prefix_rows()
  sync_customer_routes()
  sync_probe()
  pad_tables()
end
