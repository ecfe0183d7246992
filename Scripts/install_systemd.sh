#!/usr/bin/env bash
# Installs Tongxin as systemd services on a Debian VM (a county data centre's usual host).
#
#   sudo Scripts/install_systemd.sh [options]
#
#   --bin DIR          take the executables from DIR (default: build them, `swift build -c release`)
#   --pg-host HOST     PostgreSQL's address (default 127.0.0.1)
#   --pg-port PORT     PostgreSQL's port (default 5432)
#   --database NAME    the database (default tongxin)
#   --local-postgres   install PostgreSQL 15 with apt on this machine if missing, create the
#                      database and set the superuser's password (the local default)
#   --no-bootstrap     do not run Scripts/sql/bootstrap.sql (roles and passwords) — when a DBA
#                      runs it on a managed PostgreSQL with the passwords from secrets.env
#   --no-start         install and enable, but do not start
#   --root DIR         install into DIR instead of / (a staging tree: no user, no database, no
#                      systemctl but `systemctl --root enable`; what Scripts/check_systemd.py tests)
#
# What it lays down:
#   /opt/tongxin/bin/tongxin-<service>        the executables (and their resource bundles)
#   /opt/tongxin/libexec/tongxin-migrate      every service's `migrate`, audit_owner opened meanwhile
#   /opt/tongxin/docs/                        the manuals
#   /etc/tongxin/secrets.env                  every secret, generated once (mode 600, root); back it
#                                             up apart from the database backups
#   /etc/tongxin/common.env                   what every process needs: token secret, PII keys,
#                                             audit checkpoint key, the gateway's public key
#   /etc/tongxin/<service>.env                its ports, its own _svc URL, the peers it calls
#   /etc/tongxin/migrate.env                  the owner URLs and the superuser URL (migration only)
#   /etc/systemd/system/tongxin@.service      one instance per service (tongxin@membership, …)
#   /etc/systemd/system/tongxin-migrate.service, tongxin.target
# All /etc/tongxin files are root:root 0600: systemd reads them before dropping to the
# unprivileged `tongxin` user, which cannot read them itself.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
cd "$repo"

root="/" bin="" pg_host="127.0.0.1" pg_port="5432" database="tongxin"
local_postgres=no bootstrap=yes start=yes
while [[ $# -gt 0 ]]; do
  case "$1" in
    --bin) bin="$2"; shift 2 ;;
    --pg-host) pg_host="$2"; shift 2 ;;
    --pg-port) pg_port="$2"; shift 2 ;;
    --database) database="$2"; shift 2 ;;
    --local-postgres) local_postgres=yes; shift ;;
    --no-bootstrap) bootstrap=no; shift ;;
    --no-start) start=no; shift ;;
    --root) root="$(mkdir -p "$2" && cd "$2" && pwd -P)"; shift 2 ;;
    -h|--help) sed -n '2,32p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "install_systemd.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
staging=no
[[ "$root" != "/" ]] && staging=yes
if [[ $staging == no && $(id -u) -ne 0 ]]; then
  echo "install_systemd.sh: run as root (it writes /etc and /opt and creates the tongxin user)" >&2
  exit 2
fi
prefix="${root%/}/opt/tongxin"
etc="${root%/}/etc/tongxin"
units="${root%/}/etc/systemd/system"

if [[ -z "$bin" ]]; then
  Scripts/setup.sh
  echo "building (release)…"
  swift build -c release >/dev/null
  bin="$(swift build -c release --show-bin-path)"
fi

# name:rpc-port:metrics-port of every service built (the order is the migration order).
services=()
for entry in membership:7101:9101 agenda:7102:9102 session:7103:9103 supervision:7104:9104 gateway:7100:9100; do
  [[ -x "$bin/tongxin-${entry%%:*}" ]] && services+=("$entry")
done
[[ ${#services[@]} -gt 0 ]] || { echo "install_systemd.sh: no tongxin-<service> executable in $bin" >&2; exit 1; }
has() { local entry; for entry in "${services[@]}"; do [[ ${entry%%:*} == "$1" ]] && return 0; done; return 1; }

# The executables, their resource bundles (migrations), the migrate script and the manuals.
install -d -m 755 "$prefix/bin" "$prefix/libexec" "$prefix/docs"
for entry in "${services[@]}"; do install -m 755 "$bin/tongxin-${entry%%:*}" "$prefix/bin/"; done
for extra in tongxinctl tongxin-bench; do [[ -x "$bin/$extra" ]] && install -m 755 "$bin/$extra" "$prefix/bin/"; done
for bundle in "$bin"/*.resources; do [[ -d "$bundle" ]] && cp -R "$bundle" "$prefix/bin/"; done
install -m 755 deploy/systemd/tongxin-migrate "$prefix/libexec/tongxin-migrate"
cp -R docs/. "$prefix/docs/"

# Secrets, generated once and kept.
install -d -m 700 "$etc"
db_roles=(audit_owner kit_owner)
for entry in "${services[@]}"; do db_roles+=("${entry%%:*}_owner" "${entry%%:*}_svc"); done
source Scripts/lib/secrets.sh
tongxin_ensure_secrets "$etc/secrets.env" "${db_roles[@]}"
source "$etc/secrets.env"
password_of() { local variable="TONGXIN_DB_PASSWORD_$(echo "$1" | tr '[:lower:]' '[:upper:]')"; echo "${!variable}"; }
db_url() { echo "postgres://$1:$(password_of "$1")@$pg_host:$pg_port/$database"; }

# The environment files: each process gets what it needs and nothing else.
write_env() {  # FILE, then lines
  local file="$1"; shift
  ( umask 077; printf '%s\n' "# Written by Scripts/install_systemd.sh; see docs/operations.md's configuration reference." "$@" > "$file" )
  chmod 600 "$file"
}
public_keys=""
has gateway && public_keys="$(TONGXIN_GATEWAY_SIGNING_KEY="$TONGXIN_GATEWAY_SIGNING_KEY" "$bin/tongxin-gateway" public-key)"
write_env "$etc/common.env" \
  "TONGXIN_HOST=127.0.0.1" \
  "TONGXIN_LOG_FORMAT=json" \
  "TONGXIN_AUTH_SECRET=$TONGXIN_AUTH_SECRET" \
  "TONGXIN_PII_KEY=$TONGXIN_PII_KEY" \
  "TONGXIN_PII_HASH_KEY=$TONGXIN_PII_HASH_KEY" \
  "TONGXIN_AUDIT_CHECKPOINT_KEY=$TONGXIN_AUDIT_CHECKPOINT_KEY" \
  ${public_keys:+"TONGXIN_AUTH_ED25519_KEYS=$public_keys"}
routes=""
owner_lines=("TONGXIN_AUDIT_OWNER_DATABASE_URL=$(db_url audit_owner)" "TONGXIN_KIT_OWNER_DATABASE_URL=$(db_url kit_owner)")
for entry in "${services[@]}"; do
  IFS=: read -r name port metrics <<<"$entry"
  upper="$(echo "$name" | tr '[:lower:]' '[:upper:]')"
  owner_lines+=("TONGXIN_${upper}_OWNER_DATABASE_URL=$(db_url "${name}_owner")")
  [[ $name != gateway ]] && routes="${routes:+$routes,}$name=127.0.0.1:$port"
done
for entry in "${services[@]}"; do
  IFS=: read -r name port metrics <<<"$entry"
  upper="$(echo "$name" | tr '[:lower:]' '[:upper:]')"
  lines=("TONGXIN_${upper}_PORT=$port" "TONGXIN_${upper}_METRICS_PORT=$metrics" "TONGXIN_${upper}_DATABASE_URL=$(db_url "${name}_svc")")
  # The peers a service calls (the same as Scripts/run.sh gives them).
  case "$name" in
    agenda) has membership && lines+=("TONGXIN_AGENDA_MEMBERSHIP_ADDRESS=127.0.0.1:7101") ;;
    session)
      has membership && lines+=("TONGXIN_SESSION_MEMBERSHIP_ADDRESS=127.0.0.1:7101")
      has agenda && lines+=("TONGXIN_SESSION_AGENDA_ADDRESS=127.0.0.1:7102")
      has supervision && lines+=("TONGXIN_SESSION_SUPERVISION_ADDRESS=127.0.0.1:7104") ;;
    supervision)
      has agenda && lines+=("TONGXIN_SUPERVISION_AGENDA_ADDRESS=127.0.0.1:7102")
      has session && lines+=("TONGXIN_SUPERVISION_SESSION_ADDRESS=127.0.0.1:7103") ;;
    gateway) lines+=("TONGXIN_GATEWAY_SIGNING_KEY=$TONGXIN_GATEWAY_SIGNING_KEY" "TONGXIN_GATEWAY_ROUTES=$routes") ;;
  esac
  write_env "$etc/$name.env" "${lines[@]}"
done
write_env "$etc/migrate.env" \
  "TONGXIN_MIGRATE_SUPERUSER_URL=postgres://postgres:$TONGXIN_PG_SUPERPASS@$pg_host:$pg_port/$database" \
  "${owner_lines[@]}"

# The units.
install -d -m 755 "$units"
for unit in tongxin@.service tongxin-migrate.service tongxin.target; do
  install -m 644 "deploy/systemd/$unit" "$units/$unit"
done
instances=()
for entry in "${services[@]}"; do instances+=("tongxin@${entry%%:*}.service"); done

if [[ $staging == yes ]]; then
  if command -v systemctl >/dev/null; then
    systemctl --root="$root" enable tongxin.target "${instances[@]}" >/dev/null 2>&1 || true
  fi
  echo "installed into $root: ${instances[*]}"
  exit 0
fi

# A real install: the user, the database, systemd.
id -u tongxin >/dev/null 2>&1 || useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin tongxin
if [[ $local_postgres == yes ]]; then
  command -v pg_ctlcluster >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql postgresql-contrib; }
  command -v psql >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql-client; }
  runuser -u postgres -- psql -X -q -v ON_ERROR_STOP=1 -v pass="$TONGXIN_PG_SUPERPASS" <<'SQL'
ALTER ROLE postgres PASSWORD :'pass';
SQL
  runuser -u postgres -- psql -X -q -tAc "SELECT 1 FROM pg_database WHERE datname = '$database'" | grep -q 1 \
    || runuser -u postgres -- createdb "$database"
fi
if [[ $bootstrap == yes ]]; then
  password_args=()
  for role in "${db_roles[@]}"; do password_args+=(-v "password_$role=$(password_of "$role")"); done
  psql "postgres://postgres:$TONGXIN_PG_SUPERPASS@$pg_host:$pg_port/$database" -X -q -v ON_ERROR_STOP=1 \
    "${password_args[@]}" -f Scripts/sql/bootstrap.sql
fi
systemctl daemon-reload
systemctl enable tongxin.target "${instances[@]}"
if [[ $start == yes ]]; then
  systemctl restart tongxin-migrate.service
  systemctl restart tongxin.target "${instances[@]}"
  systemctl --no-pager status tongxin.target "${instances[@]}" | head -40
fi
echo "installed: ${instances[*]} (journalctl -u 'tongxin@*' for the logs)"
