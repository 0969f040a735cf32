#!/usr/bin/env bash
# Installs what the test suite needs beyond npm packages: Debian's Chromium
# for the playground's browser test and Debian's redis-server for the read
# cache's Redis tests (each test file starts its own private instance on a
# free port; no system-wide service is used). Runs before `npm test`
# (pretest). Never downloads a browser build of its own.
set -euo pipefail
missing=()
if [ ! -x /usr/bin/chromium ]; then missing+=(chromium); fi
if [ ! -x /usr/bin/redis-server ]; then missing+=(redis-server); fi
if [ "${#missing[@]}" -eq 0 ]; then exit 0; fi
if [ "$(id -u)" != "0" ]; then
  echo "Missing ${missing[*]} and this user cannot install it: run 'sudo apt-get install -y ${missing[*]}'." >&2
  exit 1
fi
echo "Installing Debian's ${missing[*]} for the tests..."
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
