#!/usr/bin/env bash
# The console on a large archive (docs/console.md, "A 100,000-mail archive"). Not run by CI.
#   benchmarks/scripts/console-archive.sh fill DATA [COUNT]   write COUNT (100000) mails into DATA's archive
#   benchmarks/scripts/console-archive.sh measure DATA        start the assembled server on DATA, time the
#                                                             console's API calls (3 runs each), stop it
# Build first (offline, no install): mvn -B -o -q -pl james-distribution/server -am package -DskipTests
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
what="$1"
data="$(mkdir -p "$2" && cd "$2" && pwd)"
case "$what" in
  fill)
    cp_file="$(mktemp)"
    mvn -B -o -q -pl mailets -am test-compile
    mvn -B -o -q -pl mailets dependency:build-classpath -Dmdep.outputFile="$cp_file" -Dmdep.includeScope=test
    java -cp "mailets/target/test-classes:mailets/target/classes:core/target/classes:$(cat "$cp_file")" \
      org.mailhook.mailets.ArchiveFill "$data" "${3:-100000}"
    rm -f "$cp_file"
    ;;
  measure)
    port=$((20000 + RANDOM % 20000))
    MAILHOOK_DATA_DIR="$data" MAILHOOK_SMTP_PORT=$((port + 1)) MAILHOOK_WEBADMIN_PORT=$port \
      MAILHOOK_WEBHOOK_URL=http://127.0.0.1:9/unused MAILHOOK_WEBHOOK_ALLOW_LOOPBACK=true MAILHOOK_LOG_LEVEL=WARN \
      MAILHOOK_WEBHOOK_SECRET="whsec_$(head -c 24 /dev/urandom | base64)" \
      james-distribution/server/target/mailhook/bin/mailhook-server > "$data/measure-server.log" 2>&1 &
    server=$!
    trap 'kill $server 2>/dev/null || true; wait $server 2>/dev/null || true' EXIT
    until curl -s -o /dev/null "http://127.0.0.1:$port/mailhook/endpoints"; do
      kill -0 $server 2>/dev/null || { tail -5 "$data/measure-server.log"; exit 1; }
      sleep 1
    done
    base="http://127.0.0.1:$port"
    since="$(date -u -d '-1 hour' +%Y-%m-%dT%H:%M:%SZ)"
    for path in "/mailhook/messages?limit=50" "/mailhook/messages?limit=50&subject=needle-" \
                "/mailhook/messages?limit=50&subject=needle-&since=$since" "/mailhook/dmarc" "/mailhook/endpoints" \
                "/mailhook/deliveries?status=all&limit=1000"; do
      for run in 1 2 3; do
        curl -s -o "$data/answer.json" -w "%{time_total} s  $path  (run $run, %{size_download} bytes)\n" "$base$path"
      done
    done
    echo "archive: $(ls "$data/var/mail/archive" | grep -c "\.rec$") mails"
    ;;
  *) echo "usage: $0 fill|measure DATA [COUNT]" >&2; exit 2 ;;
esac
