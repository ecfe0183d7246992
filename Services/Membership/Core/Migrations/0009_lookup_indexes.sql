-- Lookups by id without the county.
--
-- 0006 put county_code first in every primary key (the distribution column for Citus), so
-- `WHERE id = $1` — how every Get/Update/Remove finds its row — no longer had an index and
-- fell back to the unit_path GiST index of row-level security: every row of the caller's
-- subtree was read to find one (a 60-seat GetCouncil spent most of its database time so).
-- These plain btree indexes restore single-row lookups. They are not unique (uniqueness
-- stays with the county-prefixed keys, as Citus requires) and are created on every shard
-- by create_distributed_table like any other index; under Citus a lookup by id alone is a
-- multi-shard query, so a call that knows its county should also bind county_code.
CREATE INDEX councils_id_idx ON membership.councils (id);
CREATE INDEX people_id_idx ON membership.people (id);
CREATE INDEX seats_id_idx ON membership.seats (id);
CREATE INDEX seats_notice_idx ON membership.seats (notice_id) WHERE notice_id IS NOT NULL;
CREATE INDEX notices_id_idx ON membership.notices (id);
CREATE INDEX notices_council_idx ON membership.notices (council_id, status);
CREATE INDEX objections_id_idx ON membership.objections (id);
CREATE INDEX terms_council_idx ON membership.terms (council_id, number);
