-- 表决基数 — what a unit's approval threshold is counted against, stored with the rule and
-- inherited with it: 1 those present (与会人员, 004's default), 2 all members of the two
-- committees recorded as entitled to vote (两委全体成员).
ALTER TABLE agenda.approval_rules
    ADD COLUMN base smallint NOT NULL DEFAULT 1 CONSTRAINT approval_rules_base CHECK (base BETWEEN 1 AND 2);

-- Each recorded vote keeps the base it was counted against and the members recorded as
-- entitled ('{}' when none were given).
ALTER TABLE agenda.approvals
    ADD COLUMN base    smallint NOT NULL DEFAULT 1 CONSTRAINT approvals_base CHECK (base BETWEEN 1 AND 2),
    ADD COLUMN members text[]   NOT NULL DEFAULT '{}';
