#!/usr/bin/env bash
# Installs the authoritative DNS server (Knot DNS) that the `mailhook doctor` tests start on loopback.
# Idempotent; run as root. The tests start their own knotd on 127.0.0.1 at a free port, so the
# packaged service is never used and is stopped if the package started it.
set -euo pipefail

if command -v knotd >/dev/null 2>&1; then
  echo "dns.sh: knotd already installed ($(knotd --version 2>&1 | head -n1))"
  exit 0
fi

export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# policy-rc.d 101 keeps the package's own service from starting inside containers.
restore_policy=false
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
  chmod +x /usr/sbin/policy-rc.d
  restore_policy=true
fi
apt-get install -y -qq --no-install-recommends knot >/dev/null
if [ "$restore_policy" = true ]; then
  rm -f /usr/sbin/policy-rc.d
fi
echo "dns.sh: installed $(knotd --version 2>&1 | head -n1)"
