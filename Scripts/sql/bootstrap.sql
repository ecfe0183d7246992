-- Tongxin database bootstrap, run as a superuser (psql -v ON_ERROR_STOP=1), idempotent.
--
-- Creates what migrations cannot create for themselves: the ltree extension, and per
-- service an owner role (owns the schema, runs the migrations) and a login role the
-- service connects as (owns nothing, no SUPERUSER, no BYPASSRLS, so row-level security
-- always applies to it). Passwords come from psql variables (:svc_password, :owner_password).
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

SET tongxin.svc_password TO :'svc_password';
SET tongxin.owner_password TO :'owner_password';

DO $bootstrap$
DECLARE
    service text;
    svc_password text := current_setting('tongxin.svc_password');
    owner_password text := current_setting('tongxin.owner_password');
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'tongxin_service') THEN
        CREATE ROLE tongxin_service NOLOGIN;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'tongxin_auditor') THEN
        CREATE ROLE tongxin_auditor NOLOGIN;
    END IF;

    FOREACH service IN ARRAY ARRAY['audit', 'kit', 'membership', 'agenda', 'session', 'supervision', 'gateway'] LOOP
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = service || '_owner') THEN
            EXECUTE format('CREATE ROLE %I LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE', service || '_owner');
        END IF;
        EXECUTE format('ALTER ROLE %I PASSWORD %L', service || '_owner', owner_password);
        EXECUTE format('GRANT CONNECT ON DATABASE %I TO %I', current_database(), service || '_owner');
        EXECUTE format('CREATE SCHEMA IF NOT EXISTS %I AUTHORIZATION %I', service, service || '_owner');
        EXECUTE format('GRANT USAGE ON SCHEMA public TO %I', service || '_owner');

        CONTINUE WHEN service IN ('audit', 'kit');
        -- Owners call kit.protect from their migrations.
        EXECUTE format('GRANT USAGE ON SCHEMA kit TO %I', service || '_owner');
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = service || '_svc') THEN
            EXECUTE format('CREATE ROLE %I LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE', service || '_svc');
        END IF;
        EXECUTE format('ALTER ROLE %I PASSWORD %L', service || '_svc', svc_password);
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
