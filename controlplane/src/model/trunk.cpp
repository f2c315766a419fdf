#include "model/trunk.h"

#include <fmt/format.h>
#include <algorithm>
#include <cctype>
#include <chrono>

namespace mv::model {
namespace {

nlohmann::ordered_json optional_json(const std::optional<std::string>& value) {
  return value ? nlohmann::ordered_json(*value) : nlohmann::ordered_json(nullptr);
}

struct UtcParts {
  std::chrono::year_month_day date;
  std::chrono::hh_mm_ss<std::chrono::nanoseconds> time;
};

UtcParts split_utc(std::int64_t unix_ns) {
  using namespace std::chrono;
  sys_time<nanoseconds> tp{nanoseconds{unix_ns}};
  auto day = floor<days>(tp);
  return {year_month_day{day}, hh_mm_ss<nanoseconds>{tp - day}};
}

}  // namespace

std::string edge_node_name(std::size_t index) { return "edge-" + std::to_string(index + 1); }

std::string sync_state(const Trunk& trunk, const EdgeProgress& edge) {
  if (trunk.edge_generation <= edge.applied_generation) return "applied";
  return edge.last_error ? "error" : "pending";
}

std::string registration_status(const Trunk& trunk) {
  if (!trunk.registers()) return "NOREG";
  // The edge un-registers an inactive trunk.
  if (!trunk.is_active) return "UNREGED";
  return trunk.registration ? trunk.registration->state : "UNKNOWN";
}

nlohmann::ordered_json trunk_to_json(const Trunk& trunk, const EdgeProgress& edge) {
  nlohmann::ordered_json sync = {{"state", sync_state(trunk, edge)}};
  if (sync["state"] == "error") sync["error"] = *edge.last_error;
  auto nodes = nlohmann::ordered_json::array();
  for (const auto& node : edge.nodes) {
    nodes.push_back(
        {{"node", node.name},
         {"applied_generation", node.applied_generation},
         {"state", trunk.edge_generation <= node.applied_generation ? "applied" : "pending"}});
  }
  sync["nodes"] = std::move(nodes);
  nlohmann::ordered_json registration = nullptr;
  if (trunk.registers()) {
    Registration unknown;
    unknown.state = registration_status(trunk);
    auto known = trunk.is_active ? trunk.registration.value_or(unknown) : unknown;
    auto time_or_null = [](std::int64_t unix_ns) {
      return unix_ns == 0 ? nlohmann::ordered_json(nullptr)
                          : nlohmann::ordered_json(format_rfc3339(unix_ns));
    };
    registration = {{"state", known.state},
                    {"since", time_or_null(known.since_ns)},
                    {"expires_at", time_or_null(known.expires_at_ns)},
                    {"last_error", optional_json(known.last_error)},
                    {"failures", known.failures}};
  }
  return {
      {"id", trunk.id},
      {"customer_id", trunk.customer_id},
      {"name", trunk.name},
      {"direction", trunk.direction()},
      {"gateway_name", optional_json(trunk.gateway_name)},
      {"proxy", trunk.proxy},
      {"username", optional_json(trunk.username)},
      {"realm", optional_json(trunk.realm)},
      {"from_domain", optional_json(trunk.from_domain)},
      {"inbound_ip", optional_json(trunk.inbound_ip)},
      {"is_active", trunk.is_active},
      {"register", trunk.registers()},
      {"registration_status", registration_status(trunk)},
      {"registration", std::move(registration)},
      {"created_at", format_rfc3339(trunk.created_ns)},
      {"updated_at", format_rfc3339(trunk.updated_ns)},
      {"sync", std::move(sync)},
  };
}

std::string format_trunk_id(std::int64_t unix_ns) {
  auto [date, time] = split_utc(unix_ns);
  return fmt::format("trunk_{:04}{:02}{:02}T{:02}{:02}{:02}.{:09}", static_cast<int>(date.year()),
                     static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()),
                     time.hours().count(), time.minutes().count(), time.seconds().count(),
                     time.subseconds().count());
}

bool is_trunk_id(std::string_view id) {
  static constexpr std::string_view kShape = "trunk_DDDDDDDDTDDDDDD.DDDDDDDDD";
  if (id.size() != kShape.size()) return false;
  for (std::size_t i = 0; i < id.size(); ++i) {
    bool ok = kShape[i] == 'D' ? std::isdigit(static_cast<unsigned char>(id[i])) != 0
                               : id[i] == kShape[i];
    if (!ok) return false;
  }
  return true;
}

std::string format_rfc3339(std::int64_t unix_ns) {
  auto [date, time] = split_utc(unix_ns);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", static_cast<int>(date.year()),
                     static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()),
                     time.hours().count(), time.minutes().count(), time.seconds().count(),
                     time.subseconds().count() / 1'000'000);
}

}  // namespace mv::model
