-- 协商议事会 — councils bound to one unit, their terms and seats (issue 3 §3, §6).
-- Seats are never deleted: a seat that ends gets `ended_at`, so "who sat on the council
-- on 2024-05-01" is a query over [seated_at, ended_at).

CREATE TABLE membership.councils (
    id             uuid PRIMARY KEY,
    unit_id        uuid NOT NULL REFERENCES membership.units (id),
    unit_path      ltree NOT NULL,
    -- CouncilKind of membership.proto
    kind           smallint NOT NULL CHECK (kind BETWEEN 1 AND 9),
    name           text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    -- 1 forming, 2 in notice, 3 constituted, 4 dissolved
    status         smallint NOT NULL CHECK (status BETWEEN 1 AND 4),
    term_number    integer NOT NULL DEFAULT 1 CHECK (term_number >= 1),
    constituted_at timestamptz,
    created_at     timestamptz NOT NULL,
    updated_at     timestamptz NOT NULL
);

CREATE INDEX councils_path_gist ON membership.councils USING gist (unit_path);
CREATE INDEX councils_unit_idx ON membership.councils (unit_id);

-- 任期 — a council's terms follow the villagers' committee's (004).
CREATE TABLE membership.terms (
    council_id uuid NOT NULL REFERENCES membership.councils (id),
    number     integer NOT NULL CHECK (number >= 1),
    unit_path  ltree NOT NULL,
    starts_on  date,
    ends_on    date,
    ended_at   timestamptz,
    PRIMARY KEY (council_id, number),
    CONSTRAINT terms_dates_ordered CHECK (starts_on IS NULL OR ends_on IS NULL OR starts_on <= ends_on)
);

CREATE INDEX terms_path_gist ON membership.terms USING gist (unit_path);

-- 成员任职记录 — a person's seat on a council for a span of time.
CREATE TABLE membership.seats (
    id          uuid PRIMARY KEY,
    council_id  uuid NOT NULL REFERENCES membership.councils (id),
    person_id   uuid NOT NULL REFERENCES membership.people (id),
    unit_path   ltree NOT NULL,
    -- CouncilRole of membership.proto
    role        smallint NOT NULL CHECK (role BETWEEN 1 AND 7),
    topic_id    text NOT NULL DEFAULT '',
    -- 1 nominated, 2 in notice, 3 seated, 4 ended, 5 withdrawn
    status      smallint NOT NULL CHECK (status BETWEEN 1 AND 5),
    term_number integer NOT NULL,
    notice_id   uuid,
    note        text NOT NULL DEFAULT '',
    nominated_at timestamptz NOT NULL,
    seated_at   timestamptz,
    ended_at    timestamptz,
    end_reason  text NOT NULL DEFAULT '',
    CONSTRAINT seats_ad_hoc_has_topic CHECK ((role = 6) = (topic_id <> '')),
    CONSTRAINT seats_span_ordered CHECK (ended_at IS NULL OR seated_at IS NULL OR seated_at <= ended_at),
    CONSTRAINT seats_seated_has_start CHECK (status <> 3 OR seated_at IS NOT NULL),
    FOREIGN KEY (council_id, term_number) REFERENCES membership.terms (council_id, number)
);

-- One open seat per person, role and topic.
CREATE UNIQUE INDEX seats_open_key ON membership.seats (council_id, person_id, role, topic_id)
    WHERE status IN (1, 2, 3);
CREATE INDEX seats_council_span_idx ON membership.seats (council_id, seated_at, ended_at);
CREATE INDEX seats_person_idx ON membership.seats (person_id);
CREATE INDEX seats_path_gist ON membership.seats USING gist (unit_path);

ALTER TABLE membership.councils ENABLE ROW LEVEL SECURITY;
ALTER TABLE membership.councils FORCE ROW LEVEL SECURITY;
CREATE POLICY councils_tenant ON membership.councils
    USING (unit_path <@ NULLIF(current_setting('app.scope', true), '')::ltree)
    WITH CHECK (unit_path <@ NULLIF(current_setting('app.scope', true), '')::ltree);

ALTER TABLE membership.terms ENABLE ROW LEVEL SECURITY;
ALTER TABLE membership.terms FORCE ROW LEVEL SECURITY;
CREATE POLICY terms_tenant ON membership.terms
    USING (unit_path <@ NULLIF(current_setting('app.scope', true), '')::ltree)
    WITH CHECK (unit_path <@ NULLIF(current_setting('app.scope', true), '')::ltree);

ALTER TABLE membership.seats ENABLE ROW LEVEL SECURITY;
ALTER TABLE membership.seats FORCE ROW LEVEL SECURITY;
CREATE POLICY seats_tenant ON membership.seats
    USING (unit_path <@ NULLIF(current_setting('app.scope', true), '')::ltree)
    WITH CHECK (unit_path <@ NULLIF(current_setting('app.scope', true), '')::ltree);

GRANT SELECT, INSERT, UPDATE ON membership.councils, membership.terms, membership.seats TO membership_svc;
