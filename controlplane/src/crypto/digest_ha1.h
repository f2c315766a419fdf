#pragma once

#include <string>
#include <string_view>

namespace mv::crypto {

// HTTP digest's HA1 (RFC 2617 3.2.2.2, algorithm MD5): lower-case hex of
// MD5("<username>:<realm>:<password>"). It answers challenges for that realm only, so the edge can
// hold it instead of the password (uac_auth mode 1, uacreg auth_ha1).
std::string digest_ha1(std::string_view username, std::string_view realm,
                       std::string_view password);

}  // namespace mv::crypto
