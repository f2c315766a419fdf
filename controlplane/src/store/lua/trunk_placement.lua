-- trunk_placement: where a trunk written before trunks were placed goes in outbound routing
-- (built on edge_rows: place_trunk). A new trunk is placed by trunk_create itself.
-- ARG: customer_id.
-- Returns {dispatcher set, order}.
local set, order = place_trunk(ARG.customer_id)
return {set, order}
