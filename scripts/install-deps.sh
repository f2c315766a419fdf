#!/usr/bin/env bash
# Installs the Debian 12 packages this project needs, and only those that are missing.
# Runs apt-get update first whenever something has to be installed.
set -euo pipefail

packages=(
  # build
  build-essential cmake pkg-config clang-format
  libcpprest-dev libhiredis-dev libyaml-cpp-dev libboost-test-dev
  nlohmann-json3-dev libspdlog-dev libcli11-dev libssl-dev prometheus-cpp-dev
  libjemalloc-dev
  # run and test
  redis-server redis-tools curl
  kamailio kamailio-redis-modules kamailio-json-modules kamailio-extra-modules
  kamailio-utils-modules sip-tester
)
if [[ "${MV_BENCH:-0}" == 1 ]]; then packages+=(wrk jq); fi
# The NOC page test drives Debian's Chromium headless.
# The lock-down suite runs SIPVicious's scanners against the edge.
# The JSON-RPC client, lock-down and source-key suites run Python helpers.
# schemas/check-schemas.py reads the OpenAPI document and validates JSON Schema examples.
# The metrics suite runs promtool (Debian's prometheus package) over a live /metrics.
if [[ "${MV_TEST:-0}" == 1 ]]; then
  packages+=(chromium sipvicious python3 python3-yaml python3-jsonschema prometheus)
fi
# The OpenAPI linters (schemas/lint, from npm) need Node.js and npm: Debian's, unless the machine
# has them already (a NodeSource nodejs bundles its own npm, which Debian's npm package would
# conflict with).
if [[ "${MV_TEST:-0}" == 1 ]] && ! command -v npm >/dev/null; then packages+=(nodejs npm); fi
# make fuzz: clang with libFuzzer and the sanitizer runtimes.
if [[ "${MV_FUZZ:-0}" == 1 ]]; then packages+=(clang libclang-rt-14-dev); fi

# The pinned linters, once per change of schemas/lint/package-lock.json.
install_linters() {
  local lint
  lint="$(cd "$(dirname "$0")/.." && pwd)/schemas/lint"
  if [[ ! -f $lint/node_modules/.package-lock.json ||
    $lint/package-lock.json -nt $lint/node_modules/.package-lock.json ]]; then
    echo "installing the OpenAPI linters (npm ci in schemas/lint)"
    npm ci --prefix "$lint" --no-audit --no-fund --loglevel=error
  fi
}

missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "ok installed"; then
    missing+=("$package")
  fi
done
if ((${#missing[@]} == 0)); then
  if [[ "${MV_TEST:-0}" == 1 ]]; then install_linters; fi
  exit 0
fi

echo "installing: ${missing[*]}"
sudo_cmd=()
if [[ $(id -u) -ne 0 ]]; then sudo_cmd=(sudo); fi
"${sudo_cmd[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
# The tests need promtool alone: the Prometheus server Debian's package starts under systemd
# would listen on :9090 on every address of this machine.
if [[ " ${missing[*]} " == *" prometheus "* && -d /run/systemd/system ]]; then
  "${sudo_cmd[@]}" systemctl disable --now prometheus.service
fi
if [[ "${MV_TEST:-0}" == 1 ]]; then install_linters; fi
