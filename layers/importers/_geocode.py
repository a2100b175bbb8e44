"""Geocoding of staged rows that have a place name but no coordinates.

Only ``resolved`` matches are placed. A ``review`` match (a best guess the
gazetteer is not sure enough of) and ``ambiguous`` / ``unresolved`` names are
rejects that go to the review table; a review row's candidates start with the
best guess, which the app preselects. A row whose ``place_reported`` is not
found is tried again with ``place_reported_ar`` when the file gives one.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from geo.gazetteer import Gazetteer
from layers.validation import concat_issues

__all__ = ["geocode_rows"]


def _col(frame: pd.DataFrame, name: str) -> pd.Series:
    if name not in frame.columns:
        return pd.Series("", index=frame.index)
    values = frame[name]
    if isinstance(values.dtype, pd.StringDtype):
        return values.fillna("").str.strip()
    return values.astype(object).where(values.notna(), "").astype(str).str.strip()


def _status(found: pd.DataFrame) -> pd.Series:
    """Each match's status (the gazetteer's own column, or derived from an older one)."""
    if "status" in found.columns:
        return found["status"].astype(str)
    derived = np.where(found["place_id"].notna(), "resolved", np.where(found["ambiguous"], "ambiguous", "unresolved"))
    return pd.Series(derived, index=found.index)


def _resolve(gazetteer: Gazetteer, names: pd.Series, ctx: pd.Series) -> pd.DataFrame:
    found = gazetteer.resolve_many(names.tolist(), ctx.tolist())
    found.index = names.index
    found["status"] = _status(found)
    return found


def geocode_rows(frame: pd.DataFrame, need: pd.Series, gazetteer: Gazetteer | None, file: str) -> pd.DataFrame:
    """Fill lon/lat/place_id/geo_precision/admin1 of the *need* rows in place; return place issues."""
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
    found = _resolve(gazetteer, names, ctx)
    arabic = _col(frame, "place_reported_ar")[need]
    retry = (found["status"] != "resolved") & (arabic != "") & (arabic != names)
    if bool(retry.any()):
        again = _resolve(gazetteer, arabic[retry], ctx[retry])
        better = again["status"] == "resolved"
        found.loc[better[better].index] = again.loc[better]
    ok = found["status"] == "resolved"
    for column in ("lon", "lat", "place_id", "geo_precision"):
        frame.loc[ok[ok].index, column] = found.loc[ok, column]
    admin = frame["admin1"].astype(object).where(frame["admin1"].notna(), "") if "admin1" in frame else None
    if admin is not None:
        fill = ok & (admin.loc[names.index] == "")
        frame.loc[fill[fill].index, "admin1"] = [gazetteer.get(p)["admin1"] for p in found.loc[fill, "place_id"]]
    kind = found["status"].map(
        {"review": "place to review", "ambiguous": "ambiguous place", "unresolved": "unresolved place"}
    )
    reason = kind.fillna("unresolved place") + ": " + found["reason"].astype(str)
    review = found["status"] == "review"
    reason = reason.where(
        ~review,
        "place to review: best guess "
        + found["place_id"].astype(str)
        + " ("
        + found["match_name"].astype(str)
        + "); not placed until you accept it",
    )
    candidates = found["candidates"].astype(str)
    best = found["place_id"].astype(str) + ": " + found["match_name"].astype(str)
    starts = pd.Series(
        [c.startswith(f"{p}:") for c, p in zip(candidates, found["place_id"], strict=True)], index=candidates.index
    )
    first = review & ~starts
    candidates = candidates.where(~first, best + np.where(candidates != "", "; ", "") + candidates)
    issues = pd.DataFrame(
        {
            "file": file,
            "row": sub["_row"].to_numpy(),
            "id": sub["id"].astype(str).to_numpy(),
            "field": "place_reported",
            "value": names.to_numpy(),
            "reason": reason.to_numpy(),
            "severity": "reject",
            "candidates": candidates.to_numpy(),
        }
    )
    return issues[(~ok).to_numpy()]
