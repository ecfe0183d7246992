#!/usr/bin/env bash
# A throwaway local PostgreSQL 15 cluster for development and tests.
#
#   Scripts/postgres.sh start    start (initdb on first use); idempotent
#   Scripts/postgres.sh stop     fast shutdown
#   Scripts/postgres.sh status   "running" / "stopped" (exit 0 / 3)
#   Scripts/postgres.sh url      postgres://postgres:PASS@127.0.0.1:PORT/tongxin
#
# Env: TONGXIN_PGDATA (default $repo/.tongxin/pgdata), TONGXIN_PGPORT (default 55432),
#      TONGXIN_PG_SUPERPASS (default tongxin-dev),
#      TONGXIN_PG_MAX_CONNECTIONS (default 400: the test suites run in parallel, each with
#      its services' pools; a deployment's services take 8–16 each),
#      TONGXIN_PG_NOSYNC=1: a throwaway cluster (the restore drill): initdb --no-sync and the
#      server without fsync — never for a cluster whose data matters.
#
# initdb and postgres refuse to run as root, so when run as root the server runs as the
# `postgres` OS user; the data and socket directories are owned by it.
set -euo pipefail

# A server started from a process that holds many descriptors (a test run with thousands
# of sockets) inherits them and counts them against its own budget ("insufficient file
# descriptors available to start server process"): close everything above stderr, except
# the script bash is reading (255).
for fd in $(ls /proc/$$/fd 2>/dev/null); do
  if (( fd > 2 && fd != 255 )); then eval "exec $fd>&-" 2>/dev/null || true; fi
done

repo="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd -P)"
pgbin="/usr/lib/postgresql/15/bin"
pgdata="${TONGXIN_PGDATA:-$repo/.tongxin/pgdata}"
pgport="${TONGXIN_PGPORT:-55432}"
superpass="${TONGXIN_PG_SUPERPASS:-tongxin-dev}"
nosync_initdb=()
nosync_server=""
if [[ "${TONGXIN_PG_NOSYNC:-}" == 1 ]]; then
    nosync_initdb=(--no-sync)
    nosync_server=" -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
fi
state_dir="$(dirname "$pgdata")"
sockdir="$state_dir/pgsocket"
cluster="$(basename "$pgdata")"
logfile="$state_dir/$cluster.log"

die() { echo "postgres.sh: $*" >&2; exit 1; }

[[ -x "$pgbin/initdb" && -x "$pgbin/pg_ctl" && -x "$pgbin/postgres" ]] \
    || die "PostgreSQL 15 binaries not found in $pgbin: run Scripts/setup.sh first"

# Run a command as the cluster's OS user (root cannot run initdb/postgres).
as_pg() {
    if [[ "$(id -u)" == 0 ]]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

# The postgres user must be able to traverse every parent of its directories.
open_parents() {
    local dir="$1"
    while [[ "$dir" != "/" && -n "$dir" ]]; do
        if [[ "$(stat -c %u "$dir" 2>/dev/null || echo)" == 0 ]]; then
            chmod o+x "$dir" 2>/dev/null || true
        fi
        dir="$(dirname "$dir")"
    done
}

is_running() {
    [[ -f "$pgdata/PG_VERSION" ]] && as_pg "$pgbin/pg_ctl" -D "$pgdata" status >/dev/null 2>&1
}

psql_super() {
    PGPASSWORD="$superpass" "$pgbin/psql" -X -q -v ON_ERROR_STOP=1 \
        -h 127.0.0.1 -p "$pgport" -U postgres "$@"
}

init_cluster() {
    mkdir -p "$pgdata" "$sockdir"
    if [[ "$(id -u)" == 0 ]]; then
        chown postgres:postgres "$pgdata" "$sockdir"
        open_parents "$state_dir"
    fi
    chmod 700 "$pgdata"
    if [[ ! -f "$pgdata/PG_VERSION" ]]; then
        local pwfile
        pwfile="$(mktemp)"
        printf '%s\n' "$superpass" >"$pwfile"
        chmod 644 "$pwfile"
        if ! as_pg "$pgbin/initdb" -D "$pgdata" --auth=scram-sha-256 --username=postgres \
            --pwfile="$pwfile" --encoding=UTF8 --locale=C.UTF-8 "${nosync_initdb[@]}" >"$state_dir/$cluster.initdb.log" 2>&1; then
            rm -f "$pwfile"
            cat "$state_dir/$cluster.initdb.log" >&2
            die "initdb failed"
        fi
        rm -f "$pwfile"
    fi
}

wait_ready() {
    local i
    for i in $(seq 1 100); do
        if "$pgbin/pg_isready" -q -h 127.0.0.1 -p "$pgport"; then
            return 0
        fi
        sleep 0.1
    done
    return 1
}

start() {
    mkdir -p "$state_dir"
    # Serialize concurrent starts of the same cluster (parallel test processes).
    exec 9>"$state_dir/.$cluster.lock"
    flock 9
    init_cluster
    touch "$logfile"
    if [[ "$(id -u)" == 0 ]]; then chown postgres:postgres "$logfile"; fi
    if ! is_running; then
        # 9>&-: the server must not inherit the lock's descriptor, or it would hold the
        # lock for as long as it runs and the next `start` would wait forever.
        # The ports (55432…) lie in Linux's ephemeral range, so a client connection's local
        # port can hold ours for a moment: when the bind fails, wait and try again.
        local attempt
        for attempt in 1 2 3 4 5 6; do
            local lines
            lines="$(wc -l <"$logfile")"
            as_pg "$pgbin/pg_ctl" -D "$pgdata" -l "$logfile" -w -t 30 \
                -o "-c listen_addresses=127.0.0.1 -p $pgport -k $sockdir -c max_connections=${TONGXIN_PG_MAX_CONNECTIONS:-400}$nosync_server" start >/dev/null 2>&1 9>&- && break
            if [[ $attempt -lt 6 ]] && tail -n +"$((lines + 1))" "$logfile" | grep -q "Address already in use"; then
                echo "postgres.sh: port $pgport is taken for the moment; trying again" >&2
                sleep 2
                continue
            fi
            tail -n 20 "$logfile" >&2
            die "server did not start"
        done
    fi
    wait_ready || { tail -n 20 "$logfile" >&2; die "server not ready on port $pgport"; }
    if [[ "$(psql_super -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'tongxin'")" != 1 ]]; then
        psql_super -d postgres -c "CREATE DATABASE tongxin" 2>/dev/null \
            || [[ "$(psql_super -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'tongxin'")" == 1 ]] \
            || die "could not create database tongxin"
    fi
    psql_super -d tongxin -c "CREATE EXTENSION IF NOT EXISTS ltree" >/dev/null 2>&1 \
        || psql_super -d tongxin -c "CREATE EXTENSION IF NOT EXISTS ltree" >/dev/null
}

stop() {
    if is_running; then
        as_pg "$pgbin/pg_ctl" -D "$pgdata" -m fast -w -t 60 stop >/dev/null
    fi
}

case "${1:-}" in
    start) start ;;
    stop) stop ;;
    status)
        if is_running; then echo running; else echo stopped; exit 3; fi
        ;;
    url) echo "postgres://postgres:$superpass@127.0.0.1:$pgport/tongxin" ;;
    *)
        echo "usage: $0 start|stop|status|url" >&2
        exit 2
        ;;
esac
