"""Shared by the exporters: date filtering, publishers, the export result."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd

from geo.errors import InvalidOptionError

__all__ = ["ExportResult", "filter_incidents", "parse_date", "publishers_of"]

PROJECT = "Syria Incident Map"


@dataclass(frozen=True, slots=True)
class ExportResult:
    """A written export: where, and the metadata record written with it."""

    path: Path
    metadata: dict[str, Any] = field(default_factory=dict)


def parse_date(value: object) -> pd.Timestamp | None:
    """Return *value* as a UTC timestamp (None stays None).

    Examples
    --------
    >>> parse_date("2025-03-07")
    Timestamp('2025-03-07 00:00:00+0000', tz='UTC')
    """
    if value is None or value == "":
        return None
    try:
        ts = pd.Timestamp(value)
    except (ValueError, TypeError) as err:
        raise InvalidOptionError(f"{value!r} is not a date; write it as YYYY-MM-DD") from err
    return ts.tz_localize("UTC") if ts.tzinfo is None else ts.tz_convert("UTC")


def filter_incidents(gdf: gpd.GeoDataFrame, start: object = None, end: object = None) -> gpd.GeoDataFrame:
    """Return the incidents whose [date_start, date_end] window overlaps [start, end] (both inclusive).

    Examples
    --------
    >>> from layers.incidents import to_incident_frame
    >>> g = to_incident_frame(pd.DataFrame({"id": ["a", "b"], "date_start": ["2012-01-01", "2025-03-07"]}))
    >>> filter_incidents(g, start="2020-01-01")["id"].tolist()
    ['b']
    """
    s, e = parse_date(start), parse_date(end)
    keep = pd.Series(True, index=gdf.index)
    if s is not None:
        keep &= gdf["date_end"].fillna(gdf["date_start"]) >= s
    if e is not None:
        keep &= gdf["date_start"] <= e
    return gdf.loc[keep].copy()


def publishers_of(gdf: gpd.GeoDataFrame) -> list[str]:
    """Return the publishers cited by *gdf*, most cited first.

    Examples
    --------
    >>> publishers_of(pd.DataFrame({"sources": [[{"publisher": "Reuters"}], [{"publisher": "CNN"},
    ...                                         {"publisher": "Reuters"}]]}))
    ['Reuters', 'CNN']
    """
    counts: Counter[str] = Counter()
    for sources in gdf["sources"]:
        for src in sources if isinstance(sources, list) else []:
            name = str(src.get("publisher") or "").strip()
            if name:
                counts[name] += 1
    return [name for name, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]
