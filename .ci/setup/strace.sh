#!/usr/bin/env bash
# Installs strace, with which DurableBeforeReplyIT reads the order of one SMTP transaction's writes,
# fsyncs and 250 reply from the kernel. Idempotent; run as root.
set -euo pipefail

if command -v strace >/dev/null 2>&1; then
  echo "strace.sh: strace already installed ($(strace -V 2>&1 | head -n1))"
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends strace >/dev/null
echo "strace.sh: installed $(strace -V 2>&1 | head -n1)"
