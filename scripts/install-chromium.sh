#!/usr/bin/env bash
# Install Debian's chromium for the Playwright browser tests (issue 7).
# Never `playwright install`: the project downloads no browser; it drives the distribution's package.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then
    echo "chromium déjà installé : $(/usr/bin/chromium --version 2>/dev/null || echo /usr/bin/chromium)"
    exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
$SUDO apt-get update
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends chromium fonts-dejavu-core
/usr/bin/chromium --version
