#!/usr/bin/env bash
# Lints an OpenAPI document (default: schemas/openapi.yaml) with Spectral (spectral:oas) and
# Redocly (recommended), both pinned in schemas/lint/package.json and configured there; fails on
# any finding of either, error or warning. `--self-test` proves it fails a copy of the document
# with a broken $ref.
#   scripts/lint-openapi.sh [DOCUMENT | --self-test]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
lint=$root/schemas/lint
bin=$lint/node_modules/.bin
if [[ ! -x $bin/spectral || ! -x $bin/redocly ]]; then
  echo "the linters are not installed: MV_TEST=1 scripts/install-deps.sh (npm ci in schemas/lint)" >&2
  exit 2
fi

lint_document() {
  local document=$1 failed=0 report
  "$bin/spectral" lint --quiet --fail-severity=hint --ruleset "$lint/.spectral.yaml" "$document" ||
    failed=1
  # Redocly fails on errors only: every problem it reports counts here.
  report=$("$bin/redocly" lint --config "$lint/redocly.yaml" --format=json --max-problems 1000 \
    "$document" 2>/dev/null) || true
  python3 - "$report" <<'PY' || failed=1
import json, sys
try:
    problems = json.loads(sys.argv[1])["problems"]
except (ValueError, KeyError):
    print("redocly: no report"); sys.exit(1)
for p in problems:
    where = p["location"][0].get("pointer", "") if p.get("location") else ""
    print(f"redocly {p['severity']} {p['ruleId']} {where}: {p['message']}")
sys.exit(1 if problems else 0)
PY
  return "$failed"
}

if [[ ${1:-} == --self-test ]]; then
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  sed "0,/\$ref: '#\/components\/schemas\/ApiKeyCreated'/s//\$ref: '#\/components\/schemas\/NoSuchSchema'/" \
    "$root/schemas/openapi.yaml" >"$work/openapi.yaml"
  grep -q NoSuchSchema "$work/openapi.yaml" || { echo "self-test: no \$ref to break" >&2; exit 1; }
  if lint_document "$work/openapi.yaml" >"$work/out" 2>&1; then
    echo "self-test: a broken \$ref passed the lint" >&2
    exit 1
  fi
  grep -q NoSuchSchema "$work/out" || { cat "$work/out"; echo "self-test: the \$ref not named" >&2; exit 1; }
  echo "self-test: a broken \$ref fails the lint"
  exit 0
fi
lint_document "${1:-$root/schemas/openapi.yaml}"
echo "openapi lint: no finding"
