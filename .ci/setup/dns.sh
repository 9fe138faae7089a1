#!/usr/bin/env bash
# Installs the authoritative DNS server (Knot DNS) that the `mailhook doctor` tests start on loopback.
# Idempotent; run as root. The tests start their own knotd on 127.0.0.1 at a free port, so the
# packaged service is never used and is kept from starting.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/apt-install.sh"

if command -v knotd >/dev/null 2>&1; then
  echo "dns.sh: knotd already installed ($(knotd --version 2>&1 | head -n1))"
  exit 0
fi
apt_install_quietly knot
echo "dns.sh: installed $(knotd --version 2>&1 | head -n1)"
