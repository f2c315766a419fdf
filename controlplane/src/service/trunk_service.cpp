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

Outcome<model::Trunk> TrunkService::create(const std::string& customer_id,
                                           const model::TrunkPatch& body) {
  auto built = model::trunk_from_create(body);
  if (auto* error = std::get_if<ApiError>(&built)) return *error;
  auto trunk = std::get<model::Trunk>(std::move(built));
  trunk.customer_id = customer_id;
  for (int attempt = 0; attempt < kMaxAttempts; ++attempt) {
    trunk.created_ns = trunk.updated_ns = next_timestamp_ns();
    trunk.id = model::format_trunk_id(trunk.created_ns);
    auto result = store_.create(trunk);
    if (result == WriteResult::ok) {
      listener_.trunks_changed();
      return trunk;
    }
    if (auto error = write_error(result)) return *error;
  }
  return too_busy();
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

Outcome<model::Trunk> TrunkService::update(const std::string& customer_id,
                                           const std::string& trunk_id,
                                           const model::TrunkPatch& body) {
  for (int attempt = 0; attempt < kMaxAttempts; ++attempt) {
    auto current = get(customer_id, trunk_id);
    if (auto* error = std::get_if<ApiError>(&current)) return *error;
    const auto& before = std::get<model::Trunk>(current);
    auto patched = model::apply_trunk_patch(before, body);
    if (auto* error = std::get_if<ApiError>(&patched)) return *error;
    auto after = std::get<model::Trunk>(std::move(patched));
    if (after == before) return before;  // nothing changed: no write, updated_at stays
    // updated_at is shown in milliseconds: move it by at least one.
    after.updated_ns = next_timestamp_ns(before.updated_ns + kOneMillisecond);
    auto result = store_.update(before, after);
    if (result == WriteResult::ok) {
      listener_.trunks_changed();
      return after;
    }
    if (auto error = write_error(result)) return *error;
  }
  return too_busy();
}

Outcome<std::monostate> TrunkService::remove(const std::string& customer_id,
                                             const std::string& trunk_id) {
  for (int attempt = 0; attempt < kMaxAttempts; ++attempt) {
    auto current = get(customer_id, trunk_id);
    if (auto* error = std::get_if<ApiError>(&current)) return *error;
    auto result = store_.remove(std::get<model::Trunk>(current));
    if (result == WriteResult::ok) {
      listener_.trunks_changed();
      return std::monostate{};
    }
    if (auto error = write_error(result)) return *error;
  }
  return too_busy();
}

}  // namespace mv::service
