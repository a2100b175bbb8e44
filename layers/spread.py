"""How violence moved along a road: space–time table, spread estimate, chart.

The estimate is an interval-censored regression of chainage on time. Each
incident's time is an interval whose width follows its date precision (a
day, a week, a month; year-precision incidents are not timed). The slope is
fitted by least squares on the interval midpoints; its uncertainty comes from
redrawing every time uniformly inside its interval (bootstrap, fixed seed), so
a week-precision report weighs in with a week of doubt.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from geo.corridors import Corridor, load_corridors, locate_on, resolve_corridor
from geo.errors import DataSchemaError, InvalidOptionError

__all__ = ["PRECISION_WIDTH", "SpreadEstimate", "estimate_spread", "to_spacetime_chart", "to_spacetime_table"]

#: How long an interval each date precision stands for.
PRECISION_WIDTH = {
    "day": pd.DateOffset(days=1),
    "week": pd.DateOffset(weeks=1),
    "month": pd.DateOffset(months=1),
    "year": pd.DateOffset(years=1),
}
REQUIRED_COLUMNS = ("id", "date_start", "date_precision", "lon", "lat")
NOT_ENOUGH = "not enough timed points"


@dataclass(frozen=True, slots=True)
class SpreadEstimate:
    """Direction and speed of spread along one corridor, with a 90 % interval."""

    corridor: str
    status: str  # "ok" or "not enough timed points"
    direction: str  # "increasing chainage", "decreasing chainage", "no clear direction" or ""
    speed_km_per_day: float  # signed slope; NaN when not estimated
    ci90_low_km_per_day: float
    ci90_high_km_per_day: float
    n_points: int

    @property
    def speed_km_per_hour(self) -> float:
        """The signed slope in km per hour."""
        return self.speed_km_per_day / 24.0


def _to_utc(values: pd.Series) -> pd.Series:
    times = pd.to_datetime(values, errors="coerce", utc=True, format="mixed")
    return times


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
        ``date_end, title, place_reported, deaths_low, deaths_best,
        deaths_high, aggregate`` are used when present. Aggregates are skipped.
    ref : str
        Any corridor name :func:`geo.corridors.resolve_corridor` accepts.
    within_km : float
        Largest distance from the road.
    corridors : mapping, optional

    Returns
    -------
    DataFrame
        ``id, place, chainage_km, offset_km, time_start, time_end, time_mid,
        date_precision, deaths_low, deaths_best, deaths_high, deaths_range``
        sorted by ``time_start`` then chainage. Times are UTC; ``time_end`` is
        the end of the precision interval (exclusive).

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
    where = locate_on(corridor, df["lon"].to_numpy(float), df["lat"].to_numpy(float))
    where.index = df.index
    keep = where["offset_km"] <= within_km
    df, where = df[keep], where[keep]

    precision = df["date_precision"].astype(str).str.lower().str.strip()
    unknown = sorted(set(precision) - set(PRECISION_WIDTH))
    if unknown:
        raise InvalidOptionError(f"date_precision {unknown} is not valid, must be one of {list(PRECISION_WIDTH)}")
    start = _to_utc(df["date_start"])
    end_given = _to_utc(df["date_end"]) if "date_end" in df.columns else _to_utc(pd.Series(pd.NaT, index=df.index))
    width_end = start.copy()
    for name, width in PRECISION_WIDTH.items():
        mask = (precision == name).to_numpy()
        if mask.any():
            width_end[mask] = start[mask] + width
    # A given end date means "during that day": the interval runs to its end.
    end = end_given + pd.Timedelta(days=1)
    end = end.where(end.notna() & (end > width_end), width_end)

    def col(name: str) -> pd.Series:
        return pd.to_numeric(df[name], errors="coerce") if name in df.columns else pd.Series(np.nan, index=df.index)

    low, best, high = col("deaths_low"), col("deaths_best"), col("deaths_high")
    place = df["place_reported"] if "place_reported" in df.columns else pd.Series("", index=df.index)
    table = pd.DataFrame(
        {
            "id": df["id"],
            "place": place,
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


def estimate_spread(
    table: pd.DataFrame, corridor: str = "", n_boot: int = 2000, seed: int = 20250307
) -> SpreadEstimate:
    """Estimate direction and speed of spread along the road from a space–time table.

    Parameters
    ----------
    table : DataFrame
        As returned by :func:`to_spacetime_table`.
    corridor : str
        The ref, for the record.
    n_boot : int
        Bootstrap draws.
    seed : int
        Seed of the random generator (results are reproducible).

    Returns
    -------
    SpreadEstimate
        ``status`` is "not enough timed points" when fewer than 3 distinct
        timed points remain (year-precision and undated incidents are not
        timed), or when all timed points sit at one chainage or one time.

    Examples
    --------
    >>> t = pd.DataFrame({"chainage_km": [0.0, 20.0, 40.0, 60.0],
    ...     "time_start": pd.to_datetime(["2025-03-07", "2025-03-08", "2025-03-09", "2025-03-10"], utc=True),
    ...     "time_end": pd.to_datetime(["2025-03-08", "2025-03-09", "2025-03-10", "2025-03-11"], utc=True),
    ...     "date_precision": ["day"] * 4})
    >>> est = estimate_spread(t, "M1")
    >>> est.status, est.direction, round(est.speed_km_per_day)
    ('ok', 'increasing chainage', 20)
    """
    timed = table[(table["date_precision"] != "year") & table["time_start"].notna() & table["chainage_km"].notna()]
    distinct = timed.drop_duplicates(["chainage_km", "time_start", "time_end"])
    if len(distinct) < 3 or timed["chainage_km"].nunique() < 2 or timed["time_start"].nunique() < 2:
        return SpreadEstimate(corridor, NOT_ENOUGH, "", np.nan, np.nan, np.nan, len(timed))
    origin = timed["time_start"].min()
    lo = (timed["time_start"] - origin).dt.total_seconds().to_numpy() / 86400.0
    hi = (timed["time_end"] - origin).dt.total_seconds().to_numpy() / 86400.0
    y = timed["chainage_km"].to_numpy(float)
    slope = _ols_slope((lo + hi) / 2, y)
    rng = np.random.default_rng(seed)
    draws = lo + rng.random((n_boot, lo.size)) * (hi - lo)
    slopes = _ols_slope(draws, y)
    ci_low, ci_high = np.nanpercentile(slopes, [5, 95])
    if ci_low > 0:
        direction = "increasing chainage"
    elif ci_high < 0:
        direction = "decreasing chainage"
    else:
        direction = "no clear direction"
    return SpreadEstimate(corridor, "ok", direction, float(slope), float(ci_low), float(ci_high), len(timed))


def _ols_slope(t: np.ndarray, y: np.ndarray) -> Any:
    """Least-squares slope of y on t along the last axis (vectorized over rows of t)."""
    tc = t - t.mean(axis=-1, keepdims=True)
    yc = y - y.mean()
    with np.errstate(invalid="ignore", divide="ignore"):
        return (tc * yc).sum(axis=-1) / (tc * tc).sum(axis=-1)


def to_spacetime_chart(table: pd.DataFrame, estimate: SpreadEstimate | None = None, title: str = "") -> Any:
    """Draw an altair chart: time across, chainage up, one bar per incident's time interval.

    Parameters
    ----------
    table : DataFrame
        As returned by :func:`to_spacetime_table`.
    estimate : SpreadEstimate, optional
        Printed in the subtitle when given.
    title : str

    Returns
    -------
    altair.LayerChart

    Raises
    ------
    ImportError
        If altair is missing, with the install command.

    Examples
    --------
    >>> t = pd.DataFrame({"id": ["a"], "place": ["Jableh"], "chainage_km": [26.0],
    ...     "time_start": pd.to_datetime(["2025-03-07"], utc=True),
    ...     "time_end": pd.to_datetime(["2025-03-08"], utc=True),
    ...     "time_mid": pd.to_datetime(["2025-03-07 12:00"], utc=True), "date_precision": ["day"],
    ...     "deaths_best": [77.0], "deaths_range": ["77"]})
    >>> "Jableh" in to_spacetime_chart(t).to_json()
    True
    """
    try:
        import altair as alt
    except ImportError as err:  # pragma: no cover - altair is a dependency
        raise ImportError("the space–time chart needs altair: pip install altair") from err
    data = table.copy()
    for col in ("time_start", "time_end", "time_mid"):
        data[col] = data[col].dt.tz_convert("UTC").dt.strftime("%Y-%m-%dT%H:%M:%SZ")
    data["deaths_best"] = data["deaths_best"].fillna(0)
    subtitle = ""
    if estimate is not None:
        subtitle = (
            f"{estimate.status}"
            if estimate.status != "ok"
            else f"{estimate.direction}: {estimate.speed_km_per_day:.1f} km/day "
            f"(90 % interval {estimate.ci90_low_km_per_day:.1f} to {estimate.ci90_high_km_per_day:.1f}), "
            f"n = {estimate.n_points}"
        )
    base = alt.Chart(data)
    y = alt.Y("chainage_km:Q", title="Chainage along the road (km)")
    bars = base.mark_rule(strokeWidth=2, opacity=0.6).encode(
        x=alt.X("time_start:T", title="Time (UTC)"), x2="time_end:T", y=y
    )
    dots = base.mark_circle(opacity=0.8).encode(
        x="time_mid:T",
        y=y,
        size=alt.Size("deaths_best:Q", title="Deaths (best)"),
        color=alt.Color("date_precision:N", title="Date precision"),
        tooltip=["id:N", "place:N", "chainage_km:Q", "time_start:T", "date_precision:N", "deaths_range:N"],
    )
    heading = alt.TitleParams(title or "Space–time", subtitle=subtitle)
    return (bars + dots).properties(title=heading, width=600, height=300)
