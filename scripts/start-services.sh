#!/usr/bin/env bash
# Start PostgreSQL and Redis on 127.0.0.1 for the tests (issue 6), installing them first if needed.
# Works as root on a fresh Debian 12 machine without systemd or Docker; idempotent.
#   PostgreSQL: role/password synthese/synthese, database synthese_test, port $PGPORT (5432)
#   Redis:      port $REDIS_PORT (6379)
# The tests read SYNTHESE_TEST_POSTGRES_URL / SYNTHESE_TEST_REDIS_URL (defaults match what is started here).
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
PGPORT="${PGPORT:-5432}"
REDIS_PORT="${REDIS_PORT:-6379}"

if [ "$(id -u)" -ne 0 ]; then
    echo "start-services.sh: run as root (it starts PostgreSQL as the postgres user)" >&2
    exit 1
fi

"$HERE/install-services.sh"

# --- PostgreSQL -------------------------------------------------------------------------------
PGVER="$(ls /usr/lib/postgresql | sort -V | tail -n1)"
if ! pg_lsclusters -h | awk '{print $1" "$2}' | grep -qx "$PGVER main"; then
    pg_createcluster "$PGVER" main --port "$PGPORT" -- --auth-local=peer --auth-host=scram-sha-256
fi
CONF_DIR="/etc/postgresql/$PGVER/main"
sed -i "s/^#\?listen_addresses.*/listen_addresses = '127.0.0.1'/" "$CONF_DIR/postgresql.conf"
sed -i "s/^#\?port = .*/port = $PGPORT/" "$CONF_DIR/postgresql.conf"
if ! pg_lsclusters -h | awk -v v="$PGVER" '$1==v && $2=="main" {print $4}' | grep -q online; then
    pg_ctlcluster "$PGVER" main start
fi
for _ in $(seq 1 30); do
    su postgres -c "pg_isready -q -h 127.0.0.1 -p $PGPORT" && break
    sleep 1
done
su postgres -c "psql -q -p $PGPORT -v ON_ERROR_STOP=1" <<SQL
DO \$\$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'synthese') THEN
    CREATE ROLE synthese LOGIN PASSWORD 'synthese' CREATEDB;
  END IF;
END \$\$;
SQL
if ! su postgres -c "psql -p $PGPORT -tAc \"SELECT 1 FROM pg_database WHERE datname='synthese_test'\"" | grep -q 1; then
    su postgres -c "createdb -p $PGPORT -O synthese synthese_test"
fi
echo "PostgreSQL $PGVER on 127.0.0.1:$PGPORT (postgresql+psycopg://synthese:synthese@127.0.0.1:$PGPORT/synthese_test)"

# --- Redis ------------------------------------------------------------------------------------
if ! redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping >/dev/null 2>&1; then
    redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --daemonize yes --save "" --appendonly no \
        --logfile /tmp/redis-synthese.log
    for _ in $(seq 1 30); do
        redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping >/dev/null 2>&1 && break
        sleep 0.5
    done
fi
redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping >/dev/null
echo "Redis on 127.0.0.1:$REDIS_PORT (redis://127.0.0.1:$REDIS_PORT/0)"
