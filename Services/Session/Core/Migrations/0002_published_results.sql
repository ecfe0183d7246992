-- 公开结果 as open data (ListPublishedResults): the results of a subtree published in a
-- period, oldest first, keyed by (published_at, id). Drafts are never public, so the index
-- holds published and filed results only; the subtree is then filtered on few rows.
CREATE INDEX results_published_idx ON session.results (county_code, published_at, id) WHERE state IN (2, 3);
