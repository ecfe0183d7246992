-- 协商什么 — the agenda schema (DOMAIN.md §2; issue 9): the problem ledger, scope lists,
-- topics with their approval, research, meeting plans and the annual plan. Runs as
-- agenda_owner; the service connects as agenda_svc, which owns nothing and cannot bypass
-- row-level security.
--
-- Tenancy: every table carries `unit_path` (membership's ltree path of the unit a row
-- belongs to) and gets the kit's scope policy (`kit.protect`). Distribution: every table
-- carries `county_code` (the root label of `unit_path` without its `u`, kept equal by a
-- CHECK), first in every primary, unique and foreign key, so the schema can be distributed
-- by county with Citus (colocated with membership.people) without redesign.
--
-- Units are not referenced by foreign key: the unit tree is membership's (ARCHITECTURE.md
-- principle 3, a service never reads another's tables); requests name units by path and the
-- service checks the path against the caller's scope.
--
-- Enumerations are smallint codes, the numbers of agenda.proto (AgendaRules' raw values).

CREATE FUNCTION agenda.county_of(p_path ltree) RETURNS text
LANGUAGE sql IMMUTABLE STRICT SET search_path = pg_catalog, public AS
$$ SELECT substr(subpath(p_path, 0, 1)::text, 2) $$;

-- ------------------------------------------------------------------ 问题台账

CREATE TABLE agenda.items (
    county_code    text        NOT NULL,
    id             uuid        NOT NULL,
    unit_path      ltree       NOT NULL,
    channel        smallint    NOT NULL CHECK (channel BETWEEN 1 AND 9),
    category       smallint    NOT NULL CHECK (category BETWEEN 1 AND 14),
    status         smallint    NOT NULL CHECK (status BETWEEN 1 AND 7),
    text           text        NOT NULL CHECK (length(text) BETWEEN 1 AND 4000),
    -- '' when anonymous.
    reporter       text        NOT NULL DEFAULT '',
    -- The contact sealed by the PII vault (bound to this table, column and row), and its
    -- masked form for callers who may not read personal data.
    contact_sealed bytea,
    contact_masked text        NOT NULL DEFAULT '',
    -- A government system's reference (12345 工单号): one item per reference and county.
    external_ref   text        NOT NULL DEFAULT '' CHECK (length(external_ref) <= 128),
    merged_into    uuid,
    split_from     uuid,
    topic_id       uuid,
    -- 答复责任人: who is to answer the reporter; answered_by: who did.
    responder      text        NOT NULL DEFAULT '' CHECK (length(responder) <= 100),
    answer         text        NOT NULL DEFAULT '',
    answered_by    text        NOT NULL DEFAULT '',
    answered_at    timestamptz,
    received_at    timestamptz NOT NULL,
    created_at     timestamptz NOT NULL,
    updated_at     timestamptz NOT NULL,
    PRIMARY KEY (county_code, id),
    CONSTRAINT items_in_county CHECK (county_code ~ '^[0-9]{12}$' AND county_code = agenda.county_of(unit_path)),
    CONSTRAINT items_merged_has_target CHECK ((status = 6) = (merged_into IS NOT NULL)),
    FOREIGN KEY (county_code, merged_into) REFERENCES agenda.items (county_code, id),
    FOREIGN KEY (county_code, split_from) REFERENCES agenda.items (county_code, id)
);
CREATE UNIQUE INDEX items_external_ref_key ON agenda.items (county_code, external_ref) WHERE external_ref <> '';
-- The ledger's list order (newest first) with its tie-breaker, per county: a keyset page is
-- one index range.
CREATE INDEX items_received_idx ON agenda.items (county_code, received_at DESC, id DESC);
CREATE INDEX items_path_gist ON agenda.items USING gist (unit_path);
CREATE INDEX items_merged_into_idx ON agenda.items (county_code, merged_into) WHERE merged_into IS NOT NULL;
SELECT kit.protect('agenda.items');

-- ------------------------------------------------------------------ 协商清单

CREATE TABLE agenda.scope_entries (
    county_code text        NOT NULL,
    id          uuid        NOT NULL,
    unit_path   ltree       NOT NULL,
    -- 1 正面清单, 2 负面清单
    list        smallint    NOT NULL CHECK (list IN (1, 2)),
    category    smallint    NOT NULL CHECK (category BETWEEN 1 AND 14),
    text        text        NOT NULL CHECK (length(text) <= 1000),
    created_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL,
    PRIMARY KEY (county_code, id),
    CONSTRAINT scope_entries_unit_category_key UNIQUE (county_code, unit_path, category),
    CONSTRAINT scope_entries_in_county CHECK (county_code ~ '^[0-9]{12}$' AND county_code = agenda.county_of(unit_path))
);
CREATE INDEX scope_entries_path_gist ON agenda.scope_entries USING gist (unit_path);
SELECT kit.protect('agenda.scope_entries');

-- 两委会表决门槛 per unit (absent everywhere on the way up: 半数以上, 004).
CREATE TABLE agenda.approval_rules (
    county_code text        NOT NULL,
    unit_path   ltree       NOT NULL,
    numerator   integer     NOT NULL,
    denominator integer     NOT NULL,
    -- true 以上/不少于 (the count may equal the fraction), false 过半数/超过 (strictly more).
    inclusive   boolean     NOT NULL,
    updated_at  timestamptz NOT NULL,
    PRIMARY KEY (county_code, unit_path),
    CONSTRAINT approval_rules_fraction CHECK (denominator BETWEEN 1 AND 1000 AND numerator BETWEEN 1 AND denominator),
    CONSTRAINT approval_rules_in_county CHECK (county_code ~ '^[0-9]{12}$' AND county_code = agenda.county_of(unit_path))
);
SELECT kit.protect('agenda.approval_rules');

-- Lists and thresholds are inherited down the tree (a town's apply to its villages), so a
-- caller also reads the entries of the units above its scope — never writes them: this
-- policy is for SELECT only, the kit's scope policy still bounds every write.
CREATE POLICY inherited_from_above ON agenda.scope_entries FOR SELECT
    USING (NULLIF(current_setting('app.scope', true), '')::public.ltree OPERATOR(public.<@) unit_path);
CREATE POLICY inherited_from_above ON agenda.approval_rules FOR SELECT
    USING (NULLIF(current_setting('app.scope', true), '')::public.ltree OPERATOR(public.<@) unit_path);

-- ------------------------------------------------------------------ 议题

CREATE TABLE agenda.topics (
    county_code        text        NOT NULL,
    id                 uuid        NOT NULL,
    unit_path          ltree       NOT NULL,
    -- "2025-003" once adopted, '' before.
    number             text        NOT NULL DEFAULT '',
    title              text        NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    description        text        NOT NULL DEFAULT '',
    category           smallint    NOT NULL CHECK (category BETWEEN 1 AND 14),
    scale              smallint    NOT NULL CHECK (scale BETWEEN 1 AND 3),
    source             smallint    NOT NULL CHECK (source BETWEEN 1 AND 5),
    form               smallint    NOT NULL CHECK (form BETWEEN 1 AND 7),
    state              smallint    NOT NULL CHECK (state BETWEEN 1 AND 12),
    spanned_unit_paths text[]      NOT NULL DEFAULT '{}',
    meeting_due_on     date,
    approved_at        timestamptz,
    created_at         timestamptz NOT NULL,
    updated_at         timestamptz NOT NULL,
    PRIMARY KEY (county_code, id),
    CONSTRAINT topics_in_county CHECK (county_code ~ '^[0-9]{12}$' AND county_code = agenda.county_of(unit_path))
);
CREATE UNIQUE INDEX topics_number_key ON agenda.topics (county_code, unit_path, number) WHERE number <> '';
CREATE INDEX topics_created_idx ON agenda.topics (county_code, created_at DESC, id DESC);
CREATE INDEX topics_path_gist ON agenda.topics USING gist (unit_path);
SELECT kit.protect('agenda.topics');

ALTER TABLE agenda.items ADD FOREIGN KEY (county_code, topic_id) REFERENCES agenda.topics (county_code, id);

-- Topic numbers per unit and year: the last sequence handed out.
CREATE TABLE agenda.topic_numbers (
    county_code text    NOT NULL,
    unit_path   ltree   NOT NULL,
    year        integer NOT NULL CHECK (year BETWEEN 2000 AND 2999),
    last        integer NOT NULL CHECK (last >= 1),
    PRIMARY KEY (county_code, unit_path, year),
    CONSTRAINT topic_numbers_in_county CHECK (county_code ~ '^[0-9]{12}$' AND county_code = agenda.county_of(unit_path))
);
SELECT kit.protect('agenda.topic_numbers');

-- Every move of a topic along its lifecycle (the dossier's history: 一事一档).
CREATE TABLE agenda.topic_events (
    county_code text        NOT NULL,
    id          uuid        NOT NULL,
    topic_id    uuid        NOT NULL,
    unit_path   ltree       NOT NULL,
    from_state  smallint    CHECK (from_state BETWEEN 1 AND 12),
    to_state    smallint    NOT NULL CHECK (to_state BETWEEN 1 AND 12),
    note        text        NOT NULL DEFAULT '',
    principal   text        NOT NULL,
    at          timestamptz NOT NULL,
    PRIMARY KEY (county_code, id),
    FOREIGN KEY (county_code, topic_id) REFERENCES agenda.topics (county_code, id),
    CONSTRAINT topic_events_in_county CHECK (county_code ~ '^[0-9]{12}$' AND county_code = agenda.county_of(unit_path))
);
CREATE INDEX topic_events_topic_idx ON agenda.topic_events (county_code, topic_id, at);
SELECT kit.protect('agenda.topic_events');

-- 两委会审议 — who was present and each one's vote, with the threshold applied.
CREATE TABLE agenda.approvals (
    county_code   text        NOT NULL,
    id            uuid        NOT NULL,
    topic_id      uuid        NOT NULL,
    unit_path     ltree       NOT NULL,
    meeting_on    date        NOT NULL,
    present       text[]      NOT NULL,
    -- [{"voter": "...", "vote": 1}], vote 1 for, 2 against, 3 abstain
    ballots       jsonb       NOT NULL,
    in_favour     integer     NOT NULL,
    against       integer     NOT NULL,
    abstaining    integer     NOT NULL,
    numerator     integer     NOT NULL,
    denominator   integer     NOT NULL,
    inclusive     boolean     NOT NULL,
    adopted       boolean     NOT NULL,
    recorded_at   timestamptz NOT NULL,
    PRIMARY KEY (county_code, id),
    FOREIGN KEY (county_code, topic_id) REFERENCES agenda.topics (county_code, id),
    CONSTRAINT approvals_in_county CHECK (county_code ~ '^[0-9]{12}$' AND county_code = agenda.county_of(unit_path))
);
CREATE INDEX approvals_topic_idx ON agenda.approvals (county_code, topic_id);
SELECT kit.protect('agenda.approvals');

-- ------------------------------------------------------------------ 议前调研, 议事方案

CREATE TABLE agenda.research_records (
    county_code  text        NOT NULL,
    id           uuid        NOT NULL,
    topic_id     uuid        NOT NULL,
    unit_path    ltree       NOT NULL,
    kind         smallint    NOT NULL CHECK (kind BETWEEN 1 AND 3),
    summary      text        NOT NULL CHECK (length(summary) BETWEEN 1 AND 8000),
    attachments  text[]      NOT NULL DEFAULT '{}',
    conducted_on date        NOT NULL,
    recorded_at  timestamptz NOT NULL,
    PRIMARY KEY (county_code, id),
    FOREIGN KEY (county_code, topic_id) REFERENCES agenda.topics (county_code, id),
    CONSTRAINT research_records_in_county CHECK (county_code ~ '^[0-9]{12}$' AND county_code = agenda.county_of(unit_path))
);
CREATE INDEX research_records_topic_idx ON agenda.research_records (county_code, topic_id, recorded_at);
SELECT kit.protect('agenda.research_records');

CREATE TABLE agenda.meeting_plans (
    county_code  text        NOT NULL,
    id           uuid        NOT NULL,
    topic_id     uuid        NOT NULL,
    unit_path    ltree       NOT NULL,
    meeting_at   timestamptz NOT NULL,
    place        text        NOT NULL CHECK (length(place) BETWEEN 1 AND 200),
    form         smallint    NOT NULL CHECK (form BETWEEN 1 AND 7),
    -- [{"person": "...", "role": 1}]
    participants jsonb       NOT NULL,
    agenda       text[]      NOT NULL DEFAULT '{}',
    lead_days    integer     NOT NULL,
    published_at timestamptz NOT NULL,
    PRIMARY KEY (county_code, id),
    CONSTRAINT meeting_plans_topic_key UNIQUE (county_code, topic_id),
    FOREIGN KEY (county_code, topic_id) REFERENCES agenda.topics (county_code, id),
    CONSTRAINT meeting_plans_in_county CHECK (county_code ~ '^[0-9]{12}$' AND county_code = agenda.county_of(unit_path))
);
SELECT kit.protect('agenda.meeting_plans');

-- ------------------------------------------------------------------ 年度协商计划

CREATE TABLE agenda.plan_entries (
    county_code text        NOT NULL,
    id          uuid        NOT NULL,
    unit_path   ltree       NOT NULL,
    year        integer     NOT NULL CHECK (year BETWEEN 2000 AND 2999),
    quarter     smallint    NOT NULL DEFAULT 0 CHECK (quarter BETWEEN 0 AND 4),
    month       smallint    NOT NULL DEFAULT 0 CHECK (month BETWEEN 0 AND 12),
    topic_id    uuid        NOT NULL,
    created_at  timestamptz NOT NULL,
    PRIMARY KEY (county_code, id),
    CONSTRAINT plan_entries_topic_key UNIQUE (county_code, unit_path, year, topic_id),
    CONSTRAINT plan_entries_one_period CHECK ((quarter > 0) <> (month > 0)),
    FOREIGN KEY (county_code, topic_id) REFERENCES agenda.topics (county_code, id),
    CONSTRAINT plan_entries_in_county CHECK (county_code ~ '^[0-9]{12}$' AND county_code = agenda.county_of(unit_path))
);
SELECT kit.protect('agenda.plan_entries');

GRANT USAGE ON SCHEMA agenda TO agenda_svc;
-- Nothing is deleted but a unit's own scope-list entry (inheritance comes back).
GRANT SELECT, INSERT, UPDATE ON ALL TABLES IN SCHEMA agenda TO agenda_svc;
GRANT DELETE ON agenda.scope_entries TO agenda_svc;
GRANT EXECUTE ON FUNCTION agenda.county_of(ltree) TO agenda_svc;
CREATE INDEX items_topic_idx ON agenda.items (county_code, topic_id) WHERE topic_id IS NOT NULL;
