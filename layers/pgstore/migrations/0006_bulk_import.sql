-- Bulk imports in bounded time (bench/bench_postgis.py: 1,000,000 incidents), still one audited transaction.
--
-- PostgisStore.save() copies a file's rows into temporary staging tables (no index, no trigger)
-- and calls import_staged(), which moves them into incidents/sources/figures in one statement
-- each. The audit trail records such an import as one INSERT entry per table, with the file, who,
-- when and the ids of every row it inserted (audit.ids), instead of one entry per row holding a
-- copy of the row: the values as imported are the row's first version, i.e. the row itself while
-- row_version = 1, else the "old" of its first UPDATE entry (every later change and every delete
-- keeps its old and new values per row, as before). `python -m layers history ID` finds the entry
-- through ids.
--
-- The per-row entries are skipped only for rows the import function itself inserts: it writes its
-- entries first, marked pending for this transaction, and clears the mark before it returns.
-- Nobody but the owner writes the audit table, so no other statement can skip its audit.
--
-- A large import (at least rebuild_at rows, 100,000 from the app and at least as many as the table holds) drops the
-- secondary indexes of incidents and builds them again once after the load, in the same
-- transaction: faster than maintaining them row by row (GiST above all), at the price of other
-- sessions waiting for the import to commit before they read incidents.
ALTER TABLE audit ADD COLUMN IF NOT EXISTS ids text[];
ALTER TABLE audit ADD COLUMN IF NOT EXISTS pending_txid bigint;
CREATE INDEX IF NOT EXISTS audit_imports ON audit (dataset_id, audit_id) WHERE ids IS NOT NULL;
CREATE INDEX IF NOT EXISTS audit_pending ON audit (pending_txid) WHERE pending_txid IS NOT NULL;

CREATE OR REPLACE FUNCTION audit_rows() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
SET search_path = public, pg_temp AS $$
DECLARE
    who text := COALESCE(current_setting('syria_map.user', true), '');
    src text := COALESCE(current_setting('syria_map.source_file', true), '');
    incident_col text := CASE WHEN TG_TABLE_NAME = 'incidents' THEN 'id' ELSE 'incident_id' END;
    key_cols text := CASE WHEN TG_TABLE_NAME = 'incidents' THEN 'dataset_id, id' ELSE 'dataset_id, incident_id, seq' END;
BEGIN
    IF TG_OP = 'INSERT' THEN
        -- Rows moved in by import_staged(): audited by its entry for this table (with their ids).
        IF EXISTS (SELECT 1 FROM audit WHERE pending_txid = txid_current() AND table_name = TG_TABLE_NAME) THEN
            RETURN NULL;
        END IF;
        EXECUTE format('INSERT INTO audit (app_user, action, table_name, dataset_id, incident_id, source_file, new) '
                       'SELECT $1, ''INSERT'', $2, n.dataset_id, n.%I, $3, to_jsonb(n) - ''geom'' FROM new_rows n',
                       incident_col) USING who, TG_TABLE_NAME, src;
    ELSIF TG_OP = 'DELETE' THEN
        EXECUTE format('INSERT INTO audit (app_user, action, table_name, dataset_id, incident_id, source_file, old) '
                       'SELECT $1, ''DELETE'', $2, o.dataset_id, o.%I, $3, to_jsonb(o) - ''geom'' FROM old_rows o',
                       incident_col) USING who, TG_TABLE_NAME, src;
    ELSE
        EXECUTE format('INSERT INTO audit (app_user, action, table_name, dataset_id, incident_id, source_file, old, new) '
                       'SELECT $1, ''UPDATE'', $2, n.dataset_id, n.%I, $3, to_jsonb(o) - ''geom'', to_jsonb(n) - ''geom'' '
                       'FROM new_rows n JOIN old_rows o USING (%s)', incident_col, key_cols)
            USING who, TG_TABLE_NAME, src;
    END IF;
    RETURN NULL;
END $$;

-- Move the rows of pg_temp.incident_staging / source_staging / figure_staging (made by the caller
-- in this transaction) into dataset ds; return the number of incidents. Runs as the owner (it may
-- rebuild indexes); the caller must be allowed to insert incidents (an editor).
CREATE OR REPLACE FUNCTION import_staged(ds integer, rebuild_at bigint DEFAULT 100000) RETURNS bigint LANGUAGE plpgsql SECURITY DEFINER
SET search_path = public, pg_temp AS $$
DECLARE
    who text := COALESCE(current_setting('syria_map.user', true), '');
    src text := COALESCE(current_setting('syria_map.source_file', true), '');
    tx bigint := txid_current();
    n bigint;
    existing bigint;
    defs text[];
    def text;
    cols text;
BEGIN
    IF NOT has_table_privilege(session_user, 'incidents', 'INSERT') THEN
        RAISE EXCEPTION 'permission denied for table incidents' USING ERRCODE = 'insufficient_privilege';
    END IF;
    SELECT count(*) INTO n FROM pg_temp.incident_staging;
    INSERT INTO audit (app_user, action, table_name, dataset_id, source_file, new, ids, pending_txid)
    SELECT who, 'INSERT', t.name, ds, src, jsonb_build_object('import_rows', t.rows), t.ids, tx
    FROM (SELECT 'incidents' AS name, n AS rows, ARRAY(SELECT id FROM pg_temp.incident_staging ORDER BY id) AS ids
          UNION ALL
          SELECT 'sources', count(*), array_agg(DISTINCT incident_id) FROM pg_temp.source_staging
          UNION ALL
          SELECT 'figures', count(*), array_agg(DISTINCT incident_id) FROM pg_temp.figure_staging) t
    WHERE t.rows > 0;
    SELECT reltuples::bigint INTO existing FROM pg_class WHERE oid = 'incidents'::regclass;
    IF n >= rebuild_at AND n >= existing THEN
        SELECT array_agg(indexdef) INTO defs FROM pg_indexes
        WHERE schemaname = 'public' AND tablename = 'incidents' AND indexname <> 'incidents_pkey';
        FOR def IN SELECT indexname FROM pg_indexes
                   WHERE schemaname = 'public' AND tablename = 'incidents' AND indexname <> 'incidents_pkey' LOOP
            EXECUTE format('DROP INDEX %I', def);
        END LOOP;
    END IF;
    SELECT string_agg(quote_ident(attname), ', ' ORDER BY attnum) INTO cols FROM pg_attribute
    WHERE attrelid = 'pg_temp.incident_staging'::regclass AND attnum > 0 AND NOT attisdropped;
    EXECUTE format('INSERT INTO incidents (%s) SELECT %s FROM pg_temp.incident_staging WHERE dataset_id = $1', cols, cols)
        USING ds;
    INSERT INTO sources (dataset_id, incident_id, seq, publisher, url, data)
        SELECT ds, incident_id, seq, publisher, url, data FROM pg_temp.source_staging;
    INSERT INTO figures (dataset_id, incident_id, seq, publisher, data)
        SELECT ds, incident_id, seq, publisher, data FROM pg_temp.figure_staging;
    IF defs IS NOT NULL THEN
        FOREACH def IN ARRAY defs LOOP
            EXECUTE def;
        END LOOP;
    END IF;
    UPDATE audit SET pending_txid = NULL WHERE pending_txid = tx;
    RETURN n;
END $$;
REVOKE ALL ON FUNCTION import_staged(integer, bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION import_staged(integer, bigint) TO syria_map_editor;
