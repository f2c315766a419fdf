#include "store/redis_api_key_store.h"

#include <algorithm>
#include <map>

#include "store/redis_keys.h"

namespace mv::store {
namespace {

std::optional<ApiKeyRecord> to_record(const std::string& key_id, const RedisReply& reply) {
  std::map<std::string, std::string> fields;
  for (std::size_t i = 0; i + 1 < reply.elements.size(); i += 2) {
    fields.emplace(reply.elements[i].text, reply.elements[i + 1].text);
  }
  if (!fields.contains("customer_id") || !fields.contains("secret_sha256")) return std::nullopt;
  std::int64_t created = 0;
  try {
    created = std::stoll(fields["created_ns"]);
  } catch (const std::exception&) {
    created = 0;
  }
  return ApiKeyRecord{key_id, fields["customer_id"], fields["role"], fields["secret_sha256"],
                      created};
}

}  // namespace

std::optional<ApiKeyRecord> RedisApiKeyStore::find(const std::string& key_id) {
  return to_record(key_id, pool_.command({"HGETALL", keys::api_key(key_id)}));
}

void RedisApiKeyStore::add(const ApiKeyRecord& record) {
  pool_.acquire()->pipeline(
      {{"MULTI"},
       {"HSET", keys::api_key(record.key_id), "customer_id", record.customer_id, "role",
        record.role, "secret_sha256", record.secret_sha256_hex, "created_ns",
        std::to_string(record.created_ns)},
       {"SADD", std::string(keys::kApiKeyIds), record.key_id},
       {"EXEC"}});
}

std::vector<ApiKeyRecord> RedisApiKeyStore::list() {
  auto ids = pool_.command({"SMEMBERS", std::string(keys::kApiKeyIds)});
  std::vector<RedisCommand> reads;
  for (const auto& id : ids.elements) reads.push_back({"HGETALL", keys::api_key(id.text)});
  if (reads.empty()) return {};
  auto replies = pool_.acquire()->pipeline(reads);
  std::vector<ApiKeyRecord> records;
  for (std::size_t i = 0; i < replies.size(); ++i) {
    if (auto record = to_record(ids.elements[i].text, replies[i])) records.push_back(*record);
  }
  std::sort(records.begin(), records.end(),
            [](const auto& a, const auto& b) { return a.created_ns < b.created_ns; });
  return records;
}

bool RedisApiKeyStore::revoke(const std::string& key_id) {
  auto replies = pool_.acquire()->pipeline({{"MULTI"},
                                            {"DEL", keys::api_key(key_id)},
                                            {"SREM", std::string(keys::kApiKeyIds), key_id},
                                            {"EXEC"}});
  return !replies.back().elements.empty() && replies.back().elements[0].integer == 1;
}

}  // namespace mv::store
