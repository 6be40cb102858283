#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the test suite: `start DIR PORT` prints nothing on success,
# `stop DIR` stops it. Installs the server from Debian's packages where it is missing.
set -euo pipefail
cmd=${1:?usage: pg-cluster.sh start DIR PORT | stop DIR}
dir=${2:?directory}
find_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }
as_postgres() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

case "$cmd" in
  start)
    port=${3:?port}
    bin=$(find_bin)
    if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
      echo "installing PostgreSQL server (Debian package postgresql)..." >&2
      apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
      bin=$(find_bin)
    fi
    rm -rf "$dir" && mkdir -p "$dir"
    [ "$(id -u)" = 0 ] && chown postgres "$dir"
    as_postgres "$bin/initdb" -D "$dir/data" -A trust -U app --no-sync -E UTF8 >/dev/null
    as_postgres "$bin/pg_ctl" -D "$dir/data" -w -l "$dir/log" \
      -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" start >/dev/null
    ;;
  stop)
    bin=$(find_bin)
    [ -d "$dir/data" ] && as_postgres "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null || true
    ;;
  *) echo "unknown command $cmd" >&2; exit 2 ;;
esac
