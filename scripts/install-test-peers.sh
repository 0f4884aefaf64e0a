#!/usr/bin/env bash
# Installs the Debian packages the test suite talks to (real peers, not mocks): PostgreSQL, Redis,
# sipp, baresip, Chromium, espeak-ng, sox, CJK fonts for screenshots and openssl for test
# certificates. Idempotent: installs only what is missing, and does nothing when all is there.
set -euo pipefail
packages=(postgresql redis-server sip-tester baresip chromium espeak-ng sox fonts-noto-cjk openssl)
if [ "${1:-}" = "--bench" ]; then packages+=(kamailio); fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if ! command -v apt-get >/dev/null; then
  echo "Missing test peers (${missing[*]}) and no apt-get to install them: install them by hand." >&2
  exit 1
fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
echo "Installing test peers: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
