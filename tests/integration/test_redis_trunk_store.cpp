#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <set>

#include "crypto/digest_ha1.h"
#include "store/redis_consistency.h"
#include "store/redis_trunk_store.h"
#include "support/printers.h"
#include "support/stack.h"

namespace mv::store {

BOOST_AUTO_TEST_SUITE(redis_trunk_store)

// The store against a real Redis, no daemon.
struct StoreFixture {
  test::RedisServer redis;
  RedisPool pool{redis.daemon_endpoint(0), 4};
  RedisPool kamailio_db{redis.daemon_endpoint(1), 1};
  RedisTrunkStore store{pool, 1};
  std::int64_t next_ns = 1'780'056'000'000'000'000;
  // The audit entry these tests write with (the audit trail has its own suite, safe_writes).
  model::AuditEntry written{"test", "", "c", "key_test", 0, {}};

  // Rows of one Kamailio table (in database 1).
  std::size_t table_rows(const std::string& table) {
    auto keys = redis.cli({"-n", "1", "KEYS", table + ":entry::*"});
    return static_cast<std::size_t>(std::count(keys.begin(), keys.end(), '\n'));
  }

  std::string kamailio_field(const std::string& key, const std::string& field) {
    auto value = redis.cli({"-n", "1", "HGET", key, field});
    return value.substr(0, value.size() - 1);
  }

  // The htable row holding `key_name` (its Redis key), "" when none does.
  std::string htable_row(const std::string& key_name) {
    auto keys = redis.cli({"-n", "1", "KEYS", "htable:entry::*"});
    for (std::size_t at = 0, end; (end = keys.find('\n', at)) != std::string::npos; at = end + 1) {
      auto key = keys.substr(at, end - at);
      if (kamailio_field(key, "key_name") == key_name) return key;
    }
    return "";
  }

  // Creates a copy: most tests do not need the written generation back.
  WriteResult create(model::Trunk t) { return store.create(t, written, nullptr); }

  model::Trunk trunk(const std::string& customer, std::optional<std::string> inbound = {},
                     std::optional<std::string> gateway = {}) {
    model::Trunk t;
    t.created_ns = t.updated_ns = ++next_ns;
    t.id = model::format_trunk_id(t.created_ns);
    t.customer_id = customer;
    t.name = "n";
    t.proxy = "p.example";
    t.username = "u";
    t.password = "pw";
    t.inbound_ip = std::move(inbound);
    t.gateway_name = std::move(gateway);
    return t;
  }
};

// Verifies a trunk reads back exactly as written, password included (Kamailio will need it).
BOOST_FIXTURE_TEST_CASE(round_trip, StoreFixture) {
  auto t = trunk("c1", "10.1.0.0/24", "gw");
  t.realm = "r.example";
  t.from_domain = "f.example";
  t.is_active = false;
  BOOST_TEST_REQUIRE(store.create(t, written, nullptr) == WriteResult::ok);
  auto found = store.find(t.id);
  BOOST_REQUIRE(found.has_value());
  t.edge_generation = 1;  // the first write to this Redis
  BOOST_TEST(*found == t);
  BOOST_TEST(!store.find("trunk_20000101T000000.000000000").has_value());
}

// Verifies the overlap rules: containment either way and equality conflict; neighbours do not.
BOOST_FIXTURE_TEST_CASE(inbound_overlap_matrix, StoreFixture) {
  BOOST_TEST_REQUIRE(create(trunk("c1", "10.2.4.0/24")) == WriteResult::ok);
  BOOST_TEST_REQUIRE(create(trunk("c1", "2001:db8:1::/48")) == WriteResult::ok);
  struct Case {
    const char* network;
    WriteResult expected;
  };
  for (auto [network, expected] : std::vector<Case>{
           {"10.2.4.0/24", WriteResult::inbound_ip_exists},
           {"10.2.4.255", WriteResult::inbound_ip_exists},
           {"10.2.4.0", WriteResult::inbound_ip_exists},
           {"10.2.0.0/16", WriteResult::inbound_ip_exists},
           {"10.2.4.128/25", WriteResult::inbound_ip_exists},
           {"2001:db8:1:2::7", WriteResult::inbound_ip_exists},
           {"2001:db8::/32", WriteResult::inbound_ip_exists},
           {"10.2.3.255", WriteResult::ok},
           {"10.2.5.0/24", WriteResult::ok},
           {"2001:db8:2::/48", WriteResult::ok},
       }) {
    BOOST_TEST_CONTEXT(network) { BOOST_TEST(create(trunk("c2", network)) == expected); }
  }
}

// Verifies an update moves the trunk's index entries and may keep its own range.
BOOST_FIXTURE_TEST_CASE(update_moves_indexes, StoreFixture) {
  auto before = trunk("c1", "10.3.0.0/24", "old");
  BOOST_TEST_REQUIRE(store.create(before, written, nullptr) == WriteResult::ok);
  auto same_range = before;
  same_range.name = "renamed";
  same_range.updated_ns = before.updated_ns + 1;
  BOOST_TEST(store.update(before, same_range, written) == WriteResult::ok);
  auto moved = same_range;
  moved.inbound_ip = "10.3.0.128/25";  // overlaps only its own old range
  moved.gateway_name = "new";
  moved.updated_ns += 1;
  BOOST_TEST(store.update(same_range, moved, written) == WriteResult::ok);
  BOOST_TEST(create(trunk("c1", "10.3.0.0/25", "old")) == WriteResult::ok);
  BOOST_TEST(create(trunk("c1", {}, "new")) == WriteResult::gateway_name_exists);
  auto problems = check_trunk_consistency(pool, kamailio_db);
  BOOST_TEST(problems.empty(), (problems.empty() ? "" : problems.front()));
}

// Verifies a write based on a stale read is refused as a conflict and changes nothing.
BOOST_FIXTURE_TEST_CASE(stale_writes_conflict, StoreFixture) {
  auto original = trunk("c1");
  BOOST_TEST_REQUIRE(store.create(original, written, nullptr) == WriteResult::ok);
  auto first = original;
  first.name = "first";
  first.updated_ns += 1;
  BOOST_TEST(store.update(original, first, written) == WriteResult::ok);
  auto stale = original;
  stale.name = "stale";
  stale.updated_ns += 2;
  BOOST_TEST(store.update(original, stale, written) == WriteResult::conflict);
  BOOST_TEST(store.remove(original, written) == WriteResult::conflict);
  BOOST_TEST(store.find(original.id)->name == "first");
  BOOST_TEST(store.remove(first, written) == WriteResult::ok);
  BOOST_TEST(store.remove(first, written) == WriteResult::not_found);
}

// Verifies delete removes every index entry, leaving Redis empty of trunk keys.
BOOST_FIXTURE_TEST_CASE(delete_clears_indexes, StoreFixture) {
  auto t = trunk("c1", "10.4.0.0/24", "gw");
  BOOST_TEST_REQUIRE(store.create(t, written, nullptr) == WriteResult::ok);
  BOOST_TEST(store.remove(t, written) == WriteResult::ok);
  // Only counters stay (ids are never reused), the customer's set (kept, so the customer's set
  // number never changes) and the audit trail (the trunk's own stream expires
  // later); Kamailio's database is empty again.
  auto left = redis.cli({"KEYS", "mv:*"});
  std::set<std::string> names;
  for (std::size_t at = 0, end; (end = left.find('\n', at)) != std::string::npos; at = end + 1) {
    names.insert(left.substr(at, end - at));
  }
  std::set<std::string> expected{
      "mv:edge:generation",         "mv:edge:table_versions",     "mv:edge:customer_sets",
      "mv:edge:last_customer_set",  "mv:edge:last_trunk_order",   "mv:edge:htable_log",
      "mv:edge:htable_last_row_id", "mv:edge:uacreg_last_row_id", "mv:audit",
      "mv:audit:trunk:" + t.id};
  BOOST_TEST(names == expected, left);
  BOOST_TEST(redis.cli({"-n", "1", "DBSIZE"}) == "0\n");
}

// Verifies the list order, cursor, total and has_more on more than one page.
BOOST_FIXTURE_TEST_CASE(list_pages_in_creation_order, StoreFixture) {
  std::vector<std::string> ids;
  for (int i = 0; i < 5; ++i) {
    auto t = trunk("c1");
    ids.push_back(t.id);
    BOOST_TEST_REQUIRE(store.create(t, written, nullptr) == WriteResult::ok);
  }
  BOOST_TEST_REQUIRE(create(trunk("c2")) == WriteResult::ok);
  auto first = store.list({"c1", 2, {}, {}, {}});
  BOOST_TEST(first.total == 5u);
  BOOST_TEST(first.has_more);
  BOOST_TEST_REQUIRE(first.trunks.size() == 2u);
  BOOST_TEST(first.trunks[1].id == ids[1]);
  auto last = store.list({"c1", 10, ids[2], {}, {}});
  BOOST_TEST(!last.has_more);
  BOOST_TEST_REQUIRE(last.trunks.size() == 2u);
  BOOST_TEST(last.trunks[0].id == ids[3]);
}

// Verifies the consistency checker reports each kind of damage (so a clean report means something).
BOOST_FIXTURE_TEST_CASE(consistency_checker_finds_damage, StoreFixture) {
  auto t = trunk("c1", "10.5.0.0/24", "gw");
  BOOST_TEST_REQUIRE(store.create(t, written, nullptr) == WriteResult::ok);
  BOOST_TEST(check_trunk_consistency(pool, kamailio_db).empty());

  redis.cli({"ZADD", "mv:customer:c1:trunks", "0", "trunk_20000101T000000.000000000"});
  redis.cli({"HSET", "mv:customer:c9:gateway_names", "ghost", t.id});
  redis.cli(
      {"ZADD", "mv:inbound_ranges", "0", "4:0a060000:0a0600ff:trunk_20000101T000000.000000000"});
  redis.cli({"ZREM", "mv:inbound_ranges", "4:0a050000:0a0500ff:" + t.id});
  redis.cli(
      {"ZADD", "mv:inbound_ranges", "0", "4:0a060080:0a060080:trunk_20000101T000000.000000001"});
  redis.cli({"-n", "1", "HSET", "htable:entry::77", "id", "77", "key_name", "s:10.6.0.1"});
  redis.cli({"-n", "1", "HSET", htable_row("s:10.5.0.0/24"), "key_value", "other,c9"});
  redis.cli({"-n", "1", "HSET", htable_row("p:0"), "key_value", "sip:evil.example"});
  redis.cli({"HINCRBY", "mv:edge:probe_refs", "sip:p.example", "1"});
  auto problems = check_trunk_consistency(pool, kamailio_db);
  BOOST_TEST(problems.size() == 10u, [&] {
    std::string all;
    for (const auto& problem : problems) all += problem + "\n";
    return all;
  }());
  auto mentions = [&](const std::string& text) {
    return std::any_of(problems.begin(), problems.end(),
                       [&](const auto& p) { return p.find(text) != std::string::npos; });
  };
  BOOST_TEST(mentions("mv:customer:c1:trunks: dangling entry"));
  BOOST_TEST(mentions("mv:customer:c9:gateway_names: dangling entry"));
  BOOST_TEST(mentions("mv:inbound_ranges: dangling entry"));
  BOOST_TEST(mentions(t.id + ": missing from mv:inbound_ranges"));
  BOOST_TEST(mentions("mv:inbound_ranges: overlapping entry 4:0a060080"));
  BOOST_TEST(mentions("htable:entry::77: orphan htable row"));
  BOOST_TEST(mentions("s0:" + t.id + ": htable row differs from what it calls for"));
  BOOST_TEST(mentions("p:0: htable row differs from what it calls for"));
  BOOST_TEST(mentions("mv:edge:probe_refs: differs from the trunks"));
}

// Verifies a trunk's rows in Kamailio's tables follow it through deactivation, a new address and
// deletion: htable source key and prefix lengths, route, credentials and probe list; no
// dispatcher row and no customer set key (layout 3).
BOOST_FIXTURE_TEST_CASE(kamailio_rows_follow_trunk, StoreFixture) {
  auto t = trunk("cust_9", "10.7.0.0/24");
  t.proxy = "sip:carrier.example:5070;transport=tcp";
  t.realm = "carrier.example";
  t.from_domain = "example.net";
  BOOST_TEST_REQUIRE(store.create(t, written, nullptr) == WriteResult::ok);
  auto source = htable_row("s:10.7.0.0/24");
  BOOST_TEST_REQUIRE(!source.empty());
  BOOST_TEST(kamailio_field(source, "key_value") == t.id + ",cust_9");
  BOOST_TEST(kamailio_field(source, "value_type") == "0");
  BOOST_TEST(kamailio_field(htable_row("s:4"), "key_value") == "24");
  BOOST_TEST(htable_row("s:6").empty());
  BOOST_TEST(t.edge_set == 1001);
  BOOST_TEST(t.edge_order == 1);
  BOOST_TEST(redis.cli({"-n", "1", "KEYS", "dispatcher:*"}) == "\n");
  BOOST_TEST(htable_row("c:cust_9").empty());
  BOOST_TEST(kamailio_field(htable_row("t:" + t.id), "key_value") ==
             "cust_9|example.net|sip:carrier.example:5070;transport=tcp");
  BOOST_TEST(kamailio_field(htable_row("p:0"), "key_value") ==
             "sip:carrier.example:5070;transport=tcp");
  BOOST_TEST(kamailio_field(htable_row("p:n"), "key_value") == "1");
  BOOST_TEST(kamailio_field(htable_row("p:n"), "value_type") == "1");
  // The realm is set: Kamailio gets the HA1, not the password.
  BOOST_TEST(kamailio_field(htable_row("h:" + t.id), "key_value") ==
             "u:carrier.example:" + crypto::digest_ha1("u", "carrier.example", "pw"));

  auto inactive = t;
  inactive.is_active = false;
  inactive.updated_ns += 1;
  BOOST_TEST(store.update(t, inactive, written) == WriteResult::ok);
  BOOST_TEST(redis.cli({"-n", "1", "DBSIZE"}) == "0\n");

  auto moved = inactive;
  moved.is_active = true;
  moved.inbound_ip = "10.8.0.9";
  moved.updated_ns += 1;
  BOOST_TEST(store.update(inactive, moved, written) == WriteResult::ok);
  BOOST_TEST(kamailio_field(htable_row("s:10.8.0.9"), "key_value") == t.id + ",cust_9");
  BOOST_TEST(htable_row("s:10.7.0.0/24").empty());
  BOOST_TEST(htable_row("s:4").empty());
  BOOST_TEST(kamailio_field(htable_row("p:0"), "key_value") ==
             "sip:carrier.example:5070;transport=tcp");

  // A second customer gets the next set; a later trunk sorts after the first.
  auto other = trunk("cust_10");
  BOOST_TEST_REQUIRE(store.create(other, written, nullptr) == WriteResult::ok);
  BOOST_TEST(other.edge_set == 1002);
  BOOST_TEST(other.edge_order == 2);
  BOOST_TEST_REQUIRE(store.find(other.id).has_value());
  BOOST_TEST(store.find(other.id)->edge_set == 1002);
  BOOST_TEST(store.find(other.id)->edge_order == 2);
  // A create refused (its inbound_ip is taken) is placed nowhere: the next customer's set and
  // the next rank are still free.
  auto refused = trunk("cust_11", "10.8.0.9");
  BOOST_TEST_REQUIRE(store.create(refused, written, nullptr) == WriteResult::inbound_ip_exists);
  auto placed = trunk("cust_11");
  BOOST_TEST_REQUIRE(store.create(placed, written, nullptr) == WriteResult::ok);
  BOOST_TEST(placed.edge_set == 1003);
  BOOST_TEST(placed.edge_order == 3);
  BOOST_TEST(store.remove(placed, written) == WriteResult::ok);
  BOOST_TEST(check_trunk_consistency(pool, kamailio_db).empty());

  BOOST_TEST(store.remove(moved, written) == WriteResult::ok);
  BOOST_TEST(store.remove(other, written) == WriteResult::ok);
  BOOST_TEST(redis.cli({"-n", "1", "DBSIZE"}) == "0\n");
}

// Verifies the probe list holds each routable trunk's destination once, dense: a destination two
// trunks share stays until both are gone; one that goes has the last one moved into its index;
// a new one is added at the end; the bookkeeping stays consistent throughout.
BOOST_FIXTURE_TEST_CASE(probe_list_follows_destinations, StoreFixture) {
  auto list = [&] {
    std::vector<std::string> destinations;
    auto count = kamailio_field(htable_row("p:n"), "key_value");
    for (int i = 0; i < (count.empty() ? 0 : std::stoi(count)); ++i) {
      destinations.push_back(kamailio_field(htable_row("p:" + std::to_string(i)), "key_value"));
    }
    BOOST_TEST(htable_row("p:" + std::to_string(destinations.size())).empty());
    return destinations;
  };
  auto consistent = [&] { return check_trunk_consistency(pool, kamailio_db).empty(); };
  auto with_proxy = [&](const std::string& proxy) {
    auto t = trunk("c1");
    t.proxy = proxy;
    BOOST_TEST_REQUIRE(store.create(t, written, nullptr) == WriteResult::ok);
    return t;
  };
  auto shared_a = with_proxy("127.0.0.1:5001");
  auto shared_b = with_proxy("127.0.0.1:5001");
  auto other = with_proxy("127.0.0.1:5002");
  using List = std::vector<std::string>;
  BOOST_TEST((list() == List{"sip:127.0.0.1:5001", "sip:127.0.0.1:5002"}));
  BOOST_TEST(consistent());

  BOOST_TEST(store.remove(shared_a, written) == WriteResult::ok);
  BOOST_TEST((list() == List{"sip:127.0.0.1:5001", "sip:127.0.0.1:5002"}));

  auto moved = shared_b;
  moved.proxy = "sip:127.0.0.1:5003;transport=tcp";
  moved.updated_ns += 1;
  BOOST_TEST(store.update(shared_b, moved, written) == WriteResult::ok);
  BOOST_TEST((list() == List{"sip:127.0.0.1:5002", "sip:127.0.0.1:5003;transport=tcp"}));
  BOOST_TEST(consistent());

  auto inactive = other;
  inactive.is_active = false;
  inactive.updated_ns += 1;
  BOOST_TEST(store.update(other, inactive, written) == WriteResult::ok);
  BOOST_TEST((list() == List{"sip:127.0.0.1:5003;transport=tcp"}));
  BOOST_TEST(consistent());

  BOOST_TEST(store.remove(moved, written) == WriteResult::ok);
  BOOST_TEST(list().empty());
  BOOST_TEST(htable_row("p:n").empty());
  BOOST_TEST(consistent());
}

// Verifies no Kamailio table ever holds an exact multiple of 1,000 rows (db_redis would drop the
// last 1,000 on load): a padding row appears at 1,000 and 2,000 rows and goes at 1,001, in the
// htable (trunks) and dispatcher (application servers) tables alike.
BOOST_FIXTURE_TEST_CASE(kamailio_tables_never_a_multiple_of_1000, StoreFixture) {
  std::vector<model::Trunk> trunks;
  auto add = [&](std::optional<std::string> inbound = {}) {
    trunks.push_back(trunk("c1", std::move(inbound)));
    BOOST_TEST_REQUIRE(store.create(trunks.back(), written, nullptr) == WriteResult::ok);
  };
  // Each trunk has credentials, a route and (but the last) a link in its customer's list; the
  // list has its head, the probe list its one proxy and its count; two trunks have a source
  // address: 332 trunks make 1,000 htable rows.
  add("10.9.0.1");
  add("10.9.0.2");
  for (int n = 2; n < 332; ++n) add();
  BOOST_TEST(table_rows("htable") == 1001u);
  BOOST_TEST(kamailio_field("htable:entry::1000000000", "key_name") == "padding");
  add();
  BOOST_TEST(table_rows("htable") == 1003u);
  BOOST_TEST(redis.cli({"-n", "1", "EXISTS", "htable:entry::1000000000"}) == "0\n");
  BOOST_TEST(store.remove(trunks.back(), written) == WriteResult::ok);
  BOOST_TEST(table_rows("htable") == 1001u);

  auto servers = [&](int count) {
    std::vector<std::string> uris;
    for (int i = 0; i < count; ++i) uris.push_back("sip:127.0.0.1:" + std::to_string(20000 + i));
    store.set_app_servers(uris);
  };
  servers(999);
  BOOST_TEST(table_rows("dispatcher") == 999u);
  servers(1000);
  BOOST_TEST(table_rows("dispatcher") == 1001u);
  BOOST_TEST(kamailio_field("dispatcher:entry::1000000000", "flags") == "4");
  servers(1001);
  BOOST_TEST(table_rows("dispatcher") == 1001u);
  BOOST_TEST(redis.cli({"-n", "1", "EXISTS", "dispatcher:entry::1000000000"}) == "0\n");
  servers(2000);
  BOOST_TEST(table_rows("dispatcher") == 2001u);
  auto problems = check_trunk_consistency(pool, kamailio_db);
  BOOST_TEST(problems.empty(), (problems.empty() ? "" : problems.front()));
}

// Verifies the application servers' rows are exactly the configured list (set 1), and a shorter
// list takes the others out.
BOOST_FIXTURE_TEST_CASE(app_server_rows_follow_the_list, StoreFixture) {
  store.set_app_servers({"sip:10.0.0.1:5080", "sip:10.0.0.2:5080;transport=tcp"});
  BOOST_TEST(table_rows("dispatcher") == 2u);
  BOOST_TEST(kamailio_field("dispatcher:entry::1", "setid") == "1");
  BOOST_TEST(kamailio_field("dispatcher:entry::2", "destination") ==
             "sip:10.0.0.2:5080;transport=tcp");
  store.set_app_servers({"sip:10.0.0.3:5080"});
  BOOST_TEST(table_rows("dispatcher") == 1u);
  BOOST_TEST(kamailio_field("dispatcher:entry::1", "destination") == "sip:10.0.0.3:5080");
  BOOST_TEST(check_trunk_consistency(pool, kamailio_db).empty());
}

// Verifies a trunk's registration state goes when it stops registering (register false here;
// deactivation and deletion take the same path) and its uacreg row with it.
BOOST_FIXTURE_TEST_CASE(registration_state_goes_with_the_registration, StoreFixture) {
  auto t = trunk("c1");
  BOOST_TEST_REQUIRE(store.create(t, written, nullptr) == WriteResult::ok);
  BOOST_TEST(redis.cli({"-n", "1", "EXISTS", "uacreg:entry::" + t.id}) == "1\n");
  redis.cli({"HSET", "mv:registration:" + t.id, "state", "REGED"});
  auto quiet = t;
  quiet.register_requested = false;
  quiet.updated_ns += 1;
  BOOST_TEST(store.update(t, quiet, written) == WriteResult::ok);
  BOOST_TEST(redis.cli({"EXISTS", "mv:registration:" + t.id}) == "0\n");
  BOOST_TEST(redis.cli({"-n", "1", "EXISTS", "uacreg:entry::" + t.id}) == "0\n");
  BOOST_TEST(check_trunk_consistency(pool, kamailio_db).empty());
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace mv::store
