#!/usr/bin/env bash
# Make sure HAProxy (the classroom's load balancer) exists: Debian's package, installed here when
# we are root, like scripts/ensure-chromium.sh does for the browser tests. Exit 1 when it cannot.
set -euo pipefail
if command -v haproxy >/dev/null || [ -x /usr/sbin/haproxy ]; then
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
  echo "Installing Debian's haproxy for the classroom setup..."
  DEBIAN_FRONTEND=noninteractive apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq haproxy >/dev/null
  exit 0
fi
echo "HAProxy is missing: install it (Debian/Ubuntu: sudo apt-get install haproxy) and retry." >&2
exit 1
