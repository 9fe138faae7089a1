#!/bin/sh
# Installs the npm packages the tests run under Node, pinned, into one folder, so that the test run
# itself never reaches npm: mvn ... -Dmailhook.nodeModules=<dir>/node_modules (org.mailhook.testing.NodePackages
# installs the same list itself when the property is not set).
#   standardwebhooks: the Node receiver example (docs/receivers/node)
#   mailauth:         an independent DKIM signer for the real-DNS authentication tests
set -eu
dir="${1:-mailets/target/node-packages}"
mkdir -p "$dir"
cd "$dir"
npm install --no-audit --no-fund --silent standardwebhooks@1.1.1 mailauth@4.13.3
echo "$(pwd)/node_modules"
