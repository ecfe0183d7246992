-- Tongxin database bootstrap, run as a superuser (psql -v ON_ERROR_STOP=1), idempotent.
--
-- Creates what migrations cannot create for themselves: the ltree extension, and per
-- service an owner role (owns the schema, runs the migrations) and a login role the
-- service connects as (owns nothing, no SUPERUSER, no BYPASSRLS, so row-level security
-- always applies to it).
--
-- Passwords: every role has its own, from the psql variable `password_<role>` (e.g.
-- -v password_membership_svc=…, password_membership_owner=…, password_kit_owner=…; run.sh
-- generates them into .tongxin/secrets.env as TONGXIN_DB_PASSWORD_<ROLE>). A role without
-- its own falls back to :svc_password (the *_svc roles) or :owner_password (the *_owner
-- roles) when those are given (the test kit does that); a role with neither gets no
-- password and cannot log in with one.
--
-- audit_owner is NOLOGIN: it owns the audit log and its SECURITY DEFINER functions, and
-- nobody logs in as it except during the migrate step, which the operator (a superuser)
-- brackets with ALTER ROLE audit_owner LOGIN … NOLOGIN (Scripts/run.sh, docker-compose).
--
-- Every *_svc role gets statement_timeout and idle_in_transaction_session_timeout as role
-- settings (:svc_statement_timeout, default 30s; :svc_idle_timeout, default 60s), so a
-- statement or an abandoned transaction outside the kit's own per-call deadline is still
-- bounded by the database itself.
--
-- Shared schemas: audit (the audit log) and kit (tenancy helper, idempotency keys), each
-- with an owner role that only migrates it.
--
-- Group roles:
--   tongxin_service  every *_svc login role; may append to the audit log
--   tongxin_auditor  may read the audit log (county auditors, the supervision service)

\set ON_ERROR_STOP on

SET client_min_messages TO warning;
CREATE EXTENSION IF NOT EXISTS ltree;

\if :{?svc_password}
    SET tongxin.svc_password TO :'svc_password';
\endif
\if :{?owner_password}
    SET tongxin.owner_password TO :'owner_password';
\endif
\if :{?svc_statement_timeout}
\else
    \set svc_statement_timeout 30s
\endif
\if :{?svc_idle_timeout}
\else
    \set svc_idle_timeout 60s
\endif
SET tongxin.svc_statement_timeout TO :'svc_statement_timeout';
SET tongxin.svc_idle_timeout TO :'svc_idle_timeout';
\if :{?password_audit_owner}
    SET tongxin.password_audit_owner TO :'password_audit_owner';
\endif
\if :{?password_kit_owner}
    SET tongxin.password_kit_owner TO :'password_kit_owner';
\endif
\if :{?password_membership_owner}
    SET tongxin.password_membership_owner TO :'password_membership_owner';
\endif
\if :{?password_membership_svc}
    SET tongxin.password_membership_svc TO :'password_membership_svc';
\endif
\if :{?password_agenda_owner}
    SET tongxin.password_agenda_owner TO :'password_agenda_owner';
\endif
\if :{?password_agenda_svc}
    SET tongxin.password_agenda_svc TO :'password_agenda_svc';
\endif
\if :{?password_session_owner}
    SET tongxin.password_session_owner TO :'password_session_owner';
\endif
\if :{?password_session_svc}
    SET tongxin.password_session_svc TO :'password_session_svc';
\endif
\if :{?password_supervision_owner}
    SET tongxin.password_supervision_owner TO :'password_supervision_owner';
\endif
\if :{?password_supervision_svc}
    SET tongxin.password_supervision_svc TO :'password_supervision_svc';
\endif
\if :{?password_gateway_owner}
    SET tongxin.password_gateway_owner TO :'password_gateway_owner';
\endif
\if :{?password_gateway_svc}
    SET tongxin.password_gateway_svc TO :'password_gateway_svc';
\endif

DO $bootstrap$
DECLARE
    service text;
    svc_password text := NULLIF(current_setting('tongxin.svc_password', true), '');
    owner_password text := NULLIF(current_setting('tongxin.owner_password', true), '');
    v_statement_timeout text := current_setting('tongxin.svc_statement_timeout');
    v_idle_timeout text := current_setting('tongxin.svc_idle_timeout');
    role_name text;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'tongxin_service') THEN
        CREATE ROLE tongxin_service NOLOGIN;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'tongxin_auditor') THEN
        CREATE ROLE tongxin_auditor NOLOGIN;
    END IF;

    FOREACH service IN ARRAY ARRAY['audit', 'kit', 'membership', 'agenda', 'session', 'supervision', 'gateway'] LOOP
        role_name := service || '_owner';
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = role_name) THEN
            EXECUTE format('CREATE ROLE %I LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE', role_name);
        END IF;
        EXECUTE format('ALTER ROLE %I PASSWORD %L', role_name,
                       coalesce(NULLIF(current_setting('tongxin.password_' || role_name, true), ''), owner_password));
        IF service = 'audit' THEN
            EXECUTE format('ALTER ROLE %I NOLOGIN', role_name);
        END IF;
        EXECUTE format('GRANT CONNECT ON DATABASE %I TO %I', current_database(), service || '_owner');
        EXECUTE format('CREATE SCHEMA IF NOT EXISTS %I AUTHORIZATION %I', service, service || '_owner');
        EXECUTE format('GRANT USAGE ON SCHEMA public TO %I', service || '_owner');

        CONTINUE WHEN service IN ('audit', 'kit');
        -- Owners call kit.protect from their migrations.
        EXECUTE format('GRANT USAGE ON SCHEMA kit TO %I', service || '_owner');
        role_name := service || '_svc';
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = role_name) THEN
            EXECUTE format('CREATE ROLE %I LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE', role_name);
        END IF;
        EXECUTE format('ALTER ROLE %I PASSWORD %L', role_name,
                       coalesce(NULLIF(current_setting('tongxin.password_' || role_name, true), ''), svc_password));
        EXECUTE format('ALTER ROLE %I SET statement_timeout = %L', role_name, v_statement_timeout);
        EXECUTE format('ALTER ROLE %I SET idle_in_transaction_session_timeout = %L', role_name, v_idle_timeout);
        EXECUTE format('GRANT CONNECT ON DATABASE %I TO %I', current_database(), service || '_svc');
        EXECUTE format('GRANT USAGE ON SCHEMA public TO %I', service || '_svc');
        EXECUTE format('GRANT tongxin_service TO %I', service || '_svc');
        -- The owner grants its service role what each migration needs; the audit schema
        -- is reached only through audit.append (SECURITY DEFINER).
        EXECUTE format('GRANT USAGE ON SCHEMA audit TO %I', service || '_svc');
        EXECUTE format('GRANT USAGE ON SCHEMA kit TO %I', service || '_svc');
    END LOOP;
    GRANT USAGE ON SCHEMA audit TO tongxin_auditor;
    GRANT tongxin_auditor TO supervision_svc;
END
$bootstrap$;

-- Nobody creates objects in public by accident.
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
