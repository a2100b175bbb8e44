-- Speed at a million rows (bench/bench_postgis.py; EXPLAIN ANALYZE in docs/postgis.md):
-- * the point's position in the Syria AEQD (metres) kept per row, so that grid cells are placed at
--   the mean position of their incidents without a transform per row at query time;
-- * the day span indexed as a range (GiST), so a month of fifteen years is an index scan, and
--   (dataset, governorate) as a B-tree;
-- * the number of incidents kept per dataset (the app lists the datasets at every rerun);
-- * grid_summary: the aggregated map's groups (5 km cell x campaign x event type x confidence x
--   first day x last day) per dataset, rebuilt by every import and kept up to date by edits.
ALTER TABLE incidents ADD COLUMN IF NOT EXISTS aeqd_x double precision;
ALTER TABLE incidents ADD COLUMN IF NOT EXISTS aeqd_y double precision;
ALTER TABLE datasets ADD COLUMN IF NOT EXISTS incidents bigint NOT NULL DEFAULT 0;

CREATE OR REPLACE FUNCTION incidents_set_geom() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    xy geometry;
BEGIN
    NEW.geom := CASE WHEN NEW.lon IS NULL OR NEW.lat IS NULL OR NEW.aggregate THEN NULL
                     ELSE ST_SetSRID(ST_MakePoint(NEW.lon, NEW.lat), 4326) END;
    IF NEW.geom IS NULL THEN
        NEW.cell_x := NULL; NEW.cell_y := NULL; NEW.aeqd_x := NULL; NEW.aeqd_y := NULL;
    ELSE
        xy := ST_Transform(NEW.geom, 990035);
        NEW.aeqd_x := ST_X(xy); NEW.aeqd_y := ST_Y(xy);
        NEW.cell_x := floor(NEW.aeqd_x / 5000.0); NEW.cell_y := floor(NEW.aeqd_y / 5000.0);
    END IF;
    NEW.day0 := COALESCE(floor(extract(epoch FROM NEW.date_start) / 86400)::int, -10000000);
    NEW.day1 := CASE WHEN NEW.date_start IS NULL THEN 10000000
                     ELSE floor(extract(epoch FROM COALESCE(NEW.date_end, NEW.date_start)) / 86400)::int END;
    RETURN NEW;
END $$;

-- Existing rows: fill the new columns without an audit row per incident (nothing a person changed).
ALTER TABLE incidents DISABLE TRIGGER incidents_audit_update;
UPDATE incidents SET aeqd_x = ST_X(ST_Transform(geom, 990035)), aeqd_y = ST_Y(ST_Transform(geom, 990035))
    WHERE geom IS NOT NULL;
ALTER TABLE incidents ENABLE TRIGGER incidents_audit_update;

CREATE INDEX IF NOT EXISTS incidents_days ON incidents USING gist (int4range(day0, day1, '[]'));
CREATE INDEX IF NOT EXISTS incidents_dataset_admin1 ON incidents (dataset_id, admin1);
-- The few rows off the map (unlocated, regional totals), counted beside the summary's.
CREATE INDEX IF NOT EXISTS incidents_unmapped ON incidents (dataset_id) WHERE geom IS NULL;

CREATE TABLE grid_summary (
    dataset_id   integer NOT NULL REFERENCES datasets ON DELETE CASCADE,
    cell_x       integer NOT NULL,
    cell_y       integer NOT NULL,
    campaign     text,
    event_type   text,
    confidence   text,
    day0         integer NOT NULL,
    day1         integer NOT NULL,
    n            bigint NOT NULL,
    deaths       bigint NOT NULL,
    with_deaths  bigint NOT NULL,
    sum_x        double precision NOT NULL,
    sum_y        double precision NOT NULL
);
CREATE INDEX grid_summary_days ON grid_summary (dataset_id, day0);
CREATE INDEX grid_summary_cell ON grid_summary (dataset_id, cell_x, cell_y);
-- The groups of a dataset, or of some of its 5 km cells (an edit moves a point from one cell to another).
CREATE FUNCTION refresh_grid_summary(ds integer, xs integer[] DEFAULT NULL, ys integer[] DEFAULT NULL)
RETURNS void LANGUAGE sql AS $$
    DELETE FROM grid_summary g WHERE g.dataset_id = ds
        AND (xs IS NULL OR (g.cell_x, g.cell_y) IN (SELECT * FROM unnest(xs, ys)));
    INSERT INTO grid_summary
    SELECT i.dataset_id, i.cell_x, i.cell_y, i.campaign, i.event_type, i.confidence, i.day0, i.day1, count(*),
           COALESCE(sum(i.deaths_best), 0), count(i.deaths_best), sum(i.aeqd_x), sum(i.aeqd_y)
    FROM incidents i WHERE i.dataset_id = ds AND i.geom IS NOT NULL
        AND (xs IS NULL OR (i.cell_x, i.cell_y) IN (SELECT * FROM unnest(xs, ys)))
    GROUP BY 1, 2, 3, 4, 5, 6, 7, 8;
$$;

-- What the app's filter widgets offer and the date slider's span, kept per dataset.
ALTER TABLE datasets ADD COLUMN IF NOT EXISTS facets jsonb NOT NULL DEFAULT '{}'::jsonb;
CREATE FUNCTION refresh_dataset_facets(ds integer) RETURNS void LANGUAGE sql AS $$
    UPDATE datasets SET incidents = f.n, facets = jsonb_build_object(
        'campaign', f.campaign, 'event_type', f.event_type, 'confidence', f.confidence,
        'first', f.first, 'last', f.last)
    FROM (SELECT count(*) AS n,
                 COALESCE(jsonb_agg(DISTINCT campaign) FILTER (WHERE campaign <> ''), '[]') AS campaign,
                 COALESCE(jsonb_agg(DISTINCT event_type) FILTER (WHERE event_type <> ''), '[]') AS event_type,
                 COALESCE(jsonb_agg(DISTINCT confidence) FILTER (WHERE confidence <> ''), '[]') AS confidence,
                 min(date_start) AS first, greatest(max(date_start), max(date_end)) AS last
          FROM incidents WHERE dataset_id = ds) f
    WHERE dataset_id = ds;
$$;

SELECT refresh_grid_summary(dataset_id), refresh_dataset_facets(dataset_id) FROM datasets;

GRANT SELECT ON grid_summary TO syria_map_reader, syria_map_editor;
GRANT INSERT, UPDATE, DELETE ON grid_summary TO syria_map_editor;
