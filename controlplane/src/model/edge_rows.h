#pragma once

#include <optional>
#include <string>
#include <vector>

#include "model/trunk.h"

// What the Kamailio edge loads for a trunk, as rows of its tables (db_redis schemas in
// /usr/share/kamailio/db_redis/kamailio/). Pure: the store writes them, the reloader counts them.
namespace mv::model {

// permissions address groups (kamailio-cfg/kamailio.cfg defines the same numbers). Group 99
// holds only the padding row the store scripts keep against db_redis's batch bug.
inline constexpr int kAddressGroupTrunks = 1;

// A row of the permissions `address` table: id, grp, ip_addr, mask, port, tag.
struct AddressRow {
  int group = kAddressGroupTrunks;
  std::string ip_addr;
  int mask = 32;
  int port = 0;     // 0: any source port
  std::string tag;  // "<trunk id>,<customer id>": the edge puts both into headers
};

// Carrier traffic from inbound_ip is let in only for an active trunk that has one.
std::optional<AddressRow> address_row_for(const Trunk& trunk);

}  // namespace mv::model
