#!/usr/bin/env bash
# Makes a fresh machine able to build and test Cairn: system tools first (Java and Maven for
# Kafka, Go for FerretDB and Helm, Chromium for browser tests, clamd for malware-scan tests),
# then the npm workspace. Idempotent and quick when everything is there. Used by `npm start`, `npm test` and .ci/run.
set -euo pipefail
cd "$(dirname "$0")/../.."

need=()
command -v java >/dev/null 2>&1 || need+=(openjdk-17-jre-headless)
command -v mvn >/dev/null 2>&1 || need+=(maven)
command -v go >/dev/null 2>&1 || need+=(golang-go)
# The gateway's browser tests drive Debian's Chromium through playwright-core (no browser download).
command -v chromium >/dev/null 2>&1 || need+=(chromium)
# The media vault's malware scanner tests start their own clamd with a signature file they write.
command -v clamd >/dev/null 2>&1 || [ -x /usr/sbin/clamd ] || need+=(clamav-daemon)

if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "setup: installing ${need[*]} with apt-get" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
  else
    echo "setup: missing system packages: ${need[*]}" >&2
    echo "       install them (Debian/Ubuntu: sudo apt-get install ${need[*]}) and run again" >&2
    exit 1
  fi
fi

# Install when node_modules is missing or older than the lock file. `npm install`, not `npm ci`:
# with the registry this project is built against, npm 11 leaves other platforms' optional
# binaries (@swc/core-darwin-*, @bufbuild/buf-win32-*) out of the lock file and `npm ci` then
# refuses it as out of sync; `npm install` follows the lock file for everything it holds.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: npm install" >&2
  npm install --no-audit --no-fund
fi
