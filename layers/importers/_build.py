"""From a staging table of raw values to an :class:`ImportResult`.

Every importer reads its format into a *staging* table: one row per input
row, model column names, raw values (mostly text), ``_row`` (1-based input
row), and optionally ``_flag`` (a warning found while reading), ``_offmap``
(true when the row must stay off the map, e.g. a country-level location) and
``place_context``. :func:`build_result` then parses, geocodes and checks it
the same way for every format, so ``imported + rejected == rows_in`` always
holds: a row is either in ``incidents`` or in ``rejects``, never both.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd

from geo.gazetteer import Gazetteer
from layers.incidents import DTYPES, empty_incidents, parse_partial_dates, to_incident_frame
from layers.validation import (
    check_duplicate_ids,
    check_sources,
    check_toll_order,
    check_vocabulary,
    concat_issues,
    parse_coordinates,
    parse_tolls,
)

__all__ = ["REJECT_COLUMNS", "ImportResult", "build_result", "reject_rows"]

REJECT_COLUMNS = ("file", "row", "field", "value", "reason", "candidates")
FLAG_COLUMNS = ("file", "row", "id", "field", "value", "reason")


@dataclass(frozen=True, slots=True)
class ImportResult:
    """What an importer produced from one file.

    ``incidents`` holds the imported rows, ``rejects`` one row per input row
    that was not imported (columns file, row, field, value, reason,
    candidates), ``flagged`` one row per warning on an imported row.
    """

    incidents: gpd.GeoDataFrame
    rejects: pd.DataFrame
    flagged: pd.DataFrame
    rows_in: int
    format: str
    file: str = ""
    by_reason: dict[str, int] = field(default_factory=dict)

    @property
    def imported(self) -> int:
        """Number of rows imported."""
        return len(self.incidents)

    @property
    def rejected(self) -> int:
        """Number of input rows rejected."""
        return len(self.rejects)

    def summary(self) -> dict[str, object]:
        """Return the counts as a JSON-ready dict."""
        return {
            "file": self.file,
            "format": self.format,
            "rows_in": self.rows_in,
            "imported": self.imported,
            "rejected": self.rejected,
            "flagged": int(self.flagged["row"].nunique()) if len(self.flagged) else 0,
            "by_reason": dict(self.by_reason),
        }


def reject_rows(file: str, rows: object, field: str, value: object, reason: object) -> pd.DataFrame:
    """Return reject rows for input rows that could not even be staged."""
    out = pd.DataFrame({"row": rows})
    out["file"], out["field"], out["value"], out["reason"], out["candidates"] = file, field, value, reason, ""
    return out[list(REJECT_COLUMNS)]


def _text(values: pd.Series) -> pd.Series:
    return values.astype(object).where(values.notna(), "").astype(str).str.strip()


def _col(raw: pd.DataFrame, name: str) -> pd.Series:
    return _text(raw[name]) if name in raw.columns else pd.Series("", index=raw.index)


def stable_ids(raw: pd.DataFrame, prefix: str) -> pd.Series:
    """Return ids derived from each row's content (same row, same id on every import)."""
    key = (
        _col(raw, "date_start")
        + "|"
        + _col(raw, "date_end")
        + "|"
        + _col(raw, "place_reported")
        + "|"
        + _col(raw, "lat")
        + "|"
        + _col(raw, "lon")
        + "|"
        + _col(raw, "title")
        + "|"
        + _col(raw, "event_type")
    )
    digest = key.map(lambda k: hashlib.sha1(k.encode("utf-8"), usedforsecurity=False).hexdigest()[:12])
    return prefix + "-" + digest


def _geocode(frame: pd.DataFrame, need: pd.Series, gazetteer: Gazetteer | None, file: str) -> pd.DataFrame:
    """Fill lon/lat/place_id/geo_precision/admin1 of the *need* rows; return place issues."""
    if not bool(need.any()):
        return concat_issues([])
    names, ctx = _col(frame, "place_reported")[need], _col(frame, "place_context")[need]
    sub = frame.loc[need]
    if gazetteer is None:
        issues = pd.DataFrame(
            {
                "file": file,
                "row": sub["_row"].to_numpy(),
                "id": sub["id"].to_numpy(),
                "field": "place_reported",
                "value": names.to_numpy(),
                "reason": "unresolved place: no gazetteer was given to geocode " + names.map(repr).to_numpy(),
                "severity": "reject",
            }
        )
        issues["candidates"] = ""
        return issues
    found = gazetteer.resolve_many(names.tolist(), ctx.tolist())
    found.index = names.index
    ok = found["place_id"].notna()
    for column in ("lon", "lat", "place_id", "geo_precision"):
        frame.loc[ok[ok].index, column] = found.loc[ok, column]
    admin = frame["admin1"].astype(object).where(frame["admin1"].notna(), "") if "admin1" in frame else None
    if admin is not None:
        fill = ok & (admin.loc[names.index] == "")
        frame.loc[fill[fill].index, "admin1"] = [gazetteer.get(p)["admin1"] for p in found.loc[fill, "place_id"]]
    bad = ~ok
    kind = np.where(found["ambiguous"], "ambiguous place", "unresolved place")
    reason = pd.Series(kind, index=names.index) + ": " + found["reason"].astype(str)
    issues = pd.DataFrame(
        {
            "file": file,
            "row": sub["_row"].to_numpy(),
            "id": sub["id"].astype(str).to_numpy(),
            "field": "place_reported",
            "value": names.to_numpy(),
            "reason": reason.to_numpy(),
            "severity": "reject",
            "candidates": found["candidates"].astype(str).to_numpy(),
        }
    )
    return issues[bad.to_numpy()]


def build_result(
    raw: pd.DataFrame,
    *,
    file: str,
    fmt: str,
    rows_in: int,
    gazetteer: Gazetteer | None = None,
    pre_rejects: pd.DataFrame | None = None,
    dayfirst: bool | None = None,
    id_prefix: str | None = None,
) -> ImportResult:
    """Parse, geocode and check a staging table; split it into incidents and rejects.

    Parameters
    ----------
    raw : DataFrame
        The staging table (see the module docstring).
    file, fmt : str
        Named in every reject and flag; the format goes into the result.
    rows_in : int
        Number of data rows in the input (staged plus *pre_rejects*).
    gazetteer : Gazetteer, optional
        Resolves ``place_reported`` (with ``place_context`` as ``within=``)
        for rows without coordinates; without it such rows are rejected.
    pre_rejects : DataFrame, optional
        Rows that failed before staging (malformed lines, broken features).
    dayfirst : bool or None
        Passed to :func:`layers.incidents.parse_partial_dates`.
    id_prefix : str, optional
        Prefix of generated ids (default: the format).
    """
    frame = raw.reset_index(drop=True).copy()
    for column in ("id", "place_reported", "place_context", "admin1", "place_id", "event_type", "confidence"):
        if column not in frame.columns:
            frame[column] = ""
    for column in ("sources", "figures"):
        if column not in frame.columns:
            frame[column] = [[] for _ in range(len(frame))]
    frame["id"] = _col(frame, "id")
    no_id = frame["id"] == ""
    if bool(no_id.any()):
        frame.loc[no_id, "id"] = stable_ids(frame.loc[no_id], id_prefix or fmt)
    aggregate = (
        frame["aggregate"].map(lambda v: str(v).strip().lower() in ("true", "1", "yes"))
        if "aggregate" in frame.columns
        else pd.Series(False, index=frame.index)
    )
    offmap = (
        frame["_offmap"].fillna(False).astype(bool)
        if "_offmap" in frame.columns
        else pd.Series(False, index=frame.index)
    )
    issues = []
    dates = parse_partial_dates(
        _col(frame, "date_start"), _col(frame, "date_end"), _col(frame, "date_precision"), dayfirst=dayfirst
    )
    bad_date = dates["error"] != ""
    issues.append(
        pd.DataFrame(
            {
                "file": file,
                "row": frame.loc[bad_date, "_row"].to_numpy(),
                "id": frame.loc[bad_date, "id"].to_numpy(),
                "field": dates.loc[bad_date, "field"].to_numpy(),
                "value": np.where(
                    dates.loc[bad_date, "field"] == "date_end",
                    _col(frame, "date_end")[bad_date],
                    _col(frame, "date_start")[bad_date],
                ),
                "reason": dates.loc[bad_date, "error"].to_numpy(),
                "severity": "reject",
            }
        )
    )
    tolls, toll_issues = parse_tolls(frame, file)
    issues.append(toll_issues)
    lon, lat, coord_issues = parse_coordinates(frame, file)
    issues.append(coord_issues)
    frame = frame.assign(lon=lon, lat=lat, **{c: tolls[c] for c in tolls.columns})
    frame[["date_start", "date_end", "date_precision"]] = dates[["date_start", "date_end", "date_precision"]]
    frame["place_id"] = frame["place_id"].astype(object).where(_col(frame, "place_id") != "", None)
    if "geo_precision" not in frame.columns:
        frame["geo_precision"] = None
    frame["geo_precision"] = pd.to_numeric(frame["geo_precision"], errors="coerce").astype(object)
    frame["admin1"] = _col(frame, "admin1").astype(object)
    coord_rejected = frame["_row"].isin(coord_issues.loc[coord_issues["severity"] == "reject", "row"])
    # Aggregates are regional totals, never placed on the map: they are not geocoded here.
    unlocated = frame["lon"].isna() & ~coord_rejected & ~offmap & ~aggregate
    has_place = _col(frame, "place_reported") != ""
    place_issues = _geocode(frame, unlocated & has_place, gazetteer, file)
    no_location = unlocated & ~has_place & ~aggregate
    issues.append(
        pd.DataFrame(
            {
                "file": file,
                "row": frame.loc[no_location, "_row"].to_numpy(),
                "id": frame.loc[no_location, "id"].to_numpy(),
                "field": "place_reported",
                "value": "",
                "reason": "no location: the row has neither lat/lon nor a place name; add one",
                "severity": "reject",
            }
        )
    )
    frame, vocab_issues = check_vocabulary(frame, file)
    issues += [
        vocab_issues,
        check_toll_order(frame, file),
        check_duplicate_ids(frame, file),
        check_sources(frame, file, required=False),
    ]
    if "_flag" in frame.columns:
        flag = _col(frame, "_flag")
        issues.append(
            pd.DataFrame(
                {
                    "file": file,
                    "row": frame.loc[flag != "", "_row"].to_numpy(),
                    "id": frame.loc[flag != "", "id"],
                    "field": "geometry",
                    "value": "",
                    "reason": flag[flag != ""],
                    "severity": "flag",
                }
            )
        )
    all_issues = concat_issues(issues)
    all_issues["candidates"] = ""
    if len(place_issues):
        all_issues = pd.concat([all_issues, place_issues], ignore_index=True)
    rejected = all_issues[all_issues["severity"] == "reject"]
    bad_rows = set(rejected["row"])
    keep = ~frame["_row"].isin(bad_rows)
    rejects = _one_per_row(rejected)
    if pre_rejects is not None and len(pre_rejects):
        rejects = pd.concat([pre_rejects[list(REJECT_COLUMNS)], rejects], ignore_index=True)
    rejects = rejects.sort_values("row", kind="stable", ignore_index=True)
    flagged = all_issues[(all_issues["severity"] == "flag") & ~all_issues["row"].isin(bad_rows)]
    flagged = flagged[list(FLAG_COLUMNS)].sort_values("row", kind="stable", ignore_index=True)
    kept = frame.loc[keep].copy()
    kept["aggregate"] = aggregate[keep]
    if "dataset" not in kept.columns or not bool((_col(kept, "dataset") != "").any()):
        kept["dataset"] = file.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    columns = [c for c in DTYPES if c in kept.columns]
    incidents = assign_corridors(to_incident_frame(kept[columns])) if len(kept) else empty_incidents()
    by_reason = rejects["reason"].astype(str).str.split(":").str[0].value_counts().to_dict()
    return ImportResult(
        incidents=incidents,
        rejects=rejects,
        flagged=flagged,
        rows_in=rows_in,
        format=fmt,
        file=file,
        by_reason={str(k): int(v) for k, v in by_reason.items()},
    )


def _one_per_row(rejected: pd.DataFrame) -> pd.DataFrame:
    """Keep one reject per input row: the first field at fault, every reason joined."""
    if rejected.empty:
        return pd.DataFrame(columns=list(REJECT_COLUMNS))
    ordered = rejected.reset_index(drop=True)
    first = ordered.drop_duplicates("row", keep="first").set_index("row")
    counts = ordered.groupby("row", sort=False).size()
    more = counts[counts > 1].index
    if len(more):
        joined = ordered[ordered["row"].isin(more)].groupby("row", sort=False)["reason"].agg("; ".join)
        first.loc[joined.index, "reason"] = joined
    return first.reset_index()[list(REJECT_COLUMNS)]


def assign_corridors(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Fill corridor and chainage_km from :func:`geo.corridors.assign_corridors` when available.

    Until that function lands (ImportError) the columns stay empty. Rows
    kept off the map get no corridor.
    """
    try:
        from geo.corridors import assign_corridors as assign
    except ImportError:
        return gdf
    located = gdf.geometry.notna()
    if not bool(located.any()):
        return gdf
    placed = assign(pd.DataFrame({"lon": gdf.loc[located, "lon"], "lat": gdf.loc[located, "lat"]}))
    out = gdf.copy()
    out.loc[located, "corridor"] = placed["corridor"].astype(object).where(placed["corridor"].notna(), None)
    out.loc[located, "chainage_km"] = placed["chainage_km"].astype(float)
    out["corridor"] = out["corridor"].astype("str")
    return out
