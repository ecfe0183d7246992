#!/usr/bin/env bash
# Backup of a Tongxin deployment (the PostgreSQL cluster started by Scripts/run.sh).
#
#   Scripts/backup.sh [options] [DEST]
#
#   DEST                  a new or empty directory (default .tongxin/backups/<UTC time>)
#   --secrets FILE        where the deployment's secrets are (default .tongxin/secrets.env):
#                         the superuser password to connect with, and the keys whose
#                         fingerprints go into the manifest
#   --port N              the cluster's port (default $TONGXIN_PGPORT or 55432)
#   --host H              (default 127.0.0.1)
#   --export-keys FILE    also write the keys (mode 600) to FILE, which must lie outside DEST
#
# What it takes, and why this way
# -------------------------------
# A logical backup: `pg_dump --format=directory` of every database of the cluster (here
# `tongxin`) plus `pg_dumpall --globals-only --no-role-passwords` (roles, memberships, role
# settings). Not a base backup with WAL archiving, because:
#   - one pg_dump runs in one REPEATABLE READ snapshot, so every schema of a database —
#     tenant rows, the audit entries, their chain heads and checkpoints — is captured at
#     one instant while the services keep serving; the audit chains in a backup are
#     therefore always whole;
#   - a dump restores into any PostgreSQL 15 or newer (an upgrade path too), on another
#     machine or architecture, and can be checked row by row against its manifest;
#   - a county's data is small (people, councils and the audit log: an estimated tens to
#     hundreds of MB for a whole city; not yet measured at that scale), so a
#     nightly dump takes seconds to minutes and restoring it is quicker than replaying WAL;
#   - point-in-time recovery needs an archive_command, a WAL store kept as safe as the
#     backups, and a tested replay procedure: worth it when losing up to a day of ledger
#     entries is unacceptable — see docs/operations.md ("Backup and restore") for how to
#     add it; the restore side of this script (roles, checks, audit verification) stays.
# Role passwords are not in the backup: they are set again at restore from the secrets
# file (Scripts/sql/bootstrap.sql), or generated fresh.
#
# The manifest (DEST/manifest.json) records the time, the server and pg_dump versions, per
# database the size and per schema the applied migration versions and the row count of
# every table (read from the dump's own data files, so they describe exactly what was
# dumped), the audit chain heads, the sha256 and size of every file, and fingerprints of
# the keys (sha256 of a label and the key: they identify a key without revealing it).
#
# The keys (TONGXIN_PII_KEY, TONGXIN_PII_HASH_KEY, TONGXIN_AUTH_SECRET,
# TONGXIN_AUDIT_CHECKPOINT_KEY, and TONGXIN_PII_OLD_KEYS while a rotation runs) are never
# written into DEST: without the PII keys the phone and ID numbers in a backup cannot be
# read, so a backup and its keys must be stored apart. The script says where they are.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
pgbin="/usr/lib/postgresql/15/bin"
secrets="$repo/.tongxin/secrets.env"
port="${TONGXIN_PGPORT:-55432}"
host="127.0.0.1"
export_keys=""
dest=""

usage() { sed -n '2,13p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2; exit 2; }
die() { echo "backup.sh: $*" >&2; exit 1; }

while [[ $# -gt 0 ]]; do
  case "$1" in
    --secrets) secrets="${2:?}"; shift 2 ;;
    --port) port="${2:?}"; shift 2 ;;
    --host) host="${2:?}"; shift 2 ;;
    --export-keys) export_keys="${2:?}"; shift 2 ;;
    -h|--help) usage ;;
    -*) echo "backup.sh: unknown option $1" >&2; usage ;;
    *) [[ -z "$dest" ]] || usage; dest="$1"; shift ;;
  esac
done

[[ -x "$pgbin/pg_dump" ]] || die "PostgreSQL 15 client programs not found in $pgbin (Scripts/setup.sh installs them)"
[[ -r "$secrets" ]] || die "no secrets file $secrets (give --secrets FILE)"
secrets="$(readlink -f "$secrets")"
started_at="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
[[ -n "$dest" ]] || dest="$repo/.tongxin/backups/$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$dest"
dest="$(cd "$dest" && pwd -P)"
[[ -z "$(ls -A "$dest")" ]] || die "$dest is not empty; a backup goes into a new or empty directory"

# Read the secrets without exporting them to the dump programs' environment.
secret_of() { ( set +u; set -a; source "$secrets" >/dev/null 2>&1; eval "printf '%s' \"\${$1:-}\"" ); }
superpass="$(secret_of TONGXIN_PG_SUPERPASS)"
[[ -n "$superpass" ]] || superpass="${TONGXIN_PG_SUPERPASS:-}"
[[ -n "$superpass" ]] || die "TONGXIN_PG_SUPERPASS is in neither $secrets nor the environment"

if [[ -n "$export_keys" ]]; then
  keys_dir="$(mkdir -p "$(dirname "$export_keys")" && cd "$(dirname "$export_keys")" && pwd -P)"
  keys_path="$keys_dir/$(basename "$export_keys")"
  case "$keys_path/" in
    "$dest"/*) die "--export-keys $export_keys lies inside the backup directory $dest; keys are stored apart" ;;
  esac
fi

export PGPASSWORD="$superpass" PGHOST="$host" PGPORT="$port" PGUSER=postgres PGCONNECT_TIMEOUT=5
psql_q() { "$pgbin/psql" -X -q -A -t -v ON_ERROR_STOP=1 "$@"; }
psql_q -d postgres -c "SELECT 1" >/dev/null || die "cannot connect to PostgreSQL on $host:$port as postgres"

t0=$(date +%s%N)
databases=()
while IFS= read -r name; do [[ -n "$name" ]] && databases+=("$name"); done < <(
  psql_q -d postgres -c "SELECT datname FROM pg_database WHERE NOT datistemplate AND datname <> 'postgres' ORDER BY 1")
[[ ${#databases[@]} -gt 0 ]] || die "the cluster has no database to back up"

umask 077
"$pgbin/pg_dumpall" --globals-only --no-role-passwords -d "dbname=postgres" -f "$dest/globals.sql"
mkdir -p "$dest/databases"
for name in "${databases[@]}"; do
  "$pgbin/pg_dump" --format=directory --compress=6 --no-sync -d "dbname=$name" -f "$dest/databases/$name"
  "$pgbin/pg_restore" --list "$dest/databases/$name" > "$dest/databases/$name.toc"
done
sync -f "$dest" 2>/dev/null || sync
t1=$(date +%s%N)
elapsed="$(( (t1 - t0) / 1000000 ))"

# Facts about the source cluster for the manifest (read after the dump; counts come from the dump).
server_version="$(psql_q -d postgres -c "SHOW server_version")"
pg_dump_version="$("$pgbin/pg_dump" --version)"
db_sizes=""
for name in "${databases[@]}"; do
  db_sizes+="$name=$(psql_q -d postgres -c "SELECT pg_database_size('$name')");"
done

SECRETS="$secrets" DEST="$dest" STARTED_AT="$started_at" MILLISECONDS_TAKEN="$elapsed" \
SERVER_VERSION="$server_version" PG_DUMP_VERSION="$pg_dump_version" DB_SIZES="$db_sizes" \
SOURCE="$host:$port" python3 "$repo/Scripts/backup_manifest.py" write

if [[ -n "$export_keys" ]]; then
  python3 "$repo/Scripts/backup_manifest.py" export-keys "$secrets" "$keys_path"
fi

size="$(du -sb "$dest" | cut -f1)"
echo "backup written to $dest ($(numfmt --to=iec "$size")B in $((elapsed / 1000)).$(printf '%03d' $((elapsed % 1000))) s)"
echo "  databases: ${databases[*]}; manifest: $dest/manifest.json"
echo
echo "The keys are NOT in this backup. Without TONGXIN_PII_KEY and TONGXIN_PII_HASH_KEY the phone"
echo "and ID numbers in it cannot be read; without TONGXIN_AUDIT_CHECKPOINT_KEY the audit"
echo "checkpoints cannot be verified. They are in: $secrets"
if [[ -n "$export_keys" ]]; then
  echo "and now also in: $keys_path (mode 600)."
fi
echo "Store the keys apart from the backup (another medium, another custodian), never beside it."
