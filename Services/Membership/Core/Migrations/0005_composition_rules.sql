-- 组成规则 — per-unit overrides of the composition rules (issue 3 §4). The seeds' values
-- are the built-in defaults (MembershipRules), the deployment's configuration replaces
-- them, and a row here overrides one rule (by id) for a unit and its whole subtree;
-- the deepest unit wins.
--
-- Reading differs from writing: the rules that bind a unit are set by its ancestors
-- (the county sets them for every village), so a caller may read overrides of its own
-- subtree *and of its ancestors* (`unit_path @> scope`), but may write only inside its
-- subtree. Rules are configuration, not secrets.

CREATE TABLE membership.rule_overrides (
    unit_id    uuid NOT NULL REFERENCES membership.units (id),
    unit_path  ltree NOT NULL,
    -- CouncilKind of membership.proto
    kind       smallint NOT NULL CHECK (kind BETWEEN 1 AND 9),
    rule_id    text NOT NULL CHECK (rule_id ~ '^[a-z0-9_.:-]{1,100}$'),
    -- The rule as MembershipRules encodes it (JSON), or null with `disabled`.
    rule       jsonb,
    disabled   boolean NOT NULL DEFAULT false,
    updated_at timestamptz NOT NULL,
    updated_by text NOT NULL,
    PRIMARY KEY (unit_id, kind, rule_id),
    CONSTRAINT rule_overrides_rule_or_disabled CHECK (disabled OR rule IS NOT NULL)
);

CREATE INDEX rule_overrides_path_gist ON membership.rule_overrides USING gist (unit_path);

ALTER TABLE membership.rule_overrides ENABLE ROW LEVEL SECURITY;
ALTER TABLE membership.rule_overrides FORCE ROW LEVEL SECURITY;
CREATE POLICY rule_overrides_read ON membership.rule_overrides FOR SELECT
    USING (unit_path <@ NULLIF(current_setting('app.scope', true), '')::ltree
           OR unit_path @> NULLIF(current_setting('app.scope', true), '')::ltree);
CREATE POLICY rule_overrides_insert ON membership.rule_overrides FOR INSERT
    WITH CHECK (unit_path <@ NULLIF(current_setting('app.scope', true), '')::ltree);
CREATE POLICY rule_overrides_update ON membership.rule_overrides FOR UPDATE
    USING (unit_path <@ NULLIF(current_setting('app.scope', true), '')::ltree)
    WITH CHECK (unit_path <@ NULLIF(current_setting('app.scope', true), '')::ltree);
CREATE POLICY rule_overrides_delete ON membership.rule_overrides FOR DELETE
    USING (unit_path <@ NULLIF(current_setting('app.scope', true), '')::ltree);

-- Overrides are configuration: resetting one deletes the row (the audit log keeps the
-- history of who changed what).
GRANT SELECT, INSERT, UPDATE, DELETE ON membership.rule_overrides TO membership_svc;
