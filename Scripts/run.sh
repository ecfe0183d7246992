#!/usr/bin/env bash
# The run command: the whole system on this machine.
#
#   Scripts/run.sh          install what is missing, start PostgreSQL (.tongxin/pgdata, port
#                           55432), bootstrap roles, build (release), migrate (each service's
#                           `migrate` subcommand with the owner URLs, audit_owner allowed to log
#                           in only meanwhile), start every service in the background with its
#                           _svc URL only, wait until each answers, ping it
#   Scripts/run.sh stop     stop every service (graceful: SIGTERM drains in-flight calls) and PostgreSQL
#   Scripts/run.sh status   which services run, and where
#
# Secrets are generated once into .tongxin/secrets.env (mode 600) and reused: the token
# secret, the PII keys, the audit checkpoint key, and one password per database role
# (TONGXIN_DB_PASSWORD_<ROLE>, e.g. TONGXIN_DB_PASSWORD_MEMBERSHIP_SVC).
# Logs: .tongxin/logs/<service>.log (JSON lines).
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
cd "$repo"
state="$repo/.tongxin"
mkdir -p "$state/logs" "$state/run"

# name:rpc-port:metrics-port for every service executable that exists.
services=()
for entry in membership:7101:9101 agenda:7102:9102 session:7103:9103 supervision:7104:9104 gateway:7100:9100; do
  name="${entry%%:*}"
  grep -q "name: \"tongxin-$name\"" Package.swift && services+=("$entry")
done

stop_services() {
  for entry in "${services[@]}"; do
    name="${entry%%:*}"
    pidfile="$state/run/$name.pid"
    if [[ -f "$pidfile" ]] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then
      kill -TERM "$(cat "$pidfile")"
      for _ in $(seq 1 150); do kill -0 "$(cat "$pidfile")" 2>/dev/null || break; sleep 0.1; done
      echo "stopped $name"
    fi
    rm -f "$pidfile"
  done
}

case "${1:-start}" in
  stop)
    stop_services
    Scripts/postgres.sh stop || true
    exit 0 ;;
  status)
    for entry in "${services[@]}"; do
      IFS=: read -r name port metrics <<<"$entry"
      pidfile="$state/run/$name.pid"
      if [[ -f "$pidfile" ]] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then
        echo "$name: running (pid $(cat "$pidfile")), rpc 127.0.0.1:$port, metrics http://127.0.0.1:$metrics/metrics"
      else
        echo "$name: stopped"
      fi
    done
    Scripts/postgres.sh status || true
    exit 0 ;;
  start) ;;
  *) echo "usage: Scripts/run.sh [start|stop|status]" >&2; exit 2 ;;
esac

Scripts/setup.sh

# One password per database role, the keys, and the token secret; generated once. An older
# secrets.env (shared svc/owner passwords) is completed with what it lacks. The gateway's
# Ed25519 signing key (kid:hex) goes to the gateway only; the services get its public key
# (TONGXIN_AUTH_ED25519_KEYS, printed by `tongxin-gateway public-key`).
db_roles=(audit_owner kit_owner)
for entry in "${services[@]}"; do db_roles+=("${entry%%:*}_owner" "${entry%%:*}_svc"); done
source Scripts/lib/secrets.sh
tongxin_ensure_secrets "$state/secrets.env" "${db_roles[@]}"
# Only what every serving process needs is exported; the database passwords and the
# superuser's stay in this script and reach a process only inside the one URL it gets.
source "$state/secrets.env"
export TONGXIN_AUTH_SECRET TONGXIN_PII_KEY TONGXIN_PII_HASH_KEY TONGXIN_AUDIT_CHECKPOINT_KEY
password_of() { local variable="TONGXIN_DB_PASSWORD_$(echo "$1" | tr '[:lower:]' '[:upper:]')"; echo "${!variable}"; }

TONGXIN_PG_SUPERPASS="$TONGXIN_PG_SUPERPASS" Scripts/postgres.sh start
superuser_url="$(TONGXIN_PG_SUPERPASS="$TONGXIN_PG_SUPERPASS" Scripts/postgres.sh url)"
password_args=()
for role in "${db_roles[@]}"; do password_args+=(-v "password_$role=$(password_of "$role")"); done
psql "$superuser_url" -X -q -v ON_ERROR_STOP=1 "${password_args[@]}" -f Scripts/sql/bootstrap.sql

echo "building (release)…"
if ! swift build -c release >"$state/logs/build.log" 2>&1; then
  grep -E "error:" "$state/logs/build.log" | sort -u | head -20 >&2
  echo "the release build failed; see $state/logs/build.log" >&2
  exit 1
fi
bin="$(swift build -c release --show-bin-path)"

# Every service verifies the gateway's tokens with its public key; the gateway routes to
# every other service's instance (TONGXIN_GATEWAY_ROUTES).
gateway_routes=""
if grep -q 'name: "tongxin-gateway"' Package.swift; then
  TONGXIN_AUTH_ED25519_KEYS="$(TONGXIN_GATEWAY_SIGNING_KEY="$TONGXIN_GATEWAY_SIGNING_KEY" "$bin/tongxin-gateway" public-key)"
  export TONGXIN_AUTH_ED25519_KEYS
  for entry in "${services[@]}"; do
    IFS=: read -r name port metrics <<<"$entry"
    [[ $name == gateway ]] && continue
    gateway_routes="${gateway_routes:+$gateway_routes,}$name=127.0.0.1:$port"
  done
fi

pgport="${TONGXIN_PGPORT:-55432}"
db_url() { echo "postgres://$1:$(password_of "$1")@127.0.0.1:$pgport/tongxin"; }

stop_services

# The migrate step: each service's `migrate` subcommand with the owner URLs (audit, kit, its
# own schema), run by the operator. audit_owner may log in only for its duration (bootstrap
# leaves it NOLOGIN); it is closed again whatever happens.
psql "$superuser_url" -X -q -v ON_ERROR_STOP=1 -c "ALTER ROLE audit_owner LOGIN"
seal_audit_owner() { psql "$superuser_url" -X -q -c "ALTER ROLE audit_owner NOLOGIN" >/dev/null 2>&1 || true; }
trap seal_audit_owner EXIT
for entry in "${services[@]}"; do
  IFS=: read -r name port metrics <<<"$entry"
  upper="$(echo "$name" | tr '[:lower:]' '[:upper:]')"
  if ! env "TONGXIN_AUDIT_OWNER_DATABASE_URL=$(db_url audit_owner)" "TONGXIN_KIT_OWNER_DATABASE_URL=$(db_url kit_owner)" \
      "TONGXIN_${upper}_OWNER_DATABASE_URL=$(db_url "${name}_owner")" \
      "$bin/tongxin-$name" migrate >>"$state/logs/$name.log" 2>&1; then
    echo "migrating $name failed; last log lines:" >&2; tail -20 "$state/logs/$name.log" >&2; exit 1
  fi
done
seal_audit_owner
trap - EXIT

# Serving: each service gets its _svc URL only (a serving process refuses owner URLs).
for entry in "${services[@]}"; do
  IFS=: read -r name port metrics <<<"$entry"
  upper="$(echo "$name" | tr '[:lower:]' '[:upper:]')"
  # Services that call others are told where: agenda asks membership about units; session
  # reads rosters (membership) and topics and plans (agenda), and delivers its outbox to agenda
  # and supervision (rows wait while a service is down); supervision reads agenda and session
  # for the dossier (一事一档); the gateway routes to every service and alone holds the signing key.
  calls=()
  [[ $name == agenda ]] && calls+=("TONGXIN_AGENDA_MEMBERSHIP_ADDRESS=127.0.0.1:7101")
  [[ $name == session ]] && calls+=("TONGXIN_SESSION_MEMBERSHIP_ADDRESS=127.0.0.1:7101"
    "TONGXIN_SESSION_AGENDA_ADDRESS=127.0.0.1:7102" "TONGXIN_SESSION_SUPERVISION_ADDRESS=127.0.0.1:7104")
  [[ $name == supervision ]] && calls+=("TONGXIN_SUPERVISION_AGENDA_ADDRESS=127.0.0.1:7102"
    "TONGXIN_SUPERVISION_SESSION_ADDRESS=127.0.0.1:7103")
  if [[ $name == gateway ]]; then
    calls+=("TONGXIN_GATEWAY_SIGNING_KEY=$TONGXIN_GATEWAY_SIGNING_KEY" "TONGXIN_GATEWAY_ROUTES=$gateway_routes")
  fi
  env -u TONGXIN_AUDIT_OWNER_DATABASE_URL -u TONGXIN_KIT_OWNER_DATABASE_URL -u "TONGXIN_${upper}_OWNER_DATABASE_URL" \
      "TONGXIN_${upper}_PORT=$port" "TONGXIN_${upper}_METRICS_PORT=$metrics" ${calls[@]+"${calls[@]}"} \
      "TONGXIN_${upper}_DATABASE_URL=$(db_url "${name}_svc")" \
      nohup "$bin/tongxin-$name" >>"$state/logs/$name.log" 2>&1 &
  echo $! > "$state/run/$name.pid"
done

for entry in "${services[@]}"; do
  IFS=: read -r name port metrics <<<"$entry"
  ready=no
  for _ in $(seq 1 100); do
    if ! kill -0 "$(cat "$state/run/$name.pid")" 2>/dev/null; then
      echo "$name exited; last log lines:" >&2; tail -20 "$state/logs/$name.log" >&2; exit 1
    fi
    if "$bin/tongxin-bench" --port "$port" --duration 0 --probe >/dev/null 2>&1; then ready=yes; break; fi
    sleep 0.1
  done
  [[ $ready == yes ]] || { echo "$name did not become ready; see $state/logs/$name.log" >&2; exit 1; }
  echo "$name: rpc 127.0.0.1:$port  metrics http://127.0.0.1:$metrics/metrics  log $state/logs/$name.log"
done

first_port="$(echo "${services[0]}" | cut -d: -f2)"
echo "ping through tongxin-bench (1 s, 1 connection, 1 call in flight):"
"$bin/tongxin-bench" --port "$first_port" --connections 1 --concurrency 1 --duration 1
echo "Tongxin is running. Stop it with: Scripts/run.sh stop"
