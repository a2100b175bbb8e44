"""Public-safe mode: withhold sensitive incidents, redact quotes, coarsen locations.

Every export is public-safe unless the caller turns it off. What it does:

1. **Sensitive incidents** (``sensitive`` true: a quote names a private
   person) are *withheld* (dropped; the count is stated in the export's
   metadata and credits), or with ``sensitive="redact"`` kept with the title
   replaced by a neutral label, the summary and every quote, source title and
   source URL emptied (publisher and date stay), and the point coarsened.
2. **Quotes** of the remaining incidents are kept only when they contain no
   run of two capitalised words that could be a personal name (see
   :func:`is_quote_safe`); otherwise the quote text is replaced by
   :data:`REDACTED_QUOTE`. The source URL stays, so the quote can be checked.
3. **Locations** are snapped to the centre of a square grid cell of
   ``grid_km`` in :data:`GRID_CRS`, an azimuthal equidistant projection on
   WGS84 centred on Syria (35° N, 38.5° E). Within Syria (≤ 600 km from the
   centre) its scale error is below 0.2 %, so a "1 km" cell is 1 km on the
   ground to within 2 m. ``geo_precision`` is raised to 2 (grid < 5 km) or 3.

Examples
--------
>>> lon, lat = coarsen_lonlat([35.9403], [35.1822], grid_km=5.0)
>>> bool(abs(lon[0] - 35.9403) < 0.05 and abs(lat[0] - 35.1822) < 0.05)
True
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from geo.crs import FROM_SYRIA_AEQD, SYRIA_AEQD, SYRIA_AEQD_NAME, TO_SYRIA_AEQD
from geo.errors import InvalidOptionError

__all__ = [
    "GRID_CRS",
    "GRID_CRS_NAME",
    "REDACTED_QUOTE",
    "PublicReport",
    "apply_public",
    "build_allowlist",
    "coarsen_lonlat",
    "export_metadata",
    "is_quote_safe",
    "not_public",
    "to_public",
]

#: The metric CRS of the coarsening grid (and of the static maps).
GRID_CRS = SYRIA_AEQD
GRID_CRS_NAME = SYRIA_AEQD_NAME
REDACTED_QUOTE = "[quote withheld in public-safe mode: it may name a person; see the source]"
REDACTED_TITLE = "Withheld details (sensitive record)"
SENSITIVE_MODES = ("withhold", "redact")
_TO_GRID = TO_SYRIA_AEQD
_FROM_GRID = FROM_SYRIA_AEQD

#: Capitalised words that are never part of a personal name on their own.
GENERIC_WORDS = frozenset(
    """
The A An On In At By Of For From To With And But Or As After Before During When While Since Until Over Under
This That These Those Its It He She They We His Her Their Our There Here Some Many Most All Both Each Other
According Among Between Also Later Earlier Then Now However Meanwhile Although If Not No Yes One Two Three
January February March April May June July August September October November December
Monday Tuesday Wednesday Thursday Friday Saturday Sunday
Syria Syrian Syrians Arab Arabs Alawite Alawites Sunni Sunnis Shia Shiite Druze Christian Christians Kurdish Kurds
Russian Iranian Turkish Lebanese Israeli Iraqi Jordanian American British French Islamic Muslim Muslims
Ministry Defense Defence Interior Security Forces Force General Army Armed Military Republican Guard Division
Brigade Brigades Battalion Regiment Unit Units Government Regime State Authority Authorities President Presidency
Council Committee Commission Inquiry Office Observatory Network Human Rights Watch United Nations Nation UN
High Commissioner Agency Press News Reuters International Amnesty Free Opposition National Coalition Front
Coast Coastal Province Governorate Countryside City Town Village Villages District Region Northern Southern
Eastern Western Central Mountains Mountain River Highway Road Airport Air Base Hospital Mosque Church Square
Associated Islamist Islamists Alawi Alawis UK US UK-based Britain-based London-based Guardian Mediterranean
Intelligence First Second Third Fourth Fifth Late Early Dozens Hundreds Sixty Russia Iran Turkey Lebanon
""".split()
)
_CAP_RUN = re.compile(r"\b[A-Z][\w'’.-]*(?: [A-Z][\w'’.-]*)+")
_HONORIFICS = frozenset({"Mr", "Mrs", "Ms", "Dr", "Abu", "Umm", "Sheikh", "Haji", "Sayyid"})


@dataclass(frozen=True, slots=True)
class PublicReport:
    """What public-safe mode did to a table."""

    public_safe: bool
    sensitive_mode: str
    withheld: int
    redacted_records: int
    redacted_quotes: int
    grid_km: float | None

    def as_dict(self) -> dict[str, Any]:
        """Return the report as plain JSON-able values."""
        return {
            "public_safe": self.public_safe,
            "sensitive_mode": self.sensitive_mode,
            "sensitive_withheld": self.withheld,
            "sensitive_redacted": self.redacted_records,
            "quotes_redacted": self.redacted_quotes,
            "coarsening_grid_km": self.grid_km,
            "coarsening_crs": GRID_CRS_NAME if self.grid_km else None,
            "coarsening_method": ("lon/lat snapped to the centre of its grid cell" if self.grid_km else None),
        }

    def credit_text(self) -> str:
        """One sentence for a map's credits line."""
        if not self.public_safe:
            return "Not public-safe: full details and exact locations shown."
        parts = [
            f"Public-safe: {self.withheld} sensitive incident(s) withheld"
            if self.sensitive_mode == "withhold"
            else f"Public-safe: {self.redacted_records} sensitive incident(s) redacted"
        ]
        if self.grid_km:
            parts.append(f"locations snapped to a {self.grid_km:g} km grid")
        return "; ".join(parts) + "."


def coarsen_lonlat(lon: Any, lat: Any, grid_km: float) -> tuple[np.ndarray, np.ndarray]:
    """Snap points to the centre of their ``grid_km`` cell in :data:`GRID_CRS` (NaN stays NaN).

    Examples
    --------
    >>> a = coarsen_lonlat([36.0, 36.001], [35.0, 35.001], 10.0)
    >>> bool(a[0][0] == a[0][1] and a[1][0] == a[1][1])
    True
    """
    if not grid_km > 0:
        raise InvalidOptionError(f"grid_km={grid_km!r} is not a positive cell size in km (e.g. 1 or 5)")
    x, y = _TO_GRID.transform(np.asarray(lon, dtype=float), np.asarray(lat, dtype=float))
    size = grid_km * 1000.0
    cx = (np.floor(np.asarray(x) / size) + 0.5) * size
    cy = (np.floor(np.asarray(y) / size) + 0.5) * size
    out_lon, out_lat = _FROM_GRID.transform(cx, cy)
    return np.asarray(out_lon, dtype=float), np.asarray(out_lat, dtype=float)


def build_allowlist(phrases: Iterable[str]) -> frozenset[tuple[str, str]]:
    """Return the pairs of consecutive words of *phrases* (places, publishers, organisations)."""
    pairs: set[tuple[str, str]] = set()
    for phrase in phrases:
        words = re.findall(r"[\w'’.-]+", str(phrase))
        pairs.update(itertools.pairwise(words))
    return frozenset(pairs)


def is_quote_safe(quote: str, allowed_pairs: frozenset[tuple[str, str]] = frozenset()) -> bool:
    """Return whether *quote* has no run of capitalised words that could be a personal name.

    A run of two or more capitalised words passes only when each adjacent pair
    is in *allowed_pairs* (from place, publisher and organisation names), or
    both words are generic (:data:`GENERIC_WORDS`), or the first is a function
    word starting a sentence ("On March", "In Baniyas"). Honorifics (Abu, Umm,
    Sheikh, Mr…) always fail. Deliberately conservative: a false alarm costs a
    quote (the URL stays); a miss could expose a person.

    Examples
    --------
    >>> is_quote_safe("Two members of the Syrian Defense Ministry were killed.")
    True
    >>> is_quote_safe("Her brother Ali Hassan was taken.")
    False
    """
    for run in _CAP_RUN.findall(quote):
        raw = run.split(" ")
        words = [re.sub(r"[’']s$", "", w.rstrip(".")) for w in raw]
        if any(w in _HONORIFICS for w in words):
            return False
        for i, (first, second) in enumerate(itertools.pairwise(words)):
            if raw[i].endswith(".") or (first, second) in allowed_pairs:  # a sentence ends between them
                continue
            if first in GENERIC_WORDS and second in GENERIC_WORDS:
                continue
            if first in GENERIC_WORDS and first[0].isupper() and first.lower() in _FUNCTION_WORDS:
                continue
            return False
    return True


_FUNCTION_WORDS = frozenset(
    "the a an on in at by of for from to with and but or as after before during when while "
    "since until over under this that these those its it he she they we there here some "
    "according among between also later earlier then now however meanwhile".split()
)


def _safe_sources(sources: Any, allowed: frozenset[tuple[str, str]]) -> tuple[list[dict[str, Any]], int]:
    out, redacted = [], 0
    for src in sources if isinstance(sources, list) else []:
        item = dict(src)
        quote = str(item.get("quote") or "")
        if quote and not is_quote_safe(quote, allowed):
            item["quote"] = REDACTED_QUOTE
            redacted += 1
        out.append(item)
    return out, redacted


def _redact_sources(sources: Any) -> list[dict[str, Any]]:
    keep = ("publisher", "date")
    return [{k: (src.get(k) if k in keep else "") for k in src} for src in (sources or []) if isinstance(src, dict)]


def to_public(
    gdf: gpd.GeoDataFrame,
    *,
    grid_km: float | None = 1.0,
    sensitive: str = "withhold",
    allowlist: Iterable[str] = (),
) -> tuple[gpd.GeoDataFrame, PublicReport]:
    """Return the public-safe copy of an incident table and what was done.

    Parameters
    ----------
    gdf : GeoDataFrame
        An incident table (see :mod:`layers.incidents`).
    grid_km : float or None
        Coarsening cell size; None keeps exact points (not recommended).
    sensitive : {"withhold", "redact"}
        Drop sensitive incidents, or keep them redacted.
    allowlist : iterable of str
        Extra names (places, publishers, organisations) whose word pairs do
        not count as personal names in quotes. Publishers of *gdf* are added.

    Raises
    ------
    InvalidOptionError
        *sensitive* or *grid_km* is not valid.
    """
    if sensitive not in SENSITIVE_MODES:
        raise InvalidOptionError(f"{sensitive!r} is not a valid option, must be one of {SENSITIVE_MODES}")
    out = gdf.copy()
    is_sensitive = out["sensitive"].fillna(False).astype(bool).to_numpy() if len(out) else np.zeros(0, bool)
    withheld = redacted_records = 0
    if sensitive == "withhold":
        withheld = int(is_sensitive.sum())
        out = out.loc[~is_sensitive].copy()
        is_sensitive = np.zeros(len(out), bool)
    publishers = {str(s.get("publisher", "")) for srcs in out["sources"] if isinstance(srcs, list) for s in srcs}
    allowed = build_allowlist([*allowlist, *publishers])
    new_sources, n_quotes = [], 0
    for srcs, sens in zip(out["sources"], is_sensitive, strict=True):
        if sens:
            new_sources.append(_redact_sources(srcs))
            continue
        safe, n = _safe_sources(srcs, allowed)
        new_sources.append(safe)
        n_quotes += n
    out["sources"] = pd.Series(new_sources, index=out.index, dtype=object)
    if sensitive == "redact" and is_sensitive.any():
        redacted_records = int(is_sensitive.sum())
        mask = pd.Series(is_sensitive, index=out.index)
        out.loc[mask, "title"] = REDACTED_TITLE
        for column in ("summary", "place_reported", "victim_group_reported", "perpetrator_reported"):
            if column in out:
                out.loc[mask, column] = ""
        if "figures" in out:
            out["figures"] = [
                [{**f, "quote": ""} for f in (figs or [])] if s else figs
                for figs, s in zip(out["figures"], is_sensitive, strict=True)
            ]
    if grid_km:
        lon, lat = coarsen_lonlat(out["lon"].to_numpy(float), out["lat"].to_numpy(float), grid_km)
        out["lon"], out["lat"] = lon, lat
        level = 3 if grid_km >= 5 else 2
        prec = out["geo_precision"].astype("Int64")
        out["geo_precision"] = prec.where(prec.isna() | (prec >= level), level).astype("Int64")
        has_point = out.geometry.notna() & ~out.geometry.is_empty if len(out) else pd.Series(dtype=bool)
        points = gpd.points_from_xy(lon, lat, crs="EPSG:4326")
        out = out.set_geometry(
            gpd.GeoSeries(np.where(has_point.to_numpy(), points, None), index=out.index, crs="EPSG:4326")
        )
        out["coarsened_grid_km"] = float(grid_km)
    report = PublicReport(True, sensitive, withheld, redacted_records, n_quotes, float(grid_km) if grid_km else None)
    return out, report


def export_metadata(
    report: PublicReport, *, fmt: str, filters: dict[str, Any] | None = None, title: str = "", count: int = 0
) -> dict[str, Any]:
    """Return the metadata record written with every export.

    Examples
    --------
    >>> m = export_metadata(PublicReport(False, "withhold", 0, 0, 0, None), fmt="csv")
    >>> m["public_safe"], m["format"]
    (False, 'csv')
    """
    return {
        "generator": "Syria Incident Map (syria-incident-map)",
        "exported_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "format": fmt,
        "title": title,
        "incidents": int(count),
        **report.as_dict(),
        "filters": dict(filters or {}),
        "note": "Each record states what was reported and by whom; it is not a finding of fact.",
    }


def not_public(gdf: gpd.GeoDataFrame) -> tuple[gpd.GeoDataFrame, PublicReport]:
    """Return *gdf* unchanged with a report saying public-safe mode was off."""
    return gdf, PublicReport(False, "off", 0, 0, 0, None)


def apply_public(
    gdf: gpd.GeoDataFrame,
    *,
    public_safe: bool = True,
    grid_km: float | None = 1.0,
    sensitive: str = "withhold",
    allowlist: Iterable[str] = (),
) -> tuple[gpd.GeoDataFrame, PublicReport]:
    """Return :func:`to_public` of *gdf* when *public_safe*, else *gdf* unchanged; with the report."""
    if public_safe:
        return to_public(gdf, grid_km=grid_km, sensitive=sensitive, allowlist=allowlist)
    return not_public(gdf)
