-- Every insert, update and delete of an incident, source or figure: who, when, what, from which file.
-- "who" is the database role and, when the app sets it, its user name (setting syria_map.user);
-- "from which file" is the setting syria_map.source_file of the importing transaction.
CREATE TABLE audit (
    audit_id     bigserial PRIMARY KEY,
    at           timestamptz NOT NULL DEFAULT clock_timestamp(),
    db_role      text NOT NULL DEFAULT session_user,
    app_user     text NOT NULL DEFAULT '',
    action       text NOT NULL,          -- INSERT / UPDATE / DELETE
    table_name   text NOT NULL,
    dataset_id   integer,
    incident_id  text,
    source_file  text NOT NULL DEFAULT '',
    old          jsonb,
    new          jsonb
);
CREATE INDEX audit_incident ON audit (incident_id, at);

-- Statement-level triggers with transition tables: one set-based insert per statement, so an
-- import of a million rows is audited without a function call per row.
CREATE FUNCTION audit_rows() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
SET search_path = public, pg_temp AS $$
DECLARE
    who text := COALESCE(current_setting('syria_map.user', true), '');
    src text := COALESCE(current_setting('syria_map.source_file', true), '');
    incident_col text := CASE WHEN TG_TABLE_NAME = 'incidents' THEN 'id' ELSE 'incident_id' END;
    key_cols text := CASE WHEN TG_TABLE_NAME = 'incidents' THEN 'dataset_id, id' ELSE 'dataset_id, incident_id, seq' END;
BEGIN
    IF TG_OP = 'INSERT' THEN
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

CREATE TRIGGER incidents_audit_insert AFTER INSERT ON incidents
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION audit_rows();
CREATE TRIGGER incidents_audit_update AFTER UPDATE ON incidents
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION audit_rows();
CREATE TRIGGER incidents_audit_delete AFTER DELETE ON incidents
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION audit_rows();

CREATE TRIGGER sources_audit_insert AFTER INSERT ON sources
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION audit_rows();
CREATE TRIGGER sources_audit_update AFTER UPDATE ON sources
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION audit_rows();
CREATE TRIGGER sources_audit_delete AFTER DELETE ON sources
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION audit_rows();

CREATE TRIGGER figures_audit_insert AFTER INSERT ON figures
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION audit_rows();
CREATE TRIGGER figures_audit_update AFTER UPDATE ON figures
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION audit_rows();
CREATE TRIGGER figures_audit_delete AFTER DELETE ON figures
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION audit_rows();
