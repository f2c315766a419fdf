#include "model/edge_rows.h"

#include "model/ip_network.h"

namespace mv::model {

std::optional<AddressRow> address_row_for(const Trunk& trunk) {
  if (!trunk.is_active || !trunk.inbound_ip) return std::nullopt;
  auto network = parse_ip_network(*trunk.inbound_ip).network;
  if (!network) return std::nullopt;
  auto address = *network;
  address.prefix = address.max_prefix();  // ip_addr is the network address alone
  return AddressRow{kAddressGroupTrunks, address.to_string(), network->prefix, 0,
                    trunk.id + "," + trunk.customer_id};
}

}  // namespace mv::model
