-- The service kit's shared schema: what every service's migrations and calls use, so that
-- no service writes it again (issue 6, "the kit every service uses"). Run as kit_owner.
--
--   kit.protect(table)          tenancy in one line: ENABLE + FORCE row-level security and
--                               the standard scope policy on a tenant table
--   kit.idempotency_keys        the first result of a non-idempotent call per
--                               (service, principal, x-idempotency-key), kept for a while
--   kit.idempotency_begin/_store   reached only through these SECURITY DEFINER functions

-- Applies the standard tenancy to a table whose rows carry `unit_path ltree`: row-level
-- security enabled AND forced (owners obey it too) with one policy that lets a transaction
-- see and write only the subtree of its scope (`app.scope`, set per transaction from the
-- caller's token). No scope means no rows: `NULLIF('')` turns an unset scope into NULL and
-- `unit_path <@ NULL` is never true. Called by a schema owner from its migrations:
--   SELECT kit.protect('agenda.ledger_items');
-- A different column can be named: SELECT kit.protect('x.y', 'tenant_path').
CREATE FUNCTION kit.protect(p_table regclass, p_column name DEFAULT 'unit_path') RETURNS void
LANGUAGE plpgsql SECURITY INVOKER SET search_path = pg_catalog AS
$$
DECLARE
    v_policy name := 'tenant_scope';
BEGIN
    EXECUTE format('ALTER TABLE %s ENABLE ROW LEVEL SECURITY', p_table);
    EXECUTE format('ALTER TABLE %s FORCE ROW LEVEL SECURITY', p_table);
    IF EXISTS (SELECT 1 FROM pg_policy WHERE polrelid = p_table AND polname = v_policy) THEN
        EXECUTE format('DROP POLICY %I ON %s', v_policy, p_table);
    END IF;
    EXECUTE format(
        'CREATE POLICY %I ON %s USING (%I <@ NULLIF(current_setting(''app.scope'', true), '''')::public.ltree) '
        'WITH CHECK (%I <@ NULLIF(current_setting(''app.scope'', true), '''')::public.ltree)',
        v_policy, p_table, p_column, p_column);
END
$$;
GRANT EXECUTE ON FUNCTION kit.protect(regclass, name) TO PUBLIC;

-- Idempotency keys (幂等键). The principal comes from the verified token, never from the
-- request, so two principals using the same key are independent.
CREATE TABLE kit.idempotency_keys (
    service      text        NOT NULL,
    principal    text        NOT NULL,
    key          text        NOT NULL,
    method       text        NOT NULL,
    request_hash bytea       NOT NULL,
    response     bytea       NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz NOT NULL,
    PRIMARY KEY (service, principal, key)
);
CREATE INDEX idempotency_keys_expiry_idx ON kit.idempotency_keys (expires_at);
REVOKE ALL ON kit.idempotency_keys FROM PUBLIC;

-- Called first in a call's transaction (in the same round trip as its first statement):
-- takes a transaction lock on the key, so a duplicate sent while the first is still running
-- waits for it and then sees its result; returns the stored result if there is one.
CREATE FUNCTION kit.idempotency_begin(p_service text, p_principal text, p_key text)
RETURNS TABLE (method text, request_hash bytea, response bytea)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, kit AS
$$
BEGIN
    PERFORM pg_advisory_xact_lock(hashtextextended('tongxin.idempotency.' || p_service || '.' || p_principal || '.' || p_key, 0));
    RETURN QUERY
        SELECT k.method, k.request_hash, k.response FROM kit.idempotency_keys k
         WHERE k.service = p_service AND k.principal = p_principal AND k.key = p_key AND k.expires_at > now();
END
$$;

-- Called last (with COMMIT): records the call's result. A stale row for the same key (past
-- its retention) is replaced; a few expired rows of the service are purged on the way.
CREATE FUNCTION kit.idempotency_store(
    p_service text, p_principal text, p_key text, p_method text, p_request_hash bytea,
    p_response bytea, p_retention_seconds bigint
) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, kit AS
$$
BEGIN
    IF p_principal IS NULL OR p_principal = '' OR p_key IS NULL OR p_key = '' THEN
        RAISE EXCEPTION 'an idempotency record needs a principal and a key' USING ERRCODE = '22023';
    END IF;
    INSERT INTO kit.idempotency_keys AS k (service, principal, key, method, request_hash, response, expires_at)
    VALUES (p_service, p_principal, p_key, p_method, p_request_hash, p_response,
            now() + make_interval(secs => greatest(p_retention_seconds, 1)::double precision))
    ON CONFLICT (service, principal, key) DO UPDATE
       SET method = excluded.method, request_hash = excluded.request_hash, response = excluded.response,
           created_at = excluded.created_at, expires_at = excluded.expires_at
     WHERE k.expires_at <= now();
    DELETE FROM kit.idempotency_keys d
     WHERE d.ctid = ANY (ARRAY(SELECT e.ctid FROM kit.idempotency_keys e
                                WHERE e.service = p_service AND e.expires_at <= now() LIMIT 16));
END
$$;
REVOKE ALL ON FUNCTION kit.idempotency_begin(text, text, text) FROM PUBLIC;
REVOKE ALL ON FUNCTION kit.idempotency_store(text, text, text, text, bytea, bytea, bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION kit.idempotency_begin(text, text, text) TO tongxin_service;
GRANT EXECUTE ON FUNCTION kit.idempotency_store(text, text, text, text, bytea, bytea, bigint) TO tongxin_service;
