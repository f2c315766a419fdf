#include "api/key_handlers.h"

#include <nlohmann/json.hpp>

#include "api/api_service.h"
#include "crypto/api_key.h"
#include "model/api_key_request.h"
#include "model/trunk.h"

namespace mv::api {
namespace {

nlohmann::ordered_json key_to_json(const store::ApiKeyRecord& record) {
  return {{"key_id", record.key_id},
          {"customer_id", record.customer_id},
          {"role", record.role},
          {"created_at", model::format_rfc3339(record.created_ns)}};
}

}  // namespace

HttpResponse list_keys(store::ApiKeyStore& keys, const RequestContext&) {
  auto data = nlohmann::ordered_json::array();
  for (const auto& record : keys.list()) data.push_back(key_to_json(record));
  nlohmann::ordered_json body = {{"data", std::move(data)}};
  return json_response(200, body.dump());
}

HttpResponse create_key(store::ApiKeyStore& keys, const util::Clock& clock,
                        const RequestContext& context) {
  auto parsed = model::parse_new_api_key(context.request.body);
  if (const auto* error = std::get_if<model::ApiError>(&parsed)) return error_response(*error);
  const auto& request = std::get<model::NewApiKeyRequest>(parsed);
  auto key = crypto::generate_api_key();
  store::ApiKeyRecord record{key.key_id, request.customer_id, request.role, key.secret_sha256_hex,
                             clock.now_unix_ns()};
  keys.add(record);
  auto body = key_to_json(record);
  body["token"] = key.token;
  return json_response(201, body.dump());
}

HttpResponse revoke_key(store::ApiKeyStore& keys, const RequestContext& context) {
  if (!keys.revoke(context.path_params.at("key_id"))) {
    return error_response({model::ErrorCode::key_not_found, "no key with this key_id"});
  }
  return HttpResponse{204, {}, {}};
}

}  // namespace mv::api
