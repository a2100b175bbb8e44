-- Two group roles: readers view and export; editors also import and edit. Log-in roles are
-- made members of one of them (see docs/postgis.md). The audit table is written only by the
-- trigger (SECURITY DEFINER): nobody but the owner can change it.
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'syria_map_reader') THEN
        CREATE ROLE syria_map_reader NOLOGIN;
    END IF;
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'syria_map_editor') THEN
        CREATE ROLE syria_map_editor NOLOGIN;
    END IF;
END $$;
GRANT USAGE ON SCHEMA public TO syria_map_reader, syria_map_editor;
GRANT SELECT ON datasets, incidents, sources, figures, flags, aliases, user_places, audit, schema_migrations
    TO syria_map_reader, syria_map_editor;
GRANT INSERT, UPDATE, DELETE ON datasets, incidents, sources, figures, flags, aliases, user_places
    TO syria_map_editor;
GRANT USAGE ON SEQUENCE datasets_dataset_id_seq TO syria_map_editor;
REVOKE ALL ON FUNCTION audit_rows() FROM PUBLIC;
