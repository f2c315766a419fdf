-- prelude: the start of every script (store/script_runner.h). ARGV[1] is the JSON document
-- {"keys": {name: position in KEYS}, "args": {name: value}}; this makes KEY.<name> the key passed
-- under that name and ARG the arguments, decoded once. JSON strings stay Lua strings (numbers
-- that Lua compares with stored strings are passed as strings), arrays are Lua arrays, an
-- argument left out is nil, and a JSON null is cjson.null (which is true in a condition).
-- Returns nothing: the script's own body follows.
local KEY, ARG = {}, nil
do
  local call = cjson.decode(ARGV[1])
  for name, position in pairs(call.keys) do KEY[name] = KEYS[position] end
  ARG = call.args
end
