#include "store/script_runner.h"

#include <openssl/sha.h>

#include "lua_sources.h"

namespace mv::store {
namespace {

std::string sha1_hex(const std::string& text) {
  unsigned char digest[SHA_DIGEST_LENGTH];
  SHA1(reinterpret_cast<const unsigned char*>(text.data()), text.size(), digest);
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string hex;
  for (unsigned char byte : digest) {
    hex.push_back(kDigits[byte >> 4]);
    hex.push_back(kDigits[byte & 0x0f]);
  }
  return hex;
}

std::string build_source(std::initializer_list<std::string_view> parts,
                         const ScriptPlaceholders& placeholders) {
  std::string source(lua_source::kPrelude);
  for (auto part : parts) source += part;
  for (const auto& [placeholder, value] : placeholders) {
    for (auto at = source.find(placeholder); at != std::string::npos;
         at = source.find(placeholder, at + value.size())) {
      source.replace(at, placeholder.size(), value);
    }
  }
  return source;
}

}  // namespace

Script::Script(std::initializer_list<std::string_view> parts,
               const ScriptPlaceholders& placeholders)
    : source(build_source(parts, placeholders)), sha1(sha1_hex(source)) {}

RedisReply run_script(RedisPool& pool, const Script& script, const ScriptKeys& keys,
                      const nlohmann::json& args) {
  nlohmann::json call{{"keys", nlohmann::json::object()},
                      {"args", args.is_null() ? nlohmann::json::object() : args}};
  RedisCommand command{"EVALSHA", script.sha1, std::to_string(keys.size())};
  for (std::size_t i = 0; i < keys.size(); ++i) {
    call["keys"][keys[i].first] = i + 1;
    command.push_back(keys[i].second);
  }
  // Invalid UTF-8 (which validation keeps out of every value) is replaced rather than thrown.
  command.push_back(call.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  auto connection = pool.acquire();
  auto reply = connection->command(command);
  if (reply.type == RedisReply::Type::error && reply.text.starts_with("NOSCRIPT")) {
    command[0] = "EVAL";
    command[1] = script.source;
    reply = connection->command(command);
  }
  return reply;
}

}  // namespace mv::store
