-- Issue 8: the cases the law and the seeds still hold against membership.
--
-- * 提名来源 (§9): every seat records who proposed it (`source`, NominationSource codes:
--   0 not recorded, 1 村民小组推荐, 2 村党组织推荐, 3 个人自荐, 4 上级推荐).
-- * 推选 (§8): the supervision committee and the villager representatives are elected by the
--   villagers' assembly or the representatives' meeting; an election (date, body, attendance
--   and each candidate's votes as counts) is their confirmation (`elections`, `election_votes`),
--   and an elected seat points at it (`seats.election_id`).
-- * 确认 (§1, §9): a notice's confirmation records the deciding meeting and date (or the
--   election), who recorded it, and the advisory rules accepted with the reason.
-- * 撤销 (§10): a dissolved council keeps when and why.
-- Every new table carries `county_code` first in each key and foreign key (README, "Scaling
-- out"), and row-level security under the caller's scope.

ALTER TABLE membership.seats
    ADD COLUMN source smallint NOT NULL DEFAULT 0 CHECK (source BETWEEN 0 AND 4),
    ADD COLUMN election_id uuid;

ALTER TABLE membership.councils
    ADD COLUMN dissolved_at timestamptz,
    ADD COLUMN dissolution_reason text NOT NULL DEFAULT '' CHECK (length(dissolution_reason) <= 1000);

CREATE TABLE membership.elections (
    county_code text NOT NULL,
    id          uuid NOT NULL,
    council_id  uuid NOT NULL,
    unit_path   ltree NOT NULL,
    -- ElectingBody: 1 村民会议, 2 村民代表会议
    body        smallint NOT NULL CHECK (body BETWEEN 1 AND 2),
    held_on     date NOT NULL,
    eligible    integer NOT NULL CHECK (eligible > 0),
    present     integer NOT NULL CHECK (present BETWEEN 0 AND eligible),
    -- 村民会议: households, and those represented (art. 22's alternative quorum); 0 = not counted
    households  integer NOT NULL DEFAULT 0 CHECK (households >= 0),
    households_present integer NOT NULL DEFAULT 0 CHECK (households_present BETWEEN 0 AND households),
    term_number integer NOT NULL,
    recorded_at timestamptz NOT NULL,
    recorded_by text NOT NULL,
    PRIMARY KEY (county_code, id),
    CONSTRAINT elections_in_county CHECK (county_code ~ '^[0-9]{12}$' AND unit_path <@ text2ltree('u' || county_code)),
    CONSTRAINT elections_council_fk FOREIGN KEY (county_code, council_id) REFERENCES membership.councils (county_code, id)
);
CREATE INDEX elections_council_idx ON membership.elections (county_code, council_id);
CREATE INDEX elections_path_gist ON membership.elections USING gist (unit_path);

CREATE TABLE membership.election_votes (
    county_code text NOT NULL,
    election_id uuid NOT NULL,
    seat_id     uuid NOT NULL,
    unit_path   ltree NOT NULL,
    votes       integer NOT NULL CHECK (votes >= 0),
    elected     boolean NOT NULL,
    PRIMARY KEY (county_code, election_id, seat_id),
    CONSTRAINT election_votes_in_county CHECK (county_code ~ '^[0-9]{12}$' AND unit_path <@ text2ltree('u' || county_code)),
    CONSTRAINT election_votes_election_fk FOREIGN KEY (county_code, election_id)
        REFERENCES membership.elections (county_code, id),
    CONSTRAINT election_votes_seat_fk FOREIGN KEY (county_code, seat_id) REFERENCES membership.seats (county_code, id)
);
CREATE INDEX election_votes_path_gist ON membership.election_votes USING gist (unit_path);

ALTER TABLE membership.seats
    ADD CONSTRAINT seats_election_fk FOREIGN KEY (county_code, election_id) REFERENCES membership.elections (county_code, id);

ALTER TABLE membership.notices
    ADD COLUMN confirmed_by text,
    ADD COLUMN decision_meeting text NOT NULL DEFAULT '' CHECK (length(decision_meeting) <= 200),
    ADD COLUMN decided_on date,
    ADD COLUMN election_id uuid,
    -- The advisory violations accepted, as RuleViolation JSON (rule ids and figures only).
    ADD COLUMN accepted_advisories jsonb NOT NULL DEFAULT '[]',
    ADD COLUMN advisory_acceptance text NOT NULL DEFAULT '' CHECK (length(advisory_acceptance) <= 1000),
    ADD CONSTRAINT notices_election_fk FOREIGN KEY (county_code, election_id) REFERENCES membership.elections (county_code, id);

-- Tenancy as on the other membership tables (0003). (kit.protect, run here as the owner with
-- its pg_catalog search path, does not find ltree's <@ operator in schema public.)
ALTER TABLE membership.elections ENABLE ROW LEVEL SECURITY;
ALTER TABLE membership.elections FORCE ROW LEVEL SECURITY;
CREATE POLICY elections_tenant ON membership.elections
    USING (unit_path <@ NULLIF(current_setting('app.scope', true), '')::ltree)
    WITH CHECK (unit_path <@ NULLIF(current_setting('app.scope', true), '')::ltree);
ALTER TABLE membership.election_votes ENABLE ROW LEVEL SECURITY;
ALTER TABLE membership.election_votes FORCE ROW LEVEL SECURITY;
CREATE POLICY election_votes_tenant ON membership.election_votes
    USING (unit_path <@ NULLIF(current_setting('app.scope', true), '')::ltree)
    WITH CHECK (unit_path <@ NULLIF(current_setting('app.scope', true), '')::ltree);
GRANT SELECT, INSERT ON membership.elections, membership.election_votes TO membership_svc;
