#!/usr/bin/env bash
# The benchmark set, in one run, beside pgbench on the same PostgreSQL, and a dated section
# of BENCHMARKS.md with the figures and their ratios.
#
#   Scripts/bench.sh [seconds per run, default 10]     (BENCH_NO_WRITE=1: print only)
#
# 1. Scripts/run.sh: the whole system, release build, local PostgreSQL on 55432
# 2. pgbench on a database of its own in the same cluster: -S (select-only) and a
#    one-insert script, 16 clients on 2 threads
# 3. tongxin-bench: Ping; GetUnit (one row) at 16 in flight; GetCouncil of 60 seats at 1 in
#    flight; CreatePerson (insert + audit) at 16 in flight; each over 2 connections
# 4. prints the table and the ratios to pgbench; appends it to BENCHMARKS.md
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
cd "$repo"
seconds="${1:-10}"

Scripts/run.sh >/dev/null
set -a; source .tongxin/secrets.env; set +a
bin="$(swift build -c release --show-bin-path)"
pgbin=/usr/lib/postgresql/15/bin
superuser_url="$(Scripts/postgres.sh url)"
bench_url="${superuser_url%/*}/pgbench"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

echo "preparing pgbench (scale 10)…"
psql "$superuser_url" -X -q -c "DROP DATABASE IF EXISTS pgbench" -c "CREATE DATABASE pgbench"
"$pgbin/pgbench" -i -s 10 -q "$bench_url" >/dev/null 2>&1
psql "$bench_url" -X -q -c "CREATE TABLE one_insert (id bigserial PRIMARY KEY, payload text NOT NULL, created_at timestamptz NOT NULL DEFAULT now())"
echo "INSERT INTO one_insert (payload) VALUES ('居民');" > "$work/insert.sql"

pgbench_tps() {  # prints the TPS of one pgbench run
  "$pgbin/pgbench" -n -c 16 -j 2 -T "$seconds" "$@" "$bench_url" 2>/dev/null \
    | awk '/^tps = / { print $3; exit }'
}
tongxin() {  # prints tongxin-bench's RESULT json
  "$bin/tongxin-bench" --port 7101 --connections 2 --duration "$seconds" "$@" | sed -n 's/^RESULT //p'
}

echo "pgbench -S…";               select_tps="$(pgbench_tps -S)"
echo "pgbench one insert…";       insert_tps="$(pgbench_tps -f "$work/insert.sql")"
echo "ping, 64 in flight…";       ping="$(tongxin --concurrency 64 --method ping)"
echo "get-unit, 16 in flight…";   get_unit="$(tongxin --concurrency 16 --method get-unit)"
echo "get-council (60), 1…";      get_council="$(tongxin --concurrency 1 --method get-council --council-size 60)"
echo "create-person, 16…";        create_person="$(tongxin --concurrency 16 --method create-person)"
echo "create-person, 16 towns…";  create_person_towns="$(tongxin --concurrency 16 --method create-person --towns 16)"

machine="$(nproc) vCPU $(lscpu | sed -n 's/^Model name: *//p' | head -1), $(free -g | awk '/^Mem:/ { print $2 }') GiB RAM, $(uname -sr), $(swift --version 2>/dev/null | head -1 | sed 's/.*Swift version \([0-9.]*\).*/Swift \1/'), $(psql "$superuser_url" -XAtc 'SHOW server_version' | cut -d' ' -f1)"

section="$(python3 - "$seconds" "$machine" "$select_tps" "$insert_tps" "$ping" "$get_unit" "$get_council" "$create_person" "$create_person_towns" <<'PY'
import datetime, json, sys
seconds, machine, select_tps, insert_tps = sys.argv[1], sys.argv[2], float(sys.argv[3]), float(sys.argv[4])
ping, get_unit, get_council, create_person, create_person_towns = (json.loads(a) for a in sys.argv[5:10])
def us(v):
    return f"{v/1000:.2f} ms" if v >= 1000 else f"{v} µs"
def row(name, r, ratio=""):
    return (f"| {name} | {r['concurrency']} | {r['calls_per_second']:,.0f} | {us(r['p50_us'])} | {us(r['p90_us'])} "
            f"| {us(r['p99_us'])} | {r['errors']} | {ratio} |")
unit_ratio = get_unit["calls_per_second"] / select_tps
person_ratio = create_person["calls_per_second"] / insert_tps
towns_ratio = create_person_towns["calls_per_second"] / insert_tps
lines = [
    f"## Scripts/bench.sh, {datetime.date.today().isoformat()}",
    "",
    f"**Machine**: {machine}. Client, services and PostgreSQL share the cores.",
    f"Command: `Scripts/bench.sh {seconds}` ({seconds} s per run, tongxin-bench over 2 connections; "
    "pgbench `-c 16 -j 2` on a scale-10 database in the same cluster, in the same run).",
    "",
    "| workload | in flight | calls/s | p50 | p90 | p99 | errors | vs pgbench |",
    "|---|---|---|---|---|---|---|---|",
    f"| pgbench -S (select-only) | 16 | {select_tps:,.0f} | | | | | |",
    f"| pgbench, one INSERT | 16 | {insert_tps:,.0f} | | | | | |",
    row("Health.Ping", ping),
    row("GetUnit (one row)", get_unit, f"{unit_ratio:.0%} of -S (target ≥ 60%)"),
    row("GetCouncil (60 seats)", get_council, "p50 target ≤ 600 µs"),
    row("CreatePerson (insert + audit), one town", create_person, f"{person_ratio:.0%} of one INSERT (target ≥ 40%)"),
    row("CreatePerson (insert + audit), 16 towns", create_person_towns, f"{towns_ratio:.0%} of one INSERT"),
    "",
]
print("\n".join(lines))
PY
)"
echo
echo "$section"
if [[ "${BENCH_NO_WRITE:-0}" != 1 ]]; then
  printf '\n%s\n' "$section" >> BENCHMARKS.md
  echo "appended to BENCHMARKS.md"
fi
