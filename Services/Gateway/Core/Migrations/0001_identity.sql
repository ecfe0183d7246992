-- The gateway's identity store (issue 12 items 1–2): accounts, sessions, API keys and
-- grants of roles at units.
--
-- Tenancy: these tables are read to establish who a caller is and where they may act,
-- before any caller scope exists (a login, each call's credential check), and accounts and
-- sessions are deployment-wide (a city office's account spans its counties). So they are
-- not row-level secured; only gateway_svc (the gateway itself) can reach them, and no
-- service reads them (principle 3). Grants carry `county_code` (the root of their unit's
-- path), leading their key, like every tenant table (README "Scaling out"). Every change
-- and every login, failed or not, is audited in the same transaction (audit.append) in the
-- chain of the account's home unit.

CREATE TABLE gateway.accounts (
    name            text PRIMARY KEY CHECK (name ~ '^[A-Za-z0-9_.@-]{1,64}$'),
    display_name    text NOT NULL DEFAULT '' CHECK (length(display_name) <= 100),
    -- 1 person, 2 integration client
    kind            smallint NOT NULL CHECK (kind IN (1, 2)),
    -- scrypt$<log2 N>$<r>$<p>$<salt b64>$<key b64>; '' for integration clients (API keys only)
    password_hash   text NOT NULL DEFAULT '',
    home_unit_path  ltree NOT NULL,
    disabled        boolean NOT NULL DEFAULT false,
    failed_logins   integer NOT NULL DEFAULT 0 CHECK (failed_logins >= 0),
    locked_until    timestamptz,
    created_at      timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL
);

-- A session is known by the SHA-256 of its bearer token; the token itself is never stored.
CREATE TABLE gateway.sessions (
    token_hash    bytea PRIMARY KEY CHECK (length(token_hash) = 32),
    account       text NOT NULL REFERENCES gateway.accounts (name),
    created_at    timestamptz NOT NULL,
    expires_at    timestamptz NOT NULL,
    last_seen_at  timestamptz NOT NULL,
    revoked_at    timestamptz
);
CREATE INDEX sessions_account_idx ON gateway.sessions (account) WHERE revoked_at IS NULL;

-- API keys of integration clients: `txk_<id>_<secret>`, the secret's SHA-256 stored (the
-- secret is 256 random bits, so a fast hash suffices; passwords get scrypt).
CREATE TABLE gateway.api_keys (
    id           uuid PRIMARY KEY,
    account      text NOT NULL REFERENCES gateway.accounts (name),
    secret_hash  bytea NOT NULL CHECK (length(secret_hash) = 32),
    created_at   timestamptz NOT NULL,
    revoked_at   timestamptz
);

CREATE TABLE gateway.grants (
    county_code  text NOT NULL CHECK (county_code ~ '^[0-9]{12}$'),
    account      text NOT NULL REFERENCES gateway.accounts (name),
    role         text NOT NULL CHECK (role ~ '^[a-z_]{1,40}$'),
    unit_path    ltree NOT NULL,
    granted_at   timestamptz NOT NULL,
    granted_by   text NOT NULL,
    PRIMARY KEY (county_code, account, role, unit_path),
    CONSTRAINT grants_county_is_root CHECK (county_code = substr(subpath(unit_path, 0, 1)::text, 2))
);
CREATE INDEX grants_account_idx ON gateway.grants (account);

GRANT USAGE ON SCHEMA gateway TO gateway_svc;
GRANT SELECT, INSERT, UPDATE ON gateway.accounts, gateway.sessions, gateway.api_keys TO gateway_svc;
GRANT SELECT, INSERT, DELETE ON gateway.grants TO gateway_svc;
