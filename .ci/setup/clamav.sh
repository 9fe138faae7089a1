#!/usr/bin/env bash
# Installs the ClamAV daemon from Debian's packages for org.mailhook.attachments.ClamdDaemonTest.
# Idempotent; needs root. Run it before the tests, with -Dmailhook.services.required=true so that a
# missing clamd fails the test instead of aborting it.
# The test starts its own clamd on a loopback port with a signature database it writes itself,
# so no freshclam download and no system service are used.
set -euo pipefail
if [ -x /usr/sbin/clamd ] || command -v clamd >/dev/null 2>&1; then
  echo "clamav.sh: clamd already installed: $(clamd --version 2>/dev/null || true)"
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends clamav-daemon >/dev/null
# The package may start a system clamd / freshclam (no systemd in CI: usually not). The test does not use them.
echo "clamav.sh: installed $(clamd --version 2>/dev/null || echo clamd)"
