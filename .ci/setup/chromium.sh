#!/usr/bin/env bash
# Installs Chromium, the real browser the WebAdmin cross-origin test drives headless (WebAdminCorsIT).
# Idempotent; run as root.
set -euo pipefail

for candidate in chromium chromium-browser; do
  if command -v "$candidate" >/dev/null 2>&1; then
    echo "chromium.sh: $candidate already installed ($("$candidate" --version 2>/dev/null | head -n1))"
    exit 0
  fi
done

export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends chromium >/dev/null
echo "chromium.sh: installed $(chromium --version 2>/dev/null | head -n1)"
