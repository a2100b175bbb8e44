"""The incident model: columns, dtypes, partial dates and the flat (on-disk) form.

An incident table is a :class:`geopandas.GeoDataFrame` in EPSG:4326 with the
columns of :data:`COLUMNS` (documented in ``data/incidents/README.md``) and a
``geometry`` column: a Point at (lon, lat), or None for rows kept off the map
(aggregates and unlocated rows). In memory:

* ``date_start`` / ``date_end`` are timezone-aware UTC timestamps at 00:00 of
  the first and the last day of the event window (both inclusive);
* tolls and ``geo_precision`` are nullable integers (``Int64``);
* ``sensitive`` / ``aggregate`` are booleans;
* ``sources`` / ``figures`` are Python lists of dicts.

On disk (CSV, GeoPackage) ``sources`` and ``figures`` are JSON text and dates
ISO 8601 text; :func:`to_flat` and :func:`from_flat` convert between the two.
"""

from __future__ import annotations

import itertools
import json
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from layers.dates import DATE_PRECISIONS, parse_partial_dates

__all__ = [
    "COLUMNS",
    "CONFIDENCE",
    "DATE_PRECISIONS",
    "EVENT_TYPES",
    "TOLL_COLUMNS",
    "empty_incidents",
    "from_flat",
    "parse_partial_dates",
    "to_flat",
    "to_incident_frame",
]

EVENT_TYPES = (
    "massacre",
    "execution",
    "shelling/airstrike",
    "abduction/disappearance",
    "raid",
    "clash",
    "displacement",
    "other",
)
CONFIDENCE = ("confirmed", "fair", "weak", "contested")
TOLL_COLUMNS = ("deaths_low", "deaths_best", "deaths_high", "injured", "missing_or_abducted")

#: Every column of the model, in order, with its in-memory dtype.
DTYPES: dict[str, str] = {
    "id": "str",
    "dataset": "str",
    "title": "str",
    "event_type": "str",
    "date_start": "datetime64[ns, UTC]",
    "date_end": "datetime64[ns, UTC]",
    "date_precision": "str",
    "place_reported": "str",
    "place_id": "str",
    "lat": "float64",
    "lon": "float64",
    "geo_precision": "Int64",
    "admin1": "str",
    "corridor": "str",
    "chainage_km": "float64",
    **dict.fromkeys(TOLL_COLUMNS, "Int64"),
    "perpetrator_reported": "str",
    "victim_group_reported": "str",
    "campaign": "str",
    "summary": "str",
    "confidence": "str",
    "sensitive": "bool",
    "aggregate": "bool",
    "sources": "object",
    "figures": "object",
    "actor1": "str",
    "actor2": "str",
    "place_reported_ar": "str",
    "flags": "str",
}
COLUMNS = tuple(DTYPES)
_JSON_COLUMNS = ("sources", "figures")


def empty_incidents() -> gpd.GeoDataFrame:
    """Return an incident table with no rows and every column typed.

    Examples
    --------
    >>> gdf = empty_incidents()
    >>> len(gdf), str(gdf.crs), str(gdf["date_start"].dtype)
    (0, 'EPSG:4326', 'datetime64[ns, UTC]')
    """
    return to_incident_frame(pd.DataFrame({c: [] for c in COLUMNS}))


def to_incident_frame(df: pd.DataFrame) -> gpd.GeoDataFrame:
    """Return *df* as a typed incident table with Point geometry from lon/lat.

    Missing model columns are added empty; extra columns are kept after the
    model's. Rows without both coordinates, and aggregate rows, get no
    geometry (they stay off the map).

    Examples
    --------
    >>> gdf = to_incident_frame(pd.DataFrame({"id": ["a", "b"], "lon": [35.9, None], "lat": [35.3, None]}))
    >>> gdf.geometry.isna().tolist(), gdf["deaths_best"].dtype.name
    ([False, True], 'Int64')
    """
    out = pd.DataFrame(index=pd.RangeIndex(len(df)))
    src = df.reset_index(drop=True)
    for column, dtype in DTYPES.items():
        values = src[column] if column in src.columns else pd.Series([None] * len(src), dtype=object)
        out[column] = _as_dtype(values, dtype)
    extra = [c for c in src.columns if c not in DTYPES and c != "geometry"]
    for column in extra:
        out[column] = src[column]
    located = out["lon"].notna() & out["lat"].notna() & ~out["aggregate"]
    points = gpd.points_from_xy(out["lon"].fillna(0.0), out["lat"].fillna(0.0), crs="EPSG:4326")
    geometry = gpd.GeoSeries(points, crs="EPSG:4326").where(located.to_numpy(), None)
    return gpd.GeoDataFrame(out, geometry=geometry, crs="EPSG:4326")


def _as_dtype(values: pd.Series, dtype: str) -> pd.Series:
    values = values.reset_index(drop=True)
    if dtype == "str":
        return values.astype("str")
    if dtype == "Int64":
        return pd.to_numeric(values, errors="coerce").round().astype("Int64")
    if dtype == "float64":
        return pd.to_numeric(values, errors="coerce").astype("float64")
    if dtype == "bool":
        if pd.api.types.is_bool_dtype(values):
            return values.astype(bool)
        if bool(values.isna().all()):  # a column the input does not have
            return pd.Series(False, index=values.index)
        return values.map(_as_bool).astype(bool)
    if dtype.startswith("datetime"):
        return pd.to_datetime(values, errors="coerce", utc=True, format="ISO8601").astype(dtype)
    cells = values.to_numpy(dtype=object)
    if all(map(isinstance, cells, itertools.repeat(list))):  # the usual column: lists already (kept as they are)
        return pd.Series(cells.copy(), index=values.index, dtype=object)
    lists = [v if isinstance(v, list) else list(v) if isinstance(v, tuple) else [] for v in cells.tolist()]
    return pd.Series(lists, index=values.index, dtype=object)


def _as_bool(value: object) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("true", "1", "yes", "y", "t")
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
        return False
    return bool(value)


def to_flat(gdf: pd.DataFrame) -> pd.DataFrame:
    """Return a plain table for disk: dates as ISO text, sources/figures as JSON text.

    Examples
    --------
    >>> gdf = to_incident_frame(pd.DataFrame({"id": ["a"], "sources": [[{"publisher": "SNHR"}]]}))
    >>> to_flat(gdf)["sources"].iloc[0]
    '[{"publisher": "SNHR"}]'
    """
    out = pd.DataFrame(gdf.drop(columns="geometry", errors="ignore")).copy()
    for column in ("date_start", "date_end"):
        if column in out.columns:
            times = pd.to_datetime(out[column], utc=True)
            out[column] = (times.dt.strftime("%Y-%m-%dT%H:%M:%S") + "+00:00").astype("str")
    for column in _JSON_COLUMNS:
        if column in out.columns:
            out[column] = out[column].map(
                lambda v: json.dumps(list(v) if isinstance(v, (list, tuple)) else [], ensure_ascii=False, default=str)
            )
    return out


def from_flat(df: pd.DataFrame) -> gpd.GeoDataFrame:
    """Inverse of :func:`to_flat`: parse JSON text and ISO dates back into the model.

    Examples
    --------
    >>> flat = pd.DataFrame({"id": ["a"], "date_start": ["2012-09-01T00:00:00+00:00"],
    ...                      "sources": ['[{"publisher": "SNHR"}]']})
    >>> gdf = from_flat(flat)
    >>> gdf["sources"].iloc[0][0]["publisher"], gdf["date_start"].iloc[0].month
    ('SNHR', 9)
    """
    out = pd.DataFrame(df).drop(columns="geometry", errors="ignore").copy()
    for column in _JSON_COLUMNS:
        if column in out.columns:
            out[column] = out[column].map(_loads_list)
    return to_incident_frame(out)


def _loads_list(value: object) -> list[Any]:
    if isinstance(value, (list, tuple)):
        return list(value)
    if not isinstance(value, str) or not value.strip():
        return []
    try:
        data = json.loads(value)
    except ValueError:
        return []
    return data if isinstance(data, list) else []
