#!/bin/sh
# Installs the npm packages the tests run under Node, pinned, into one folder, so that the test run
# itself never reaches npm: mvn ... -Dmailhook.nodeModules=<dir>/node_modules (org.mailhook.testing.NodePackages
# installs the same list itself when the property is not set).
#   standardwebhooks: the Node receiver example (docs/receivers/node)
#   mailauth:         an independent DKIM signer and verifier for the real-DNS authentication tests
#   mailparser, postal-mime: the two independent MIME parsers of the differential parse test
set -eu
dir="${1:-target/node-packages}"
mkdir -p "$dir"
cd "$dir"
npm install --no-audit --no-fund --silent standardwebhooks@1.1.1 mailauth@4.13.3 mailparser@3.14.2 postal-mime@4.0.0
echo "$(pwd)/node_modules"
