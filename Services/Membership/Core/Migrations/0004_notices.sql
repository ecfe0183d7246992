-- 公示 — nominees published for a window in which residents may object (004: 5 days);
-- the party organisation confirms only after the window, with every objection resolved.

CREATE TABLE membership.notices (
    id           uuid PRIMARY KEY,
    council_id   uuid NOT NULL REFERENCES membership.councils (id),
    unit_path    ltree NOT NULL,
    -- 1 open, 2 confirmed, 3 superseded
    status       smallint NOT NULL CHECK (status BETWEEN 1 AND 3),
    published_at timestamptz NOT NULL,
    first_day    date NOT NULL,
    last_day     date NOT NULL,
    closes_at    timestamptz NOT NULL,
    confirmed_at timestamptz,
    CONSTRAINT notices_window_ordered CHECK (first_day <= last_day)
);

-- At most one open notice per council.
CREATE UNIQUE INDEX notices_open_key ON membership.notices (council_id) WHERE status = 1;
CREATE INDEX notices_path_gist ON membership.notices USING gist (unit_path);

ALTER TABLE membership.seats
    ADD CONSTRAINT seats_notice_fk FOREIGN KEY (notice_id) REFERENCES membership.notices (id);

-- 异议 — an objection and its recorded resolution.
CREATE TABLE membership.objections (
    id                 uuid PRIMARY KEY,
    notice_id          uuid NOT NULL REFERENCES membership.notices (id),
    unit_path          ltree NOT NULL,
    seat_id            uuid REFERENCES membership.seats (id),
    objector_name      text NOT NULL CHECK (length(objector_name) BETWEEN 1 AND 100),
    objector_person_id uuid,
    reason             text NOT NULL CHECK (length(reason) BETWEEN 1 AND 4000),
    filed_at           timestamptz NOT NULL,
    -- 0 unresolved, 1 upheld, 2 dismissed
    outcome            smallint NOT NULL DEFAULT 0 CHECK (outcome BETWEEN 0 AND 2),
    resolution         text NOT NULL DEFAULT '',
    resolved_by        text NOT NULL DEFAULT '',
    resolved_at        timestamptz,
    CONSTRAINT objections_resolution_recorded CHECK (outcome = 0 OR (resolved_at IS NOT NULL AND resolution <> ''))
);

CREATE INDEX objections_notice_idx ON membership.objections (notice_id);
CREATE INDEX objections_path_gist ON membership.objections USING gist (unit_path);

ALTER TABLE membership.notices ENABLE ROW LEVEL SECURITY;
ALTER TABLE membership.notices FORCE ROW LEVEL SECURITY;
CREATE POLICY notices_tenant ON membership.notices
    USING (unit_path <@ NULLIF(current_setting('app.scope', true), '')::ltree)
    WITH CHECK (unit_path <@ NULLIF(current_setting('app.scope', true), '')::ltree);

ALTER TABLE membership.objections ENABLE ROW LEVEL SECURITY;
ALTER TABLE membership.objections FORCE ROW LEVEL SECURITY;
CREATE POLICY objections_tenant ON membership.objections
    USING (unit_path <@ NULLIF(current_setting('app.scope', true), '')::ltree)
    WITH CHECK (unit_path <@ NULLIF(current_setting('app.scope', true), '')::ltree);

GRANT SELECT, INSERT, UPDATE ON membership.notices, membership.objections TO membership_svc;
