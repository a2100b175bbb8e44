"""Charts of the spread: each site's onset interval along the road, and distances from the road."""

from __future__ import annotations

import itertools
from typing import Any

import pandas as pd

from layers.spread.onset import SpreadEstimate
from layers.spread.road import DISTANCE_BANDS_KM, RoadTest

__all__ = ["to_road_chart", "to_spacetime_chart"]


def _altair() -> Any:
    try:
        import altair as alt
    except ImportError as err:  # pragma: no cover - altair is a dependency
        raise ImportError("the spread charts need altair: pip install altair") from err
    return alt


def to_spacetime_chart(table: pd.DataFrame, estimate: SpreadEstimate | None = None, title: str = "") -> Any:
    """Draw an altair chart: time across, chainage up, one bar per site spanning its date interval.

    A day-precision onset is a short bar, a month-precision one a long bar: the
    chart shows what the dates can and cannot order. The estimate's sentence is
    the subtitle when given.

    Examples
    --------
    >>> t = pd.DataFrame({"id": ["a"], "place": ["Jableh"], "chainage_km": [26.0],
    ...     "time_start": pd.to_datetime(["2025-03-07"], utc=True),
    ...     "time_end": pd.to_datetime(["2025-03-08"], utc=True), "date_precision": ["day"],
    ...     "deaths_best": [77.0], "deaths_range": ["77"]})
    >>> "Jableh" in to_spacetime_chart(t).to_json()
    True
    """
    alt = _altair()
    data = table.copy()
    for col in ("time_start", "time_end"):
        data[col] = data[col].dt.tz_convert("UTC").dt.strftime("%Y-%m-%dT%H:%M:%SZ")
    for col in ("place", "deaths_range", "event_type"):
        if col not in data.columns:
            data[col] = ""
    y = alt.Y("chainage_km:Q", title="Distance along the road (km)")
    bars = (
        alt.Chart(data)
        .mark_rule(strokeWidth=7, opacity=0.8)
        .encode(
            x=alt.X("time_start:T", title="Date of onset (UTC), bar = the date's precision"),
            x2="time_end:T",
            y=y,
            color=alt.Color("date_precision:N", title="Date precision"),
            tooltip=[
                "place:N",
                "id:N",
                "event_type:N",
                "chainage_km:Q",
                "time_start:T",
                "time_end:T",
                "date_precision:N",
                "deaths_range:N",
            ],
        )
    )
    subtitle = estimate.sentence() if estimate is not None else ""
    heading = alt.TitleParams(title or "Onset of violence along the road", subtitle=_wrap(subtitle))
    return bars.properties(title=heading, width=600, height=300)


def to_road_chart(test: RoadTest, title: str = "", *, subtitle: bool = True) -> Any:
    """Draw the share of incident places and of settlements per distance band from the road(s).

    The test's sentence is the subtitle unless *subtitle* is False (when it is shown beside the chart).
    """
    alt = _altair()
    bands = list(DISTANCE_BANDS_KM)
    labels = [f"{a:g}–{b:g} km" if b != float("inf") else f"> {a:g} km" for a, b in itertools.pairwise(bands)]
    data = test.distances.copy()
    data["band"] = pd.cut(data["distance_km"], bands, labels=labels, right=False, include_lowest=True).astype(str)
    shares = data.groupby(["group", "band"]).size().rename("n").reset_index()
    shares["share"] = shares["n"] / shares.groupby("group")["n"].transform("sum")
    chart = (
        alt.Chart(shares)
        .mark_bar()
        .encode(
            x=alt.X("band:N", sort=labels, title=f"Distance from the {' / '.join(test.corridors)}"),
            xOffset="group:N",
            y=alt.Y("share:Q", axis=alt.Axis(format="%"), title="Share of places"),
            color=alt.Color("group:N", title=""),
            tooltip=["group:N", "band:N", "n:Q", alt.Tooltip("share:Q", format=".0%")],
        )
    )
    heading = alt.TitleParams(title or "Did it follow the road?", subtitle=_wrap(test.sentence()) if subtitle else "")
    return chart.properties(title=heading, width=600, height=220)


def _wrap(text: str, width: int = 80) -> list[str]:
    words, lines, line = text.split(), [], ""
    for word in words:
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    return [*lines, line] if line else lines
