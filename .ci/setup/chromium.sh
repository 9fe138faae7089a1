#!/usr/bin/env bash
# Installs Chromium and its WebDriver (Debian's chromium-driver), the real browser the WebAdmin tests
# drive headless: WebAdminCorsIT (cross-origin reads) and ConsoleIT (the operator console, via Selenium
# with /usr/bin/chromedriver; Selenium never downloads a driver). Idempotent; run as root.
set -euo pipefail

have_browser=false
for candidate in chromium chromium-browser; do
  if command -v "$candidate" >/dev/null 2>&1; then
    have_browser=true
    echo "chromium.sh: $candidate already installed ($("$candidate" --version 2>/dev/null | head -n1))"
  fi
done
have_driver=false
if command -v chromedriver >/dev/null 2>&1; then
  have_driver=true
  echo "chromium.sh: chromedriver already installed ($(chromedriver --version 2>/dev/null | head -n1))"
fi
if [ "$have_browser" = true ] && [ "$have_driver" = true ]; then
  exit 0
fi

export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends chromium chromium-driver >/dev/null
echo "chromium.sh: installed $(chromium --version 2>/dev/null | head -n1), $(chromedriver --version 2>/dev/null | head -n1)"
