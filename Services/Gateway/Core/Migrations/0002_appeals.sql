-- 诉求 — appeals pushed by government systems (12345 hotlines, government service
-- platforms) and their own acts on them (issue 12 item 6).
--
-- Who owns what: the handling of an appeal (受理 … 回复) is the agenda service's — the
-- appeal becomes a ledger item (its reference `<account>:<external id>`, unique per county
-- there too), and agenda records the item's progress in the change feed. What is stored
-- here is what only the gateway knows: which integration account pushed which work order
-- to which unit (by division code) and the ledger item it became, and the government
-- system's own acts on its work order — 督办, 办结, 回访, 评价 — which are not the ledger's.
--
-- Tenant tables: unit_path (the unit the work order is dispatched to) and county_code
-- leading every key, row-level security through kit.protect, like every service's.

CREATE TABLE gateway.appeals (
    county_code   text        NOT NULL CHECK (county_code ~ '^[0-9]{12}$'),
    -- The integration account that pushed it.
    source        text        NOT NULL CHECK (source ~ '^[A-Za-z0-9_.@-]{1,64}$'),
    -- 工单号, visible ASCII.
    external_id   text        NOT NULL CHECK (external_id ~ '^[!-~]{1,63}$'),
    unit_path     ltree       NOT NULL,
    division_code text        NOT NULL CHECK (division_code ~ '^[0-9]{12}$'),
    -- agenda.proto's Category.
    category      smallint    NOT NULL CHECK (category BETWEEN 1 AND 14),
    -- The agenda ledger item it became.
    item_id       uuid        NOT NULL,
    accepted_at   timestamptz NOT NULL,
    PRIMARY KEY (county_code, source, external_id),
    CONSTRAINT appeals_in_county CHECK (county_code = substr(subpath(unit_path, 0, 1)::text, 2)),
    CONSTRAINT appeals_code_is_unit CHECK ('u' || division_code = subpath(unit_path, nlevel(unit_path) - 1, 1)::text)
);
SELECT kit.protect('gateway.appeals');

-- 督办 (1), 办结 (2), 回访 (3), 评价 (4): one row per act, keyed by the government system's
-- own id of it, so a repeat is recognised.
CREATE TABLE gateway.appeal_events (
    county_code  text        NOT NULL,
    source       text        NOT NULL,
    external_id  text        NOT NULL,
    event_id     text        NOT NULL CHECK (event_id ~ '^[!-~]{1,64}$'),
    unit_path    ltree       NOT NULL,
    kind         smallint    NOT NULL CHECK (kind BETWEEN 1 AND 4),
    -- 评价: 1 满意, 2 基本满意, 3 不满意 (0 for the other kinds).
    satisfaction smallint    NOT NULL DEFAULT 0 CHECK (satisfaction BETWEEN 0 AND 3),
    note         text        NOT NULL DEFAULT '' CHECK (length(note) <= 2000),
    recorded_by  text        NOT NULL,
    recorded_at  timestamptz NOT NULL,
    PRIMARY KEY (county_code, source, external_id, event_id),
    FOREIGN KEY (county_code, source, external_id) REFERENCES gateway.appeals (county_code, source, external_id),
    CONSTRAINT appeal_events_in_county CHECK (county_code = substr(subpath(unit_path, 0, 1)::text, 2)),
    CONSTRAINT appeal_events_rating CHECK ((kind = 4) = (satisfaction > 0))
);
SELECT kit.protect('gateway.appeal_events');

GRANT SELECT, INSERT ON gateway.appeals, gateway.appeal_events TO gateway_svc;
