#pragma once

#include "metrics/noc_metrics.h"
#include "service/noc_service.h"

namespace mv::metrics {

// mv_edge_drift_rows and mv_dispatcher_destinations read from the NOC views at each scrape.
NocMetrics noc_service_metrics(service::NocService& noc);

}  // namespace mv::metrics
