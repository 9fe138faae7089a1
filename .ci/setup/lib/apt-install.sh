# Sourced by .ci/setup/*.sh (not run by .ci/run: it is in lib/).
# apt_install_quietly PACKAGE...: installs Debian packages without recommends and keeps their services
# from starting (policy-rc.d 101), since the tests start their own daemons on free loopback ports.
apt_install_quietly() {
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  local restore_policy=false
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
    chmod +x /usr/sbin/policy-rc.d
    restore_policy=true
  fi
  apt-get install -y -qq --no-install-recommends "$@" >/dev/null
  if [ "$restore_policy" = true ]; then
    rm -f /usr/sbin/policy-rc.d
  fi
}
