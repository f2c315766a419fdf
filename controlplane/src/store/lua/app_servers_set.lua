-- app_servers_set: the application servers' dispatcher rows (built on edge_rows). Rows of
-- servers no longer listed go.
-- KEY: none.
-- ARG: daemon_db, kamailio_db, edge (edge_rows: every listed server's row, owners "app:<n>", no
-- routes or probe).
-- Returns 'ok'.
local listed = {}
for _, row in ipairs(ARG.edge.rows) do
  listed[row.owner] = true
  sync_row(row.table, row.owner, row.fields)
end
for _, owner in ipairs(redis.call('HKEYS', ROW_IDS.dispatcher)) do
  if string.sub(owner, 1, 4) == 'app:' and not listed[owner] then
    sync_row('dispatcher', owner, nil)
  end
end
pad_tables()
return 'ok'
