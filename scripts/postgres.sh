#!/usr/bin/env bash
# Starts the Debian PostgreSQL cluster for the tests and prints the URL of a test database.
#   eval "$(bash scripts/postgres.sh)"   → exports GONGKAI_TEST_PG_URL
set -euo pipefail
as_postgres() {
  if [ "$(id -u)" -eq 0 ]; then su postgres -c "$1"; else sudo -u postgres bash -c "$1"; fi
}
version=$(ls /usr/lib/postgresql/ 2>/dev/null | sort -n | tail -1)
if [ -z "$version" ]; then
  echo "echo 'PostgreSQL is not installed (apt package postgresql): the PostgreSQL tests will fail' >&2"
  exit 0
fi
if ! pg_lsclusters -h 2>/dev/null | grep -q .; then
  pg_createcluster "$version" main >/dev/null
fi
cluster=$(pg_lsclusters -h | head -1 | awk '{print $1" "$2}')
port=$(pg_lsclusters -h | head -1 | awk '{print $3}')
status=$(pg_lsclusters -h | head -1 | awk '{print $4}')
[ "$status" = "online" ] || pg_ctlcluster $cluster start >&2
for _ in $(seq 1 30); do
  as_postgres "psql -p $port -tAc 'select 1'" >/dev/null 2>&1 && break
  sleep 0.5
done
as_postgres "psql -p $port -tAc \"SELECT 1 FROM pg_roles WHERE rolname='gongkai'\"" | grep -q 1 \
  || as_postgres "psql -p $port -qc \"CREATE ROLE gongkai LOGIN PASSWORD 'gongkai' SUPERUSER\"" >&2
as_postgres "psql -p $port -tAc \"SELECT 1 FROM pg_database WHERE datname='gongkai_test'\"" | grep -q 1 \
  || as_postgres "createdb -p $port -O gongkai gongkai_test" >&2
echo "export GONGKAI_TEST_PG_URL=postgresql+psycopg://gongkai:gongkai@127.0.0.1:$port/gongkai_test"
