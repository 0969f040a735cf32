#!/usr/bin/env bash
# Installs what the test suite needs beyond npm packages: Debian's Chromium
# for the playground's browser test, Debian's redis-server for the read
# cache's Redis tests and Debian's PostgreSQL server binaries for the write
# journal's tests (each test file starts private servers of its own on free
# ports in temp dirs; no system-wide service or cluster is used). Runs before
# `npm test` (pretest). Never downloads a browser or a database build of its own.
set -euo pipefail
missing=()
if [ ! -x /usr/bin/chromium ]; then missing+=(chromium); fi
if [ ! -x /usr/bin/redis-server ]; then missing+=(redis-server); fi
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then missing+=(postgresql); fi
if [ "${#missing[@]}" -eq 0 ]; then exit 0; fi
if [ "$(id -u)" != "0" ]; then
  echo "Missing: ${missing[*]}. This user cannot install them: run 'sudo apt-get install -y ${missing[*]}'." >&2
  exit 1
fi
echo "Installing Debian's ${missing[*]} for the tests..."
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
