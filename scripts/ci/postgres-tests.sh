#!/usr/bin/env bash
# The database tests again, on Debian's PostgreSQL 15 with pgTAP (the major
# version Supabase runs), in a throwaway cluster: fsync off, removed after.
set -euo pipefail
cd "$(dirname "$0")/../.."

BIN=/usr/lib/postgresql/15/bin
if [ ! -x "$BIN/initdb" ] || [ ! -f /usr/share/postgresql/15/extension/pgtap.control ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq postgresql-15 postgresql-15-pgtap >/dev/null
fi

PORT="${PG_TEST_PORT:-54398}"
DIR="$(mktemp -d /tmp/rollcall-pg.XXXXXX)"
# initdb refuses to run as root; the cluster belongs to an unprivileged user.
RUN_AS=()
if [ "$(id -u)" = 0 ]; then
  OWNER=$(id -u postgres >/dev/null 2>&1 && echo postgres || echo nobody)
  chown "$OWNER" "$DIR"
  RUN_AS=(runuser -u "$OWNER" --)
fi
cleanup() {
  "${RUN_AS[@]}" "$BIN/pg_ctl" -D "$DIR/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$DIR"
}
trap cleanup EXIT

"${RUN_AS[@]}" "$BIN/initdb" -D "$DIR/data" -U postgres --auth=trust -E UTF8 >/dev/null
"${RUN_AS[@]}" "$BIN/pg_ctl" -D "$DIR/data" -w -l "$DIR/server.log" \
  -o "-p $PORT -k $DIR -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" start >/dev/null

DATABASE_URL="postgres://postgres@127.0.0.1:$PORT/postgres" npx vitest run supabase/tests
