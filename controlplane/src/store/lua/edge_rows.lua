-- edge_rows: helpers shared by the trunk scripts and app_servers_set (placed between the prelude
-- and their bodies); defines functions and constants, returns nothing.
-- Atomic trunk writes: Redis runs a script alone, so the checks and the writes of one script
-- cannot interleave with another writer (another thread or another daemon replica), and a crash
-- of the daemon can never leave a trunk without its index entries, an index entry without its
-- trunk, or a Kamailio row that disagrees with its trunk. Each trunk write appends its audit
-- entry to the audit trail and to the trunk's own stream in the same step, so no write goes
-- unrecorded and no entry records a write that did not happen.
-- KEY (trunk scripts): inbound_ranges (inbound_conflict), trunk and edge_generation
-- (write_trunk), customer_trunks (sync_edge_rows), trunk_audit (record_audit).
-- ARG: trunk_id and fields (trunk scripts, as above); daemon_db, the daemon's database;
-- kamailio_db, Kamailio's database; edge, the Kamailio rows to write: {"rows": [{"table",
-- "owner", "fields": [name, value, ...] or null}], "customer_row": {...} or absent} (see
-- RedisTrunkStore).
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
  local changed = not same_row(redis.call('HGETALL', key), wanted)
  if changed then
    redis.call('DEL', key)
    if wanted then redis.call('HSET', key, unpack(wanted)) end
  end
  redis.call('SELECT', ARG.daemon_db)
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

-- The trunk's rows; then the customer's row, kept while the customer has any trunk
-- (KEY.customer_trunks).
local function sync_edge_rows()
  for _, row in ipairs(ARG.edge.rows) do
    sync_row(row.table, row.owner, row.fields)
    -- A trunk that no longer registers (deactivated, register false, credentials cleared,
    -- deleted) keeps no registration state to show.
    if row.table == 'uacreg' and row.fields == cjson.null then
      redis.call('DEL', '{registration_prefix}' .. row.owner)
    end
  end
  local customer = ARG.edge.customer_row
  if customer then
    local keep = redis.call('ZCARD', KEY.customer_trunks) > 0
    sync_row(customer.table, customer.owner, keep and customer.fields or nil)
  end
end
