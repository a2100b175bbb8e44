-- Imports without the owner's rights.
--
-- import_staged() (0006) ran with the owner's rights (SECURITY DEFINER) and read the caller's
-- temporary staging tables. Whatever PostgreSQL evaluates while reading a relation — a view's
-- query, a row-level security policy, a cast, an expression or partial index the planner folds,
-- a CHECK constraint under constraint exclusion, a catalog name shadowed in pg_temp — can call a
-- function of the caller, which then ran as the owner: an editor could empty the audit trail
-- (found in review; tests/test_store_backends.py tries each way). No check of the caller's
-- relations is a safe answer to that, so the function is gone: the caller moves the staged rows in
-- with its own rights (PostgisStore._copy_rows) and the audit trigger, which reads only the rows
-- that reached our own tables (its transition table), writes the import's entries.
--
-- While the transaction-local setting syria_map.import is 'on', an INSERT statement into
-- incidents, sources or figures is audited as one entry per table and dataset — the role, the
-- app's user, the file, the time, the number of rows and the ids (audit.ids) — instead of one
-- entry per row holding a copy of the row (as 0006's import entries: the values as imported are
-- the row's first version). Anyone may ask for this form; either way the insert is audited, and
-- updates and deletes keep their per-row old and new values.
--
-- Dropping and rebuilding the indexes of a large import needs the table's owner: the store does
-- it only when it imports as the owner (in the same transaction), other roles' imports maintain
-- the indexes row by row.
DROP FUNCTION IF EXISTS import_staged(integer, bigint);

CREATE OR REPLACE FUNCTION audit_rows() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    who text := COALESCE(current_setting('syria_map.user', true), '');
    src text := COALESCE(current_setting('syria_map.source_file', true), '');
    incident_col text := CASE WHEN TG_TABLE_NAME = 'incidents' THEN 'id' ELSE 'incident_id' END;
    key_cols text := CASE WHEN TG_TABLE_NAME = 'incidents' THEN 'dataset_id, id' ELSE 'dataset_id, incident_id, seq' END;
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF COALESCE(current_setting('syria_map.import', true), '') = 'on' THEN
            EXECUTE format('INSERT INTO public.audit (app_user, action, table_name, dataset_id, source_file, new, ids) '
                           'SELECT $1, ''INSERT'', $2, n.dataset_id, $3, '
                           'pg_catalog.jsonb_build_object(''import_rows'', pg_catalog.count(*)), '
                           'pg_catalog.array_agg(DISTINCT n.%I ORDER BY n.%I) FROM new_rows n GROUP BY n.dataset_id',
                           incident_col, incident_col) USING who, TG_TABLE_NAME, src;
        ELSE
            EXECUTE format('INSERT INTO public.audit (app_user, action, table_name, dataset_id, incident_id, source_file, new) '
                           'SELECT $1, ''INSERT'', $2, n.dataset_id, n.%I, $3, pg_catalog.to_jsonb(n) - ''geom'' '
                           'FROM new_rows n', incident_col) USING who, TG_TABLE_NAME, src;
        END IF;
    ELSIF TG_OP = 'DELETE' THEN
        EXECUTE format('INSERT INTO public.audit (app_user, action, table_name, dataset_id, incident_id, source_file, old) '
                       'SELECT $1, ''DELETE'', $2, o.dataset_id, o.%I, $3, pg_catalog.to_jsonb(o) - ''geom'' FROM old_rows o',
                       incident_col) USING who, TG_TABLE_NAME, src;
    ELSE
        EXECUTE format('INSERT INTO public.audit (app_user, action, table_name, dataset_id, incident_id, source_file, old, new) '
                       'SELECT $1, ''UPDATE'', $2, n.dataset_id, n.%I, $3, pg_catalog.to_jsonb(o) - ''geom'', '
                       'pg_catalog.to_jsonb(n) - ''geom'' FROM new_rows n JOIN old_rows o USING (%s)',
                       incident_col, key_cols)
            USING who, TG_TABLE_NAME, src;
    END IF;
    RETURN NULL;
END $$;
REVOKE ALL ON FUNCTION audit_rows() FROM PUBLIC;
