"""Public-safe mode: withhold sensitive incidents, redact quotes, coarsen locations.

Every export is public-safe unless the caller turns it off. What it does:

1. **Sensitive incidents** (``sensitive`` true: a quote names a private
   person) are *withheld* (dropped; the count is stated in the export's
   metadata and credits), or with ``sensitive="redact"`` kept with the title
   replaced by a neutral label, the summary and every quote, source title and
   source URL emptied (publisher and date stay), and the point coarsened.
2. **Texts that may name a person** (:mod:`layers.export.redact`): quotes of
   sources and of figures are replaced by :data:`REDACTED_QUOTE`; titles,
   summaries, victim descriptions and source titles by a notice. The source
   URL stays, so the quote can be checked.
3. **Columns**: only :data:`PUBLIC_COLUMNS` are written (extra columns such as
   ``witness_names`` or ``raster_value`` are dropped and named in the
   metadata); sources and figures keep only their documented keys; ``id``
   becomes a keyed HMAC (:mod:`layers.export.public_ids`); ``chainage_km``
   is measured again from the coarsened point.
4. **Locations** are snapped to the centre of a square grid cell of
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
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from geo.crs import FROM_SYRIA_AEQD, SYRIA_AEQD, SYRIA_AEQD_NAME, TO_SYRIA_AEQD
from geo.errors import InvalidOptionError
from layers.export.public_ids import installation_secret, public_ids
from layers.export.redact import NameRules, default_rules, has_personal_name
from layers.incidents import COLUMNS

__all__ = [
    "GRID_CRS",
    "GRID_CRS_NAME",
    "PUBLIC_COLUMNS",
    "REDACTED_QUOTE",
    "PublicReport",
    "PublicTable",
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
REDACTED_TITLE_TEXT = "Title withheld in public-safe mode (it may name a person)"
REDACTED_TEXT = "[withheld in public-safe mode: it may name a person; see the source]"
#: The only columns a public export carries (anything else, e.g. ``witness_names`` or ``raster_value``, is dropped).
PUBLIC_COLUMNS = (*COLUMNS, "coarsened_grid_km")
#: The only keys kept in each source and figure of a public export (``via`` and extra keys dropped).
SOURCE_KEYS = ("publisher", "title", "date", "url", "quote")
FIGURE_KEYS = ("measure", "value", "qualifier", "publisher", "quote")
_TO_GRID = TO_SYRIA_AEQD
_FROM_GRID = FROM_SYRIA_AEQD


@dataclass(frozen=True, slots=True)
class PublicReport:
    """What public-safe mode did to a table."""

    public_safe: bool
    sensitive_mode: str
    withheld: int
    redacted_records: int
    redacted_quotes: int
    grid_km: float | None
    dropped_columns: tuple[str, ...] = ()
    texts_redacted: int = 0
    public_ids: bool = False
    #: ``(dataset, version)`` pairs of a table read from a store (``attrs["versions"]``).
    dataset_versions: tuple[tuple[str, int], ...] = ()

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
            "texts_redacted": self.texts_redacted,
            "columns_dropped": list(self.dropped_columns),
            "ids": "keyed HMAC of the record id (not invertible without this installation's key)"
            if self.public_ids
            else "record ids as stored",
            **({"dataset_versions": dict(self.dataset_versions)} if self.dataset_versions else {}),
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


def build_allowlist(phrases: Iterable[str]) -> NameRules:
    """Return the name rules with *phrases* (places, publishers, organisations) allowed, on top of the defaults."""
    return default_rules().extend(phrases)


def is_quote_safe(quote: str, allowed: NameRules | Iterable[Any] | None = None) -> bool:
    """Return whether *quote* holds no possible personal name (:func:`layers.export.redact.has_personal_name`).

    Deliberately conservative: a false alarm costs a quote (the URL stays); a miss could expose a
    person. *allowed* is a :class:`NameRules` (from :func:`build_allowlist`) or None for the defaults.

    Examples
    --------
    >>> is_quote_safe("Two members of the Syrian Defense Ministry were killed.")
    True
    >>> is_quote_safe("Her brother Ali Hassan was taken.")
    False
    """
    rules = allowed if isinstance(allowed, NameRules) else default_rules()
    return not has_personal_name(quote, rules)


class _Redactor:
    """Replaces texts that may name a person, counting what it replaced."""

    def __init__(self, rules: NameRules) -> None:
        self.rules = rules
        self.quotes = 0
        self.texts = 0
        self._seen: dict[str, bool] = {}  # the same text (a repeated quote, notes = summary) is checked once

    def _named(self, value: Any) -> bool:
        if not isinstance(value, str) or not value.strip():
            return False
        if value not in self._seen:
            self._seen[value] = has_personal_name(value, self.rules)
        return self._seen[value]

    def text(self, value: Any, notice: str) -> Any:
        if self._named(value):
            self.texts += 1
            return notice
        return value

    def quote(self, value: Any) -> Any:
        if self._named(value):
            self.quotes += 1
            return REDACTED_QUOTE
        return value

    def sources(self, sources: Any, sensitive: bool) -> list[dict[str, Any]]:
        out = []
        for src in sources if isinstance(sources, list) else []:
            if not isinstance(src, dict):
                continue
            item = {k: src.get(k) for k in SOURCE_KEYS if k in src}
            if sensitive:
                item = {k: (v if k in ("publisher", "date") else "") for k, v in item.items()}
            else:
                item["quote"] = self.quote(item.get("quote") or "")
                item["title"] = self.text(item.get("title") or "", REDACTED_TEXT)
            out.append(item)
        return out

    def figures(self, figures: Any, sensitive: bool) -> list[dict[str, Any]]:
        out = []
        for fig in figures if isinstance(figures, list) else []:
            if not isinstance(fig, dict):
                continue
            item = {k: fig.get(k) for k in FIGURE_KEYS if k in fig}
            if "quote" in item:
                item["quote"] = "" if sensitive else self.quote(item.get("quote") or "")
            out.append(item)
        return out


def _rechain(out: gpd.GeoDataFrame) -> pd.Series:
    """``chainage_km`` measured from the (coarsened) point on the record's own corridor; NaN elsewhere."""
    chain = pd.Series(np.nan, index=out.index, dtype="float64")
    if "corridor" not in out or not len(out):
        return chain
    refs = out["corridor"].astype(object).where(out["corridor"].notna(), "").astype(str)
    wanted = refs[(refs != "") & out["lon"].notna() & out["lat"].notna()]
    if wanted.empty:
        return chain
    from geo.corridors import load_corridors, locate_on

    corridors = load_corridors()
    for ref in wanted.unique():
        if ref in corridors:
            idx = wanted.index[wanted == ref]
            where = locate_on(corridors[ref], out.loc[idx, "lon"].to_numpy(float), out.loc[idx, "lat"].to_numpy(float))
            chain.loc[idx] = where["chainage_km"].to_numpy(float)
    return chain


def to_public(
    gdf: gpd.GeoDataFrame,
    *,
    grid_km: float | None = 1.0,
    sensitive: str = "withhold",
    allowlist: Iterable[str] = (),
    secret: bytes | None = None,
) -> tuple[gpd.GeoDataFrame, PublicReport]:
    """Return the public-safe copy of an incident table and what was done.

    Only the columns of :data:`PUBLIC_COLUMNS` are kept (``raster_value``, ``witness_names``
    and any other extra column are dropped and named in the report); ``id`` becomes a keyed
    HMAC (:mod:`layers.export.public_ids`); ``chainage_km`` is measured again from the
    coarsened point; titles, summaries, victim descriptions, source titles and the quotes of
    sources and figures that may name a person are replaced by a notice.

    Parameters
    ----------
    gdf : GeoDataFrame
        An incident table (see :mod:`layers.incidents`).
    grid_km : float or None
        Coarsening cell size; None keeps exact points (not recommended).
    sensitive : {"withhold", "redact"}
        Drop sensitive incidents, or keep them redacted (``place_id`` emptied too).
    allowlist : iterable of str
        Extra names (places, publishers, organisations) that are not personal names.
        The curated gazetteer, the actor list and the publishers of *gdf* are always allowed.
    secret : bytes, optional
        HMAC key for public ids; default the installation's (``$SYRIA_MAP_HOME/public-id.key``).

    Raises
    ------
    InvalidOptionError
        *sensitive* or *grid_km* is not valid.
    """
    if sensitive not in SENSITIVE_MODES:
        raise InvalidOptionError(f"{sensitive!r} is not a valid option, must be one of {SENSITIVE_MODES}")
    if grid_km is not None and not grid_km > 0:
        raise InvalidOptionError(f"grid_km={grid_km!r} is not a positive cell size in km (e.g. 1 or 5)")
    out = gdf.copy()
    is_sensitive = out["sensitive"].fillna(False).astype(bool).to_numpy() if len(out) else np.zeros(0, bool)
    withheld = redacted_records = 0
    if sensitive == "withhold":
        withheld = int(is_sensitive.sum())
        out = out.loc[~is_sensitive].copy()
        is_sensitive = np.zeros(len(out), bool)
    publishers = {
        str(s.get("publisher", ""))
        for srcs in out["sources"]
        if isinstance(srcs, list)
        for s in srcs
        if isinstance(s, dict)
    }
    red = _Redactor(build_allowlist([*allowlist, *publishers]))
    out["sources"] = pd.Series(
        [red.sources(s, bool(k)) for s, k in zip(out["sources"], is_sensitive, strict=True)],
        index=out.index,
        dtype=object,
    )
    if "figures" in out:
        out["figures"] = pd.Series(
            [red.figures(f, bool(k)) for f, k in zip(out["figures"], is_sensitive, strict=True)],
            index=out.index,
            dtype=object,
        )
    mask = pd.Series(is_sensitive, index=out.index)
    for column, notice in (
        ("title", REDACTED_TITLE_TEXT),
        ("summary", REDACTED_TEXT),
        ("victim_group_reported", REDACTED_TEXT),
    ):
        if column in out:
            out[column] = [v if k else red.text(v, notice) for v, k in zip(out[column], is_sensitive, strict=True)]
    if sensitive == "redact" and is_sensitive.any():
        redacted_records = int(is_sensitive.sum())
        out.loc[mask, "title"] = REDACTED_TITLE
        for column in ("summary", "place_reported", "place_id", "victim_group_reported", "perpetrator_reported"):
            if column in out:
                out[column] = out[column].astype("str").where(~mask, "")
    ids = out["id"].astype(object).where(out["id"].notna(), "").astype(str).tolist() if len(out) else []
    out["id"] = pd.Series(public_ids(ids, secret), index=out.index, dtype="str")
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
        if "chainage_km" in out:
            out["chainage_km"] = _rechain(out)
    geometry = out.geometry.name
    dropped = tuple(str(c) for c in out.columns if c not in PUBLIC_COLUMNS and c != geometry)
    out = out[[c for c in PUBLIC_COLUMNS if c in out.columns] + [geometry]]
    report = PublicReport(
        True,
        sensitive,
        withheld,
        redacted_records,
        red.quotes,
        float(grid_km) if grid_km else None,
        dropped_columns=dropped,
        texts_redacted=red.texts,
        public_ids=True,
    )
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


@dataclass(frozen=True)
class PublicTable:
    """What every writer draws or writes: the (public-safe or explicitly not) table, its report, the id map.

    Unpacks as ``frame, report``. ``id_map`` maps each original id to the id written, so that
    story highlights and other references follow the public ids.
    """

    frame: gpd.GeoDataFrame
    report: PublicReport
    id_map: dict[str, str] = field(default_factory=dict)

    def __iter__(self) -> Iterator[Any]:
        return iter((self.frame, self.report))

    def ids(self, original: Iterable[str]) -> list[str]:
        """Return the written ids of *original* ids (unknown ones are left out)."""
        return [self.id_map[i] for i in map(str, original) if i in self.id_map]


def apply_public(
    gdf: gpd.GeoDataFrame,
    *,
    public_safe: bool = True,
    grid_km: float | None = 1.0,
    sensitive: str = "withhold",
    allowlist: Iterable[str] = (),
    secret: bytes | None = None,
) -> PublicTable:
    """Apply THE public-safe step (before every writer): :func:`to_public` when *public_safe*, else nothing.

    Returns a :class:`PublicTable` (unpacks as ``frame, report``).
    """
    original = gdf["id"].astype(object).where(gdf["id"].notna(), "").astype(str).tolist() if len(gdf) else []
    # The store's dataset versions the table was read at go into every export's metadata.
    versions = tuple(sorted((str(k), int(v)) for k, v in dict(gdf.attrs.get("versions") or {}).items()))
    if not public_safe:
        frame, report = not_public(gdf)
        report = replace(report, dataset_versions=versions)
        return PublicTable(frame, report, {i: i for i in original})
    key = secret if secret is not None else installation_secret()
    frame, report = to_public(gdf, grid_km=grid_km, sensitive=sensitive, allowlist=allowlist, secret=key)
    report = replace(report, dataset_versions=versions)
    return PublicTable(frame, report, dict(zip(original, public_ids(original, key), strict=True)))
