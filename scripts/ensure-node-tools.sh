#!/usr/bin/env bash
# Browser-side test tools from the npm registry (axe-core for the accessibility check), installed
# exactly as package-lock.json says. Without npm the tests that need them skip and say why.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v npm >/dev/null; then
  echo "npm not found: the accessibility (axe-core) checks will be skipped." >&2
  exit 0
fi
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --silent --no-audit --no-fund
fi
