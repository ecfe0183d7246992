-- One page of the ledger, newest first, as an ordered walk of items_received_idx.
--
-- Why a function: the scope policy's `unit_path <@ current_setting(...)::ltree` is not a
-- constant when the query is planned, so PostgreSQL estimates it with ltree's default
-- selectivity (0.1%) and believes a county's 100,000 items are a hundred. It then picks a
-- bitmap scan of the whole subtree plus a sort (1.2 s a page on the bench) over the index
-- walk that stops after a page (well under a millisecond). Inside this function sorting and
-- parallel workers are switched off, which leaves the walk; filters that match few rows
-- (one village of a large county, a rare category) cost a longer walk, never a sort of the
-- county. SECURITY INVOKER: row-level security applies as to any query of the caller.
--
-- A NULL filter means any; a NULL cursor the first page; a NULL limit the whole list
-- (for the total, counted only when a first page asks).
CREATE FUNCTION agenda.ledger_page(
    p_county text, p_under ltree, p_channels smallint[], p_categories smallint[], p_statuses smallint[],
    p_from timestamptz, p_until timestamptz, p_after_at timestamptz, p_after_id uuid, p_limit integer
) RETURNS SETOF agenda.items
LANGUAGE sql STABLE SECURITY INVOKER
SET search_path = pg_catalog, public
SET enable_sort = off
SET max_parallel_workers_per_gather = 0
AS $$
    SELECT i.* FROM agenda.items i
     WHERE i.county_code = p_county
       AND i.unit_path OPERATOR(public.<@) p_under
       AND (p_channels IS NULL OR i.channel = ANY (p_channels))
       AND (p_categories IS NULL OR i.category = ANY (p_categories))
       AND (p_statuses IS NULL OR i.status = ANY (p_statuses))
       AND (p_from IS NULL OR i.received_at >= p_from)
       AND (p_until IS NULL OR i.received_at < p_until)
       AND (i.received_at, i.id) < (COALESCE(p_after_at, 'infinity'::timestamptz),
                                    COALESCE(p_after_id, 'ffffffff-ffff-ffff-ffff-ffffffffffff'::uuid))
     ORDER BY i.county_code, i.received_at DESC, i.id DESC
     LIMIT p_limit
$$;

REVOKE ALL ON FUNCTION agenda.ledger_page(text, ltree, smallint[], smallint[], smallint[], timestamptz, timestamptz,
                                          timestamptz, uuid, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION agenda.ledger_page(text, ltree, smallint[], smallint[], smallint[], timestamptz, timestamptz,
                                             timestamptz, uuid, integer) TO agenda_svc;

-- The subtree test of the ledger runs as a filter of that walk; the GiST index only misled
-- the planner into the bitmap scan.
DROP INDEX agenda.items_path_gist;
