-- The shared audit log (审计日志): every mutation of every service, append-only and
-- hash-chained per tenant chain (the county and town part of the unit path), so that an
-- altered, removed or reordered entry breaks the chain and audit.verify finds it.
-- ARCHITECTURE.md principle 6; run as audit_owner.

CREATE TABLE audit.entries (
    chain       text        NOT NULL,
    seq         bigint      NOT NULL,
    occurred_at timestamptz NOT NULL,
    principal   text        NOT NULL,
    unit_path   public.ltree NOT NULL,
    service     text        NOT NULL,
    method      text        NOT NULL,
    target      text        NOT NULL,
    detail      jsonb       NOT NULL DEFAULT '{}'::jsonb,
    trace_id    text        NOT NULL DEFAULT '',
    prev_hash   bytea       NOT NULL,
    hash        bytea       NOT NULL,
    PRIMARY KEY (chain, seq)
);
CREATE INDEX entries_unit_path_idx ON audit.entries USING gist (unit_path);
CREATE INDEX entries_target_idx ON audit.entries (target);

ALTER TABLE audit.entries ENABLE ROW LEVEL SECURITY;
ALTER TABLE audit.entries FORCE ROW LEVEL SECURITY;
-- Readers see the subtree of their transaction's scope, like every tenant table.
CREATE POLICY entries_read_scope ON audit.entries FOR SELECT
    USING (unit_path <@ NULLIF(current_setting('app.scope', true), '')::public.ltree);
-- The owner appends (inside audit.append) and reads the chain head; nobody updates or deletes.
CREATE POLICY entries_owner_append ON audit.entries FOR INSERT TO audit_owner WITH CHECK (true);
CREATE POLICY entries_owner_read ON audit.entries FOR SELECT TO audit_owner USING (true);
REVOKE ALL ON audit.entries FROM PUBLIC;
GRANT SELECT ON audit.entries TO tongxin_auditor;

-- The chain an entry belongs to: the first two labels of its unit path (county.town).
CREATE FUNCTION audit.chain_of(p_unit_path public.ltree) RETURNS text
    LANGUAGE sql IMMUTABLE AS
$$ SELECT public.subpath(p_unit_path, 0, least(public.nlevel(p_unit_path), 2))::text $$;

-- The hash of an entry: sha256 over the previous hash and every field.
CREATE FUNCTION audit.entry_hash(
    p_prev bytea, p_chain text, p_seq bigint, p_occurred_at timestamptz, p_principal text,
    p_unit_path public.ltree, p_service text, p_method text, p_target text, p_detail jsonb, p_trace_id text
) RETURNS bytea LANGUAGE sql IMMUTABLE AS
$$ SELECT sha256(p_prev || convert_to(concat_ws(E'\x1f',
        p_chain, p_seq::text, (extract(epoch FROM p_occurred_at) * 1000000)::bigint::text,
        p_principal, p_unit_path::text, p_service, p_method, p_target, p_detail::text, p_trace_id), 'UTF8')) $$;

-- Appends one entry in the caller's transaction (so it commits or rolls back with the
-- mutation it records) and returns its sequence number in the chain.
CREATE FUNCTION audit.append(
    p_principal text, p_unit_path public.ltree, p_service text, p_method text,
    p_target text, p_detail jsonb, p_trace_id text
) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, audit AS
$$
DECLARE
    v_chain text := audit.chain_of(p_unit_path);
    v_prev bytea;
    v_seq bigint;
    v_at timestamptz := clock_timestamp();
BEGIN
    IF p_principal IS NULL OR p_principal = '' OR p_method IS NULL OR p_method = '' THEN
        RAISE EXCEPTION 'audit entry needs a principal and a method' USING ERRCODE = '22023';
    END IF;
    PERFORM pg_advisory_xact_lock(hashtextextended('tongxin.audit.' || v_chain, 0));
    SELECT e.seq, e.hash INTO v_seq, v_prev
      FROM audit.entries e WHERE e.chain = v_chain ORDER BY e.seq DESC LIMIT 1;
    v_seq := coalesce(v_seq, 0) + 1;
    v_prev := coalesce(v_prev, '\x'::bytea);
    INSERT INTO audit.entries (chain, seq, occurred_at, principal, unit_path, service, method,
                               target, detail, trace_id, prev_hash, hash)
    VALUES (v_chain, v_seq, v_at, p_principal, p_unit_path, p_service, p_method, p_target,
            coalesce(p_detail, '{}'::jsonb), coalesce(p_trace_id, ''), v_prev,
            audit.entry_hash(v_prev, v_chain, v_seq, v_at, p_principal, p_unit_path, p_service,
                             p_method, p_target, coalesce(p_detail, '{}'::jsonb), coalesce(p_trace_id, '')));
    RETURN v_seq;
END
$$;
REVOKE ALL ON FUNCTION audit.append(text, public.ltree, text, text, text, jsonb, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION audit.append(text, public.ltree, text, text, text, jsonb, text) TO tongxin_service;

-- Recomputes a chain; returns the first entry whose hash or link does not match
-- (no rows: the chain is intact).
CREATE FUNCTION audit.verify(p_chain text)
RETURNS TABLE (seq bigint, problem text)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, audit AS
$$
DECLARE
    r audit.entries;
    v_prev bytea := '\x'::bytea;
    v_expected_seq bigint := 1;
BEGIN
    FOR r IN SELECT * FROM audit.entries e WHERE e.chain = p_chain ORDER BY e.seq LOOP
        IF r.seq <> v_expected_seq THEN
            seq := r.seq; problem := 'missing entry ' || v_expected_seq; RETURN NEXT; RETURN;
        END IF;
        IF r.prev_hash <> v_prev THEN
            seq := r.seq; problem := 'broken link'; RETURN NEXT; RETURN;
        END IF;
        IF r.hash <> audit.entry_hash(r.prev_hash, r.chain, r.seq, r.occurred_at, r.principal, r.unit_path,
                                      r.service, r.method, r.target, r.detail, r.trace_id) THEN
            seq := r.seq; problem := 'altered entry'; RETURN NEXT; RETURN;
        END IF;
        v_prev := r.hash;
        v_expected_seq := v_expected_seq + 1;
    END LOOP;
END
$$;
REVOKE ALL ON FUNCTION audit.verify(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION audit.verify(text) TO tongxin_auditor;
