#!/usr/bin/env bash
# Make sure a Chromium exists for the e2e tests. Playwright's own browser download is not
# reachable on our machines, so we use Debian's package (installed here when we are root).
set -euo pipefail
for candidate in "${CHROMIUM:-}" /usr/bin/chromium /usr/bin/chromium-browser; do
  if [ -n "$candidate" ] && [ -x "$candidate" ]; then
    exit 0
  fi
done
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
  echo "Installing Debian's chromium for the browser tests..."
  DEBIAN_FRONTEND=noninteractive apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  exit 0
fi
echo "No Chromium found: trying Playwright's own download." >&2
"${1:-.venv/bin/python}" -m playwright install chromium
