-- 规则锁定 — an ancestor unit locks a composition rule for its whole subtree: no unit
-- below it may disable or override the rule (SetCompositionRule answers FAILED_PRECONDITION
-- `rules.locked`, naming the locking unit), and overrides of it below the lock that existed
-- before the lock are ignored when the effective rules are computed. A lock row may carry a
-- definition (the locking unit's own value) or none (the value in force is locked). The
-- statutory rules (Organic Law arts. 25 and 32) are locked by the service itself, without a
-- row. No new key: the table keeps (county_code, unit_id, kind, rule_id) from 0006, and its
-- row-level security from 0005.

ALTER TABLE membership.rule_overrides ADD COLUMN locked boolean NOT NULL DEFAULT false;

ALTER TABLE membership.rule_overrides DROP CONSTRAINT rule_overrides_rule_or_disabled;
ALTER TABLE membership.rule_overrides
    ADD CONSTRAINT rule_overrides_rule_disabled_or_locked CHECK (disabled OR locked OR rule IS NOT NULL),
    ADD CONSTRAINT rule_overrides_lock_not_disabled CHECK (NOT (disabled AND locked));
