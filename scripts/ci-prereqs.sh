#!/usr/bin/env bash
# System packages the test suite needs beyond Node: a headless Chromium for the
# console's browser tests (driven by playwright-core). Idempotent; installs with
# apt-get when root, and otherwise says what to install.
#
#   scripts/ci-prereqs.sh          install what is missing
#   scripts/ci-prereqs.sh --check  exit 0 when everything is there, 1 otherwise (installs nothing)
set -euo pipefail

log() { printf '[prereqs] %s\n' "$*" >&2; }

chromium_path() {
  for candidate in "${SITESIM_CHROMIUM:-}" /usr/bin/chromium /usr/bin/chromium-browser; do
    if [ -n "$candidate" ] && [ -x "$candidate" ]; then printf '%s\n' "$candidate"; return 0; fi
  done
  return 1
}

if chromium_path >/dev/null; then
  exit 0
fi
if [ "${1:-}" = "--check" ]; then
  exit 1
fi
if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  log "Chromium is missing: install the Debian package 'chromium' (as root: apt-get install -y chromium), or set SITESIM_CHROMIUM to a Chromium binary."
  exit 1
fi
log "installing chromium (Debian package) for the console's browser tests…"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >&2
apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >&2
chromium_path >/dev/null || { log "chromium was installed but no binary was found"; exit 1; }
log "chromium installed: $(chromium_path)"
