#!/usr/bin/env bash
# Install PostgreSQL and Redis from Debian packages (issue 6: the CI machines have no Docker engine).
# Run as root on Debian 12; idempotent. scripts/start-services.sh then starts both on loopback.
set -euo pipefail

if [ "$(id -u)" -ne 0 ]; then
    echo "install-services.sh: run as root (apt-get install)" >&2
    exit 1
fi

need=()
command -v pg_ctlcluster >/dev/null 2>&1 && ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || need+=(postgresql)
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)

if [ "${#need[@]}" -eq 0 ]; then
    echo "PostgreSQL and Redis already installed"
    exit 0
fi

export DEBIAN_FRONTEND=noninteractive
apt-get update
# policy-rc.d keeps the packages' post-install scripts from starting services under a missing init system.
printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
chmod +x /usr/sbin/policy-rc.d
trap 'rm -f /usr/sbin/policy-rc.d' EXIT
apt-get install -y --no-install-recommends "${need[@]}"
echo "installed: ${need[*]}"
