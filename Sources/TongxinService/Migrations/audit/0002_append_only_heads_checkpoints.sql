-- Hardening of the audit log (Hardening issue, items 7–9). Run as audit_owner.
--
-- 1. Append-only for everyone but a superuser: statement-level triggers refuse UPDATE,
--    DELETE and TRUNCATE on audit.entries (and on the checkpoints), whoever holds the
--    privilege, and the owner gives the privileges up as well. Only a superuser (who can
--    disable triggers anyway) gets through; what a superuser does is what the chain head
--    and the keyed checkpoints below are for.
-- 2. Chain heads: audit.heads holds the last seq and hash of every chain, advanced by
--    audit.append in the same transaction as the entry, so a removed tail (the last
--    entries deleted) no longer looks like a shorter intact chain.
-- 3. Keyed checkpoints: audit.checkpoints holds (chain, seq, hash, mac) rows written by the
--    services through audit.write_checkpoint, where mac = HMAC-SHA256 over chain, seq and
--    hash under TONGXIN_AUDIT_CHECKPOINT_KEY, a key the database never sees. Whoever can
--    rewrite the table and recompute plain SHA-256 hashes cannot make a checkpoint that
--    verifies, so a rewritten chain and a truncated-and-reheaded chain are found
--    (VerifyAuditChain, AuditVerifier in TongxinService).
-- 4. audit.append takes the principal from app.principal (set per transaction by the
--    kit from the verified token) and refuses an entry whose unit path lies outside
--    app.scope: a service cannot write into another town's chain.

-- 1. Append-only.
CREATE FUNCTION audit.refuse_change() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog AS
$$
BEGIN
    IF NOT coalesce((SELECT r.rolsuper FROM pg_roles r WHERE r.rolname = current_user), false) THEN
        RAISE EXCEPTION 'audit.%: % is refused; the audit log is append-only', TG_TABLE_NAME, TG_OP
            USING ERRCODE = '42501';
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER entries_append_only BEFORE UPDATE OR DELETE ON audit.entries
    FOR EACH STATEMENT EXECUTE FUNCTION audit.refuse_change();
CREATE TRIGGER entries_no_truncate BEFORE TRUNCATE ON audit.entries
    FOR EACH STATEMENT EXECUTE FUNCTION audit.refuse_change();
REVOKE UPDATE, DELETE, TRUNCATE ON audit.entries FROM audit_owner;

-- 2. Chain heads.
CREATE TABLE audit.heads (
    chain text   PRIMARY KEY,
    seq   bigint NOT NULL,
    hash  bytea  NOT NULL
);
REVOKE ALL ON audit.heads FROM PUBLIC;
-- Heads of chains written before this migration.
INSERT INTO audit.heads (chain, seq, hash)
SELECT DISTINCT ON (e.chain) e.chain, e.seq, e.hash FROM audit.entries e ORDER BY e.chain, e.seq DESC;
-- A head only moves forward; deleting or truncating it is refused like the entries.
CREATE FUNCTION audit.refuse_head_rewind() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog AS
$$
BEGIN
    IF NEW.seq <= OLD.seq AND NOT coalesce((SELECT r.rolsuper FROM pg_roles r WHERE r.rolname = current_user), false) THEN
        RAISE EXCEPTION 'audit.heads: a chain head only moves forward' USING ERRCODE = '42501';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER heads_forward_only BEFORE UPDATE ON audit.heads
    FOR EACH ROW EXECUTE FUNCTION audit.refuse_head_rewind();
CREATE TRIGGER heads_no_delete BEFORE DELETE ON audit.heads
    FOR EACH STATEMENT EXECUTE FUNCTION audit.refuse_change();
CREATE TRIGGER heads_no_truncate BEFORE TRUNCATE ON audit.heads
    FOR EACH STATEMENT EXECUTE FUNCTION audit.refuse_change();

-- 3. Keyed checkpoints.
CREATE TABLE audit.checkpoints (
    chain      text        NOT NULL,
    seq        bigint      NOT NULL,
    hash       bytea       NOT NULL,
    mac        bytea       NOT NULL,
    written_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (chain, seq)
);
REVOKE ALL ON audit.checkpoints FROM PUBLIC;
CREATE TRIGGER checkpoints_append_only BEFORE UPDATE OR DELETE ON audit.checkpoints
    FOR EACH STATEMENT EXECUTE FUNCTION audit.refuse_change();
CREATE TRIGGER checkpoints_no_truncate BEFORE TRUNCATE ON audit.checkpoints
    FOR EACH STATEMENT EXECUTE FUNCTION audit.refuse_change();
REVOKE UPDATE, DELETE, TRUNCATE ON audit.checkpoints FROM audit_owner;

-- 4. The new append: no principal parameter.
DROP FUNCTION audit.append(text, public.ltree, text, text, text, jsonb, text);

-- Appends one entry in the caller's transaction and advances its chain's head; returns
-- its sequence number. The principal is the transaction's app.principal; the unit path
-- must lie inside the transaction's app.scope.
CREATE FUNCTION audit.append(
    p_unit_path public.ltree, p_service text, p_method text,
    p_target text, p_detail jsonb, p_trace_id text
) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, audit AS
$$
DECLARE
    v_principal text := NULLIF(current_setting('app.principal', true), '');
    v_scope public.ltree := NULLIF(current_setting('app.scope', true), '')::public.ltree;
    v_chain text := audit.chain_of(p_unit_path);
    v_prev bytea;
    v_seq bigint;
    v_hash bytea;
    v_detail jsonb := coalesce(p_detail, '{}'::jsonb);
    v_trace text := coalesce(p_trace_id, '');
    v_at timestamptz := clock_timestamp();
BEGIN
    IF v_principal IS NULL OR p_method IS NULL OR p_method = '' THEN
        RAISE EXCEPTION 'audit entry needs a principal (app.principal) and a method' USING ERRCODE = '22023';
    END IF;
    IF p_unit_path IS NULL OR v_scope IS NULL OR NOT (p_unit_path OPERATOR(public.<@) v_scope) THEN
        RAISE EXCEPTION 'audit entry for % lies outside the transaction''s scope', p_unit_path USING ERRCODE = '42501';
    END IF;
    PERFORM pg_advisory_xact_lock(hashtextextended('tongxin.audit.' || v_chain, 0));
    SELECT h.seq, h.hash INTO v_seq, v_prev FROM audit.heads h WHERE h.chain = v_chain FOR UPDATE;
    v_seq := coalesce(v_seq, 0) + 1;
    v_prev := coalesce(v_prev, '\x'::bytea);
    v_hash := audit.entry_hash(v_prev, v_chain, v_seq, v_at, v_principal, p_unit_path, p_service,
                               p_method, p_target, v_detail, v_trace);
    INSERT INTO audit.entries (chain, seq, occurred_at, principal, unit_path, service, method,
                               target, detail, trace_id, prev_hash, hash)
    VALUES (v_chain, v_seq, v_at, v_principal, p_unit_path, p_service, p_method, p_target,
            v_detail, v_trace, v_prev, v_hash);
    INSERT INTO audit.heads AS h (chain, seq, hash) VALUES (v_chain, v_seq, v_hash)
    ON CONFLICT (chain) DO UPDATE SET seq = excluded.seq, hash = excluded.hash;
    RETURN v_seq;
END
$$;
REVOKE ALL ON FUNCTION audit.append(public.ltree, text, text, text, jsonb, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION audit.append(public.ltree, text, text, text, jsonb, text) TO tongxin_service;

-- The heads whose latest checkpoint is older than the head (or missing): what a service's
-- checkpointer MACs and writes next. Chain names, seqs and hashes only, no entry content.
CREATE FUNCTION audit.pending_checkpoints(p_limit integer DEFAULT 1000)
RETURNS TABLE (chain text, seq bigint, hash bytea)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, audit AS
$$
    SELECT h.chain, h.seq, h.hash FROM audit.heads h
     WHERE h.seq > coalesce((SELECT max(c.seq) FROM audit.checkpoints c WHERE c.chain = h.chain), 0)
     ORDER BY h.chain LIMIT p_limit
$$;

-- Records a keyed checkpoint of a chain; the (seq, hash) must be an entry of that chain as
-- it is now (a checkpoint vouches only for what is there). A repeat is a no-op.
CREATE FUNCTION audit.write_checkpoint(p_chain text, p_seq bigint, p_hash bytea, p_mac bytea)
RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, audit AS
$$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM audit.entries e WHERE e.chain = p_chain AND e.seq = p_seq AND e.hash = p_hash) THEN
        RAISE EXCEPTION 'no entry % of chain % with that hash', p_seq, p_chain USING ERRCODE = '22023';
    END IF;
    IF length(p_mac) <> 32 THEN
        RAISE EXCEPTION 'a checkpoint MAC is 32 bytes' USING ERRCODE = '22023';
    END IF;
    INSERT INTO audit.checkpoints (chain, seq, hash, mac) VALUES (p_chain, p_seq, p_hash, p_mac)
    ON CONFLICT DO NOTHING;
    RETURN FOUND;
END
$$;

-- What VerifyAuditChain needs of one chain, without the entries' content: the first
-- problem audit.verify finds (if any), the last entry present, and the recorded head.
CREATE FUNCTION audit.chain_state(p_chain text)
RETURNS TABLE (problem_seq bigint, problem text, last_seq bigint, last_hash bytea, head_seq bigint, head_hash bytea)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, audit AS
$$
BEGIN
    SELECT v.seq, v.problem INTO problem_seq, problem FROM audit.verify(p_chain) v LIMIT 1;
    SELECT e.seq, e.hash INTO last_seq, last_hash FROM audit.entries e WHERE e.chain = p_chain ORDER BY e.seq DESC LIMIT 1;
    SELECT h.seq, h.hash INTO head_seq, head_hash FROM audit.heads h WHERE h.chain = p_chain;
    RETURN NEXT;
END
$$;

-- The latest keyed checkpoints of a chain, each with the hash the entry at its seq has
-- now (NULL when that entry is gone).
CREATE FUNCTION audit.chain_checkpoints(p_chain text, p_limit integer DEFAULT 16)
RETURNS TABLE (seq bigint, hash bytea, mac bytea, entry_hash bytea)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, audit AS
$$
    SELECT c.seq, c.hash, c.mac, e.hash FROM audit.checkpoints c
      LEFT JOIN audit.entries e ON e.chain = c.chain AND e.seq = c.seq
     WHERE c.chain = p_chain ORDER BY c.seq DESC LIMIT p_limit
$$;

-- The chains that exist (heads or entries) inside a subtree.
CREATE FUNCTION audit.chains_within(p_root public.ltree)
RETURNS SETOF text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, audit AS
$$
    SELECT h.chain FROM audit.heads h WHERE h.chain::public.ltree OPERATOR(public.<@) p_root
    UNION
    SELECT DISTINCT e.chain FROM audit.entries e WHERE e.chain::public.ltree OPERATOR(public.<@) p_root
    ORDER BY 1
$$;

REVOKE ALL ON FUNCTION audit.pending_checkpoints(integer) FROM PUBLIC;
REVOKE ALL ON FUNCTION audit.write_checkpoint(text, bigint, bytea, bytea) FROM PUBLIC;
REVOKE ALL ON FUNCTION audit.chain_state(text) FROM PUBLIC;
REVOKE ALL ON FUNCTION audit.chain_checkpoints(text, integer) FROM PUBLIC;
REVOKE ALL ON FUNCTION audit.chains_within(public.ltree) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION audit.pending_checkpoints(integer) TO tongxin_service;
GRANT EXECUTE ON FUNCTION audit.write_checkpoint(text, bigint, bytea, bytea) TO tongxin_service;
GRANT EXECUTE ON FUNCTION audit.chain_state(text) TO tongxin_service, tongxin_auditor;
GRANT EXECUTE ON FUNCTION audit.chain_checkpoints(text, integer) TO tongxin_service, tongxin_auditor;
GRANT EXECUTE ON FUNCTION audit.chains_within(public.ltree) TO tongxin_service, tongxin_auditor;
GRANT SELECT ON audit.heads, audit.checkpoints TO tongxin_auditor;
