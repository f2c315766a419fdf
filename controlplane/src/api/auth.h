#pragma once

#include <optional>
#include <string_view>

#include "api/router.h"
#include "store/api_key_store.h"

namespace mv::api {

// Resolves "Bearer <key>" to the key's customer. nullopt for a missing, malformed, unknown or
// revoked key; the caller answers all of them alike with 401.
std::optional<Principal> authenticate(std::optional<std::string_view> authorization,
                                      store::ApiKeyStore& keys);

}  // namespace mv::api
