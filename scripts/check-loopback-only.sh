#!/usr/bin/env bash
# The static half of the loopback guard (the runtime half is kamailio-cfg/loopback-guard.cfg):
# fails when a file that makes processes send (integration and fault tests and their harness,
# sipp scenarios, benchmarks, the dev and compose configs, Kamailio's cfg files) names a
# destination off this machine:
#   - an IPv4 literal outside 127.0.0.0/8 (0.0.0.0, a bind address, is no destination);
#   - an IPv6 literal other than ::1;
#   - a DNS name given as a proxy, registrar, destination or http(s) URL host (resolving it may
#     send a DNS query off the machine).
# Deliberate exceptions are in scripts/loopback-only-allow.txt, one per line with its reason.
#
# Usage: scripts/check-loopback-only.sh [FILE...]   the project's files when none are given
#        scripts/check-loopback-only.sh --self-test tests/loopback-only/*.sample must be judged
#                                                   as their "must-flag" comments say
set -euo pipefail
cd "$(dirname "$0")/.."

allow_file=scripts/loopback-only-allow.txt

# The files checked: whatever a test, benchmark, dev run or compose stack sends with.
project_files() {
  git ls-files -- 'tests/integration/*' 'tests/faults/*' 'tests/support/*' 'tests/sip/*' \
    'bench/*' 'config/dev.yaml' 'config/docker.yaml' 'docker-compose.yml' 'scripts/*.sh' \
    'kamailio-cfg/*.cfg' 'Makefile'
}

# Findings as "file:line: value" for every destination in FILE that is not on loopback.
findings() {
  local file=$1
  # IPv4 literals (a CIDR's address too), with the character before them kept out of versions.
  grep -noE '(^|[^0-9.])([0-9]{1,3}\.){3}[0-9]{1,3}' "$file" |
    sed -E 's/^([0-9]+):([^0-9]?)/\1:/' |
    awk -F: -v f="$file" '$2 !~ /^127\./ && $2 != "0.0.0.0" { print f ":" $1 ": " $2 }' || true
  # IPv6 literals: hex groups with "::" or all eight groups, not inside a word or a C++ name.
  grep -noE '(^|[^0-9A-Za-z_:.])[0-9A-Fa-f]{0,4}(:[0-9A-Fa-f]{0,4}){2,7}($|[^0-9A-Za-z_:.])' "$file" |
    sed -E 's/^([0-9]+):[^0-9A-Fa-f:]?/\1 /; s/[^0-9A-Fa-f:]$//' |
    awk -v f="$file" '{
      value = $2; groups = 0; n = split(value, part, ":")
      for (i = 1; i <= n; i++) if (part[i] != "") groups++
      if ((index(value, "::") && groups >= 1 && value != "::1") || n == 8) print f ":" $1 ": " value
    }' || true
  # DNS names where a destination goes: the value of a proxy/registrar/destination/relay_to key
  # or option (JSON, YAML, key=value, "--proxy x", "destination x"), or an http(s) URL's host.
  grep -noiE '(proxy|registrar|destination|relay_to)["\\]*([[:space:]]*[:=][[:space:]]*|[[:space:]]+)["\\]*(sips?:)?([A-Za-z0-9_+.-]+@)?([A-Za-z0-9-]+\.)+[A-Za-z][A-Za-z0-9-]*|https?://([A-Za-z0-9-]+\.)+[A-Za-z][A-Za-z0-9-]*' "$file" |
    sed -E 's/^([0-9]+):.*[^A-Za-z0-9_.-]([A-Za-z0-9_.-]+)$/\1: \2/' |
    awk -v f="$file" '$2 !~ /^[0-9.]+$/ { print f ":" $0 }' || true
}

# Whether a finding ("file:line: value") is allowed: an entry "PATH | TEXT | reason" whose PATH
# is the file (or a shell pattern matching it) and whose TEXT is on that line ("*": anything in
# the file).
allowed() {
  local file=$1 line=$2
  local text
  text=$(sed -n "${line}p" "$file")
  while IFS='|' read -r path needle _reason; do
    path=$(echo "$path" | xargs)
    needle=$(echo "$needle" | sed -E 's/^ +//; s/ +$//')
    [[ -z $path || $path == \#* ]] && continue
    # shellcheck disable=SC2053 # PATH is a pattern
    [[ $file == $path ]] || continue
    [[ $needle == "*" || $text == *"$needle"* ]] && return 0
  done <"$allow_file"
  return 1
}

# Prints the findings not allowed; returns 1 when there is one.
check() {
  local failed=0 finding file line
  for file in "$@"; do
    [[ -f $file ]] || continue
    while IFS= read -r finding; do
      [[ -n $finding ]] || continue
      line=${finding#"$file":}
      line=${line%%:*}
      allowed "$file" "$line" && continue
      echo "$finding"
      failed=1
    done < <(findings "$file" | sort -t: -k2,2n -u)
  done
  return "$failed"
}

self_test() {
  local sample expected reported status=0
  for sample in tests/loopback-only/*.sample; do
    expected=$(grep -n 'must-flag' "$sample" | cut -d: -f1 | sort -n | uniq | tr '\n' ' ')
    reported=$(check "$sample" | cut -d: -f2 | sort -n | uniq | tr '\n' ' ' || true)
    if [[ $expected != "$reported" ]]; then
      echo "self-test: $sample: expected findings on lines [$expected], got [$reported]"
      status=1
    fi
    if [[ -n $expected ]] && check "$sample" >/dev/null; then
      echo "self-test: $sample: the check passed a file it must fail"
      status=1
    fi
  done
  [[ $status == 0 ]] && echo "self-test ok"
  return "$status"
}

if [[ ${1:-} == --self-test ]]; then
  self_test
  exit
fi
if (($# == 0)); then
  mapfile -t files < <(project_files)
  set -- "${files[@]}"
fi
if ! check "$@"; then
  echo "non-loopback destinations above: use 127.0.0.0/8 (127.16.0.0/12 has a million addresses)," \
    "or add a reasoned entry to $allow_file"
  exit 1
fi
echo "loopback only: $# files ok"
