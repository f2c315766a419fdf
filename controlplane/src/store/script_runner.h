#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "store/redis_client.h"

namespace mv::store {

// `{name}` in a script's source -> the text put in its place when the script is built.
using ScriptPlaceholders = std::vector<std::pair<std::string, std::string>>;

// One Lua script as Redis runs it, built once: lua/prelude.lua, then `parts` in order (e.g. the
// shared lua/edge_rows.lua and a script's body, from the generated lua_sources.h), with every
// placeholder replaced. `sha1` is the name EVALSHA knows it by.
struct Script {
  Script(std::initializer_list<std::string_view> parts,
         const ScriptPlaceholders& placeholders = {});

  std::string source;
  std::string sha1;
};

// The keys a script is given, by name: KEYS in this order; the script reads each as KEY.<name>.
using ScriptKeys = std::vector<std::pair<std::string, std::string>>;

// Runs `script` on one pooled connection: EVALSHA, and EVAL with the source when Redis does not
// have the script (NOSCRIPT, e.g. after a restart or SCRIPT FLUSH). `args` is a JSON object the
// script reads as ARG (lua/prelude.lua). ARGV[1] carries both: {"keys": {name: position},
// "args": args}. Any other error reply, a Lua error included, throws StoreUnavailable (see
// RedisConnection).
RedisReply run_script(RedisPool& pool, const Script& script, const ScriptKeys& keys,
                      const nlohmann::json& args);

}  // namespace mv::store
