#pragma once

#include "api/router.h"
#include "store/api_key_store.h"
#include "util/clock.h"

// Admin key management over HTTP, the same records `controlplane keys` writes. A key's secret
// appears once, in the 201 of POST; never its hash.
namespace mv::api {

// GET /v1/keys: {"data": [{"key_id", "customer_id", "role", "created_at"}, ...]}, oldest first.
HttpResponse list_keys(store::ApiKeyStore& keys, const RequestContext& context);
// POST /v1/keys: 201 {"key_id", "customer_id", "role", "created_at", "token"}.
HttpResponse create_key(store::ApiKeyStore& keys, const util::Clock& clock,
                        const RequestContext& context);
// DELETE /v1/keys/{key_id}: 204, or 404 key_not_found.
HttpResponse revoke_key(store::ApiKeyStore& keys, const RequestContext& context);

}  // namespace mv::api
