#!/usr/bin/env bash
# The restore drill (run by Scripts/test.sh; by hand: Scripts/restore_drill.sh after a build).
#
# Fills a throwaway deployment through the API, backs it up while the service runs, loses
# it, restores the backup into a new cluster on another port, starts the service on the
# restored cluster, and checks: the row counts per schema against the manifest (and per
# table, inside restore.sh), a sample of reads through the API answering as before the
# backup, and every audit chain INTACT through VerifyAuditChain with its keyed checkpoints.
# Exit status 0 only when all of it holds; prints the figures (backup size and time,
# restore time).
#
# Env: TONGXIN_DRILL_PGPORT (31437) and TONGXIN_DRILL_RESTORE_PGPORT (31438): the two
#      clusters; TONGXIN_DRILL_RPC_PORT (7191): the service (on both, one after the other);
#      TONGXIN_DRILL_BIN: the executables (default: the debug build's bin path).
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
cd "$repo"
# Scripts/test.sh exports its own cluster's settings; the drill names its clusters itself.
unset TONGXIN_PGDATA TONGXIN_PGPORT TONGXIN_PG_SUPERPASS TONGXIN_TEST_DATABASE_URL TONGXIN_TOKEN
pgbin="/usr/lib/postgresql/15/bin"
# Below Linux's ephemeral range (32768–60999): the restored cluster starts while the source
# service's pooled connections hold ephemeral ports, one of which can be any port in that range.
source_port="${TONGXIN_DRILL_PGPORT:-31437}"
restore_port="${TONGXIN_DRILL_RESTORE_PGPORT:-31438}"
rpc_port="${TONGXIN_DRILL_RPC_PORT:-7191}"
bin="${TONGXIN_DRILL_BIN:-$(swift build --show-bin-path)}"
drill="$repo/.tongxin/drill"
for executable in tongxin-membership tongxinctl tongxin-bench; do
  [[ -x "$bin/$executable" ]] || { echo "restore drill: $bin/$executable is missing; build first (swift build)" >&2; exit 1; }
done

say() { echo "restore drill: $*"; }
fail() { echo "restore drill: FAILED: $*" >&2; exit 1; }
ms_since() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }
seconds() { echo "$(($1 / 1000)).$(printf '%03d' $(($1 % 1000)))"; }

service_pid=""
stop_service() {
  if [[ -n "$service_pid" ]] && kill -0 "$service_pid" 2>/dev/null; then
    kill -TERM "$service_pid"
    for _ in $(seq 1 100); do kill -0 "$service_pid" 2>/dev/null || break; sleep 0.1; done
  fi
  service_pid=""
}
stop_clusters() {
  for cluster in source restored; do
    if [[ -f "$drill/$cluster/pgdata/PG_VERSION" ]]; then
      TONGXIN_PGDATA="$drill/$cluster/pgdata" "$repo/Scripts/postgres.sh" stop >/dev/null 2>&1 || true
    fi
  done
}
cleanup() { stop_service; stop_clusters; }
trap cleanup EXIT

# A clean slate (a previous drill's clusters stopped and removed).
stop_clusters
rm -rf "$drill"
mkdir -p "$drill/source" "$drill/restored" "$drill/logs"

# --- 1. A deployment as Scripts/run.sh makes it: secrets, cluster, bootstrap, migrate, serve.
hex() { python3 -c "import secrets; print(secrets.token_hex($1))"; }
secrets="$drill/source/secrets.env"
(
  umask 077
  {
    echo "TONGXIN_PG_SUPERPASS=$(hex 16)"
    echo "TONGXIN_AUTH_SECRET=$(hex 32)"
    echo "TONGXIN_PII_KEY=$(hex 32)"
    echo "TONGXIN_PII_HASH_KEY=$(hex 32)"
    echo "TONGXIN_AUDIT_CHECKPOINT_KEY=$(hex 32)"
    for role in audit_owner kit_owner membership_owner membership_svc; do
      echo "TONGXIN_DB_PASSWORD_$(echo "$role" | tr '[:lower:]' '[:upper:]')=$(hex 16)"
    done
  } > "$secrets"
)
env_of() { ( set +u; set -a; source "$1" >/dev/null 2>&1; eval "printf '%s' \"\${$2:-}\"" ); }
url_of() { echo "postgres://$2:$(env_of "$1" "TONGXIN_DB_PASSWORD_$(echo "$2" | tr '[:lower:]' '[:upper:]')")@127.0.0.1:$3/tongxin"; }

start_deployment() {  # secrets-file pgdata port log
  local file="$1" data="$2" port="$3" log="$4" superpass
  superpass="$(env_of "$file" TONGXIN_PG_SUPERPASS)"
  TONGXIN_PGDATA="$data" TONGXIN_PGPORT="$port" TONGXIN_PG_SUPERPASS="$superpass" "$repo/Scripts/postgres.sh" start
  local superuser="postgres://postgres:$superpass@127.0.0.1:$port/tongxin"
  local args=()
  for role in audit_owner kit_owner membership_owner membership_svc; do
    args+=(-v "password_$role=$(env_of "$file" "TONGXIN_DB_PASSWORD_$(echo "$role" | tr '[:lower:]' '[:upper:]')")")
  done
  "$pgbin/psql" "$superuser" -X -q -v ON_ERROR_STOP=1 "${args[@]}" -f Scripts/sql/bootstrap.sql >/dev/null
  # The migrate step, audit_owner allowed to log in only meanwhile (as run.sh).
  "$pgbin/psql" "$superuser" -X -q -c "ALTER ROLE audit_owner LOGIN"
  local status=0
  env -i PATH="$PATH" HOME="${HOME:-/root}" \
      "TONGXIN_AUTH_SECRET=$(env_of "$file" TONGXIN_AUTH_SECRET)" \
      "TONGXIN_PII_KEY=$(env_of "$file" TONGXIN_PII_KEY)" \
      "TONGXIN_PII_HASH_KEY=$(env_of "$file" TONGXIN_PII_HASH_KEY)" \
      "TONGXIN_AUDIT_OWNER_DATABASE_URL=$(url_of "$file" audit_owner "$port")" \
      "TONGXIN_KIT_OWNER_DATABASE_URL=$(url_of "$file" kit_owner "$port")" \
      "TONGXIN_MEMBERSHIP_OWNER_DATABASE_URL=$(url_of "$file" membership_owner "$port")" \
      "$bin/tongxin-membership" migrate >>"$log" 2>&1 || status=$?
  "$pgbin/psql" "$superuser" -X -q -c "ALTER ROLE audit_owner NOLOGIN"
  [[ $status == 0 ]] || { tail -20 "$log" >&2; fail "migrate on port $port exited $status"; }
  env -i PATH="$PATH" HOME="${HOME:-/root}" \
      "TONGXIN_AUTH_SECRET=$(env_of "$file" TONGXIN_AUTH_SECRET)" \
      "TONGXIN_PII_KEY=$(env_of "$file" TONGXIN_PII_KEY)" \
      "TONGXIN_PII_HASH_KEY=$(env_of "$file" TONGXIN_PII_HASH_KEY)" \
      "TONGXIN_AUDIT_CHECKPOINT_KEY=$(env_of "$file" TONGXIN_AUDIT_CHECKPOINT_KEY)" \
      TONGXIN_AUDIT_CHECKPOINT_SECONDS=1 TONGXIN_DB_POOL_SIZE=2 \
      "TONGXIN_MEMBERSHIP_PORT=$rpc_port" TONGXIN_MEMBERSHIP_METRICS_PORT=0 \
      "TONGXIN_MEMBERSHIP_DATABASE_URL=$(url_of "$file" membership_svc "$port")" \
      "$bin/tongxin-membership" >>"$log" 2>&1 &
  service_pid=$!
  for _ in $(seq 1 150); do
    kill -0 "$service_pid" 2>/dev/null || { tail -20 "$log" >&2; fail "tongxin-membership exited on port $port"; }
    "$bin/tongxin-bench" --port "$rpc_port" --duration 0 --probe >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  fail "tongxin-membership did not answer on $rpc_port"
}

say "starting the source deployment (cluster 127.0.0.1:$source_port, service $rpc_port)"
start_deployment "$secrets" "$drill/source/pgdata" "$source_port" "$drill/logs/source.log"

# --- 2. Fill it through the API: two counties, towns, villages, people, a council with its seats.
export TONGXIN_AUTH_SECRET="$(env_of "$secrets" TONGXIN_AUTH_SECRET)"
"$bin/tongxin-bench" --port "$rpc_port" --method get-council --council-size 24 --duration 0 --warmup 0 >"$drill/logs/fill-council.log" 2>&1 \
  || { cat "$drill/logs/fill-council.log" >&2; fail "filling a council failed"; }
"$bin/tongxin-bench" --port "$rpc_port" --method create-person --towns 3 --connections 1 --concurrency 4 --duration 1 --warmup 0 \
  >"$drill/logs/fill-people.log" 2>&1 || { cat "$drill/logs/fill-people.log" >&2; fail "filling people failed"; }
superuser="postgres://postgres:$(env_of "$secrets" TONGXIN_PG_SUPERPASS)@127.0.0.1:$source_port/tongxin"
counties=($("$pgbin/psql" "$superuser" -X -A -t -c "SELECT division_code FROM membership.units WHERE level = 1 ORDER BY 1"))
IFS='|' read -r council council_county < <("$pgbin/psql" "$superuser" -X -A -t -c "SELECT id, county_code FROM membership.councils LIMIT 1")
[[ ${#counties[@]} == 2 && -n "$council" && -n "$council_county" ]] || fail "the fill did not create two counties and a council"
# tongxinctl against the service itself (the drill runs no gateway): a token minted for
# membership's audience, acting at UNIT with PERMISSIONS.
ctl() {  # unit permission… -- tongxinctl arguments…
  local unit="$1" permissions=()
  shift
  while [[ $1 != -- ]]; do permissions+=("$1"); shift; done
  shift
  TONGXIN_TOKEN="$("$bin/tongxinctl" token mint --audience membership --unit-path "$unit" --permission "${permissions[@]}")" \
    XDG_CONFIG_HOME="$drill/config" NO_COLOR=1 "$bin/tongxinctl" "$@" --gateway "127.0.0.1:$rpc_port"
}
# The sample of reads, answered by the source deployment.
reads() {  # output file
  {
    for county in "${counties[@]}"; do
      ctl "u$county" membership.read -- unit list
    done
    # (exit 1 is a violation, which the fixture's council without a chair has; the output is compared)
    ctl "u$council_county" membership.read -- council check "$council" --include-nominees || true
    # Phone and ID numbers decrypted (pii.read) and found by their keyed hash: the PII keys work.
    ctl "u$council_county" membership.read pii.read -- person find --name-prefix 成员
    ctl "u$council_county" membership.read people.search -- person find --phone 13800000007
  } > "$1" 2>&1
  grep -q "^members counted  *24 " "$1" || { cat "$1" >&2; fail "council check did not answer"; }
  [[ $(grep -cE " 成员[0-9]+ .* 138000000[0-9]{2} " "$1") == 24 ]] || { cat "$1" >&2; fail "person find did not show the 24 members' decrypted phone numbers"; }
  grep -qE " 成员7 .*\*{7}0007 " "$1" || { cat "$1" >&2; fail "person find did not find the member by phone"; }
}
reads "$drill/reads.before"   # (the PII reads and the search are audited: entries to checkpoint)
# Every chain gets its keyed checkpoint (the service writes them every second here).
for _ in $(seq 1 100); do
  [[ "$("$pgbin/psql" "$superuser" -X -A -t -c "SELECT count(*) FROM audit.pending_checkpoints()")" == 0 ]] && break
  sleep 0.1
done

audit_verify() {  # output file
  local status=0
  : > "$1"
  for county in "${counties[@]}"; do
    ctl "u$county" audit.verify -- audit verify >> "$1" || status=1
  done
  return $status
}
audit_verify "$drill/audit.before" || { cat "$drill/audit.before" >&2; fail "the source's audit chains do not verify"; }
# `audit verify` prints CHAIN VERDICT ENTRIES HEAD CHECKPOINTS per chain.
chain_rows() { awk '$1 != "CHAIN" && $2 ~ /^[A-Z_]+$/ && NF >= 5' "$1"; }
chain_rows "$drill/audit.before" | awk '$5 > 0' | grep -q . || fail "no keyed checkpoint was written before the backup"

# --- 3. Back up while the service runs; the keys go elsewhere.
t0=$(date +%s%N)
"$repo/Scripts/backup.sh" --secrets "$secrets" --port "$source_port" --export-keys "$drill/keys/keys.env" "$drill/backup" \
  >"$drill/logs/backup.log" 2>&1 || { cat "$drill/logs/backup.log" >&2; fail "backup.sh failed"; }
backup_ms=$(ms_since "$t0")
backup_bytes=$(du -sb "$drill/backup" | cut -f1)
if grep -r -q -F -e "$(env_of "$secrets" TONGXIN_PII_KEY)" -e "$TONGXIN_AUTH_SECRET" "$drill/backup"; then
  fail "a key was found inside the backup directory"
fi
[[ "$(stat -c %a "$drill/keys/keys.env")" == 600 ]] || fail "the exported keys file is not mode 600"
if "$repo/Scripts/backup.sh" --secrets "$secrets" --port "$source_port" --export-keys "$drill/backup2/keys.env" "$drill/backup2" >/dev/null 2>&1; then
  fail "backup.sh accepted --export-keys inside the backup directory"
fi

# A damaged backup and the wrong keys are refused before anything is restored.
cp -r "$drill/backup" "$drill/damaged"
echo "-- tampered" >> "$drill/damaged/globals.sql"
if python3 Scripts/backup_manifest.py verify-files "$drill/damaged" >/dev/null 2>&1; then
  fail "a damaged backup passed the manifest's sha256 check"
fi
sed "s/^TONGXIN_PII_KEY=.*/TONGXIN_PII_KEY=$(hex 32)/" "$drill/keys/keys.env" > "$drill/keys/wrong.env"
if python3 Scripts/backup_manifest.py check-keys "$drill/backup" "$drill/keys/wrong.env" >/dev/null 2>&1; then
  fail "a wrong PII key passed the fingerprint check"
fi

# --- 4. The deployment is lost.
stop_service
TONGXIN_PGDATA="$drill/source/pgdata" "$repo/Scripts/postgres.sh" stop

# A restore refuses to go over an existing cluster.
if "$repo/Scripts/restore.sh" --pgdata "$drill/source/pgdata" --port "$restore_port" --keys "$drill/keys/keys.env" "$drill/backup" \
    >/dev/null 2>&1; then
  fail "restore.sh restored over an existing cluster"
fi

# --- 5. Restore into a new cluster on another port, with the exported keys only.
t0=$(date +%s%N)
"$repo/Scripts/restore.sh" --pgdata "$drill/restored/pgdata" --port "$restore_port" --keys "$drill/keys/keys.env" "$drill/backup" \
  >"$drill/logs/restore.log" 2>&1 || { cat "$drill/logs/restore.log" >&2; fail "restore.sh failed"; }
restore_ms=$(ms_since "$t0")
grep -E "^  (schema|audit|rows)" "$drill/logs/restore.log" | sed 's/^/restore drill:   /'

# --- 6. Serve from the restored cluster (new role passwords, the same keys) and check.
say "starting the service on the restored cluster (127.0.0.1:$restore_port)"
start_deployment "$drill/restored/secrets.env" "$drill/restored/pgdata" "$restore_port" "$drill/logs/restored.log"

restored_superuser="postgres://postgres:$(env_of "$drill/restored/secrets.env" TONGXIN_PG_SUPERPASS)@127.0.0.1:$restore_port/tongxin"
python3 - "$drill/backup/manifest.json" "$restored_superuser" <<'EOF' || fail "row counts per schema differ"
import json, subprocess, sys
manifest = json.load(open(sys.argv[1]))["databases"]["tongxin"]["schemas"]
bad = 0
for schema, info in manifest.items():
    sql = " + ".join(f'(SELECT count(*) FROM "{schema}"."{table}")' for table in info["tables"]) or "0"
    actual = int(subprocess.run(["/usr/lib/postgresql/15/bin/psql", sys.argv[2], "-X", "-A", "-t", "-c", "SELECT " + sql],
                                check=True, capture_output=True, text=True).stdout.strip())
    print(f"restore drill:   {schema}: {actual} rows (backup {info['rows']})")
    bad += actual != info["rows"]
sys.exit(1 if bad else 0)
EOF
audit_verify "$drill/audit.after" || { cat "$drill/audit.after" >&2; fail "audit chains do not verify after the restore"; }
# The same chains, each intact, with the same entries and heads, and checked against a keyed checkpoint.
verdicts() { chain_rows "$1" | awk '{print $1, $2, $3, $4}'; }
[[ "$(verdicts "$drill/audit.after")" == "$(verdicts "$drill/audit.before")" ]] \
  || { diff -u <(verdicts "$drill/audit.before") <(verdicts "$drill/audit.after") >&2 || true; fail "audit verification differs after the restore"; }
chains=$(verdicts "$drill/audit.after" | wc -l)
[[ $chains -ge 4 && $(chain_rows "$drill/audit.after" | awk '$5 > 0' | wc -l) == "$chains" ]] \
  || { cat "$drill/audit.after" >&2; fail "not every restored chain was checked against a keyed checkpoint"; }
reads "$drill/reads.after"
diff -u "$drill/reads.before" "$drill/reads.after" || fail "reads through the API differ after the restore"
say "reads through the API: $(wc -l < "$drill/reads.after") lines, as before the backup"
say "audit through VerifyAuditChain: $chains chains intact, each against its keyed checkpoints"
say "OK — backup $(numfmt --to=iec "$backup_bytes")B in $(seconds "$backup_ms") s; restore (with its checks) in $(seconds "$restore_ms") s"
