-- 按县分布 — every membership tenant table carries the code of its county (`county_code`,
-- the 12-digit division code of the unit at the root of its tree: the first label of
-- `unit_path` without its `u`), and that column is part of every primary key, unique key
-- and foreign key between tenant tables. So a province that outgrows one PostgreSQL
-- distributes these tables with Citus by county without redesign:
--     SELECT create_reference_table('membership.units');
--     SELECT create_distributed_table('membership.people', 'county_code');   -- and so on
-- (README.md, "Scaling out: Citus by county").
--
-- The unit tree (`membership.units`) is the reference table: small (a county has a few
-- thousand units), rarely written, read by every other table's rows and joins, and its
-- division codes are unique across the whole deployment (0001_units.sql) — a constraint a
-- distributed table could only keep per county (a city root and its districts' roots may
-- overlap in code ranges). It carries `county_code` too, with a unique key
-- `(county_code, id)`, so every tenant row points at its unit through a composite foreign
-- key and can never name a county other than its unit's.
--
-- The column is derived, never supplied: the backfill takes it from the row's path, the
-- service from the unit the row belongs to, and a CHECK keeps it equal to the path's
-- root. A subtree never changes county (moves stay inside the caller's county), so the
-- distribution column is never updated (Citus forbids that).

-- 1. The column, filled from each row's path. The owner obeys FORCE ROW LEVEL SECURITY
--    and has no scope here, so the force is lifted for the backfill and restored below
--    (all in this migration's one transaction).
DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['units', 'people', 'kinships', 'councils', 'terms', 'seats', 'notices',
                             'objections', 'rule_overrides'] LOOP
        EXECUTE format('ALTER TABLE membership.%I ADD COLUMN county_code text', t);
        EXECUTE format('ALTER TABLE membership.%I NO FORCE ROW LEVEL SECURITY', t);
        EXECUTE format('UPDATE membership.%I SET county_code = substr(subpath(unit_path, 0, 1)::text, 2)', t);
        EXECUTE format('ALTER TABLE membership.%I ALTER COLUMN county_code SET NOT NULL', t);
        EXECUTE format(
            'ALTER TABLE membership.%I ADD CONSTRAINT %I CHECK (county_code ~ ''^[0-9]{12}$'' '
            'AND unit_path <@ text2ltree(''u'' || county_code))', t, t || '_in_county');
        EXECUTE format('ALTER TABLE membership.%I FORCE ROW LEVEL SECURITY', t);
    END LOOP;
END
$$;

-- 2. Every foreign key of the schema goes (they depend on the keys rebuilt below) and
--    comes back composite in step 4.
DO $$
DECLARE
    c record;
BEGIN
    FOR c IN SELECT con.conrelid::regclass AS tbl, con.conname
               FROM pg_constraint con JOIN pg_namespace n ON n.oid = con.connamespace
              WHERE n.nspname = 'membership' AND con.contype = 'f' LOOP
        EXECUTE format('ALTER TABLE %s DROP CONSTRAINT %I', c.tbl, c.conname);
    END LOOP;
END
$$;

-- 3. Primary and unique keys with the county first.
ALTER TABLE membership.units ADD CONSTRAINT units_county_id_key UNIQUE (county_code, id);

ALTER TABLE membership.people DROP CONSTRAINT people_pkey, ADD PRIMARY KEY (county_code, id);
DROP INDEX membership.people_id_hash_per_tenant;
DROP INDEX membership.people_phone_hash_per_tenant;
CREATE UNIQUE INDEX people_id_hash_per_tenant ON membership.people (county_code, tenant_path, id_hash)
    WHERE id_hash IS NOT NULL;
CREATE UNIQUE INDEX people_phone_hash_per_tenant ON membership.people (county_code, tenant_path, phone_hash)
    WHERE phone_hash IS NOT NULL;

ALTER TABLE membership.kinships DROP CONSTRAINT kinships_pkey, ADD PRIMARY KEY (county_code, person_id, relative_id);
ALTER TABLE membership.councils DROP CONSTRAINT councils_pkey, ADD PRIMARY KEY (county_code, id);
ALTER TABLE membership.terms DROP CONSTRAINT terms_pkey, ADD PRIMARY KEY (county_code, council_id, number);
ALTER TABLE membership.seats DROP CONSTRAINT seats_pkey, ADD PRIMARY KEY (county_code, id);
DROP INDEX membership.seats_open_key;
CREATE UNIQUE INDEX seats_open_key ON membership.seats (county_code, council_id, person_id, role, topic_id)
    WHERE status IN (1, 2, 3);
ALTER TABLE membership.notices DROP CONSTRAINT notices_pkey, ADD PRIMARY KEY (county_code, id);
DROP INDEX membership.notices_open_key;
CREATE UNIQUE INDEX notices_open_key ON membership.notices (county_code, council_id) WHERE status = 1;
ALTER TABLE membership.objections DROP CONSTRAINT objections_pkey, ADD PRIMARY KEY (county_code, id);
ALTER TABLE membership.rule_overrides DROP CONSTRAINT rule_overrides_pkey,
    ADD PRIMARY KEY (county_code, unit_id, kind, rule_id);

-- 4. Foreign keys, each within one county.
ALTER TABLE membership.units
    ADD CONSTRAINT units_parent_fk FOREIGN KEY (county_code, parent_id) REFERENCES membership.units (county_code, id);
ALTER TABLE membership.people
    ADD CONSTRAINT people_unit_fk FOREIGN KEY (county_code, unit_id) REFERENCES membership.units (county_code, id);
ALTER TABLE membership.kinships
    ADD CONSTRAINT kinships_person_fk FOREIGN KEY (county_code, person_id) REFERENCES membership.people (county_code, id),
    ADD CONSTRAINT kinships_relative_fk FOREIGN KEY (county_code, relative_id) REFERENCES membership.people (county_code, id);
ALTER TABLE membership.councils
    ADD CONSTRAINT councils_unit_fk FOREIGN KEY (county_code, unit_id) REFERENCES membership.units (county_code, id);
ALTER TABLE membership.terms
    ADD CONSTRAINT terms_council_fk FOREIGN KEY (county_code, council_id) REFERENCES membership.councils (county_code, id);
ALTER TABLE membership.seats
    ADD CONSTRAINT seats_council_fk FOREIGN KEY (county_code, council_id) REFERENCES membership.councils (county_code, id),
    ADD CONSTRAINT seats_person_fk FOREIGN KEY (county_code, person_id) REFERENCES membership.people (county_code, id),
    ADD CONSTRAINT seats_term_fk FOREIGN KEY (county_code, council_id, term_number)
        REFERENCES membership.terms (county_code, council_id, number),
    ADD CONSTRAINT seats_notice_fk FOREIGN KEY (county_code, notice_id) REFERENCES membership.notices (county_code, id);
ALTER TABLE membership.notices
    ADD CONSTRAINT notices_council_fk FOREIGN KEY (county_code, council_id) REFERENCES membership.councils (county_code, id);
ALTER TABLE membership.objections
    ADD CONSTRAINT objections_notice_fk FOREIGN KEY (county_code, notice_id) REFERENCES membership.notices (county_code, id),
    ADD CONSTRAINT objections_seat_fk FOREIGN KEY (county_code, seat_id) REFERENCES membership.seats (county_code, id);
ALTER TABLE membership.rule_overrides
    ADD CONSTRAINT rule_overrides_unit_fk FOREIGN KEY (county_code, unit_id) REFERENCES membership.units (county_code, id);

-- Mark the reference table in the catalog, for tooling and for the distribution test
-- (Tests/TongxinTesting, assertDistributable).
COMMENT ON TABLE membership.units IS 'tongxin:reference — the unit tree, replicated to every node (Citus reference table)';
