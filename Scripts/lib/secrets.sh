# Sourced by Scripts/run.sh and Scripts/install_systemd.sh: the deployment's secrets file.
#
#   tongxin_ensure_secrets FILE ROLE...
#
# Creates FILE (mode 600) if needed and adds whatever it lacks, never changing a value it
# has: the superuser's password, the token secret, the PII keys, the audit checkpoint key,
# the gateway's Ed25519 signing key (kid:hex) and one TONGXIN_DB_PASSWORD_<ROLE> per
# database role named.
tongxin_hex() { python3 -c "import secrets; print(secrets.token_hex($1))"; }

tongxin_ensure_secrets() {
  local file="$1"; shift
  local old_umask variable role
  old_umask="$(umask)"
  umask 077
  touch "$file"
  chmod 600 "$file"
  for variable in TONGXIN_PG_SUPERPASS:16 TONGXIN_AUTH_SECRET:32 TONGXIN_PII_KEY:32 TONGXIN_PII_HASH_KEY:32 \
                  TONGXIN_AUDIT_CHECKPOINT_KEY:32; do
    grep -q "^${variable%%:*}=" "$file" || echo "${variable%%:*}=$(tongxin_hex "${variable##*:}")" >> "$file"
  done
  for role in "$@"; do
    variable="TONGXIN_DB_PASSWORD_$(echo "$role" | tr '[:lower:]' '[:upper:]')"
    grep -q "^$variable=" "$file" || echo "$variable=$(tongxin_hex 16)" >> "$file"
  done
  grep -q "^TONGXIN_GATEWAY_SIGNING_KEY=" "$file" || echo "TONGXIN_GATEWAY_SIGNING_KEY=gw1:$(tongxin_hex 32)" >> "$file"
  umask "$old_umask"
}
