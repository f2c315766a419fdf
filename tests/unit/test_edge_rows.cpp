#include <boost/test/unit_test.hpp>

#include <algorithm>

#include "crypto/digest_ha1.h"
#include "model/edge_rows.h"

namespace mv::model {

BOOST_AUTO_TEST_SUITE(edge_rows)

Trunk placed_trunk() {
  Trunk trunk;
  trunk.id = "trunk_20260529T120000.000000000";
  trunk.customer_id = "cust_1";
  trunk.name = "n";
  trunk.proxy = "sip.example.net";
  trunk.edge_set = 1003;
  trunk.edge_order = 42;
  return trunk;
}

// The trunk's row in `table` (htable has two slots, at most one of them with a row).
std::optional<RowFields> row_of(const Trunk& trunk, const std::string& table) {
  bool slot = false;
  for (auto& row : edge_rows_for(trunk)) {
    if (row.table != table) continue;
    slot = true;
    if (row.fields) return row.fields;
  }
  if (!slot) BOOST_FAIL("no " << table << " row slot");
  return std::nullopt;
}

std::string field(const RowFields& fields, const std::string& name) {
  auto it = std::find_if(fields.begin(), fields.end(),
                         [&](const auto& pair) { return pair.first == name; });
  BOOST_REQUIRE_MESSAGE(it != fields.end(), "no field " << name);
  return it->second;
}

// Verifies a trunk always names one slot per table with stable owners, rows or not.
BOOST_AUTO_TEST_CASE(one_slot_per_table_with_stable_owners) {
  auto trunk = placed_trunk();
  trunk.is_active = false;
  auto rows = edge_rows_for(trunk);
  BOOST_TEST_REQUIRE(rows.size() == 5u);
  BOOST_TEST(rows[0].table == "address");
  BOOST_TEST(rows[0].owner == trunk.id);
  BOOST_TEST(rows[1].table == "dispatcher");
  BOOST_TEST(rows[1].owner == trunk.id);
  BOOST_TEST(rows[2].table == "htable");
  BOOST_TEST(rows[2].owner == "a:" + trunk.id);
  BOOST_TEST(rows[3].table == "htable");
  BOOST_TEST(rows[3].owner == "h:" + trunk.id);
  BOOST_TEST(rows[4].table == "uacreg");
  BOOST_TEST(rows[4].owner == trunk.id);
  for (const auto& row : rows) BOOST_TEST(!row.fields.has_value());  // inactive: no rows
}

// Verifies the permissions row: network address and prefix, any port, "<trunk>,<customer>" tag;
// none without inbound_ip.
BOOST_AUTO_TEST_CASE(address_row_from_inbound_ip) {
  auto trunk = placed_trunk();
  BOOST_TEST(!row_of(trunk, "address").has_value());
  trunk.inbound_ip = "203.0.113.0/24";
  auto v4 = *row_of(trunk, "address");
  BOOST_TEST(field(v4, "grp") == "1");
  BOOST_TEST(field(v4, "ip_addr") == "203.0.113.0");
  BOOST_TEST(field(v4, "mask") == "24");
  BOOST_TEST(field(v4, "port") == "0");
  BOOST_TEST(field(v4, "tag") == trunk.id + ",cust_1");
  trunk.inbound_ip = "2001:db8::/32";
  auto v6 = *row_of(trunk, "address");
  BOOST_TEST(field(v6, "ip_addr") == "2001:db8::");
  BOOST_TEST(field(v6, "mask") == "32");
  trunk.inbound_ip = "198.51.100.7";
  BOOST_TEST(field(*row_of(trunk, "address"), "mask") == "32");
}

// Verifies the dispatcher row: the customer's set, priority falling with age, attrs, and no DNS
// lookup at load for names (flag 16) but not for literals.
BOOST_AUTO_TEST_CASE(dispatcher_row_in_the_customers_set) {
  auto trunk = placed_trunk();
  auto row = *row_of(trunk, "dispatcher");
  BOOST_TEST(field(row, "setid") == "1003");
  BOOST_TEST(field(row, "destination") == "sip:sip.example.net");
  BOOST_TEST(field(row, "flags") == "16");
  BOOST_TEST(field(row, "priority") == "1999999958");
  BOOST_TEST(field(row, "attrs") == "trunk=" + trunk.id + ";customer=cust_1");
  BOOST_TEST(field(row, "description") == trunk.id);

  auto newer = trunk;
  newer.edge_order = 43;
  BOOST_TEST(std::stoll(field(*row_of(newer, "dispatcher"), "priority")) <
             std::stoll(field(row, "priority")));

  trunk.from_domain = "example.net";
  trunk.proxy = "198.51.100.9:5070";
  row = *row_of(trunk, "dispatcher");
  BOOST_TEST(field(row, "attrs") ==
             "trunk=" + trunk.id + ";customer=cust_1;from_domain=example.net");
  BOOST_TEST(field(row, "destination") == "sip:198.51.100.9:5070");
  BOOST_TEST(field(row, "flags") == "0");
  trunk.proxy = "sip:[2001:db8::9]:5070;transport=TCP";
  BOOST_TEST(field(*row_of(trunk, "dispatcher"), "flags") == "0");

  auto unplaced = placed_trunk();
  unplaced.edge_set = 0;
  BOOST_TEST(!row_of(unplaced, "dispatcher").has_value());
}

// Verifies proxies become destination URIs with port and transport kept.
BOOST_AUTO_TEST_CASE(destination_keeps_port_and_transport) {
  BOOST_TEST(dispatcher_destination("sip.example.net") == "sip:sip.example.net");
  BOOST_TEST(dispatcher_destination("SIP.Example.NET:5080") == "sip:sip.example.net:5080");
  BOOST_TEST(dispatcher_destination("sip:sip.example.net;transport=tcp") ==
             "sip:sip.example.net;transport=tcp");
  BOOST_TEST(dispatcher_destination("sips:sip.example.net:5061") == "sips:sip.example.net:5061");
  BOOST_TEST(dispatcher_destination("[2001:db8::1]:5060") == "sip:[2001:db8::1]:5060");
  BOOST_TEST(dispatcher_destination("not a proxy") == "");
}

// Verifies HA1 against RFC 2617's example (section 3.5) and a value computed with md5sum.
BOOST_AUTO_TEST_CASE(ha1_known_vectors) {
  BOOST_TEST(crypto::digest_ha1("Mufasa", "testrealm@host.com", "Circle Of Life") ==
             "939e7578ed9e3c518a452acee763bce9");
  // printf 'user1:carrier.test:secret' | md5sum
  BOOST_TEST(crypto::digest_ha1("user1", "carrier.test", "secret") ==
             "86bbe798d31d0715a1f09d55356ff43c");
}

// Verifies credentials go to htable as "h:<trunk>" = "<username>:<realm>:<HA1>" when the realm
// is known and as "a:<trunk>" = "<username>::<password>" (the password may hold ':') without
// one, never both, only for an active trunk with both username and password.
BOOST_AUTO_TEST_CASE(credentials_row) {
  auto trunk = placed_trunk();
  BOOST_TEST(!row_of(trunk, "htable").has_value());
  trunk.username = "user1";
  BOOST_TEST(!row_of(trunk, "htable").has_value());
  trunk.password = "pa:ss";
  auto row = *row_of(trunk, "htable");
  BOOST_TEST(field(row, "key_name") == "a:" + trunk.id);
  BOOST_TEST(field(row, "key_value") == "user1::pa:ss");
  BOOST_TEST(field(row, "value_type") == "0");
  trunk.realm = "carrier.test";
  auto ha1 = crypto::digest_ha1("user1", "carrier.test", "pa:ss");
  auto rows = edge_rows_for(trunk);
  BOOST_TEST(!rows[2].fields.has_value());  // the "a:" slot is emptied: the HA1 replaces it
  BOOST_TEST(field(*row_of(trunk, "htable"), "key_name") == "h:" + trunk.id);
  BOOST_TEST(field(*row_of(trunk, "htable"), "key_value") == "user1:carrier.test:" + ha1);
  BOOST_TEST(field(*row_of(trunk, "htable"), "key_value").find("pa:ss") == std::string::npos);
  trunk.is_active = false;
  BOOST_TEST(!row_of(trunk, "htable").has_value());
}

// Verifies the edge gets exactly one secret: the HA1 with a realm, the password without one,
// nothing without credentials.
BOOST_AUTO_TEST_CASE(edge_secret_is_ha1_where_the_realm_is_known) {
  auto trunk = placed_trunk();
  BOOST_TEST(edge_secret(trunk).password.empty());
  BOOST_TEST(edge_secret(trunk).ha1.empty());
  trunk.username = "user1";
  trunk.password = "secret";
  BOOST_TEST(edge_secret(trunk).password == "secret");
  BOOST_TEST(edge_secret(trunk).ha1.empty());
  trunk.realm = "";
  BOOST_TEST(edge_secret(trunk).password == "secret");
  trunk.realm = "carrier.test";
  BOOST_TEST(edge_secret(trunk).password.empty());
  BOOST_TEST(edge_secret(trunk).ha1 == "86bbe798d31d0715a1f09d55356ff43c");
}

// Verifies the registration row: only for an active trunk that registers; the AOR domain is
// from_domain or else the proxy host; sent to the proxy; the configured expiry.
BOOST_AUTO_TEST_CASE(registration_row) {
  auto trunk = placed_trunk();
  trunk.proxy = "sip:sip.example.net:5070;transport=tcp";
  BOOST_TEST(!row_of(trunk, "uacreg").has_value());
  trunk.username = "user1";
  trunk.password = "pw";
  EdgeSettings settings;
  settings.registration_expires_s = 300;
  auto row = *[&] {
    for (auto& slot : edge_rows_for(trunk, settings)) {
      if (slot.table == "uacreg") return slot.fields;
    }
    return std::optional<RowFields>();
  }();
  BOOST_TEST(field(row, "l_uuid") == trunk.id);
  BOOST_TEST(field(row, "r_username") == "user1");
  BOOST_TEST(field(row, "r_domain") == "sip.example.net");
  BOOST_TEST(field(row, "auth_username") == "user1");
  BOOST_TEST(field(row, "auth_password") == "pw");  // no realm: the password is unavoidable
  BOOST_TEST(field(row, "auth_ha1") == "");
  BOOST_TEST(field(row, "realm") == "");
  BOOST_TEST(field(row, "auth_proxy") == "sip:sip.example.net:5070;transport=tcp");
  BOOST_TEST(field(row, "expires") == "300");
  BOOST_TEST(field(row, "flags") == "0");
  trunk.from_domain = "example.net";
  BOOST_TEST(field(*row_of(trunk, "uacreg"), "r_domain") == "example.net");
  trunk.realm = "carrier.test";
  BOOST_TEST(field(*row_of(trunk, "uacreg"), "realm") == "carrier.test");
  BOOST_TEST(field(*row_of(trunk, "uacreg"), "auth_password") == "");
  BOOST_TEST(field(*row_of(trunk, "uacreg"), "auth_ha1") ==
             crypto::digest_ha1("user1", "carrier.test", "pw"));
  trunk.register_requested = false;
  BOOST_TEST(!row_of(trunk, "uacreg").has_value());
  BOOST_TEST(row_of(trunk, "htable").has_value());  // still answers digest challenges
  BOOST_TEST(keyed_by_owner("uacreg"));
  BOOST_TEST(!keyed_by_owner("dispatcher"));
  BOOST_TEST(field(padding_row("uacreg"), "flags") == "1");
  // uac ignores a record with an empty auth_username, and still answers reg_refresh with OK.
  BOOST_TEST(!field(padding_row("uacreg"), "auth_username").empty());
}

// Verifies row values are compared with uac.reg_dump as it prints them: "none" for an empty
// secret or proxy, every other value as it is.
BOOST_AUTO_TEST_CASE(uacreg_values_as_reg_dump_shows_them) {
  BOOST_TEST(uacreg_dump_value("auth_password", "") == "none");
  BOOST_TEST(uacreg_dump_value("auth_ha1", "") == "none");
  BOOST_TEST(uacreg_dump_value("auth_proxy", "") == "none");
  BOOST_TEST(uacreg_dump_value("contact_addr", "") == "none");
  BOOST_TEST(uacreg_dump_value("auth_ha1", "86bbe798d31d0715a1f09d55356ff43c") ==
             "86bbe798d31d0715a1f09d55356ff43c");
  BOOST_TEST(uacreg_dump_value("realm", "") == "");
  BOOST_TEST(uacreg_dump_value("auth_password", "pw") == "pw");
}

// Verifies the customer's set number and the application servers' rows.
BOOST_AUTO_TEST_CASE(customer_and_app_server_rows) {
  auto customer = customer_set_row("cust_1", 1003);
  BOOST_TEST(customer.table == "htable");
  BOOST_TEST(customer.owner == "c:cust_1");
  BOOST_TEST(field(*customer.fields, "key_value") == "1003");
  BOOST_TEST(field(*customer.fields, "value_type") == "1");
  auto app = app_server_row(2, "sip:10.0.0.5:5080");
  BOOST_TEST(app.table == "dispatcher");
  BOOST_TEST(app.owner == "app:2");
  BOOST_TEST(field(*app.fields, "setid") == "1");
  BOOST_TEST(field(*app.fields, "destination") == "sip:10.0.0.5:5080");
}

// Verifies padding exactly at non-zero multiples of 1,000, and a padding row no route can use.
BOOST_AUTO_TEST_CASE(padding_at_multiples_of_1000) {
  BOOST_TEST(!padding_needed(0));
  BOOST_TEST(!padding_needed(999));
  BOOST_TEST(padding_needed(1000));
  BOOST_TEST(!padding_needed(1001));
  BOOST_TEST(padding_needed(2000));
  BOOST_TEST(field(padding_row("address"), "grp") == "99");
  BOOST_TEST(field(padding_row("dispatcher"), "setid") == "2");
  BOOST_TEST(field(padding_row("dispatcher"), "flags") == "4");
  BOOST_TEST(field(padding_row("htable"), "key_name") == "padding");
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace mv::model
