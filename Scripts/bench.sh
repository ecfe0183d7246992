#!/usr/bin/env bash
# The benchmark set, in one run, beside pgbench on the same PostgreSQL, and a dated section
# of BENCHMARKS.md with the figures and their ratios.
#
#   Scripts/bench.sh [seconds per run, default 10]     (BENCH_NO_WRITE=1: print only)
#
# 1. Scripts/run.sh: the whole system, release build, local PostgreSQL on 55432, restarted
#    with TONGXIN_DB_POOL_SIZE=16 (pgbench's 16 clients; override by setting it)
# 2. pgbench on a database of its own in the same cluster: -S (select-only) and a
#    one-insert script, 16 clients on 2 threads
# 3. tongxin-bench: Ping; GetUnit (one row) at 16 in flight; GetCouncil of 60 seats at 1 in
#    flight; CreatePerson (insert + audit) at 16 in flight; each over 2 connections
# 4. prints the table and the ratios to pgbench; appends it to BENCHMARKS.md
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
cd "$repo"
seconds="${1:-10}"

# The services start afresh for the run, each with as many PostgreSQL connections as pgbench
# has clients (16), so both sides get the same number of backends.
Scripts/run.sh stop >/dev/null 2>&1 || true
TONGXIN_DB_POOL_SIZE="${TONGXIN_DB_POOL_SIZE:-16}" Scripts/run.sh >/dev/null
[[ -x /usr/bin/time ]] || { apt-get update -qq && apt-get install -y -qq time >/dev/null; }
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

tick="$(getconf CLK_TCK)"
service_pid="$(pgrep -f "$bin/tongxin-membership" | head -1)"
cpu_of() {  # CPU ticks (user + system) of the given pids, summed
  local total=0 pid value
  for pid in "$@"; do
    value="$(awk '{ print $14 + $15 }' "/proc/$pid/stat" 2>/dev/null || echo 0)"
    total=$((total + value))
  done
  echo "$total"
}
postgres_cpu() {  # every PostgreSQL process alive now, plus those already gone (the postmaster's reaped children)
  local postmaster reaped
  postmaster="$(head -1 .tongxin/pgdata/postmaster.pid 2>/dev/null || echo 0)"
  reaped="$(awk '{ print $16 + $17 }' "/proc/$postmaster/stat" 2>/dev/null || echo 0)"
  # This cluster's processes only (other clusters may run on the machine): the postmaster and its children.
  echo $(( $(cpu_of "$postmaster" $(pgrep -P "$postmaster" || true)) + reaped ))
}

# Each run prints one JSON object: its result plus the CPU it cost per call, split into the
# client (pgbench or tongxin-bench), the service and PostgreSQL, in microseconds.
pgbench_run() {
  local before_pg after_pg out client
  before_pg="$(postgres_cpu)"
  out="$( { /usr/bin/time -f 'CLIENT %U %S' "$pgbin/pgbench" -n -c 16 -j 2 -T "$seconds" "$@" "$bench_url"; } 2>&1)"
  sleep 2  # pgbench's backends exit after it does; their CPU counts once the postmaster reaps them
  after_pg="$(postgres_cpu)"
  client="$(echo "$out" | awk '/^CLIENT/ { print $2 + $3 }')"
  echo "$out" | python3 -c '
import json, sys
text = sys.stdin.read()
tps = next(float(l.split()[2]) for l in text.splitlines() if l.startswith("tps = "))
txns = next(int(l.split()[-1]) for l in text.splitlines() if l.startswith("number of transactions actually processed"))
tick, pg, client = float(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3])
print(json.dumps({"tps": tps, "client_us": client * 1e6 / txns, "service_us": 0, "pg_us": pg / tick * 1e6 / txns}))
' "$tick" "$((after_pg - before_pg))" "$client"
}
tongxin() {
  local before_pg after_pg before_svc after_svc out client
  before_pg="$(postgres_cpu)"; before_svc="$(cpu_of "$service_pid")"
  out="$( { /usr/bin/time -f 'CLIENT %U %S' "$bin/tongxin-bench" --port 7101 --connections 2 --client-threads 2 --duration "$seconds" "$@"; } 2>&1)"
  after_pg="$(postgres_cpu)"; after_svc="$(cpu_of "$service_pid")"
  client="$(echo "$out" | awk '/^CLIENT/ { print $2 + $3 }')"
  echo "$out" | sed -n 's/^RESULT //p' | python3 -c '
import json, sys
r = json.loads(sys.stdin.read())
tick, pg, svc, client, seconds = (float(a) for a in sys.argv[1:6])
calls = max(1, r["calls"]) * (1 + float(sys.argv[6]) / seconds)  # warm-up calls cost CPU too
r["client_us"] = client * 1e6 / calls
r["service_us"] = svc / tick * 1e6 / calls
r["pg_us"] = pg / tick * 1e6 / calls
print(json.dumps(r))
' "$tick" "$((after_pg - before_pg))" "$((after_svc - before_svc))" "$client" "$seconds" 1
}

echo "pgbench -S…";               select_run="$(pgbench_run -S)"
echo "pgbench one insert…";       insert_run="$(pgbench_run -f "$work/insert.sql")"
echo "ping, 64 in flight…";       ping="$(tongxin --concurrency 64 --method ping)"
echo "get-unit, 16 in flight…";   get_unit="$(tongxin --concurrency 16 --method get-unit)"
echo "get-council (60), 1…";      get_council="$(tongxin --concurrency 1 --method get-council --council-size 60)"
echo "create-person, 16…";        create_person="$(tongxin --concurrency 16 --method create-person)"
echo "create-person, 16 towns…";  create_person_towns="$(tongxin --concurrency 16 --method create-person --towns 16)"

machine="$(nproc) vCPU $(lscpu | sed -n 's/^Model name: *//p' | head -1), $(free -g | awk '/^Mem:/ { print $2 }') GiB RAM, $(uname -sr), $(swift --version 2>/dev/null | head -1 | sed 's/.*Swift version \([0-9.]*\).*/Swift \1/'), $(psql "$superuser_url" -XAtc 'SHOW server_version' | cut -d' ' -f1)"

section="$(python3 - "$seconds" "$machine" "$select_run" "$insert_run" "$ping" "$get_unit" "$get_council" "$create_person" "$create_person_towns" <<'PY'
import datetime, json, sys
seconds, machine = sys.argv[1], sys.argv[2]
select_run, insert_run = json.loads(sys.argv[3]), json.loads(sys.argv[4])
select_tps, insert_tps = select_run["tps"], insert_run["tps"]
ping, get_unit, get_council, create_person, create_person_towns = (json.loads(a) for a in sys.argv[5:10])
def us(v):
    return f"{v/1000:.2f} ms" if v >= 1000 else f"{v} µs"
def cpu(r):
    return f"{r['client_us']:.0f} / {r['service_us']:.0f} / {r['pg_us']:.0f}"
def row(name, r, ratio=""):
    return (f"| {name} | {r['concurrency']} | {r['calls_per_second']:,.0f} | {us(r['p50_us'])} | {us(r['p90_us'])} "
            f"| {us(r['p99_us'])} | {r['errors']} | {cpu(r)} | {ratio} |")
unit_ratio = get_unit["calls_per_second"] / select_tps
person_ratio = create_person["calls_per_second"] / insert_tps
towns_ratio = create_person_towns["calls_per_second"] / insert_tps
lines = [
    f"## Scripts/bench.sh, {datetime.date.today().isoformat()}",
    "",
    f"**Machine**: {machine}. Client, services and PostgreSQL share the cores.",
    f"Command: `Scripts/bench.sh {seconds}` ({seconds} s per run, tongxin-bench over 2 connections on 2 client event loops (`--client-threads 2`); "
    "pgbench `-c 16 -j 2` on a scale-10 database in the same cluster, in the same run).",
    "",
    "CPU per call is µs of CPU time (user + system) spent by the client (pgbench or tongxin-bench), the",
    "service and PostgreSQL (all its processes), divided by the calls made: what each call costs the",
    "machine, whatever else was running.",
    "",
    "| workload | in flight | calls/s | p50 | p90 | p99 | errors | CPU per call µs: client / service / PostgreSQL | vs pgbench |",
    "|---|---|---|---|---|---|---|---|---|",
    f"| pgbench -S (select-only) | 16 | {select_tps:,.0f} | | | | | {cpu(select_run)} | |",
    f"| pgbench, one INSERT | 16 | {insert_tps:,.0f} | | | | | {cpu(insert_run)} | |",
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
