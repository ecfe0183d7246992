#!/usr/bin/env bash
# Restore of a Tongxin backup (Scripts/backup.sh) into a fresh PostgreSQL 15 cluster.
#
#   Scripts/restore.sh [options] SRC
#
#   SRC                 a backup directory (with manifest.json)
#   --pgdata DIR        the new cluster's data directory (default $TONGXIN_RESTORE_PGDATA,
#                       else .tongxin/pgdata: where Scripts/run.sh expects it); it must not
#                       hold a cluster — a restore never overwrites one
#   --port N            the new cluster's port (default $TONGXIN_RESTORE_PGPORT, else 55432);
#                       refused while anything answers on it
#   --keys FILE         the keys the backup was taken with (default .tongxin/secrets.env, or
#                       a file written by `Scripts/backup.sh --export-keys`); their
#                       fingerprints must match the manifest's
#   --jobs N            parallel pg_restore jobs (default 1: one transaction, all or nothing)
#
# Steps: check every file's sha256 against the manifest and the keys' fingerprints; write
# the restored deployment's secrets file, <dir of --pgdata>/secrets.env (the keys, and the
# role and superuser passwords: kept when already there, generated otherwise); initdb and
# start the cluster (Scripts/postgres.sh, as the postgres OS user); recreate the roles
# (the backup's globals without passwords, then Scripts/sql/bootstrap.sql with the
# passwords); pg_restore every database; ANALYZE; then verify: the row count of every
# table and the migration versions of every schema against the manifest, and every audit
# chain (audit.chain_state: recomputed, no gap, ends at its head, the head as in the
# backup; every keyed checkpoint's MAC under TONGXIN_AUDIT_CHECKPOINT_KEY). Exit status 0
# only when all of it holds. It prints what to start next.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
pgbin="/usr/lib/postgresql/15/bin"
pgdata="${TONGXIN_RESTORE_PGDATA:-$repo/.tongxin/pgdata}"
port="${TONGXIN_RESTORE_PGPORT:-55432}"
keys="$repo/.tongxin/secrets.env"
jobs=1
src=""

usage() { sed -n '2,17p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2; exit 2; }
die() { echo "restore.sh: $*" >&2; exit 1; }

while [[ $# -gt 0 ]]; do
  case "$1" in
    --pgdata) pgdata="${2:?}"; shift 2 ;;
    --port) port="${2:?}"; shift 2 ;;
    --keys) keys="${2:?}"; shift 2 ;;
    --jobs) jobs="${2:?}"; shift 2 ;;
    -h|--help) usage ;;
    -*) echo "restore.sh: unknown option $1" >&2; usage ;;
    *) [[ -z "$src" ]] || usage; src="$1"; shift ;;
  esac
done
[[ -n "$src" ]] || usage
[[ -f "$src/manifest.json" ]] || die "$src has no manifest.json: not a backup of Scripts/backup.sh"
src="$(cd "$src" && pwd -P)"
manifest() { python3 "$repo/Scripts/backup_manifest.py" "$@"; }

mkdir -p "$(dirname "$pgdata")"
pgdata="$(cd "$(dirname "$pgdata")" && pwd -P)/$(basename "$pgdata")"
state_dir="$(dirname "$pgdata")"
new_secrets="$state_dir/secrets.env"

# Never over a cluster, never over a running deployment.
if [[ -e "$pgdata" && -n "$(ls -A "$pgdata" 2>/dev/null)" ]]; then
  die "$pgdata is not empty (a cluster is there). A restore goes into a fresh data directory: stop that
  deployment (Scripts/run.sh stop) and move the directory aside, or give --pgdata and --port of a new one."
fi
if "$pgbin/pg_isready" -q -h 127.0.0.1 -p "$port" -t 2; [[ $? -lt 2 ]]; then
  die "something answers on 127.0.0.1:$port; choose a free --port (a restore never touches a running deployment)"
fi

t0=$(date +%s%N)
echo "restoring $src into $pgdata (port $port)"
manifest verify-files "$src"
if [[ -f "$keys" ]]; then
  manifest check-keys "$src" "$keys"
else
  echo "restore.sh: WARNING: no keys file $keys — the data is restored, but phone and ID numbers cannot be" >&2
  echo "  read and the services will not start until the keys the backup was taken with are supplied." >&2
fi

# The restored deployment's secrets: the keys from --keys, the passwords kept or generated.
hex() { python3 -c "import secrets; print(secrets.token_hex($1))"; }
db_roles=(audit_owner kit_owner)
for name in membership agenda session supervision gateway; do
  grep -q "name: \"tongxin-$name\"" "$repo/Package.swift" && db_roles+=("${name}_owner" "${name}_svc")
done
umask 077
touch "$new_secrets"
if [[ -f "$keys" && "$(readlink -f "$keys")" != "$(readlink -f "$new_secrets")" ]]; then
  while IFS= read -r line; do
    name="${line%%=*}"
    [[ "$line" == TONGXIN_*=* ]] || continue
    case "$name" in TONGXIN_PG_SUPERPASS|TONGXIN_DB_PASSWORD_*) continue ;; esac
    grep -q "^$name=" "$new_secrets" || echo "$line" >> "$new_secrets"
  done < "$keys"
fi
grep -q "^TONGXIN_PG_SUPERPASS=" "$new_secrets" || echo "TONGXIN_PG_SUPERPASS=$(hex 16)" >> "$new_secrets"
for role in "${db_roles[@]}"; do
  variable="TONGXIN_DB_PASSWORD_$(echo "$role" | tr '[:lower:]' '[:upper:]')"
  grep -q "^$variable=" "$new_secrets" || echo "$variable=$(hex 16)" >> "$new_secrets"
done
umask 022
secret_of() { ( set +u; set -a; source "$new_secrets" >/dev/null 2>&1; eval "printf '%s' \"\${$1:-}\"" ); }
superpass="$(secret_of TONGXIN_PG_SUPERPASS)"

# A fresh cluster (initdb as the postgres OS user), with the tongxin database and ltree.
TONGXIN_PGDATA="$pgdata" TONGXIN_PGPORT="$port" TONGXIN_PG_SUPERPASS="$superpass" "$repo/Scripts/postgres.sh" start
export PGPASSWORD="$superpass" PGHOST=127.0.0.1 PGPORT="$port" PGUSER=postgres
psql_run() { "$pgbin/psql" -X -q -v ON_ERROR_STOP=1 "$@"; }
on_failure() {
  echo "restore.sh: the restore failed; the new cluster is left running for inspection. Stop it with:" >&2
  echo "  TONGXIN_PGDATA=$pgdata TONGXIN_PGPORT=$port Scripts/postgres.sh stop" >&2
}
trap on_failure ERR

# Roles: the backup's globals (no passwords in them; the new cluster's superuser is kept as it is).
grep -v -E '^(CREATE|ALTER) ROLE postgres( |;)' "$src/globals.sql" | psql_run -d postgres >/dev/null

for db in $(manifest databases "$src"); do
  if [[ "$(psql_run -d postgres -A -t -c "SELECT 1 FROM pg_database WHERE datname = '$db'")" != 1 ]]; then
    psql_run -d postgres -c "CREATE DATABASE \"$db\""
  fi
  if [[ "$jobs" -gt 1 ]]; then
    "$pgbin/pg_restore" --exit-on-error --jobs="$jobs" -d "dbname=$db" "$src/databases/$db"
  else
    "$pgbin/pg_restore" --exit-on-error --single-transaction -d "dbname=$db" "$src/databases/$db"
  fi
done

# Passwords, grants, timeouts: the bootstrap, with the restored deployment's passwords.
password_args=()
for role in "${db_roles[@]}"; do
  password_args+=(-v "password_$role=$(secret_of "TONGXIN_DB_PASSWORD_$(echo "$role" | tr '[:lower:]' '[:upper:]')")")
done
psql_run -d tongxin "${password_args[@]}" -f "$repo/Scripts/sql/bootstrap.sql"
psql_run -d tongxin -c "ALTER ROLE audit_owner NOLOGIN"
for db in $(manifest databases "$src"); do psql_run -d "$db" -c "ANALYZE"; done
t1=$(date +%s%N)

for db in $(manifest databases "$src"); do manifest check "$src" "$db" "$keys"; done
t2=$(date +%s%N)
trap - ERR
restore_ms=$(( (t1 - t0) / 1000000 ))
check_ms=$(( (t2 - t1) / 1000000 ))
echo "restored in $((restore_ms / 1000)).$(printf '%03d' $((restore_ms % 1000))) s, verified in $((check_ms / 1000)).$(printf '%03d' $((check_ms % 1000))) s"
echo
echo "Next:"
if [[ "$pgdata" == "$repo/.tongxin/pgdata" && "$port" == 55432 ]]; then
  echo "  Scripts/run.sh        # builds, runs the migrate step (nothing to apply), starts the services"
else
  echo "  the cluster runs on 127.0.0.1:$port (data $pgdata); secrets in $new_secrets"
  echo "  start the services against it as Scripts/run.sh does, e.g. for membership:"
  echo "    set -a; source $new_secrets; set +a"
  echo "    TONGXIN_MEMBERSHIP_DATABASE_URL=postgres://membership_svc:\$TONGXIN_DB_PASSWORD_MEMBERSHIP_SVC@127.0.0.1:$port/tongxin \\"
  echo "      .build/release/tongxin-membership"
  echo "  or make it the deployment: stop it (TONGXIN_PGDATA=$pgdata TONGXIN_PGPORT=$port Scripts/postgres.sh stop),"
  echo "  move $pgdata to .tongxin/pgdata and $new_secrets to .tongxin/secrets.env, then Scripts/run.sh"
fi
echo "  then check through the API: tongxinctl audit verify (as the audit administrator, or with TONGXIN_TOKEN from tongxinctl token mint --unit-path u<county code> --permission audit.verify)"
