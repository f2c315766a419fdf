#include "service/trunk_service.h"

#include <algorithm>

#include "store/store_unavailable.h"

namespace mv::service {
namespace {

using model::ApiError;
using model::ErrorCode;
using store::WriteResult;

constexpr int kMaxAttempts = 16;
constexpr std::int64_t kOneMillisecond = 1'000'000;

ApiError not_found() { return {ErrorCode::not_found, "trunk not found"}; }

std::optional<ApiError> write_error(WriteResult result) {
  switch (result) {
    case WriteResult::gateway_name_exists:
      return ApiError{ErrorCode::gateway_name_exists, "gateway_name already exists"};
    case WriteResult::inbound_ip_exists:
      return ApiError{ErrorCode::inbound_ip_exists,
                      "inbound_ip overlaps the inbound_ip of an existing trunk"};
    case WriteResult::not_found:
      return not_found();
    default:
      return std::nullopt;
  }
}

ApiError precondition_failed() {
  return {ErrorCode::precondition_failed,
          "If-Match does not match the trunk's current ETag; read it again"};
}

ApiError too_busy() {
  return {ErrorCode::service_unavailable, "the trunk is being changed concurrently; retry"};
}

}  // namespace

std::int64_t TrunkService::next_timestamp_ns(std::int64_t at_least) {
  auto candidate = std::max(clock_.now_unix_ns(), at_least);
  auto last = last_ns_.load();
  while (true) {
    auto next = std::max(candidate, last + 1);
    if (last_ns_.compare_exchange_weak(last, next)) return next;
  }
}

Outcome<CreatedTrunk> TrunkService::create(const model::Actor& actor, const model::TrunkPatch& body,
                                           const std::optional<IdempotencyRequest>& idempotency) {
  auto built = model::trunk_from_create(body);
  if (auto* error = std::get_if<ApiError>(&built)) return *error;
  auto trunk = std::get<model::Trunk>(std::move(built));
  trunk.customer_id = actor.customer_id;
  auto edge = edge_progress();
  for (int attempt = 0; attempt < kMaxAttempts; ++attempt) {
    trunk.created_ns = trunk.updated_ns = next_timestamp_ns();
    trunk.id = model::format_trunk_id(trunk.created_ns);
    // The 201 body is rendered before the write, so the idempotency record kept with the trunk
    // holds exactly the bytes this create answers with. A new trunk's generation is above every
    // generation the edge has applied: it reads "pending" (or "error").
    auto rendered = trunk;
    rendered.edge_generation = edge.applied_generation + 1;
    store::IdempotentCreate claim{
        idempotency ? idempotency->key : "",
        idempotency ? idempotency->request_sha256 : "",
        {trunk.id, model::trunk_etag(trunk), model::trunk_to_json(rendered, edge).dump()}};
    auto result = store_.create(trunk, model::audit_create(actor, trunk, trunk.created_ns),
                                idempotency ? &claim : nullptr);
    if (result == WriteResult::ok) {
      listener_.trunks_changed();
      return CreatedTrunk{std::move(claim.response), false};
    }
    if (result == WriteResult::replayed) return CreatedTrunk{std::move(claim.response), true};
    if (result == WriteResult::idempotency_mismatch) {
      return ApiError{ErrorCode::idempotency_mismatch,
                      "Idempotency-Key was already used with a different request body"};
    }
    if (auto error = write_error(result)) return *error;
  }
  return too_busy();
}

Outcome<store::AuditPage> TrunkService::events(const std::string& customer_id,
                                               const std::string& trunk_id,
                                               store::AuditQuery query) {
  if (!model::is_trunk_id(trunk_id)) return not_found();
  query.trunk_id = trunk_id;
  if (std::holds_alternative<ApiError>(get(customer_id, trunk_id))) {
    // Deleted, or never this customer's: every entry names the trunk's owner.
    auto latest = store_.audit({trunk_id, 1, std::nullopt, std::nullopt});
    if (latest.records.empty() || latest.records.front().fields["customer_id"] != customer_id)
      return not_found();
  }
  return store_.audit(query);
}

model::EdgeProgress TrunkService::edge_progress() {
  try {
    return store_.edge_progress();
  } catch (const store::StoreUnavailable&) {
    return {};
  }
}

Outcome<model::Trunk> TrunkService::get(const std::string& customer_id,
                                        const std::string& trunk_id) {
  if (!model::is_trunk_id(trunk_id)) return not_found();
  auto trunk = store_.find(trunk_id);
  // Another customer's trunk is indistinguishable from a missing one.
  if (!trunk || trunk->customer_id != customer_id) return not_found();
  return *trunk;
}

Outcome<model::Trunk> TrunkService::update(const model::Actor& actor, const std::string& trunk_id,
                                           const model::TrunkPatch& body,
                                           const std::optional<model::IfMatch>& precondition) {
  for (int attempt = 0; attempt < kMaxAttempts; ++attempt) {
    auto current = get(actor.customer_id, trunk_id);
    if (auto* error = std::get_if<ApiError>(&current)) return *error;
    const auto& before = std::get<model::Trunk>(current);
    // Checked on every attempt: a retry after a conflict reads a newer version, which a
    // specific If-Match then no longer names.
    if (precondition && !model::if_match_passes(*precondition, model::trunk_etag(before)))
      return precondition_failed();
    auto patched = model::apply_trunk_patch(before, body);
    if (auto* error = std::get_if<ApiError>(&patched)) return *error;
    auto after = std::get<model::Trunk>(std::move(patched));
    if (after == before) return before;  // nothing changed: no write, updated_at stays
    // updated_at is shown in milliseconds: move it by at least one.
    after.updated_ns = next_timestamp_ns(before.updated_ns + kOneMillisecond);
    auto result =
        store_.update(before, after, model::audit_update(actor, before, after, after.updated_ns));
    if (result == WriteResult::ok) {
      listener_.trunks_changed();
      return after;
    }
    if (auto error = write_error(result)) return *error;
  }
  return too_busy();
}

Outcome<std::monostate> TrunkService::remove(const model::Actor& actor, const std::string& trunk_id,
                                             const std::optional<model::IfMatch>& precondition) {
  for (int attempt = 0; attempt < kMaxAttempts; ++attempt) {
    auto current = get(actor.customer_id, trunk_id);
    if (auto* error = std::get_if<ApiError>(&current)) return *error;
    const auto& trunk = std::get<model::Trunk>(current);
    if (precondition && !model::if_match_passes(*precondition, model::trunk_etag(trunk)))
      return precondition_failed();
    auto result = store_.remove(trunk, model::audit_delete(actor, trunk, next_timestamp_ns()));
    if (result == WriteResult::ok) {
      listener_.trunks_changed();
      return std::monostate{};
    }
    if (auto error = write_error(result)) return *error;
  }
  return too_busy();
}

}  // namespace mv::service
