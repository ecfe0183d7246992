-- 议后监督 — the supervision schema (DOMAIN.md §4; issue 11): implementation cases opened
-- from filed results, milestones, progress reports, supervision checks, reports to
-- residents, feedback, assessors' index scores and frozen dossiers. Runs as
-- supervision_owner; the service connects as supervision_svc, which owns nothing and cannot
-- bypass row-level security.
--
-- Tenancy and distribution as in agenda: every table carries `unit_path` (membership's
-- ltree path; `kit.protect` gives it the scope policy) and `county_code` (the root label of
-- the path without its `u`, kept equal by a CHECK), first in every primary, unique and
-- foreign key. Child rows carry their case's unit path. Enumerations are smallint codes,
-- the numbers of supervision.proto.

CREATE FUNCTION supervision.county_of(p_path ltree) RETURNS text
LANGUAGE sql IMMUTABLE STRICT SET search_path = pg_catalog, public AS
$$ SELECT substr(subpath(p_path, 0, 1)::text, 2) $$;

-- ------------------------------------------------------------------ 落实事项

CREATE TABLE supervision.cases (
    county_code           text        NOT NULL,
    id                    uuid        NOT NULL,
    unit_path             ltree       NOT NULL,
    -- The session service's filing: one case per filing (OpenCase is idempotent on it).
    filing_id             uuid        NOT NULL,
    topic_id              uuid        NOT NULL,
    meeting_id            text        NOT NULL DEFAULT '',
    result_id             text        NOT NULL DEFAULT '',
    title                 text        NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    result_text           text        NOT NULL DEFAULT '',
    filed_at              timestamptz NOT NULL,
    opened_at             timestamptz NOT NULL,
    -- 1 open, 2 in progress, 3 completed, 4 closed
    state                 smallint    NOT NULL CHECK (state BETWEEN 1 AND 4),
    responsible_person    text        NOT NULL DEFAULT '' CHECK (length(responsible_person) <= 100),
    responsible_unit_path ltree,
    deadline              date,
    budget_note           text        NOT NULL DEFAULT '',
    decided_on            date,
    decision_summary      text        NOT NULL DEFAULT '',
    decision_minutes_ref  text        NOT NULL DEFAULT '',
    assigned_at           timestamptz,
    percent               smallint    NOT NULL DEFAULT 0 CHECK (percent BETWEEN 0 AND 100),
    last_progress_on      date,
    completed_at          timestamptz,
    closed_at             timestamptz,
    -- 1 full, 2 partial, 3 none (set when closed)
    application           smallint    CHECK (application BETWEEN 1 AND 3),
    closing_note          text        NOT NULL DEFAULT '',
    updated_at            timestamptz NOT NULL,
    PRIMARY KEY (county_code, id),
    CONSTRAINT cases_filing_key UNIQUE (county_code, filing_id),
    CONSTRAINT cases_in_county CHECK (county_code ~ '^[0-9]{12}$' AND county_code = supervision.county_of(unit_path)),
    CONSTRAINT cases_assigned CHECK (state = 1 OR (responsible_person <> '' AND deadline IS NOT NULL AND assigned_at IS NOT NULL)),
    CONSTRAINT cases_closed CHECK ((state = 4) = (closed_at IS NOT NULL AND application IS NOT NULL))
);
CREATE INDEX cases_opened_idx ON supervision.cases (county_code, opened_at DESC, id DESC);
CREATE INDEX cases_topic_idx ON supervision.cases (county_code, topic_id);
SELECT kit.protect('supervision.cases');

-- 节点 — milestones; a reassignment replaces those not done (kept, with replaced_at, so a
-- past quarter's levels are recomputed from what stood then).
CREATE TABLE supervision.milestones (
    county_code text        NOT NULL,
    id          uuid        NOT NULL,
    case_id     uuid        NOT NULL,
    unit_path   ltree       NOT NULL,
    position    integer     NOT NULL,
    title       text        NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    due_on      date        NOT NULL,
    done_on     date,
    done_at     timestamptz,
    created_at  timestamptz NOT NULL,
    replaced_at timestamptz,
    PRIMARY KEY (county_code, id),
    FOREIGN KEY (county_code, case_id) REFERENCES supervision.cases (county_code, id),
    CONSTRAINT milestones_in_county CHECK (county_code ~ '^[0-9]{12}$' AND county_code = supervision.county_of(unit_path))
);
CREATE INDEX milestones_case_idx ON supervision.milestones (county_code, case_id);
SELECT kit.protect('supervision.milestones');

-- ------------------------------------------------------------------ 进展, 监督, 晒事

CREATE TABLE supervision.progress_reports (
    county_code             text        NOT NULL,
    id                      uuid        NOT NULL,
    case_id                 uuid        NOT NULL,
    unit_path               ltree       NOT NULL,
    text                    text        NOT NULL CHECK (length(text) BETWEEN 1 AND 8000),
    percent                 smallint    NOT NULL CHECK (percent BETWEEN 0 AND 100),
    attachments             text[]      NOT NULL DEFAULT '{}',
    reported_on             date        NOT NULL,
    completed_milestone_ids text[]      NOT NULL DEFAULT '{}',
    reported_by             text        NOT NULL,
    recorded_at             timestamptz NOT NULL,
    PRIMARY KEY (county_code, id),
    FOREIGN KEY (county_code, case_id) REFERENCES supervision.cases (county_code, id),
    CONSTRAINT progress_in_county CHECK (county_code ~ '^[0-9]{12}$' AND county_code = supervision.county_of(unit_path))
);
CREATE INDEX progress_case_idx ON supervision.progress_reports (county_code, case_id, recorded_at);
SELECT kit.protect('supervision.progress_reports');

CREATE TABLE supervision.checks (
    county_code text        NOT NULL,
    id          uuid        NOT NULL,
    case_id     uuid        NOT NULL,
    unit_path   ltree       NOT NULL,
    -- 1 on track, 2 delayed, 3 problem
    outcome     smallint    NOT NULL CHECK (outcome BETWEEN 1 AND 3),
    findings    text        NOT NULL DEFAULT '',
    checked_on  date        NOT NULL,
    checked_by  text        NOT NULL,
    recorded_at timestamptz NOT NULL,
    PRIMARY KEY (county_code, id),
    FOREIGN KEY (county_code, case_id) REFERENCES supervision.cases (county_code, id),
    CONSTRAINT checks_in_county CHECK (county_code ~ '^[0-9]{12}$' AND county_code = supervision.county_of(unit_path))
);
CREATE INDEX checks_case_idx ON supervision.checks (county_code, case_id, recorded_at);
SELECT kit.protect('supervision.checks');

CREATE TABLE supervision.resident_reports (
    county_code  text        NOT NULL,
    id           uuid        NOT NULL,
    case_id      uuid        NOT NULL,
    unit_path    ltree       NOT NULL,
    text         text        NOT NULL CHECK (length(text) BETWEEN 1 AND 8000),
    attachments  text[]      NOT NULL DEFAULT '{}',
    published_by text        NOT NULL,
    published_at timestamptz NOT NULL,
    PRIMARY KEY (county_code, id),
    FOREIGN KEY (county_code, case_id) REFERENCES supervision.cases (county_code, id),
    CONSTRAINT reports_in_county CHECK (county_code ~ '^[0-9]{12}$' AND county_code = supervision.county_of(unit_path))
);
CREATE INDEX reports_case_idx ON supervision.resident_reports (county_code, case_id, published_at);
CREATE INDEX reports_published_idx ON supervision.resident_reports (county_code, published_at DESC, id DESC);
SELECT kit.protect('supervision.resident_reports');

-- ------------------------------------------------------------------ 邀群众评事

CREATE TABLE supervision.feedback_recipients (
    county_code text        NOT NULL,
    case_id     uuid        NOT NULL,
    resident    text        NOT NULL CHECK (length(resident) BETWEEN 1 AND 100),
    unit_path   ltree       NOT NULL,
    invited_at  timestamptz NOT NULL,
    PRIMARY KEY (county_code, case_id, resident),
    FOREIGN KEY (county_code, case_id) REFERENCES supervision.cases (county_code, id),
    CONSTRAINT recipients_in_county CHECK (county_code ~ '^[0-9]{12}$' AND county_code = supervision.county_of(unit_path))
);
SELECT kit.protect('supervision.feedback_recipients');

CREATE TABLE supervision.feedback (
    county_code  text        NOT NULL,
    id           uuid        NOT NULL,
    case_id      uuid        NOT NULL,
    unit_path    ltree       NOT NULL,
    resident     text        NOT NULL CHECK (length(resident) BETWEEN 1 AND 100),
    -- 1 satisfied, 2 basically satisfied, 3 dissatisfied
    rating       smallint    NOT NULL CHECK (rating BETWEEN 1 AND 3),
    comment      text        NOT NULL DEFAULT '',
    submitted_at timestamptz NOT NULL,
    PRIMARY KEY (county_code, id),
    -- One rating per resident and case (a second is ALREADY_EXISTS).
    CONSTRAINT feedback_resident_key UNIQUE (county_code, case_id, resident),
    FOREIGN KEY (county_code, case_id) REFERENCES supervision.cases (county_code, id),
    CONSTRAINT feedback_in_county CHECK (county_code ~ '^[0-9]{12}$' AND county_code = supervision.county_of(unit_path))
);
SELECT kit.protect('supervision.feedback');

-- ------------------------------------------------------------------ 协商指数, 一事一档

CREATE TABLE supervision.assessments (
    county_code  text        NOT NULL,
    unit_path    ltree       NOT NULL,
    year         integer     NOT NULL CHECK (year BETWEEN 2000 AND 2999),
    indicator_id text        NOT NULL CHECK (length(indicator_id) BETWEEN 1 AND 100),
    -- Hundredths of a point: 0–10000.
    score        integer     NOT NULL CHECK (score BETWEEN 0 AND 10000),
    note         text        NOT NULL DEFAULT '',
    assessor     text        NOT NULL,
    recorded_at  timestamptz NOT NULL,
    PRIMARY KEY (county_code, unit_path, year, indicator_id),
    CONSTRAINT assessments_in_county CHECK (county_code ~ '^[0-9]{12}$' AND county_code = supervision.county_of(unit_path))
);
SELECT kit.protect('supervision.assessments');

-- A closed matter's dossier, frozen: the canonical JSON exactly as hashed (text, not
-- jsonb, which would reorder it) and its SHA-256. Never updated (no UPDATE grant).
CREATE TABLE supervision.dossiers (
    county_code  text        NOT NULL,
    topic_id     uuid        NOT NULL,
    unit_path    ltree       NOT NULL,
    content      text        NOT NULL,
    content_hash text        NOT NULL CHECK (content_hash ~ '^[0-9a-f]{64}$'),
    frozen_at    timestamptz NOT NULL,
    PRIMARY KEY (county_code, topic_id),
    CONSTRAINT dossiers_in_county CHECK (county_code ~ '^[0-9]{12}$' AND county_code = supervision.county_of(unit_path))
);
SELECT kit.protect('supervision.dossiers');

GRANT USAGE ON SCHEMA supervision TO supervision_svc;
-- Nothing is deleted; records of what was done are never changed (cases and milestones
-- move along, assessments are replaced by the assessor's newer score).
GRANT SELECT, INSERT ON ALL TABLES IN SCHEMA supervision TO supervision_svc;
GRANT UPDATE ON supervision.cases, supervision.milestones, supervision.assessments TO supervision_svc;
GRANT EXECUTE ON FUNCTION supervision.county_of(ltree) TO supervision_svc;
