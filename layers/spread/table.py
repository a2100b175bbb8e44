"""The space–time table of incidents along a road, and the onset of violence per place.

A record's time is an interval whose width follows its date precision (a day, a
week, a month, a year); a given end date extends it to the end of that day. The
onset of a place is its first reported record of the chosen event kinds: the
spread of violence is a question about when each place was first hit, not about
how many records each place has.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from geo.corridors import Corridor, load_corridors, locate_on, resolve_corridor
from geo.errors import DataSchemaError, InvalidOptionError

__all__ = [
    "KILLING_KINDS",
    "PRECISION_WIDTH",
    "OnsetSelection",
    "place_keys",
    "select_onsets",
    "time_intervals",
    "to_spacetime_table",
]

#: How long an interval each date precision stands for.
PRECISION_WIDTH = {
    "day": pd.DateOffset(days=1),
    "week": pd.DateOffset(weeks=1),
    "month": pd.DateOffset(months=1),
    "year": pd.DateOffset(years=1),
}
REQUIRED_COLUMNS = ("id", "date_start", "date_precision", "lon", "lat")
#: The default event kinds of an onset: killings of civilians.
KILLING_KINDS = ("massacre", "execution", "shelling/airstrike")


def _to_utc(values: pd.Series) -> pd.Series:
    return pd.to_datetime(values, errors="coerce", utc=True, format="mixed")


def _column(df: pd.DataFrame, name: str, default: object = "") -> pd.Series:
    return df[name] if name in df.columns else pd.Series(default, index=df.index)


def time_intervals(df: pd.DataFrame) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Return ``(precision, start, end)``: each record's time as a half-open UTC interval.

    The width follows ``date_precision``; a given ``date_end`` means "during that
    day", so the interval runs to its end when that is later.

    Raises
    ------
    InvalidOptionError
        If a precision is not one of :data:`PRECISION_WIDTH`.
    """
    precision = df["date_precision"].astype(str).str.lower().str.strip()
    unknown = sorted(set(precision) - set(PRECISION_WIDTH))
    if unknown:
        raise InvalidOptionError(f"date_precision {unknown} is not valid, must be one of {list(PRECISION_WIDTH)}")
    start = _to_utc(df["date_start"])
    end_given = _to_utc(_column(df, "date_end", pd.NaT))
    width_end = start.copy()
    for name, width in PRECISION_WIDTH.items():
        mask = (precision == name).to_numpy()
        if mask.any():
            width_end[mask] = start[mask] + width
    end = end_given + pd.Timedelta(days=1)
    end = end.where(end.notna() & (end > width_end), width_end)
    return precision, start, end


def place_keys(df: pd.DataFrame) -> pd.Series:
    """Return one key per record naming its place: the gazetteer id, else the point (≈ 100 m)."""
    pid = _column(df, "place_id").astype(object).where(lambda s: s.notna(), "").astype(str).str.strip()
    lon = pd.to_numeric(df["lon"], errors="coerce").round(3).astype(str)
    lat = pd.to_numeric(df["lat"], errors="coerce").round(3).astype(str)
    return pid.where(pid != "", "pt:" + lat + "," + lon)


def to_spacetime_table(
    incidents: pd.DataFrame,
    ref: str,
    within_km: float = 5.0,
    corridors: Mapping[str, Corridor] | None = None,
) -> pd.DataFrame:
    """Incidents within *within_km* of a corridor, as a space–time table.

    Parameters
    ----------
    incidents : DataFrame
        Columns ``id, date_start, date_precision, lon, lat`` are required;
        ``date_end, title, place_reported, place_id, event_type, deaths_low,
        deaths_best, deaths_high, aggregate`` are used when present. Aggregates
        are skipped.
    ref : str
        Any corridor name :func:`geo.corridors.resolve_corridor` accepts.
    within_km : float
        Largest distance from the road.
    corridors : mapping, optional

    Returns
    -------
    DataFrame
        ``id, place, place_key, event_type, lon, lat, chainage_km, offset_km,
        time_start, time_end, time_mid, date_precision, deaths_low,
        deaths_best, deaths_high, deaths_range`` sorted by ``time_start`` then
        chainage. Times are UTC; ``time_end`` is the end of the precision
        interval (exclusive).

    Raises
    ------
    DataSchemaError
        If a required column is missing.

    Examples
    --------
    >>> df = pd.DataFrame({"id": ["a"], "date_start": ["2025-03-07"], "date_precision": ["day"],
    ...                    "lon": [35.916667], "lat": [35.35], "deaths_best": [77]})
    >>> to_spacetime_table(df, "M1")[["id", "chainage_km", "deaths_range"]].round(1).values.tolist()
    [['a', 26.0, '77']]
    """
    missing = [col for col in REQUIRED_COLUMNS if col not in incidents.columns]
    if missing:
        raise DataSchemaError(f"incidents lack column(s) {missing}; required: {', '.join(REQUIRED_COLUMNS)}")
    corridors = corridors if corridors is not None else load_corridors()
    corridor = corridors[resolve_corridor(ref, corridors)]
    df = incidents
    if "aggregate" in df.columns:
        df = df[~df["aggregate"].fillna(False).astype(bool)]
    df = df[pd.to_numeric(df["lon"], errors="coerce").notna() & pd.to_numeric(df["lat"], errors="coerce").notna()]
    where = locate_on(corridor, df["lon"].to_numpy(float), df["lat"].to_numpy(float))
    where.index = df.index
    keep = where["offset_km"] <= within_km
    df, where = df[keep], where[keep]
    precision, start, end = time_intervals(df)

    def col(name: str) -> pd.Series:
        return pd.to_numeric(df[name], errors="coerce") if name in df.columns else pd.Series(np.nan, index=df.index)

    low, best, high = col("deaths_low"), col("deaths_best"), col("deaths_high")
    table = pd.DataFrame(
        {
            "id": df["id"],
            "place": _column(df, "place_reported"),
            "place_key": place_keys(df),
            "event_type": _column(df, "event_type").astype(object).where(lambda s: s.notna(), "").astype(str),
            "lon": df["lon"].astype(float),
            "lat": df["lat"].astype(float),
            "chainage_km": where["chainage_km"],
            "offset_km": where["offset_km"],
            "time_start": start,
            "time_end": end,
            "time_mid": start + (end - start) / 2,
            "date_precision": precision,
            "deaths_low": low,
            "deaths_best": best,
            "deaths_high": high,
            "deaths_range": [_deaths_range(lo, be, hi) for lo, be, hi in zip(low, best, high, strict=True)],
        }
    )
    return table.sort_values(["time_start", "chainage_km"], kind="stable").reset_index(drop=True)


def _deaths_range(low: float, best: float, high: float) -> str:
    lo = low if pd.notna(low) else best
    hi = high if pd.notna(high) else best
    if pd.isna(lo) and pd.isna(hi):
        return ""
    if pd.isna(lo) or pd.isna(hi) or lo == hi:
        return f"{int(lo if pd.notna(lo) else hi)}"
    return f"{int(lo)}–{int(hi)}"


@dataclass(frozen=True)
class OnsetSelection:
    """The onset of each place and what was left out, and why.

    ``onsets`` has one row per place (the columns of the space–time table, of the
    place's first record, plus ``n_records`` and ``record_ids``); ``left_out``
    lists every other record with its ``reason``.
    """

    onsets: pd.DataFrame
    left_out: pd.DataFrame
    kinds: tuple[str, ...]

    @property
    def used_ids(self) -> list[str]:
        """The ids of the records that stand for their place's onset."""
        return self.onsets["id"].astype(str).tolist()

    def summary(self) -> str:
        """One sentence on what the analysis rests on."""
        reasons = self.left_out["reason"].value_counts()
        parts = [f"{count} {reason}" for reason, count in reasons.items()]
        left = f"; left out: {', '.join(parts)}" if parts else ""
        return f"{len(self.onsets)} place(s), each at its first reported {' / '.join(self.kinds) or 'record'}{left}."


def select_onsets(table: pd.DataFrame, kinds: Iterable[str] | None = KILLING_KINDS) -> OnsetSelection:
    """Keep, per place, the first reported record of the chosen event kinds.

    Parameters
    ----------
    table : DataFrame
        A space–time table (:func:`to_spacetime_table`).
    kinds : iterable of str, optional
        Event kinds that count as an onset (default :data:`KILLING_KINDS`);
        ``None`` or empty keeps every kind.

    Returns
    -------
    OnsetSelection
        Records of other kinds, year-precision or undated records, and later
        records of a place are in ``left_out`` with their reason.

    Examples
    --------
    >>> t = pd.DataFrame({"id": ["a", "b", "c"], "place_key": ["p", "p", "q"], "chainage_km": [1.0, 1.0, 9.0],
    ...     "event_type": ["massacre", "massacre", "clash"], "date_precision": ["day"] * 3,
    ...     "time_start": pd.to_datetime(["2025-03-08", "2025-03-07", "2025-03-07"], utc=True),
    ...     "time_end": pd.to_datetime(["2025-03-09", "2025-03-08", "2025-03-08"], utc=True)})
    >>> sel = select_onsets(t)
    >>> sel.used_ids, sel.left_out["reason"].tolist()
    (['b'], ['not the first record at its place', 'event type clash not selected'])
    """
    chosen = tuple(kinds or ())
    reason = pd.Series("", index=table.index, dtype=object)
    if chosen:
        other = ~table["event_type"].isin(chosen)
        reason[other] = "event type " + table.loc[other, "event_type"].replace("", "(none)") + " not selected"
    untimed = (reason == "") & ((table["date_precision"] == "year") | table["time_start"].isna())
    reason[untimed] = "no date finer than a year"
    candidates = table[reason == ""].sort_values(["time_start", "time_end"], kind="stable")
    first = candidates.drop_duplicates("place_key", keep="first")
    later = candidates.index.difference(first.index)
    reason[later] = "not the first record at its place"
    counts = candidates.groupby("place_key")["id"].agg(lambda ids: ";".join(map(str, ids)))
    onsets = first.assign(
        n_records=first["place_key"].map(candidates["place_key"].value_counts()).astype(int),
        record_ids=first["place_key"].map(counts),
    ).reset_index(drop=True)
    left_out = table.loc[reason != ""].reindex(columns=["id", "place", "event_type"]).astype(object).fillna("")
    left_out = left_out.assign(reason=reason[reason != ""])
    return OnsetSelection(onsets, left_out.reset_index(drop=True), chosen)
