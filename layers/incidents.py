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

import json
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

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
DATE_PRECISIONS = ("day", "week", "month", "year")
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
}
COLUMNS = tuple(DTYPES)
_JSON_COLUMNS = ("sources", "figures")
_MONTHS = {
    m: i
    for i, m in enumerate(
        [
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        ],
        1,
    )
}
_MONTHS.update({name[:3]: i for name, i in list(_MONTHS.items())})
_MONTHS["sept"] = 9
_RANK = {p: i for i, p in enumerate(DATE_PRECISIONS)}


def _text(values: pd.Series) -> pd.Series:
    """Return *values* as stripped text with "" for missing."""
    return values.astype(object).where(values.notna(), "").astype(str).str.strip()


def parse_partial_dates(
    start: pd.Series,
    end: pd.Series | None = None,
    precision: pd.Series | None = None,
    *,
    dayfirst: bool | None = None,
) -> pd.DataFrame:
    """Parse columns of full or partial dates into UTC event windows.

    Accepted forms: ``2025-03-07`` (also with a time), ``2025/03/07``,
    ``2025-03`` and ``2025`` (partial ISO), ``7 March 2025``, ``March 7, 2025``,
    ``March 2025``, and ``07-03-2025`` / ``07/03/2025`` (day first when
    *dayfirst* is true; when it is None such numeric dates are accepted only
    if the day is > 12, so that day and month cannot be confused).

    The precision written into a date ("2012-09" is a month) is combined with
    the *precision* column: the coarser wins. ``date_start`` is the first day
    of the period (a date more exact than its *precision* is moved back to
    the first day of its month or year, unless an end is given); a missing end becomes the last day of the period
    (day: the same day, week: six days later, month/year: its last day).

    Parameters
    ----------
    start, end : Series of str
        Start and (optional) end dates.
    precision : Series of str, optional
        ``day``, ``week``, ``month`` or ``year`` (empty: from the text).
    dayfirst : bool or None
        How to read all-numeric ``dd-mm-yyyy`` dates (see above).

    Returns
    -------
    DataFrame
        Columns date_start, date_end (UTC timestamps, NaT where bad),
        date_precision, field (the column at fault, or "") and error ("" when
        the row is fine). Same index as *start*.

    Examples
    --------
    >>> out = parse_partial_dates(pd.Series(["2012-09", "March 2025", "2025-03-07"]))
    >>> out["date_end"].dt.strftime("%Y-%m-%d").tolist()
    ['2012-09-30', '2025-03-31', '2025-03-07']
    >>> out["date_precision"].tolist()
    ['month', 'month', 'day']
    >>> parse_partial_dates(pd.Series(["2025-02-30"]))["error"].iloc[0]
    "impossible date: '2025-02-30'"
    """
    s0, written, p_err = _parse_one(_text(start), dayfirst)
    index = start.index
    if precision is not None:
        given = _text(precision).str.lower()
        bad_p = ~given.isin(("", *DATE_PRECISIONS))
        given = given.where(~bad_p, "")
    else:
        given = pd.Series("", index=index)
        bad_p = pd.Series(False, index=index)
    rank_w = written.astype(object).map(_RANK).astype("float64")
    rank_g = given.astype(object).map(_RANK).astype("float64")
    eff = written.where(~(rank_g > rank_w), given)
    eff = eff.where(eff != "", "day")
    has_end = _text(end) != "" if end is not None else pd.Series(False, index=index)
    coarser = (rank_g > rank_w) & ~has_end
    s0 = s0.where(~(coarser & (eff == "month")), s0 - pd.to_timedelta(s0.dt.day - 1, unit="D"))
    s0 = s0.where(~(coarser & (eff == "year")), s0 - pd.to_timedelta(s0.dt.day_of_year - 1, unit="D"))
    date_end = _period_end(s0, eff)
    error = p_err.where(_text(start) != "", "missing date: date_start is empty; write it as YYYY-MM-DD")
    field = pd.Series(np.where(error != "", "date_start", ""), index=index)
    if end is not None:
        e_text = _text(end)
        e0, e_prec, e_err = _parse_one(e_text, dayfirst)
        date_end = date_end.where(~has_end, _period_end(e0, e_prec))
        new = (error == "") & has_end & (e_err != "")
        error = error.where(~new, e_err)
        field = field.where(~new, "date_end")
        before = (error == "") & has_end & (date_end < s0)
        error = error.where(
            ~before,
            "end before start: date_end "
            + e_text
            + " is before date_start "
            + _text(start)
            + "; swap them or fix the end",
        )
        field = field.where(~before, "date_end")
    wrong_p = (error == "") & bad_p
    error = error.where(
        ~wrong_p,
        "unknown date precision: "
        + _text(precision if precision is not None else start).map(repr)
        + f"; use one of {', '.join(DATE_PRECISIONS)}",
    )
    field = field.where(~wrong_p, "date_precision")
    bad = error != ""
    return pd.DataFrame(
        {
            "date_start": s0.where(~bad),
            "date_end": date_end.where(~bad),
            "date_precision": eff.where(~bad, ""),
            "field": field,
            "error": error,
        },
        index=index,
    )


def _parse_one(text: pd.Series, dayfirst: bool | None) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Parse one text column; return (first day, precision written in the text, error)."""
    index = text.index
    year = pd.Series(np.nan, index=index)
    month = pd.Series(np.nan, index=index)
    day = pd.Series(np.nan, index=index)
    prec = pd.Series("", index=index, dtype=object)
    error = pd.Series("", index=index, dtype=object)
    done = text == ""

    # Fast path: plain ISO days (by far the most common form) parse in C.
    iso_day = pd.to_datetime(text.where(text.str.len() == 10), format="%Y-%m-%d", errors="coerce")
    fast = iso_day.notna()
    if bool(fast.any()):
        year[fast], month[fast], day[fast] = iso_day[fast].dt.year, iso_day[fast].dt.month, iso_day[fast].dt.day
        prec[fast] = "day"
        done = done | fast
    if bool(done.all()):
        return _assemble(text, year, month, day, prec, error)

    def take(mask: pd.Series, y: Any, m: Any, d: Any, p: str) -> None:
        nonlocal done
        mask = mask & ~done
        year[mask] = pd.to_numeric(y[mask] if isinstance(y, pd.Series) else y, errors="coerce")
        month[mask] = pd.to_numeric(m[mask] if isinstance(m, pd.Series) else m, errors="coerce")
        day[mask] = pd.to_numeric(d[mask] if isinstance(d, pd.Series) else d, errors="coerce")
        prec[mask] = p
        done = done | mask

    iso = text.str.extract(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[T ][\d:.+\-Z ]*)?$")
    take(iso[0].notna(), iso[0], iso[1], iso[2], "day")
    ym = text.str.extract(r"^(\d{4})-(\d{1,2})$")
    take(ym[0].notna(), ym[0], ym[1], 1, "month")
    yy = text.str.extract(r"^(\d{4})$")
    take(yy[0].notna(), yy[0], 1, 1, "year")
    low = text.str.lower().str.replace(",", " ", regex=False).str.replace(".", " ", regex=False)
    dmy = low.str.extract(r"^(?:(\d{1,2})\s+)?([a-z]+)\s+(\d{4})$")
    mon = dmy[1].map(_MONTHS)
    ok = dmy[2].notna() & mon.notna()
    take(ok & dmy[0].notna(), dmy[2], mon, dmy[0], "day")
    take(ok & dmy[0].isna(), dmy[2], mon, 1, "month")
    mdy = low.str.extract(r"^([a-z]+)\s+(\d{1,2})\s+(\d{4})$")
    mon2 = mdy[0].map(_MONTHS)
    take(mdy[2].notna() & mon2.notna(), mdy[2], mon2, mdy[1], "day")
    num = text.str.extract(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$")
    a, b = pd.to_numeric(num[0], errors="coerce"), pd.to_numeric(num[1], errors="coerce")
    is_num = num[2].notna()
    if dayfirst is None:
        unclear = is_num & (a <= 12) & (b <= 12) & (a != b) & ~done
        error[unclear] = "ambiguous date: " + text[unclear].map(repr) + "; write it as YYYY-MM-DD"
        done = done | unclear
        take(is_num & (b > 12), num[2], a, b, "day")
    first, second = (b, a) if dayfirst in (True, None) else (a, b)
    take(is_num, num[2], first, second, "day")
    unknown = ~done
    error[unknown] = "unparseable date: " + text[unknown].map(repr) + "; write it as YYYY-MM-DD, YYYY-MM or YYYY"
    return _assemble(text, year, month, day, prec, error)


def _assemble(
    text: pd.Series, year: pd.Series, month: pd.Series, day: pd.Series, prec: pd.Series, error: pd.Series
) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Build UTC timestamps from parts; impossible dates (Feb 30) become errors."""
    parts = pd.DataFrame({"year": year, "month": month, "day": day})
    parsed = pd.to_datetime(
        parts.where(prec != "").fillna({"year": 2000, "month": 1, "day": 1}).astype(int), errors="coerce", utc=True
    ).where(prec != "")
    impossible = (prec != "") & parsed.isna() & (error == "")
    error[impossible] = "impossible date: " + text[impossible].map(repr)
    parsed = parsed.astype("datetime64[ns, UTC]").where(error == "")
    return parsed, prec.where(error == "", ""), error


def _period_end(start: pd.Series, precision: pd.Series) -> pd.Series:
    """Return the last day of each period starting at *start*."""
    start = pd.Series(start, dtype="datetime64[ns, UTC]")
    end = start.copy()
    week = precision == "week"
    end[week] = start[week] + pd.Timedelta(days=6)
    month = precision == "month"
    end[month] = start[month] + pd.offsets.MonthEnd(0)
    year = precision == "year"
    end[year] = start[year] + pd.offsets.YearEnd(0)
    return end


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
        return values.astype(bool) if pd.api.types.is_bool_dtype(values) else values.map(_as_bool).astype(bool)
    if dtype.startswith("datetime"):
        return pd.to_datetime(values, errors="coerce", utc=True, format="ISO8601").astype(dtype)
    return values.map(lambda v: list(v) if isinstance(v, (list, tuple)) else []).astype(object)


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
