#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <variant>

#include "model/api_error.h"
#include "model/trunk_validation.h"

// Idempotency-Key on POST /v1/trunks, without I/O.
namespace mv::model {

inline constexpr std::size_t kMaxIdempotencyKeyLength = 255;
// How long a create's first response is remembered under its key.
inline constexpr std::chrono::seconds kIdempotencyRetention{24 * 60 * 60};

// The key as sent, either bare (`Idempotency-Key: 8e03978e-...`) or as a structured-field string
// (`Idempotency-Key: "8e03978e-..."`, draft-ietf-httpapi-idempotency-key-header): 1 to 255 of
// A-Z a-z 0-9 - _ . : ~ + / =. Returns the key without quotes, or 400 naming the header.
std::variant<std::string, ApiError> parse_idempotency_key(std::string_view value);

// The request a create stands for, as one canonical string: the validated fields (canonical
// values, so "SIP.Example.NET" and "sip.example.net" are the same request) in a fixed order,
// absent fields left out, cleared ones null. Two bodies are "the same request" exactly when these
// are equal. It holds the password: only its hash is ever stored.
std::string canonical_trunk_request(const TrunkPatch& patch);

}  // namespace mv::model
