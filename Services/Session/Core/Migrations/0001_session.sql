-- 怎么协商 — the session schema (DOMAIN.md §3; issue 10): democracy days, meetings with
-- their invitees (snapshotted) and attendance, opinions (append-only), rounds per topic,
-- votes with their electorate (snapshotted) and ballots, results with publication,
-- objections and filing, minutes' signatures, and the transactional outbox. Runs as
-- session_owner; the service connects as session_svc (no bypass of row-level security).
--
-- Tenancy and distribution as in agenda: every tenant table carries `unit_path` (the
-- unit's ltree path, kit.protect) and `county_code` (its root label without the `u`,
-- kept equal by a CHECK) first in every key. Topics, plans and councils are other
-- services'; they are referenced by id, never by foreign key.
--
-- Enumerations are smallint codes, the numbers of session.proto (SessionRules' raw values).

CREATE FUNCTION session.county_of(p_path ltree) RETURNS text
LANGUAGE sql IMMUTABLE STRICT SET search_path = pg_catalog, public AS
$$ SELECT substr(subpath(p_path, 0, 1)::text, 2) $$;

-- Append-only tables refuse UPDATE and DELETE whoever asks (the service's grants already
-- leave them out; this holds for the owner too).
CREATE FUNCTION session.refuse_change() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog AS
$$
BEGIN
    RAISE EXCEPTION '% is append-only', TG_TABLE_NAME USING ERRCODE = '55000';
END
$$;

-- ------------------------------------------------------------------ 民主日

CREATE TABLE session.democracy_days (
    county_code text        NOT NULL,
    unit_path   ltree       NOT NULL,
    kind        smallint    NOT NULL CHECK (kind BETWEEN 1 AND 3),
    day         smallint    NOT NULL DEFAULT 0 CHECK (day BETWEEN 0 AND 31),
    week        smallint    NOT NULL DEFAULT 0 CHECK (week BETWEEN 0 AND 4),
    weekday     smallint    NOT NULL DEFAULT 0 CHECK (weekday BETWEEN 0 AND 7),
    time_zone   text        NOT NULL DEFAULT 'Asia/Shanghai',
    updated_at  timestamptz NOT NULL,
    PRIMARY KEY (county_code, unit_path),
    CONSTRAINT democracy_days_in_county CHECK (county_code ~ '^[0-9]{12}$' AND county_code = session.county_of(unit_path))
);
CREATE INDEX democracy_days_path_gist ON session.democracy_days USING gist (unit_path);
SELECT kit.protect('session.democracy_days');

-- ------------------------------------------------------------------ 会议

CREATE TABLE session.meetings (
    county_code      text        NOT NULL,
    id               uuid        NOT NULL,
    unit_path        ltree       NOT NULL,
    body             smallint    NOT NULL CHECK (body BETWEEN 1 AND 3),
    form             smallint    NOT NULL CHECK (form BETWEEN 1 AND 7),
    meeting_at       timestamptz NOT NULL,
    place            text        NOT NULL DEFAULT '',
    host             text        NOT NULL CHECK (length(host) BETWEEN 1 AND 100),
    recorder         text        NOT NULL CHECK (length(recorder) BETWEEN 1 AND 100),
    council_id       text        NOT NULL DEFAULT '',
    state            smallint    NOT NULL CHECK (state BETWEEN 1 AND 4),
    households       integer     NOT NULL DEFAULT 0 CHECK (households >= 0),
    on_democracy_day boolean     NOT NULL DEFAULT false,
    opened_at        timestamptz,
    closed_at        timestamptz,
    created_at       timestamptz NOT NULL,
    created_by       text        NOT NULL,
    PRIMARY KEY (county_code, id),
    CONSTRAINT meetings_in_county CHECK (county_code ~ '^[0-9]{12}$' AND county_code = session.county_of(unit_path))
);
CREATE INDEX meetings_created_idx ON session.meetings (county_code, created_at DESC, id DESC);
CREATE INDEX meetings_path_gist ON session.meetings USING gist (unit_path);
SELECT kit.protect('session.meetings');

-- The topics a meeting sits on, with the title and plan as agenda gave them.
CREATE TABLE session.meeting_topics (
    county_code text  NOT NULL,
    meeting_id  uuid  NOT NULL,
    topic_id    uuid  NOT NULL,
    unit_path   ltree NOT NULL,
    position    smallint NOT NULL,
    title       text  NOT NULL,
    plan_id     text  NOT NULL DEFAULT '',
    PRIMARY KEY (county_code, meeting_id, topic_id),
    FOREIGN KEY (county_code, meeting_id) REFERENCES session.meetings (county_code, id),
    CONSTRAINT meeting_topics_in_county CHECK (county_code ~ '^[0-9]{12}$' AND county_code = session.county_of(unit_path))
);
CREATE INDEX meeting_topics_topic_idx ON session.meeting_topics (county_code, topic_id);
SELECT kit.protect('session.meeting_topics');

-- Invitees, snapshotted when the meeting is scheduled (the roster at the meeting time).
CREATE TABLE session.invitees (
    county_code text     NOT NULL,
    meeting_id  uuid     NOT NULL,
    person      text     NOT NULL CHECK (length(person) BETWEEN 1 AND 100),
    unit_path   ltree    NOT NULL,
    name        text     NOT NULL DEFAULT '',
    role        smallint NOT NULL CHECK (role BETWEEN 1 AND 4),
    topic_id    text     NOT NULL DEFAULT '',
    household   text     NOT NULL DEFAULT '',
    PRIMARY KEY (county_code, meeting_id, person),
    FOREIGN KEY (county_code, meeting_id) REFERENCES session.meetings (county_code, id),
    CONSTRAINT invitees_in_county CHECK (county_code ~ '^[0-9]{12}$' AND county_code = session.county_of(unit_path))
);
SELECT kit.protect('session.invitees');
CREATE TRIGGER invitees_append_only BEFORE UPDATE OR DELETE ON session.invitees
    FOR EACH ROW EXECUTE FUNCTION session.refuse_change();

-- 签到: invitees, and residents at open meetings (resident = true, counted apart).
CREATE TABLE session.attendance (
    county_code   text        NOT NULL,
    meeting_id    uuid        NOT NULL,
    person        text        NOT NULL CHECK (length(person) BETWEEN 1 AND 100),
    resident      boolean     NOT NULL,
    unit_path     ltree       NOT NULL,
    household     text        NOT NULL DEFAULT '',
    checked_in_at timestamptz NOT NULL,
    recorded_by   text        NOT NULL,
    PRIMARY KEY (county_code, meeting_id, resident, person),
    FOREIGN KEY (county_code, meeting_id) REFERENCES session.meetings (county_code, id),
    CONSTRAINT attendance_in_county CHECK (county_code ~ '^[0-9]{12}$' AND county_code = session.county_of(unit_path))
);
SELECT kit.protect('session.attendance');

-- ------------------------------------------------------------------ 议题进程, 轮次, 发言

-- Where each topic stands here: rounds so far, escalation, the result formed.
CREATE TABLE session.topics (
    county_code  text        NOT NULL,
    topic_id     uuid        NOT NULL,
    unit_path    ltree       NOT NULL,
    title        text        NOT NULL,
    -- 1 deliberating, 2 resolved, 3 escalated, 4 decided
    stage        smallint    NOT NULL CHECK (stage BETWEEN 1 AND 4),
    next_round   integer     NOT NULL DEFAULT 1 CHECK (next_round >= 1),
    max_rounds   integer     NOT NULL CHECK (max_rounds >= 1),
    escalated_to smallint    CHECK (escalated_to BETWEEN 2 AND 3),
    result_id    uuid,
    updated_at   timestamptz NOT NULL,
    PRIMARY KEY (county_code, topic_id),
    CONSTRAINT topics_in_county CHECK (county_code ~ '^[0-9]{12}$' AND county_code = session.county_of(unit_path))
);
SELECT kit.protect('session.topics');

CREATE TABLE session.rounds (
    county_code text        NOT NULL,
    topic_id    uuid        NOT NULL,
    number      integer     NOT NULL CHECK (number >= 1),
    unit_path   ltree       NOT NULL,
    meeting_id  uuid        NOT NULL,
    outcome     smallint    NOT NULL CHECK (outcome BETWEEN 1 AND 3),
    summary     text        NOT NULL DEFAULT '',
    ended_at    timestamptz NOT NULL,
    ended_by    text        NOT NULL,
    PRIMARY KEY (county_code, topic_id, number),
    FOREIGN KEY (county_code, topic_id) REFERENCES session.topics (county_code, topic_id),
    FOREIGN KEY (county_code, meeting_id) REFERENCES session.meetings (county_code, id),
    CONSTRAINT rounds_in_county CHECK (county_code ~ '^[0-9]{12}$' AND county_code = session.county_of(unit_path))
);
SELECT kit.protect('session.rounds');
CREATE TRIGGER rounds_append_only BEFORE UPDATE OR DELETE ON session.rounds
    FOR EACH ROW EXECUTE FUNCTION session.refuse_change();

-- 发言/意见 — append-only: a correction is a new row naming the one it corrects.
CREATE TABLE session.opinions (
    county_code text        NOT NULL,
    id          uuid        NOT NULL,
    meeting_id  uuid        NOT NULL,
    topic_id    uuid        NOT NULL,
    unit_path   ltree       NOT NULL,
    round       integer     NOT NULL CHECK (round >= 1),
    speaker     text        NOT NULL CHECK (length(speaker) BETWEEN 1 AND 100),
    position    smallint    NOT NULL CHECK (position BETWEEN 1 AND 4),
    text        text        NOT NULL CHECK (length(text) BETWEEN 1 AND 8000),
    corrects    uuid,
    recorded_at timestamptz NOT NULL,
    recorded_by text        NOT NULL,
    PRIMARY KEY (county_code, id),
    FOREIGN KEY (county_code, meeting_id) REFERENCES session.meetings (county_code, id),
    FOREIGN KEY (county_code, corrects) REFERENCES session.opinions (county_code, id),
    CONSTRAINT opinions_in_county CHECK (county_code ~ '^[0-9]{12}$' AND county_code = session.county_of(unit_path))
);
-- One correction per opinion: a later correction corrects the correction.
CREATE UNIQUE INDEX opinions_corrects_key ON session.opinions (county_code, corrects) WHERE corrects IS NOT NULL;
CREATE INDEX opinions_meeting_idx ON session.opinions (county_code, meeting_id, recorded_at, id);
SELECT kit.protect('session.opinions');
CREATE TRIGGER opinions_append_only BEFORE UPDATE OR DELETE ON session.opinions
    FOR EACH ROW EXECUTE FUNCTION session.refuse_change();

-- ------------------------------------------------------------------ 表决

CREATE TABLE session.votes (
    county_code   text        NOT NULL,
    id            uuid        NOT NULL,
    meeting_id    uuid        NOT NULL,
    topic_id      uuid        NOT NULL,
    unit_path     ltree       NOT NULL,
    question      text        NOT NULL CHECK (length(question) BETWEEN 1 AND 1000),
    method        smallint    NOT NULL CHECK (method BETWEEN 1 AND 2),
    numerator     integer     NOT NULL,
    denominator   integer     NOT NULL,
    inclusive     boolean     NOT NULL,
    base          smallint    NOT NULL CHECK (base BETWEEN 1 AND 3),
    changeable    boolean     NOT NULL,
    state         smallint    NOT NULL CHECK (state BETWEEN 1 AND 2),
    -- The figures fixed when the vote opened.
    eligible      integer     NOT NULL CHECK (eligible >= 0),
    present       integer     NOT NULL CHECK (present >= 0),
    households    integer     NOT NULL CHECK (households >= 0),
    -- 纸质选票, counted in by the recorder.
    paper_for     integer     NOT NULL DEFAULT 0 CHECK (paper_for >= 0),
    paper_against integer     NOT NULL DEFAULT 0 CHECK (paper_against >= 0),
    paper_abstain integer     NOT NULL DEFAULT 0 CHECK (paper_abstain >= 0),
    -- The electronic counts and the outcome, stored at the close.
    e_for         integer,
    e_against     integer,
    e_abstain     integer,
    passed        boolean,
    required      integer,
    result_id     uuid,
    opened_at     timestamptz NOT NULL,
    closed_at     timestamptz,
    PRIMARY KEY (county_code, id),
    FOREIGN KEY (county_code, meeting_id) REFERENCES session.meetings (county_code, id),
    CONSTRAINT votes_fraction CHECK (denominator BETWEEN 1 AND 1000 AND numerator BETWEEN 1 AND denominator),
    CONSTRAINT votes_secret_fixed CHECK (NOT (method = 2 AND changeable)),
    CONSTRAINT votes_in_county CHECK (county_code ~ '^[0-9]{12}$' AND county_code = session.county_of(unit_path))
);
CREATE INDEX votes_meeting_idx ON session.votes (county_code, meeting_id, opened_at);
SELECT kit.protect('session.votes');

-- The electorate, fixed when the vote opens (present: checked in at that moment).
CREATE TABLE session.vote_electorate (
    county_code text    NOT NULL,
    vote_id     uuid    NOT NULL,
    voter       text    NOT NULL,
    unit_path   ltree   NOT NULL,
    present     boolean NOT NULL,
    PRIMARY KEY (county_code, vote_id, voter),
    FOREIGN KEY (county_code, vote_id) REFERENCES session.votes (county_code, id),
    CONSTRAINT vote_electorate_in_county CHECK (county_code ~ '^[0-9]{12}$' AND county_code = session.county_of(unit_path))
);
SELECT kit.protect('session.vote_electorate');

-- Who voted, and how (1 electronic, 2 paper): one row per voter and vote.
CREATE TABLE session.voters (
    county_code text        NOT NULL,
    vote_id     uuid        NOT NULL,
    voter       text        NOT NULL,
    unit_path   ltree       NOT NULL,
    origin      smallint    NOT NULL CHECK (origin BETWEEN 1 AND 2),
    voted_at    timestamptz NOT NULL,
    PRIMARY KEY (county_code, vote_id, voter),
    FOREIGN KEY (county_code, vote_id, voter) REFERENCES session.vote_electorate (county_code, vote_id, voter),
    CONSTRAINT voters_in_county CHECK (county_code ~ '^[0-9]{12}$' AND county_code = session.county_of(unit_path))
);
SELECT kit.protect('session.voters');

-- Electronic choices. An open ballot names its voter (one row per voter, replaced when the
-- vote is changeable); a secret ballot's row names nobody.
CREATE TABLE session.ballots (
    county_code text        NOT NULL,
    vote_id     uuid        NOT NULL,
    id          uuid        NOT NULL,
    unit_path   ltree       NOT NULL,
    voter       text,
    choice      smallint    NOT NULL CHECK (choice BETWEEN 1 AND 3),
    cast_at     timestamptz NOT NULL,
    PRIMARY KEY (county_code, vote_id, id),
    FOREIGN KEY (county_code, vote_id) REFERENCES session.votes (county_code, id),
    CONSTRAINT ballots_in_county CHECK (county_code ~ '^[0-9]{12}$' AND county_code = session.county_of(unit_path))
);
CREATE UNIQUE INDEX ballots_voter_key ON session.ballots (county_code, vote_id, voter) WHERE voter IS NOT NULL;
SELECT kit.protect('session.ballots');

-- ------------------------------------------------------------------ 协商结果, 公开, 异议, 备案

CREATE TABLE session.results (
    county_code     text        NOT NULL,
    id              uuid        NOT NULL,
    unit_path       ltree       NOT NULL,
    topic_id        uuid        NOT NULL,
    meeting_id      uuid        NOT NULL,
    title           text        NOT NULL,
    -- 1 consensus round, 2 vote
    basis           smallint    NOT NULL CHECK (basis BETWEEN 1 AND 2),
    round           integer     NOT NULL DEFAULT 0,
    vote_id         uuid,
    adopted         boolean     NOT NULL,
    text            text        NOT NULL CHECK (length(text) BETWEEN 1 AND 8000),
    -- 1 draft, 2 published, 3 filed
    state           smallint    NOT NULL CHECK (state BETWEEN 1 AND 3),
    published_at    timestamptz,
    notice_days     integer     NOT NULL DEFAULT 0,
    notice_last_day date,
    notice_ends_at  timestamptz,
    filing_id       uuid,
    filed_at        timestamptz,
    created_at      timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL,
    PRIMARY KEY (county_code, id),
    FOREIGN KEY (county_code, meeting_id) REFERENCES session.meetings (county_code, id),
    CONSTRAINT results_basis CHECK ((basis = 2) = (vote_id IS NOT NULL)),
    CONSTRAINT results_filed CHECK ((state = 3) = (filing_id IS NOT NULL AND filed_at IS NOT NULL)),
    CONSTRAINT results_in_county CHECK (county_code ~ '^[0-9]{12}$' AND county_code = session.county_of(unit_path))
);
CREATE INDEX results_topic_idx ON session.results (county_code, topic_id);
SELECT kit.protect('session.results');

-- A filed result is immutable, for the owner too.
CREATE FUNCTION session.refuse_filed_change() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog AS
$$
BEGIN
    RAISE EXCEPTION 'result % is filed and immutable', OLD.id USING ERRCODE = '55000';
END
$$;
CREATE TRIGGER results_filed_immutable BEFORE UPDATE OR DELETE ON session.results
    FOR EACH ROW WHEN (OLD.state = 3) EXECUTE FUNCTION session.refuse_filed_change();

CREATE TABLE session.objections (
    county_code text        NOT NULL,
    id          uuid        NOT NULL,
    result_id   uuid        NOT NULL,
    unit_path   ltree       NOT NULL,
    objector    text        NOT NULL CHECK (length(objector) BETWEEN 1 AND 100),
    text        text        NOT NULL CHECK (length(text) BETWEEN 1 AND 4000),
    -- 1 open, 2 dismissed, 3 upheld
    state       smallint    NOT NULL CHECK (state BETWEEN 1 AND 3),
    answer      text        NOT NULL DEFAULT '',
    raised_at   timestamptz NOT NULL,
    resolved_at timestamptz,
    resolved_by text        NOT NULL DEFAULT '',
    PRIMARY KEY (county_code, id),
    FOREIGN KEY (county_code, result_id) REFERENCES session.results (county_code, id),
    CONSTRAINT objections_in_county CHECK (county_code ~ '^[0-9]{12}$' AND county_code = session.county_of(unit_path))
);
CREATE INDEX objections_result_idx ON session.objections (county_code, result_id, raised_at);
SELECT kit.protect('session.objections');

-- 备案登记: one filing per result.
CREATE TABLE session.filings (
    county_code text        NOT NULL,
    id          uuid        NOT NULL,
    result_id   uuid        NOT NULL,
    unit_path   ltree       NOT NULL,
    filed_at    timestamptz NOT NULL,
    filed_by    text        NOT NULL,
    PRIMARY KEY (county_code, id),
    CONSTRAINT filings_result_key UNIQUE (county_code, result_id),
    FOREIGN KEY (county_code, result_id) REFERENCES session.results (county_code, id),
    CONSTRAINT filings_in_county CHECK (county_code ~ '^[0-9]{12}$' AND county_code = session.county_of(unit_path))
);
SELECT kit.protect('session.filings');
CREATE TRIGGER filings_append_only BEFORE UPDATE OR DELETE ON session.filings
    FOR EACH ROW EXECUTE FUNCTION session.refuse_change();

-- ------------------------------------------------------------------ 会议纪要

CREATE TABLE session.minutes_signatures (
    county_code text        NOT NULL,
    meeting_id  uuid        NOT NULL,
    -- 1 host, 2 recorder
    role        smallint    NOT NULL CHECK (role BETWEEN 1 AND 2),
    unit_path   ltree       NOT NULL,
    signer      text        NOT NULL,
    digest      text        NOT NULL CHECK (digest ~ '^[0-9a-f]{64}$'),
    signed_at   timestamptz NOT NULL,
    PRIMARY KEY (county_code, meeting_id, role),
    FOREIGN KEY (county_code, meeting_id) REFERENCES session.meetings (county_code, id),
    CONSTRAINT minutes_signatures_in_county CHECK (county_code ~ '^[0-9]{12}$' AND county_code = session.county_of(unit_path))
);
SELECT kit.protect('session.minutes_signatures');

-- ------------------------------------------------------------------ 发件箱 (transactional outbox)

-- Messages to other services (agenda's topic moves, supervision's cases), written in the
-- transaction of the change they report and delivered afterwards by the kit's
-- OutboxDeliverer, at least once, in order per ordering_key, with backoff. Not a tenant
-- table: only the service's own deliverer reads it (no caller's scope applies to it), so
-- it has no row-level security; session_svc alone may touch it.
CREATE TABLE session.outbox (
    id              bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    county_code     text        NOT NULL,
    unit_path       text        NOT NULL,
    destination     text        NOT NULL,
    kind            text        NOT NULL,
    ordering_key    text        NOT NULL,
    payload         bytea       NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    attempts        integer     NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    delivered_at    timestamptz,
    last_error      text        NOT NULL DEFAULT ''
);
CREATE INDEX outbox_pending_idx ON session.outbox (next_attempt_at, id) WHERE delivered_at IS NULL;
CREATE INDEX outbox_ordering_idx ON session.outbox (ordering_key, id) WHERE delivered_at IS NULL;
REVOKE ALL ON session.outbox FROM PUBLIC;

GRANT USAGE ON SCHEMA session TO session_svc;
GRANT SELECT, INSERT ON ALL TABLES IN SCHEMA session TO session_svc;
GRANT UPDATE ON session.democracy_days, session.meetings, session.topics, session.votes, session.results,
    session.objections, session.ballots, session.minutes_signatures, session.outbox TO session_svc;
-- Replaced choices of changeable votes; delivered outbox rows may be purged.
GRANT DELETE ON session.ballots, session.outbox TO session_svc;
GRANT EXECUTE ON FUNCTION session.county_of(ltree) TO session_svc;
