-- edge_record_round: records one Kamailio node's reload round. A node's applied generation only
-- grows (replicas may record out of order). The generation every node has is the lowest over
-- the configured nodes; the edge's last error joins theirs.
-- KEY: node_applied (hash, node -> applied generation), node_errors (hash, node -> error),
-- applied (the generation every node has), last_error (the edge's last error).
-- ARG: node (its endpoint); generation (the generation it loaded, as a string; absent when the
-- round failed); error (the round's result, recorded when it failed); nodes (every configured
-- node's endpoint).
-- Returns the node's applied generation now, as a string ('0' for none).
if ARG.generation then
  if tonumber(redis.call('HGET', KEY.node_applied, ARG.node) or '0') < tonumber(ARG.generation) then
    redis.call('HSET', KEY.node_applied, ARG.node, ARG.generation)
  end
  redis.call('HDEL', KEY.node_errors, ARG.node)
else
  redis.call('HSET', KEY.node_errors, ARG.node, ARG.error)
end
local lowest, errors = nil, {}
for _, node in ipairs(ARG.nodes) do
  local each = tonumber(redis.call('HGET', KEY.node_applied, node) or '0')
  if lowest == nil or each < lowest then lowest = each end
  local each_error = redis.call('HGET', KEY.node_errors, node)
  if each_error then errors[#errors + 1] = node .. ': ' .. each_error end
end
if lowest and tonumber(redis.call('GET', KEY.applied) or '0') < lowest then
  redis.call('SET', KEY.applied, lowest)
end
if #errors > 0 then redis.call('SET', KEY.last_error, table.concat(errors, '; '))
else redis.call('DEL', KEY.last_error) end
return redis.call('HGET', KEY.node_applied, ARG.node) or '0'
