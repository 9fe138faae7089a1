#!/bin/sh
# Installs the npm package the Node receiver example (docs/receivers/node) needs, so its test runs
# without reaching npm itself: mvn ... -Dmailhook.receiver.nodeModules=<dir>/node_modules
set -eu
dir="${1:-mailets/target/node-receiver}"
mkdir -p "$dir"
cd "$dir"
npm install --no-audit --no-fund --silent standardwebhooks@1.1.1
echo "$(pwd)/node_modules"
