"""The PostGIS store: one live database of datasets for a team.

Every import is one transaction (a failure leaves the previous state); every
change of an incident, source or figure is in the audit trail with the database
role, the app's user name and the file it came from; edits are checked against
the row's version so that two people never silently overwrite each other.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping
from typing import Any

import geopandas as gpd
import pandas as pd

from geo.errors import EditConflictError, StoreError
from layers.gpkg_store import describe_history  # noqa: F401  (one description for both back ends)
from layers.incidents import COLUMNS, DTYPES, to_incident_frame
from layers.pgstore.query import (
    cells_groups_sql,
    complement_groups_sql,
    filter_sql,
    grid_groups_sql,
    summary_filter_sql,
    summary_groups_sql,
)
from layers.pgstore.schema import connect, migrate, redact_url
from layers.timeline import FilterSpec

__all__ = ["EDITABLE", "PostgisStore"]

_JSON = ("sources", "figures")
#: work_mem of the grid queries (set for their transaction only; the server's default elsewhere).
GRID_WORK_MEM = "256MB"
#: An import of at least this many rows (and as many as the table holds) rebuilds the indexes once after the load.
BULK_REBUILD_ROWS = 100_000
#: Model columns stored as columns of ``incidents`` (the rest of the model is in related tables).
_COLUMNS = tuple(c for c in COLUMNS if c not in (*_JSON, "dataset"))
#: Fields a person may change with :meth:`PostgisStore.update`.
EDITABLE = tuple(c for c in _COLUMNS if c != "id")


def _value(value: Any) -> Any:
    """Return a pandas/numpy cell as a plain Python value for the database (None for missing)."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if hasattr(value, "item"):
        return value.item()
    return value


def _column_values(series: pd.Series) -> list[Any]:
    """Return a column as plain Python values for COPY (None for missing), without a call per cell."""
    missing = series.isna().to_numpy()
    if isinstance(series.dtype, pd.DatetimeTZDtype) or pd.api.types.is_datetime64_any_dtype(series.dtype):
        values = list(series.dt.to_pydatetime())
    elif isinstance(series.dtype, pd.api.extensions.ExtensionDtype) and series.dtype.kind in "iub":
        return list(series.to_numpy(dtype=object, na_value=None))  # Int64/boolean: Python ints, None
    elif series.dtype.kind in "biuf":
        values = series.tolist()  # numpy scalars -> Python numbers
    else:
        values = series.astype(object).tolist()
        if not all(v is None or isinstance(v, str) for v in values):
            values = [_value(v) for v in values]
    if missing.any():
        values = [None if gone else v for v, gone in zip(values, missing, strict=True)]
    return values


def _clean_json(value: Any) -> Any:
    """Make a cell JSON-ready (timestamps as ISO text, NaN as null)."""
    value = _value(value)
    if isinstance(value, dict):
        return {str(k): _clean_json(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean_json(v) for v in value]
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


def _flags(value: Any) -> list[str]:
    if isinstance(value, (list, tuple)):
        return [str(v) for v in value if str(v).strip()]
    if isinstance(value, str):
        return [part.strip() for part in value.split(";") if part.strip()]
    return []


class PostgisStore:
    """Datasets in a PostGIS database (see ``docs/postgis.md`` for the schema and set-up)."""

    def __init__(self, url: str, *, app_user: str = "", auto_migrate: bool = True, read_only: bool = False) -> None:
        self.url = url
        self.app_user = app_user
        self.read_only = read_only
        self.conn = connect(url, app_user=app_user)
        if auto_migrate and not read_only:
            migrate(self.conn)
        if read_only:  # on top of the role's grants: this session cannot write whatever its role
            self.conn.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY")
            self.conn.commit()

    def set_app_user(self, name: str) -> None:
        """Record *name* as the app's user in the audit trail of the changes made from now on."""
        try:
            with self.conn.cursor() as cur:
                cur.execute("SELECT set_config('syria_map.user', %s, false)", (name,))
            self.conn.commit()
        except Exception as err:
            raise self._fail("could not set the user name", err) from err
        self.app_user = name

    def close(self) -> None:
        """Close the connection."""
        self.conn.close()

    def __enter__(self) -> PostgisStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"PostgisStore({redact_url(self.url)!r})"

    def _fail(self, what: str, err: Exception) -> StoreError:
        self.conn.rollback()
        return StoreError(f"{redact_url(self.url)}: {what} ({type(err).__name__}: {str(err).strip()})")

    # -- writing -------------------------------------------------------------------------------

    def save(
        self, gdf: pd.DataFrame, dataset: str, *, title: str = "", public_safe: bool = False, source_file: str = ""
    ) -> int:
        """Replace dataset *dataset* with *gdf* in one transaction; return the dataset's new version.

        Extra columns are kept (``extra``); a ``flags`` column (a list, or text
        separated by ``;``) fills the flags table.

        Raises
        ------
        StoreError
            Nothing was written (the previous state of the dataset is intact).
        """
        frame = to_incident_frame(gdf)
        extra_cols = [c for c in frame.columns if c not in DTYPES and c != "geometry"]
        try:
            with self.conn.transaction(), self.conn.cursor() as cur:
                cur.execute("SELECT set_config('syria_map.source_file', %s, true)", (source_file,))
                cur.execute(
                    "INSERT INTO datasets (name, title, public_safe) VALUES (%s, %s, %s) "
                    "ON CONFLICT (name) DO UPDATE SET title = EXCLUDED.title, public_safe = EXCLUDED.public_safe, "
                    "updated = now(), version = datasets.version + 1 RETURNING dataset_id, version",
                    (dataset, title or dataset, public_safe),
                )
                dataset_id, version = cur.fetchone()
                cur.execute("DELETE FROM incidents WHERE dataset_id = %s", (dataset_id,))
                self._copy_rows(cur, dataset_id, frame, extra_cols)
                cur.execute("SELECT refresh_grid_summary(%s), refresh_dataset_facets(%s)", (dataset_id, dataset_id))
        except StoreError:
            raise
        except Exception as err:
            raise self._fail(f"could not import dataset {dataset!r}; nothing was changed", err) from err
        return int(version)

    def _copy_rows(self, cur: Any, dataset_id: int, frame: pd.DataFrame, extra_cols: list[str]) -> None:
        """Copy *frame* into staging tables of this transaction, then move them in, one statement per table.

        The rows are built column by column (no dict per row) and moved in with this session's own
        rights while ``syria_map.import`` is on: the audit trigger records each statement as one
        entry per table with the ids (0008_import_without_owner_rights.sql). A large import by the
        tables' owner drops the secondary indexes of ``incidents`` and builds them again after the
        load, in the same transaction (:data:`BULK_REBUILD_ROWS`).
        """
        from psycopg.types.json import Jsonb

        columns = ("dataset_id", *_COLUMNS, "extra")
        cur.execute(
            "CREATE TEMP TABLE incident_staging ON COMMIT DROP AS "
            f"SELECT {', '.join(columns)} FROM incidents WITH NO DATA"
        )
        cur.execute(
            "CREATE TEMP TABLE source_staging ON COMMIT DROP AS "
            "SELECT incident_id, seq, publisher, url, data FROM sources WITH NO DATA"
        )
        cur.execute(
            "CREATE TEMP TABLE figure_staging ON COMMIT DROP AS "
            "SELECT incident_id, seq, publisher, data FROM figures WITH NO DATA"
        )
        n = len(frame)
        values: list[Iterable[Any]] = [[dataset_id] * n]
        values += [_column_values(frame[c]) for c in _COLUMNS]
        if extra_cols:
            extra_frame = frame[extra_cols]
            values.append(
                [
                    Jsonb({c: _clean_json(v) for c, v in zip(extra_cols, row, strict=True)})
                    for row in extra_frame.itertuples(index=False)
                ]
            )
        else:
            values.append([Jsonb({})] * n)
        with cur.copy(f"COPY incident_staging ({', '.join(columns)}) FROM STDIN") as copy:
            for row in zip(*values, strict=True):
                copy.write_row(row)
        ids = frame["id"].tolist()
        for table, key in (("source_staging", "sources"), ("figure_staging", "figures")):
            cols = "incident_id, seq, publisher, " + ("url, data" if key == "sources" else "data")
            items = frame[key].tolist() if key in frame.columns else [None] * n
            with cur.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
                for incident_id, listed in zip(ids, items, strict=True):
                    for seq, item in enumerate(listed or []):
                        item = _clean_json(item) if isinstance(item, Mapping) else {"text": str(item)}
                        row = [incident_id, seq, str(item.get("publisher") or "")]
                        if key == "sources":
                            row.append(str(item.get("url") or ""))
                        copy.write_row([*row, Jsonb(item)])
        self._move_staged(cur, dataset_id, columns, n)
        if "flags" in frame.columns:
            with cur.copy("COPY flags (dataset_id, incident_id, flag) FROM STDIN") as copy:
                for incident_id, flags in zip(ids, frame["flags"].tolist(), strict=True):
                    for flag in dict.fromkeys(_flags(flags)):
                        copy.write_row([dataset_id, incident_id, flag])

    def _move_staged(self, cur: Any, dataset_id: int, columns: tuple[str, ...], n: int) -> None:
        cur.execute(
            "SELECT c.relowner = (SELECT oid FROM pg_catalog.pg_roles WHERE rolname = current_user), "
            "c.reltuples::bigint FROM pg_catalog.pg_class c WHERE c.oid = 'public.incidents'::regclass"
        )
        owner, existing = cur.fetchone()
        defs: list[str] = []
        if owner and n >= BULK_REBUILD_ROWS and n >= existing:  # faster than maintaining them row by row
            cur.execute(
                "SELECT indexname, indexdef FROM pg_catalog.pg_indexes WHERE schemaname = 'public' "
                "AND tablename = 'incidents' AND indexname <> 'incidents_pkey' ORDER BY indexname"
            )
            found = cur.fetchall()
            defs = [d for _, d in found]
            for name, _ in found:
                cur.execute(f'DROP INDEX public."{name}"')
        cur.execute("SELECT set_config('syria_map.import', 'on', true)")
        cols = ", ".join(columns)
        cur.execute(f"INSERT INTO incidents ({cols}) SELECT {cols} FROM pg_temp.incident_staging")
        cur.execute(
            "INSERT INTO sources (dataset_id, incident_id, seq, publisher, url, data) "
            "SELECT %s, incident_id, seq, publisher, url, data FROM pg_temp.source_staging",
            (dataset_id,),
        )
        cur.execute(
            "INSERT INTO figures (dataset_id, incident_id, seq, publisher, data) "
            "SELECT %s, incident_id, seq, publisher, data FROM pg_temp.figure_staging",
            (dataset_id,),
        )
        cur.execute("SELECT set_config('syria_map.import', 'off', true)")
        for definition in defs:
            cur.execute(definition)

    def update(self, dataset: str, incident_id: str, changes: Mapping[str, Any], expected_version: int) -> int:
        """Change fields of one incident if nobody changed it since *expected_version*; return the new version.

        Raises
        ------
        EditConflictError
            The record's version is not *expected_version* any more; ``current``
            holds its values now (the change was not made).
        StoreError
            An unknown field, a missing record, or a refused write (e.g. a read-only role).
        """
        unknown = sorted(set(changes) - set(EDITABLE))
        if unknown:
            raise StoreError(f"cannot edit {unknown}; editable fields: {', '.join(EDITABLE)}")
        sets = ", ".join(f"{c} = %s" for c in changes)
        params = [_value(v) for v in changes.values()]
        try:
            with self.conn.transaction(), self.conn.cursor() as cur:
                cur.execute(
                    "SELECT i.cell_x, i.cell_y FROM incidents i JOIN datasets d USING (dataset_id) "
                    "WHERE d.name = %s AND i.id = %s FOR UPDATE OF i",
                    (dataset, incident_id),
                )
                before = cur.fetchone()
                cur.execute(
                    f"UPDATE incidents i SET {sets}, row_version = row_version + 1 FROM datasets d "
                    "WHERE d.dataset_id = i.dataset_id AND d.name = %s AND i.id = %s AND i.row_version = %s "
                    "RETURNING i.row_version, d.dataset_id, i.cell_x, i.cell_y",
                    (*params, dataset, incident_id, expected_version),
                )
                row = cur.fetchone()
                if row is not None:
                    if "flags" in changes:  # the flags table holds one row per flag of the record
                        cur.execute(
                            "DELETE FROM flags WHERE dataset_id = %s AND incident_id = %s", (row[1], incident_id)
                        )
                        for flag in dict.fromkeys(_flags(changes["flags"])):
                            cur.execute("INSERT INTO flags VALUES (%s, %s, %s)", (row[1], incident_id, flag))
                    self._after_edit(cur, row[1], [before, row[2:]])
                    return int(row[0])
        except Exception as err:
            raise self._fail(f"could not edit {incident_id!r} in {dataset!r}", err) from err
        current = self.get(dataset, incident_id)
        if current is None:
            raise StoreError(f"no incident {incident_id!r} in dataset {dataset!r}")
        raise EditConflictError(
            f"{incident_id!r} was changed by someone else (now version {current['row_version']}, you edited version "
            f"{expected_version}); nothing was saved — here are its current values",
            current,
        )

    def _after_edit(self, cur: Any, dataset_id: int, cells: list[Any]) -> None:
        """Bump the dataset's version; rebuild the grid groups of the cells the point left and entered."""
        cur.execute("UPDATE datasets SET version = version + 1, updated = now() WHERE dataset_id = %s", (dataset_id,))
        xs = [int(c[0]) for c in cells if c is not None and c[0] is not None]
        ys = [int(c[1]) for c in cells if c is not None and c[0] is not None]
        cur.execute(
            "SELECT refresh_grid_summary(%s, %s, %s), refresh_dataset_facets(%s)", (dataset_id, xs, ys, dataset_id)
        )

    # -- reading -------------------------------------------------------------------------------

    def datasets(self) -> pd.DataFrame:
        """Return every dataset: name, title, public_safe, version, updated, incidents, facets.

        ``facets`` holds the distinct campaigns, event types and confidences and the first and
        last date (ISO text), kept up to date by imports and edits.
        """
        sql = "SELECT name, title, public_safe, version, updated, incidents, facets FROM datasets ORDER BY name"
        return self._frame(sql, ())

    def get(self, dataset: str, incident_id: str) -> dict[str, Any] | None:
        """Return one incident's stored values (with ``row_version``), or None."""
        frame = self.load(dataset, ids=[incident_id])
        return None if frame.empty else frame.iloc[0].to_dict()

    def load(
        self,
        datasets: str | Iterable[str] | None = None,
        spec: FilterSpec | None = None,
        *,
        ids: Iterable[str] = (),
        bbox: tuple[float, float, float, float] | None = None,
        admin1: str = "",
    ) -> gpd.GeoDataFrame:
        """Return the incidents of *datasets* (all when None) that pass *spec*, filtered in the database.

        *bbox* (west, south, east, north) and *admin1* narrow it to a map extent or a governorate.

        The result is a typed incident table like :func:`layers.store.load_gpkg`'s,
        with ``row_version`` and the dataset's ``version`` in ``attrs``.
        """
        names = [datasets] if isinstance(datasets, str) else list(datasets or [])
        where, params = filter_sql(spec or FilterSpec(), names, list(ids), bbox=bbox, admin1=admin1)
        cols = ", ".join(f"i.{c}" for c in _COLUMNS)
        sql = (
            f"SELECT d.name AS dataset, {cols}, i.extra, i.row_version, "
            "COALESCE((SELECT jsonb_agg(s.data ORDER BY s.seq) FROM sources s "
            "  WHERE s.dataset_id = i.dataset_id AND s.incident_id = i.id), '[]') AS sources, "
            "COALESCE((SELECT jsonb_agg(f.data ORDER BY f.seq) FROM figures f "
            "  WHERE f.dataset_id = i.dataset_id AND f.incident_id = i.id), '[]') AS figures "
            f"FROM incidents i JOIN datasets d USING (dataset_id) WHERE {where} ORDER BY d.name, i.id"
        )
        raw = self._frame(sql, params)
        extra = pd.DataFrame(raw.pop("extra").tolist(), index=raw.index) if len(raw) else pd.DataFrame()
        versions = raw.pop("row_version")
        frame = to_incident_frame(pd.concat([raw, extra], axis=1) if len(extra.columns) else raw)
        frame["row_version"] = versions.to_numpy()
        frame.attrs["store"] = redact_url(self.url)
        frame.attrs["versions"] = dict(zip(*self._versions(names), strict=True))
        return frame

    def grid_groups(
        self,
        datasets: str | Iterable[str] | None = None,
        spec: FilterSpec | None = None,
        *,
        colour_by: str = "campaign",
        cell_km: int = 5,
        bbox: tuple[float, float, float, float] | None = None,
        timed: bool = True,
        complement: bool = False,
    ) -> pd.DataFrame:
        """Count the selection per (cell, category, first day, last day) in the database.

        The cells are those of the aggregated map (``layers.render.aggregate``): *cell_km*
        squares of the Syria AEQD; only the groups leave the database, never the rows.
        Filters the summary table answers (datasets, dates, categories) read ``grid_summary``
        (``grid_cells`` untimed without dates); the others group the incidents themselves.
        Untimed (*timed* False), one group per cell and category with the open day bounds:
        the counts of the whole window (exact to the day), for a map without its time control;
        with *complement*, read as all dates' groups less those outside the window (cheaper when
        the window holds most of the rows: ``query.complement_groups_sql``).
        Columns: ``layers.pgstore.grid.GROUP_COLUMNS``.
        """
        names = [datasets] if isinstance(datasets, str) else list(datasets or [])
        spec = spec or FilterSpec()
        summary = summary_filter_sql(spec, names) if bbox is None and spec.bbox is None and cell_km == 5 else None
        if summary is not None and not timed and spec.start is None and spec.end is None:
            return self._copy_frame(cells_groups_sql(summary[0], colour_by), summary[1])
        if summary is not None and not timed and complement:
            sql, params = complement_groups_sql(spec, names, colour_by)  # type: ignore[misc]
            return self._copy_frame(sql, params)
        if summary is not None:
            return self._copy_frame(summary_groups_sql(summary[0], colour_by, timed=timed), summary[1])
        where, params = filter_sql(spec, names, bbox=bbox)
        return self._copy_frame(grid_groups_sql(where, colour_by, cell_km, timed=timed), params)

    def day_counts(self, datasets: str | Iterable[str] | None = None, spec: FilterSpec | None = None) -> pd.DataFrame:
        """Return ``t0, n``: the selection's incidents on the map per first day (the timeline of an untimed grid)."""
        names = [datasets] if isinstance(datasets, str) else list(datasets or [])
        spec = spec or FilterSpec()
        summary = summary_filter_sql(spec, names)
        if summary is not None:
            sql = (  # grid_days: the summary without cells
                "SELECT g.day0 AS t0, sum(g.n::integer) AS n FROM grid_days g JOIN datasets d USING (dataset_id) "
                f"WHERE {summary[0]} GROUP BY 1"
            )
            return self._copy_frame(sql, summary[1])
        where, params = filter_sql(spec, names)
        sql = (
            "SELECT i.day0 AS t0, count(*) AS n FROM incidents i JOIN datasets d USING (dataset_id) "
            f"WHERE i.geom IS NOT NULL AND {where} GROUP BY 1"
        )
        return self._copy_frame(sql, params)

    def _copy_frame(self, sql: str, params: Iterable[Any]) -> pd.DataFrame:
        """Run *sql* through ``COPY … TO STDOUT`` (CSV) and parse it in one go: far faster than rows for big results."""
        import io

        buffer = io.BytesIO()
        try:
            with self.conn.cursor() as cur:
                # A grid of all of Syria groups ~10^5-10^6 rows: with the default 4 MB the hash
                # aggregate spilled to disk (EXPLAIN ANALYZE: "Disk Usage"); this query only.
                cur.execute(f"SET LOCAL work_mem = '{GRID_WORK_MEM}'")
                # COPY takes no server-side parameters: psycopg binds them on the client here.
                with cur.copy(f"COPY ({sql}) TO STDOUT WITH (FORMAT csv, HEADER true)", tuple(params)) as copy:
                    for block in copy:
                        buffer.write(block)
            self.conn.commit()
        except Exception as err:
            raise self._fail("query failed", err) from err
        buffer.seek(0)
        frame = pd.read_csv(buffer, dtype={"category": "object"}, keep_default_na=False, na_values={"category": []})
        if "category" in frame:
            # COPY writes NULL as an empty unquoted field and '' as "": read_csv sees both as ''.
            frame["category"] = frame["category"].replace("", None)
        return frame

    def _versions(self, names: list[str]) -> tuple[list[str], list[int]]:
        data = self.datasets()
        if names:
            data = data[data["name"].isin(names)]
        return data["name"].tolist(), [int(v) for v in data["version"]]

    def history(self, incident_id: str, dataset: str | None = None) -> pd.DataFrame:
        """Return the audit trail of one incident (its row, sources and figures), oldest first.

        An import's entries (one per table, listing the ids it inserted in ``ids``) appear as the
        incident's INSERT rows; their ``new`` holds ``import_rows`` (the values as imported are the
        row's first version: see 0006_bulk_import.sql and 0008_import_without_owner_rights.sql).
        """
        sql = (
            "SELECT a.at, a.db_role, a.app_user, a.action, a.table_name, d.name AS dataset, a.source_file, "
            "a.old, a.new FROM audit a LEFT JOIN datasets d USING (dataset_id) "
            "WHERE (a.incident_id = %s OR (a.ids IS NOT NULL AND %s = ANY(a.ids))) "
            "AND (%s::text IS NULL OR d.name = %s) ORDER BY a.audit_id"
        )
        return self._frame(sql, (incident_id, incident_id, dataset, dataset))

    def _frame(self, sql: str, params: Iterable[Any]) -> pd.DataFrame:
        try:
            with self.conn.cursor() as cur:
                cur.execute(sql, tuple(params))
                names = [c.name for c in cur.description]
                rows = cur.fetchall()
            self.conn.commit()
        except Exception as err:
            raise self._fail("query failed", err) from err
        return pd.DataFrame(rows, columns=names)

    # -- shared review choices -----------------------------------------------------------------

    def add_alias(self, alias: str, place_id: str, note: str = "") -> None:
        """Record a review choice (a spelling → a place) for the whole team."""
        try:
            with self.conn.transaction(), self.conn.cursor() as cur:
                cur.execute(
                    "INSERT INTO aliases (alias, place_id, note) VALUES (%s, %s, %s) "
                    "ON CONFLICT (alias) DO UPDATE SET place_id = EXCLUDED.place_id, note = EXCLUDED.note",
                    (alias, place_id, note),
                )
        except Exception as err:
            raise self._fail(f"could not save the alias {alias!r}", err) from err

    def aliases(self) -> pd.DataFrame:
        """Return the team's aliases as ``alias, place_id, note`` (the format of an aliases CSV)."""
        return self._frame("SELECT alias, place_id, note FROM aliases ORDER BY alias", ())

    def add_place(self, name: str, lat: float, lon: float, data: Mapping[str, Any] | None = None) -> str:
        """Record a place placed by hand (a review choice) for the whole team; return its id.

        *data* is the whole row as the person's places table would hold it (``name``, ``lat``,
        ``lon``, ``coord_precision_m``…); the id is derived from the name and the position, so
        placing one name at one spot twice keeps one row.
        """
        import hashlib

        row = {"name": name, "lat": float(lat), "lon": float(lon), **(dict(data) if data else {})}
        place_id = "team:" + hashlib.sha1(f"{name}|{float(lat):.6f}|{float(lon):.6f}".encode()).hexdigest()[:12]
        from psycopg.types.json import Jsonb

        try:
            with self.conn.transaction(), self.conn.cursor() as cur:
                cur.execute(
                    "INSERT INTO user_places (id, name_en, lat, lon, data) VALUES (%s, %s, %s, %s, %s) "
                    "ON CONFLICT (id) DO UPDATE SET data = EXCLUDED.data",
                    (place_id, name, float(lat), float(lon), Jsonb(_clean_json(row))),
                )
        except Exception as err:
            raise self._fail(f"could not save the place {name!r}", err) from err
        return place_id

    def user_places(self) -> pd.DataFrame:
        """Return the places the team placed by hand: one row each, the columns of a places table (``data``)."""
        raw = self._frame("SELECT id, data FROM user_places ORDER BY added, id", ())
        return pd.DataFrame([dict(d) for d in raw["data"]]) if len(raw) else pd.DataFrame()
