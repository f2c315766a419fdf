#include "kamailio/kamailio_rpc.h"

#include <set>

namespace mv::kamailio {

bool reloads_or_lists_a_table(const std::string& method) {
  static const std::set<std::string> kWholeTable = {"htable.reload",     "htable.dump",
                                                    "dispatcher.reload", "dispatcher.list",
                                                    "uac.reg_dump",      "uac.reg_reload"};
  return kWholeTable.contains(method);
}

}  // namespace mv::kamailio
