#!/usr/bin/env bash
# Runs the given command with DATABASE_URL pointing at a PostgreSQL server:
#   1. $DATABASE_URL when it is set;
#   2. else the server on 127.0.0.1:5432 (user postgres) when one answers;
#   3. else a throwaway cluster started from the installed PostgreSQL binaries
#      (as root through runuser/su to postgres, since initdb refuses root), stopped
#      and removed afterwards;
#   4. else a clear message on how to get PostgreSQL.
set -u
PY=${PY:-.venv/bin/python}

answers() {  # answers URL: true when a PostgreSQL server accepts a connection there
  "$PY" - "$1" <<'PYEOF' >/dev/null 2>&1
import sys, psycopg
psycopg.connect(sys.argv[1].replace("postgres://", "postgresql://", 1), connect_timeout=3).close()
PYEOF
}

if [ -n "${DATABASE_URL:-}" ]; then
  exec "$@"
fi

# One database name per checkout (pytest-django adds "test_"), so two checkouts of the
# project can run their suites on one server at the same time without colliding.
checkout_id=$(printf '%s' "$PWD" | cksum | cut -d' ' -f1)
db_name="portal_$checkout_id"
local_url="postgres://postgres@127.0.0.1:5432/$db_name"
if answers "postgresql://postgres@127.0.0.1:5432/postgres"; then
  DATABASE_URL=$local_url exec "$@"
fi

bindir=""
for candidate in "$(command -v pg_config >/dev/null 2>&1 && pg_config --bindir)" /usr/lib/postgresql/*/bin; do
  if [ -n "$candidate" ] && [ -x "$candidate/initdb" ] && [ -x "$candidate/pg_ctl" ]; then
    bindir=$candidate
  fi
done
if [ -z "$bindir" ]; then
  cat >&2 <<MSG
No PostgreSQL server answers and no PostgreSQL binaries were found.
The tests run on PostgreSQL. Either:
  - set DATABASE_URL=postgres://USER@HOST:PORT/DB (the user needs CREATEDB), or
  - start a server on 127.0.0.1:5432 with a 'postgres' user, or
  - install PostgreSQL (Debian/Ubuntu: apt-get install postgresql) and run make test again.
MSG
  exit 2
fi

as_postgres() {
  if [ "$(id -u)" = 0 ]; then
    if command -v runuser >/dev/null 2>&1; then runuser -u postgres -- "$@"; else su postgres -s /bin/sh -c "$(printf '%q ' "$@")"; fi
  else
    "$@"
  fi
}

tmp=$(mktemp -d /tmp/portal-pg.XXXXXX)
port=$((20000 + RANDOM % 20000))
[ "$(id -u)" = 0 ] && chown postgres "$tmp"
echo "No PostgreSQL answers on 127.0.0.1:5432: starting a throwaway cluster on port $port ($bindir)." >&2
cleanup() {
  as_postgres "$bindir/pg_ctl" -D "$tmp/data" -m fast -w stop >/dev/null 2>&1
  rm -rf "$tmp"
}
trap cleanup EXIT
as_postgres "$bindir/initdb" -D "$tmp/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$tmp/initdb.log" 2>&1 \
  || { cat "$tmp/initdb.log" >&2; exit 2; }
as_postgres "$bindir/pg_ctl" -D "$tmp/data" -l "$tmp/server.log" \
  -o "-p $port -k $tmp -c listen_addresses=127.0.0.1" -w start >/dev/null \
  || { cat "$tmp/server.log" >&2; exit 2; }
DATABASE_URL="postgres://postgres@127.0.0.1:$port/$db_name" "$@"
