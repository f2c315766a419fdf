#include <boost/test/unit_test.hpp>

#include <set>

#include "service/trunk_service.h"
#include "support/fakes.h"

namespace mv::service {

BOOST_AUTO_TEST_SUITE(trunk_service)

using model::ErrorCode;
using store::WriteResult;

struct ServiceFixture {
  test::FakeTrunkStore store;
  test::ManualClock clock{1'780'056'000'000'000'000};
  test::CountingChangeListener changes;
  TrunkService service{store, clock, changes};

  model::TrunkPatch body(const std::string& json) {
    return std::get<model::TrunkPatch>(model::parse_trunk_patch(json));
  }
  static model::Actor as(const std::string& customer) { return {"key_" + customer, customer}; }
  model::Trunk create(const std::string& customer, const std::string& json) {
    auto created = std::get<CreatedTrunk>(service.create(as(customer), body(json)));
    return store.trunks.at(created.response.trunk_id);
  }
};

template <typename T>
ErrorCode error_code(const Outcome<T>& outcome) {
  return std::get<model::ApiError>(outcome).code;
}

// Verifies a created trunk gets the id of its creation time, its owner and equal timestamps.
BOOST_FIXTURE_TEST_CASE(create_assigns_id_owner_and_times, ServiceFixture) {
  auto trunk = create("cust_1", R"({"name":"a","proxy":"sip.example.net"})");
  BOOST_TEST(trunk.id == "trunk_20260529T120000.000000000");
  BOOST_TEST(trunk.customer_id == "cust_1");
  BOOST_TEST(trunk.created_ns == trunk.updated_ns);
  BOOST_TEST(trunk.is_active);
}

// Verifies ids stay unique when the clock does not move between creates.
BOOST_FIXTURE_TEST_CASE(ids_unique_with_frozen_clock, ServiceFixture) {
  std::set<std::string> ids;
  for (int i = 0; i < 50; ++i) ids.insert(create("c", R"({"name":"a","proxy":"p.example"})").id);
  BOOST_TEST(ids.size() == 50u);
}

// Verifies an id taken by another replica is retried with a later id, not reported.
BOOST_FIXTURE_TEST_CASE(id_taken_is_retried, ServiceFixture) {
  store.scripted = {WriteResult::id_taken, WriteResult::id_taken};
  auto trunk = create("c", R"({"name":"a","proxy":"p.example"})");
  BOOST_TEST(trunk.id == "trunk_20260529T120000.000000002");
  BOOST_TEST(store.writes == 3);
}

// Verifies uniqueness refusals from the store map to the documented error codes.
BOOST_FIXTURE_TEST_CASE(store_refusals_map_to_codes, ServiceFixture) {
  store.scripted = {WriteResult::gateway_name_exists};
  BOOST_TEST(error_code(service.create(as("c"), body(R"({"name":"a","proxy":"p.example"})"))) ==
             ErrorCode::gateway_name_exists);
  store.scripted = {WriteResult::inbound_ip_exists};
  BOOST_TEST(error_code(service.create(as("c"), body(R"({"name":"a","proxy":"p.example"})"))) ==
             ErrorCode::inbound_ip_exists);
}

// Verifies another customer's trunk is not found for get, update and delete.
BOOST_FIXTURE_TEST_CASE(tenant_isolation, ServiceFixture) {
  auto trunk = create("owner", R"({"name":"a","proxy":"p.example"})");
  BOOST_TEST(error_code(service.get("intruder", trunk.id)) == ErrorCode::not_found);
  BOOST_TEST(error_code(service.update(as("intruder"), trunk.id, body(R"({"name":"b"})"))) ==
             ErrorCode::not_found);
  BOOST_TEST(error_code(service.remove(as("intruder"), trunk.id)) == ErrorCode::not_found);
  BOOST_TEST(store.trunks.at(trunk.id).name == "a");
  BOOST_TEST(service.list({"intruder", 100, {}, {}, {}}).total == 0u);
}

// Verifies a malformed id is not found without touching the store's key space.
BOOST_FIXTURE_TEST_CASE(malformed_id_is_not_found, ServiceFixture) {
  BOOST_TEST(error_code(service.get("c", "*")) == ErrorCode::not_found);
  BOOST_TEST(error_code(service.get("c", "trunk_x")) == ErrorCode::not_found);
}

// Verifies an update keeps untouched fields and moves updated_at by at least a millisecond.
BOOST_FIXTURE_TEST_CASE(update_is_partial_and_moves_updated_at, ServiceFixture) {
  auto trunk = create("c", R"({"name":"a","proxy":"p.example","username":"u","gateway_name":"g"})");
  auto updated = std::get<model::Trunk>(service.update(as("c"), trunk.id, body(R"({"name":"b"})")));
  BOOST_TEST(updated.name == "b");
  BOOST_TEST(*updated.username == "u");
  BOOST_TEST(*updated.gateway_name == "g");
  BOOST_TEST(updated.created_ns == trunk.created_ns);
  BOOST_TEST(updated.updated_ns >= trunk.updated_ns + 1'000'000);
  BOOST_TEST(model::format_rfc3339(updated.updated_ns) != model::format_rfc3339(trunk.updated_ns));
}

// Verifies a concurrent change is retried on fresh data rather than overwritten or reported.
BOOST_FIXTURE_TEST_CASE(update_conflict_is_retried, ServiceFixture) {
  auto trunk = create("c", R"({"name":"a","proxy":"p.example"})");
  store.scripted = {WriteResult::conflict};
  auto updated = service.update(as("c"), trunk.id, body(R"({"is_active":false})"));
  BOOST_TEST(!std::get<model::Trunk>(updated).is_active);
  BOOST_TEST(!store.trunks.at(trunk.id).is_active);
}

// Verifies endless conflicts end in a retryable 503, not a loop.
BOOST_FIXTURE_TEST_CASE(endless_conflicts_give_up, ServiceFixture) {
  auto trunk = create("c", R"({"name":"a","proxy":"p.example"})");
  store.scripted.assign(100, WriteResult::conflict);
  BOOST_TEST(error_code(service.update(as("c"), trunk.id, body(R"({"name":"b"})"))) ==
             ErrorCode::service_unavailable);
}

// Verifies cross-field rules apply to the merged trunk on update.
BOOST_FIXTURE_TEST_CASE(update_checks_merged_trunk, ServiceFixture) {
  auto trunk = create("c", R"({"name":"a","proxy":"p.example","username":"u","password":"pw"})");
  auto outcome = service.update(as("c"), trunk.id, body(R"({"username":null})"));
  BOOST_TEST(error_code(outcome) == ErrorCode::invalid_request);
  BOOST_TEST(store.trunks.at(trunk.id).username.has_value());
}

// Verifies delete removes the trunk and a second delete is not found.
BOOST_FIXTURE_TEST_CASE(delete_then_not_found, ServiceFixture) {
  auto trunk = create("c", R"({"name":"a","proxy":"p.example"})");
  BOOST_TEST(std::holds_alternative<std::monostate>(service.remove(as("c"), trunk.id)));
  BOOST_TEST(error_code(service.remove(as("c"), trunk.id)) == ErrorCode::not_found);
}

// Verifies a PATCH that changes nothing writes nothing and leaves updated_at alone.
BOOST_FIXTURE_TEST_CASE(noop_patch_writes_nothing, ServiceFixture) {
  auto trunk = create("c", R"({"name":"a","proxy":"p.example","is_active":true})");
  auto writes = store.writes;
  clock.advance_ns(5'000'000'000);
  auto same = std::get<model::Trunk>(service.update(as("c"), trunk.id, body(R"({"name":"a"})")));
  BOOST_TEST(same.updated_ns == trunk.updated_ns);
  BOOST_TEST(store.writes == writes);
}

// Verifies the edge is told about every successful write and about nothing else.
BOOST_FIXTURE_TEST_CASE(successful_writes_notify_the_edge, ServiceFixture) {
  auto trunk = create("c", R"({"name":"a","proxy":"p.example","gateway_name":"g"})");
  BOOST_TEST(changes.changes == 1);
  service.update(as("c"), trunk.id, body(R"({"name":"b"})"));
  BOOST_TEST(changes.changes == 2);
  service.update(as("c"), trunk.id, body(R"({"name":"b"})"));  // no change
  service.create(as("c"), body(R"({"name":"a","proxy":"p.example","gateway_name":"g"})"));  // 409
  service.get("c", trunk.id);
  BOOST_TEST(changes.changes == 2);
  service.remove(as("c"), trunk.id);
  BOOST_TEST(changes.changes == 3);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace mv::service
