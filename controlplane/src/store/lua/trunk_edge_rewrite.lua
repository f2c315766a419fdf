-- trunk_edge_rewrite: writes a trunk's Kamailio rows again as this daemon's model makes them
-- (compare-and-set on its updated_ns): for trunks written before those rows changed (an
-- upgrade), and for rows changed in Kamailio's database behind the daemon's back (the rows
-- audit). Rows already right are not touched: a second run changes nothing. Built on edge_rows;
-- neither the trunk, its generation nor its audit moves.
-- KEY: trunk.
-- ARG: daemon_db, kamailio_db, edge (edge_rows); updated_ns (the value read with the trunk).
-- Returns 'ok:<rows changed>', or 'not_found' / 'conflict': the trunk went or changed since it
-- was read, and that write made its rows.
local current = redis.call('HGET', KEY.trunk, 'updated_ns')
if not current then return 'not_found' end
if current ~= ARG.updated_ns then return 'conflict' end
sync_edge_rows()
return 'ok:' .. CHANGED_ROWS
