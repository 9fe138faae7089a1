#!/usr/bin/env bash
# Installs the Rspamd spam scanner from Debian's packages (3.4 on Debian 12) for SpamIT.
# Idempotent; run as root. The test starts its own rspamd in the foreground on free loopback
# ports with the configuration folder it ships, so the packaged service is never used.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/apt-install.sh"

if command -v rspamd >/dev/null 2>&1; then
  echo "rspamd.sh: rspamd already installed ($(rspamd --version 2>&1 | head -n1))"
  exit 0
fi
apt_install_quietly rspamd
echo "rspamd.sh: installed $(rspamd --version 2>&1 | head -n1)"
