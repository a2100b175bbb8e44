-- Incidents, their sources, figures and flags; datasets with a version number.
CREATE EXTENSION IF NOT EXISTS postgis;

-- The project's Syria-centred azimuthal equidistant CRS (geo.crs.SYRIA_AEQD), so that the
-- aggregated grid of large selections is computed in SQL in the same cells as in Python.
INSERT INTO spatial_ref_sys (srid, auth_name, auth_srid, proj4text, srtext)
VALUES (990035, 'syria_map', 990035,
        '+proj=aeqd +lat_0=35 +lon_0=38.5 +x_0=0 +y_0=0 +datum=WGS84 +units=m +no_defs', '')
ON CONFLICT (srid) DO NOTHING;

CREATE TABLE datasets (
    dataset_id   serial PRIMARY KEY,
    name         text NOT NULL UNIQUE,
    title        text NOT NULL DEFAULT '',
    public_safe  boolean NOT NULL DEFAULT false,
    created      timestamptz NOT NULL DEFAULT now(),
    updated      timestamptz NOT NULL DEFAULT now(),
    version      bigint NOT NULL DEFAULT 0      -- +1 at every import or edit
);

CREATE TABLE incidents (
    dataset_id            integer NOT NULL REFERENCES datasets ON DELETE CASCADE,
    id                    text NOT NULL,
    title                 text,
    event_type            text,
    date_start            timestamptz,
    date_end              timestamptz,
    date_precision        text,
    place_reported        text,
    place_id              text,
    lon                   double precision,
    lat                   double precision,
    geom                  geometry(Point, 4326),
    geo_precision         integer,
    admin1                text,
    corridor              text,
    chainage_km           double precision,
    deaths_low            integer,
    deaths_best           integer,
    deaths_high           integer,
    injured               integer,
    missing_or_abducted   integer,
    perpetrator_reported  text,
    victim_group_reported text,
    campaign              text,
    summary               text,
    confidence            text,
    sensitive             boolean NOT NULL DEFAULT false,
    aggregate             boolean NOT NULL DEFAULT false,
    extra                 jsonb NOT NULL DEFAULT '{}'::jsonb,  -- columns outside the model, as imported
    -- Derived by the trigger below, for the aggregated map: the 5 km cell of the point in the
    -- Syria AEQD (SRID 990035) and the first/last day of the span (days since 1970-01-01, UTC).
    cell_x                integer,
    cell_y                integer,
    day0                  integer,
    day1                  integer,
    row_version           integer NOT NULL DEFAULT 1,          -- optimistic concurrency
    PRIMARY KEY (dataset_id, id)
);
CREATE INDEX incidents_geom_gist ON incidents USING gist (geom);
CREATE INDEX incidents_date_start ON incidents (date_start);
CREATE INDEX incidents_dataset ON incidents (dataset_id);
CREATE INDEX incidents_admin1 ON incidents (admin1);

CREATE TABLE sources (
    dataset_id  integer NOT NULL,
    incident_id text NOT NULL,
    seq         integer NOT NULL,
    publisher   text NOT NULL DEFAULT '',
    url         text NOT NULL DEFAULT '',
    data        jsonb NOT NULL,                 -- the whole source record, as in the model
    PRIMARY KEY (dataset_id, incident_id, seq),
    FOREIGN KEY (dataset_id, incident_id) REFERENCES incidents ON DELETE CASCADE
);

CREATE TABLE figures (
    dataset_id  integer NOT NULL,
    incident_id text NOT NULL,
    seq         integer NOT NULL,
    publisher   text NOT NULL DEFAULT '',
    data        jsonb NOT NULL,
    PRIMARY KEY (dataset_id, incident_id, seq),
    FOREIGN KEY (dataset_id, incident_id) REFERENCES incidents ON DELETE CASCADE
);

CREATE TABLE flags (
    dataset_id  integer NOT NULL,
    incident_id text NOT NULL,
    flag        text NOT NULL,
    PRIMARY KEY (dataset_id, incident_id, flag),
    FOREIGN KEY (dataset_id, incident_id) REFERENCES incidents ON DELETE CASCADE
);

-- Review choices shared by the team: aliases and places placed by hand.
CREATE TABLE aliases (
    alias     text PRIMARY KEY,
    place_id  text NOT NULL,
    note      text NOT NULL DEFAULT '',
    added_by  text NOT NULL DEFAULT current_user,
    added     timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE user_places (
    id        text PRIMARY KEY,
    name_en   text NOT NULL,
    lat       double precision NOT NULL,
    lon       double precision NOT NULL,
    data      jsonb NOT NULL DEFAULT '{}'::jsonb,
    added_by  text NOT NULL DEFAULT current_user,
    added     timestamptz NOT NULL DEFAULT now()
);

-- The point is derived from lon/lat in the database, as the GeoPackage store derives it on load:
-- no point for rows without both coordinates or for aggregates (they stay off the map).
CREATE FUNCTION incidents_set_geom() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    xy geometry;
BEGIN
    NEW.geom := CASE WHEN NEW.lon IS NULL OR NEW.lat IS NULL OR NEW.aggregate THEN NULL
                     ELSE ST_SetSRID(ST_MakePoint(NEW.lon, NEW.lat), 4326) END;
    IF NEW.geom IS NULL THEN
        NEW.cell_x := NULL; NEW.cell_y := NULL;
    ELSE
        xy := ST_Transform(NEW.geom, 990035);
        NEW.cell_x := floor(ST_X(xy) / 5000.0); NEW.cell_y := floor(ST_Y(xy) / 5000.0);
    END IF;
    NEW.day0 := COALESCE(floor(extract(epoch FROM NEW.date_start) / 86400)::int, -10000000);
    NEW.day1 := CASE WHEN NEW.date_start IS NULL THEN 10000000
                     ELSE floor(extract(epoch FROM COALESCE(NEW.date_end, NEW.date_start)) / 86400)::int END;
    RETURN NEW;
END $$;
CREATE TRIGGER incidents_geom BEFORE INSERT OR UPDATE OF lon, lat, aggregate, date_start, date_end ON incidents
    FOR EACH ROW EXECUTE FUNCTION incidents_set_geom();
