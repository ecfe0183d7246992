-- 行政单元 — the tree of administrative units, the tenants of everything else
-- (DOMAIN.md §"Places"). Runs as membership_owner; the service connects as
-- membership_svc, which owns nothing and cannot bypass row-level security.
--
-- Tenancy: every tenant table carries `unit_path` (ltree labels `u<division code>` from
-- the root) and a policy limiting it to the transaction's scope
-- (set_config('app.scope', path, true)). No scope means no rows (fail closed).
--
-- Division codes are unique across the deployment, not per tenant. Decision: the code
-- is a public identifier (统计用区划代码, published by the National Bureau of
-- Statistics) and the law makes it unique, so a unique index over all rows is right;
-- what a conflict reveals to a caller is only that a published code is already
-- registered, never which unit, name or tenant holds it. The service also requires a new
-- code to lie under its parent's code (DivisionCode.contains), so in practice a
-- conflict can only involve a sibling in the caller's own subtree. Retired units keep
-- their code: history is never rewritten.

CREATE TABLE membership.units (
    id              uuid PRIMARY KEY,
    division_code   text NOT NULL CHECK (division_code ~ '^[0-9]{12}([0-9]{3})?$'),
    name            text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    -- 1 county/city, 2 town/street, 3 village/community, 4 villager group/compound
    level           smallint NOT NULL CHECK (level BETWEEN 1 AND 4),
    parent_id       uuid REFERENCES membership.units (id),
    unit_path       ltree NOT NULL,
    -- The town (or the unit itself when it is a town or higher) whose people must have
    -- distinct ID numbers and phones: the tenant of person uniqueness.
    tenant_path     ltree NOT NULL,
    household_count integer NOT NULL DEFAULT 0 CHECK (household_count >= 0),
    retired_at      timestamptz,
    retire_reason   text,
    created_at      timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL,
    CONSTRAINT units_division_code_key UNIQUE (division_code),
    CONSTRAINT units_path_key UNIQUE (unit_path),
    CONSTRAINT units_parent_not_self CHECK (parent_id IS DISTINCT FROM id)
);

CREATE INDEX units_path_gist ON membership.units USING gist (unit_path);
CREATE INDEX units_parent_idx ON membership.units (parent_id);

ALTER TABLE membership.units ENABLE ROW LEVEL SECURITY;
ALTER TABLE membership.units FORCE ROW LEVEL SECURITY;
CREATE POLICY units_tenant ON membership.units
    USING (unit_path <@ NULLIF(current_setting('app.scope', true), '')::ltree)
    WITH CHECK (unit_path <@ NULLIF(current_setting('app.scope', true), '')::ltree);

GRANT USAGE ON SCHEMA membership TO membership_svc;
-- No DELETE: units are retired, never deleted.
GRANT SELECT, INSERT, UPDATE ON membership.units TO membership_svc;
