-- kit.protect, fixed: the policy it creates compares paths with ltree's `<@`, which lives in
-- `public`, but the function runs with `search_path = pg_catalog`, so the first caller
-- (agenda's migrations) got "operator does not exist: public.ltree <@ public.ltree". The
-- operator is now named with its schema, `OPERATOR(public.<@)`; nothing else changes.
CREATE OR REPLACE FUNCTION kit.protect(p_table regclass, p_column name DEFAULT 'unit_path') RETURNS void
LANGUAGE plpgsql SECURITY INVOKER SET search_path = pg_catalog AS
$$
DECLARE
    v_policy name := 'tenant_scope';
BEGIN
    EXECUTE format('ALTER TABLE %s ENABLE ROW LEVEL SECURITY', p_table);
    EXECUTE format('ALTER TABLE %s FORCE ROW LEVEL SECURITY', p_table);
    IF EXISTS (SELECT 1 FROM pg_policy WHERE polrelid = p_table AND polname = v_policy) THEN
        EXECUTE format('DROP POLICY %I ON %s', v_policy, p_table);
    END IF;
    EXECUTE format(
        'CREATE POLICY %I ON %s USING (%I OPERATOR(public.<@) NULLIF(current_setting(''app.scope'', true), '''')::public.ltree) '
        'WITH CHECK (%I OPERATOR(public.<@) NULLIF(current_setting(''app.scope'', true), '''')::public.ltree)',
        v_policy, p_table, p_column, p_column);
END
$$;
