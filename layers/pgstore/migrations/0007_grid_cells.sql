-- The aggregated map of a selection too large for its time control (layers.pgstore.source.MAX_DAY_GROUPS):
-- grid_cells holds grid_summary's groups without their days (5 km cell x campaign x event type x
-- confidence) per dataset, so that the grid of all dates, e.g. all of Syria at a million incidents,
-- reads ~10^4-10^5 rows instead of ~10^6 (EXPLAIN ANALYZE in docs/postgis.md). Kept with grid_summary
-- by refresh_grid_summary (imports rebuild a dataset's, edits the cells a point left and entered);
-- datasets.facets.groups counts a dataset's day groups, to choose between the two before querying.
-- grid_days holds them without their cells (category x first day x last day): the counts and the
-- timeline of any date window read ~10^4 rows. An untimed grid of a window is grid_cells minus the
-- groups wholly before or after it (whichever of inside and outside is smaller is read).
CREATE TABLE grid_cells (
    dataset_id   integer NOT NULL REFERENCES datasets ON DELETE CASCADE,
    cell_x       integer NOT NULL,
    cell_y       integer NOT NULL,
    campaign     text,
    event_type   text,
    confidence   text,
    n            bigint NOT NULL,
    deaths       bigint NOT NULL,
    with_deaths  bigint NOT NULL,
    sum_x        double precision NOT NULL,
    sum_y        double precision NOT NULL
);
CREATE INDEX grid_cells_cell ON grid_cells (dataset_id, cell_x, cell_y);

CREATE TABLE grid_days (
    dataset_id   integer NOT NULL REFERENCES datasets ON DELETE CASCADE,
    campaign     text,
    event_type   text,
    confidence   text,
    day0         integer NOT NULL,
    day1         integer NOT NULL,
    n            bigint NOT NULL
);
CREATE INDEX grid_days_days ON grid_days (dataset_id, day0);
CREATE INDEX grid_summary_day1 ON grid_summary (dataset_id, day1);

CREATE OR REPLACE FUNCTION refresh_grid_summary(ds integer, xs integer[] DEFAULT NULL, ys integer[] DEFAULT NULL)
RETURNS void LANGUAGE sql AS $$
    DELETE FROM grid_summary g WHERE g.dataset_id = ds
        AND (xs IS NULL OR (g.cell_x, g.cell_y) IN (SELECT * FROM unnest(xs, ys)));
    INSERT INTO grid_summary
    SELECT i.dataset_id, i.cell_x, i.cell_y, i.campaign, i.event_type, i.confidence, i.day0, i.day1, count(*),
           COALESCE(sum(i.deaths_best), 0), count(i.deaths_best), sum(i.aeqd_x), sum(i.aeqd_y)
    FROM incidents i WHERE i.dataset_id = ds AND i.geom IS NOT NULL
        AND (xs IS NULL OR (i.cell_x, i.cell_y) IN (SELECT * FROM unnest(xs, ys)))
    GROUP BY 1, 2, 3, 4, 5, 6, 7, 8;
    DELETE FROM grid_cells g WHERE g.dataset_id = ds
        AND (xs IS NULL OR (g.cell_x, g.cell_y) IN (SELECT * FROM unnest(xs, ys)));
    INSERT INTO grid_cells
    SELECT g.dataset_id, g.cell_x, g.cell_y, g.campaign, g.event_type, g.confidence, sum(g.n), sum(g.deaths),
           sum(g.with_deaths), sum(g.sum_x), sum(g.sum_y)
    FROM grid_summary g WHERE g.dataset_id = ds
        AND (xs IS NULL OR (g.cell_x, g.cell_y) IN (SELECT * FROM unnest(xs, ys)))
    GROUP BY 1, 2, 3, 4, 5, 6;
    DELETE FROM grid_days g WHERE g.dataset_id = ds;  -- no cells: rebuilt whole (an edit at 10^6 rows: ~1 s)
    INSERT INTO grid_days
    SELECT g.dataset_id, g.campaign, g.event_type, g.confidence, g.day0, g.day1, sum(g.n)
    FROM grid_summary g WHERE g.dataset_id = ds GROUP BY 1, 2, 3, 4, 5, 6;
$$;

CREATE OR REPLACE FUNCTION refresh_dataset_facets(ds integer) RETURNS void LANGUAGE sql AS $$
    UPDATE datasets SET incidents = f.n, facets = jsonb_build_object(
        'campaign', f.campaign, 'event_type', f.event_type, 'confidence', f.confidence,
        'first', f.first, 'last', f.last,
        'groups', (SELECT count(*) FROM grid_summary g WHERE g.dataset_id = ds))
    FROM (SELECT count(*) AS n,
                 COALESCE(jsonb_agg(DISTINCT campaign) FILTER (WHERE campaign <> ''), '[]') AS campaign,
                 COALESCE(jsonb_agg(DISTINCT event_type) FILTER (WHERE event_type <> ''), '[]') AS event_type,
                 COALESCE(jsonb_agg(DISTINCT confidence) FILTER (WHERE confidence <> ''), '[]') AS confidence,
                 min(date_start) AS first, greatest(max(date_start), max(date_end)) AS last
          FROM incidents WHERE dataset_id = ds) f
    WHERE dataset_id = ds;
$$;

SELECT refresh_grid_summary(dataset_id), refresh_dataset_facets(dataset_id) FROM datasets;

GRANT SELECT ON grid_cells, grid_days TO syria_map_reader, syria_map_editor;
GRANT INSERT, UPDATE, DELETE ON grid_cells, grid_days TO syria_map_editor;
