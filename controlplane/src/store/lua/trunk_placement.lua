-- trunk_placement: where a new trunk goes in outbound routing: its customer's dispatcher set
-- (handed out at the customer's first trunk) and its age rank.
-- KEY: customer_sets (hash, customer -> dispatcher set), last_customer_set (counter),
-- last_trunk_order (counter).
-- ARG: customer_id; first_set (the first customer set, as a string).
-- Returns {dispatcher set, order}.
local set = redis.call('HGET', KEY.customer_sets, ARG.customer_id)
if not set then
  set = redis.call('INCR', KEY.last_customer_set) + tonumber(ARG.first_set) - 1
  redis.call('HSET', KEY.customer_sets, ARG.customer_id, set)
end
return {tonumber(set), redis.call('INCR', KEY.last_trunk_order)}
