#!/usr/bin/env bash
# The Kamailio edge benchmarks of BENCHMARKS.md ("Kamailio edge (issue 3)"), one after the other;
# each prints its own markdown report. About 13 minutes on 2 cores.
#
#   bash bench/edge/run_all.sh            # knobs of each script pass through the environment
set -euo pipefail
dir=$(dirname "${BASH_SOURCE[0]}")
echo "## Kamailio edge run $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $(kamailio -v | head -1 | cut -d' ' -f2-3)"
for script in cps propagation bulk_import memory; do
  echo "[edge-bench] $script.sh" >&2
  bash "$dir/$script.sh"
done
