#!/bin/sh
# Installs RabbitMQ from Debian's packages for the rabbitmq-flavour tests (RabbitMqIT), with the
# management plugin James needs (it calls GET /api/queues). Idempotent. The tests start brokers of their
# own on loopback ports in temporary directories, so the packaged service is stopped, never left
# listening on public interfaces.
set -eu

if ! [ -x /usr/lib/rabbitmq/bin/rabbitmq-server ]; then
  export DEBIAN_FRONTEND=noninteractive
  # Debian's maintainer scripts would start the service: forbid that during the install.
  policy=/usr/sbin/policy-rc.d
  created_policy=
  if ! [ -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' > "$policy"
    chmod 755 "$policy"
    created_policy=1
  fi
  if ! apt-cache show rabbitmq-server >/dev/null 2>&1; then
    apt-get update -qq
  fi
  apt-get install -y -qq --no-install-recommends rabbitmq-server >/dev/null
  if [ -n "$created_policy" ]; then rm -f "$policy"; fi
fi

# Tests bring their own enabled_plugins file; enabling it here serves operators who run the packaged broker.
rabbitmq-plugins enable --offline rabbitmq_management >/dev/null

# If the packaged service runs anyway (a systemd host), stop it and keep it from starting at boot.
if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet rabbitmq-server 2>/dev/null; then
  systemctl stop rabbitmq-server
  systemctl disable --quiet rabbitmq-server || true
fi
if pgrep -u rabbitmq -f 'beam.*rabbit' >/dev/null 2>&1; then
  rabbitmqctl stop >/dev/null 2>&1 || true
fi

echo "rabbitmq-server $(dpkg-query -W -f='${Version}' rabbitmq-server) installed; tests start their own brokers on 127.0.0.1"
