#pragma once

#include "metrics/noc_metrics.h"
#include "service/noc_service.h"

namespace mv::metrics {

// mv_dispatcher_destinations from the counts as last read (NocService::last_sample): a scrape
// reads nothing. Kept fresh by service::NocSampler.
NocMetrics noc_service_metrics(const service::NocService& noc);

}  // namespace mv::metrics
