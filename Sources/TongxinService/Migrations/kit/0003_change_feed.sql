-- 变更订阅 — the change feed (issue 12 item 6): every service records the changes a
-- government system follows (an appeal's status, a published result, a filing, a warning)
-- in the same transaction as the mutation, and serves them per unit subtree after a
-- cursor (tongxin.changes.v1.Changes/ListChanges, served by every service like Audit); the
-- gateway merges the services' feeds behind one opaque cursor. Run as kit_owner.
--
-- Why a sequence per (county, service), advanced under the head row's lock: a cursor must
-- never skip a change that commits late. Positions handed out at insert time (an identity
-- column) commit out of order, so a reader that saw 11 before 10 committed would move past
-- 10 for ever. Here kit.record_change takes the next position from kit.change_heads with an
-- upsert whose row lock is held until the transaction ends, so positions are given in
-- commit order: position n+1 cannot be taken before n is committed (or rolled back, which
-- gives n back). A reader that has seen n has therefore seen everything before n. The
-- price is that one county's change-recording commits of one service are serialized for
-- the length of a COMMIT — the kit records changes last, with COMMIT, in the same round
-- trip — which is why services record the changes someone follows (appeals, results,
-- filings, warnings), not every write. Positions are data, so a restored backup keeps its
-- cursors valid (transaction ids would not survive a restore into a new cluster).
--
-- Tenancy: rows carry `unit_path` and `county_code` like every tenant table (kit.protect:
-- a service reads and writes only inside its transaction's scope), and a second,
-- restrictive policy shows a service only its own rows: the service is the login role
-- without `_svc` (agenda_svc → agenda), never a request field, so no service can forge or
-- read another's feed.

-- The service a login role serves: agenda_svc → agenda.
CREATE FUNCTION kit.service_of(p_role name) RETURNS text
LANGUAGE sql IMMUTABLE STRICT SET search_path = pg_catalog AS
$$ SELECT regexp_replace(p_role::text, '_svc$', '') $$;
GRANT EXECUTE ON FUNCTION kit.service_of(name) TO PUBLIC;

CREATE TABLE kit.changes (
    county_code  text         NOT NULL CHECK (county_code ~ '^[0-9]{12}$'),
    service      text         NOT NULL CHECK (service ~ '^[a-z][a-z0-9_]{0,62}$'),
    seq          bigint       NOT NULL CHECK (seq >= 1),
    unit_path    public.ltree NOT NULL,
    -- "<entity>.<what>": item.status, appeal.event, result.published, case.warning …
    kind         text         NOT NULL CHECK (kind ~ '^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$' AND length(kind) <= 64),
    -- The object that changed, "<entity>/<id>".
    subject      text         NOT NULL CHECK (length(subject) BETWEEN 1 AND 200),
    -- Its new state, "" when the kind says it all.
    state        text         NOT NULL DEFAULT '' CHECK (length(state) <= 64),
    -- A government system's reference of the object (a 12345 work order), '' when none.
    external_ref text         NOT NULL DEFAULT '' CHECK (length(external_ref) <= 200),
    -- Ids, codes and counts; never personal data (the feed leaves the deployment).
    detail       jsonb        NOT NULL DEFAULT '{}'::jsonb,
    principal    text         NOT NULL,
    trace_id     text         NOT NULL DEFAULT '',
    -- The call's time (the service's clock); recorded_at is the database's, at commit.
    occurred_at  timestamptz  NOT NULL,
    recorded_at  timestamptz  NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (county_code, service, seq),
    CONSTRAINT changes_in_county CHECK (county_code = substr(public.subpath(unit_path, 0, 1)::text, 2))
);
COMMENT ON TABLE kit.changes IS 'tongxin: the change feed; distributed by county_code';
-- The gateway reads one work order's history (GetAppeal).
CREATE INDEX changes_external_ref_idx ON kit.changes (county_code, service, external_ref, seq) WHERE external_ref <> '';
SELECT kit.protect('kit.changes');
CREATE POLICY changes_own_service ON kit.changes AS RESTRICTIVE FOR SELECT
    USING (service = kit.service_of(session_user));
REVOKE ALL ON kit.changes FROM PUBLIC;
GRANT SELECT ON kit.changes TO tongxin_service;

-- The last position handed out per county and service.
CREATE TABLE kit.change_heads (
    county_code text   NOT NULL,
    service     text   NOT NULL,
    last_seq    bigint NOT NULL CHECK (last_seq >= 1),
    PRIMARY KEY (county_code, service)
);
REVOKE ALL ON kit.change_heads FROM PUBLIC;

-- Records one change in the caller's transaction and returns its position. The service is
-- the session's login role, the principal the transaction's app.principal (set by the kit
-- from the verified token), and the unit must lie inside app.scope, as for audit.append.
CREATE FUNCTION kit.record_change(
    p_unit_path public.ltree, p_kind text, p_subject text, p_state text, p_external_ref text,
    p_detail jsonb, p_occurred_at timestamptz, p_trace_id text
) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, kit AS
$$
DECLARE
    v_service text := kit.service_of(session_user);
    v_county text := substr(public.subpath(p_unit_path, 0, 1)::text, 2);
    v_principal text := NULLIF(current_setting('app.principal', true), '');
    v_scope public.ltree := NULLIF(current_setting('app.scope', true), '')::public.ltree;
    v_seq bigint;
BEGIN
    IF v_principal IS NULL THEN
        RAISE EXCEPTION 'a change needs a principal (app.principal)' USING ERRCODE = '22023';
    END IF;
    IF v_scope IS NULL OR NOT (p_unit_path OPERATOR(public.<@) v_scope) THEN
        RAISE EXCEPTION 'a change of % lies outside the transaction''s scope', p_unit_path USING ERRCODE = '42501';
    END IF;
    INSERT INTO kit.change_heads AS h (county_code, service, last_seq) VALUES (v_county, v_service, 1)
        ON CONFLICT (county_code, service) DO UPDATE SET last_seq = h.last_seq + 1
        RETURNING h.last_seq INTO v_seq;
    INSERT INTO kit.changes (county_code, service, seq, unit_path, kind, subject, state, external_ref, detail,
                             principal, trace_id, occurred_at)
    VALUES (v_county, v_service, v_seq, p_unit_path, p_kind, p_subject, coalesce(p_state, ''), coalesce(p_external_ref, ''),
            coalesce(p_detail, '{}'::jsonb), v_principal, coalesce(p_trace_id, ''), p_occurred_at);
    RETURN v_seq;
END
$$;
REVOKE ALL ON FUNCTION kit.record_change(public.ltree, text, text, text, text, jsonb, timestamptz, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION kit.record_change(public.ltree, text, text, text, text, jsonb, timestamptz, text) TO tongxin_service;
