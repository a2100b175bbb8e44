-- import_staged() runs with the owner's rights and reads the caller's temporary staging tables.
-- A caller could have made one of them a view (or given it a row-level security policy, a child
-- table, or a column of a type of their own) whose reading calls a function of theirs — which
-- would then run as the owner, e.g. to empty the audit trail (found in review, tested in
-- tests/test_store_backends.py). check_staging() refuses any staging relation that is not a plain
-- temporary table of the session's own role, without rules, triggers, policies or children, whose
-- every column has the type of the target table's column of that name: reading it runs no code
-- of the caller. import_staged() checks its three tables before it reads any of them.
CREATE OR REPLACE FUNCTION check_staging(staging text, target regclass) RETURNS void LANGUAGE plpgsql
SET search_path = pg_catalog, public AS $$
DECLARE
    rel oid := to_regclass('pg_temp.' || quote_ident(staging));
    bad text;
BEGIN
    IF rel IS NULL THEN
        RAISE EXCEPTION 'import_staged: no staging table %', staging USING ERRCODE = 'undefined_table';
    END IF;
    PERFORM 1 FROM pg_class c
    WHERE c.oid = rel AND c.relkind = 'r' AND c.relpersistence = 't'
      AND c.relowner = (SELECT oid FROM pg_roles WHERE rolname = session_user)
      AND NOT c.relrowsecurity AND NOT c.relhasrules AND NOT c.relhastriggers AND NOT c.relhassubclass
      AND NOT EXISTS (SELECT 1 FROM pg_inherits i WHERE i.inhrelid = c.oid);
    IF NOT FOUND THEN
        RAISE EXCEPTION 'import_staged: % must be a plain temporary table of the session''s own role '
                        '(no view, rule, trigger, policy or inheritance)', staging
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    SELECT string_agg(a.attname, ', ') INTO bad FROM pg_attribute a
    WHERE a.attrelid = rel AND a.attnum > 0 AND NOT a.attisdropped
      AND NOT EXISTS (SELECT 1 FROM pg_attribute t
                      WHERE t.attrelid = target AND t.attname = a.attname AND t.atttypid = a.atttypid
                        AND t.attnum > 0 AND NOT t.attisdropped);
    IF bad IS NOT NULL THEN
        RAISE EXCEPTION 'import_staged: column(s) % of % are not columns of % with their types', bad, staging, target
            USING ERRCODE = 'insufficient_privilege';
    END IF;
END $$;
REVOKE ALL ON FUNCTION check_staging(text, regclass) FROM PUBLIC;

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
    -- Before anything reads them with the owner's rights: the caller's staging tables hold data only.
    PERFORM check_staging('incident_staging', 'incidents');
    PERFORM check_staging('source_staging', 'sources');
    PERFORM check_staging('figure_staging', 'figures');
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
