"""The aggregated map's payload from grid *groups*, so a large selection never leaves the database as rows.

A group is one (5 km cell, colour category, first day, last day) with its incident
count ``n``, summed best deaths, how many give a figure, and the summed AEQD
position of its incidents (``sum_x``/``sum_y``, metres in ``geo.crs.SYRIA_AEQD``).
The PostGIS store computes them in SQL (:meth:`layers.pgstore.PostgisStore.grid_groups`);
:func:`frame_groups` computes the same from an in-memory incident table, so a
selection mixing both is one list of groups. :func:`payload_from_groups` then gives
the payload of :func:`layers.render.aggregate.to_grid_payload` (same levels, cells
placed at the mean position of their incidents, day-exact groups).

Examples
--------
>>> from layers.incidents import to_incident_frame
>>> gdf = to_incident_frame(pd.DataFrame({
...     "id": ["a", "b", "c"], "title": ["x", "y", "z"], "campaign": ["A", "A", "B"],
...     "lon": [36.70, 36.71, 38.0], "lat": [34.73, 34.74, 35.9], "deaths_best": [3, None, 10],
...     "date_start": ["2012-02-04", "2012-02-04", "2013-01-01"]}))
>>> p = payload_from_groups(frame_groups(gdf))
>>> p["mode"], p["n"], [len(level["lat"]) for level in p["levels"]]
('grid', 3, [2, 2, 2, 2])
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from geo.crs import FROM_SYRIA_AEQD, TO_SYRIA_AEQD
from layers.render.aggregate import GRID_LEVELS, _encode_groups, _pair_key, _unpair
from layers.render.payload import colour_codes, colour_index, day_bounds, drawable_rows

__all__ = ["GROUP_COLUMNS", "frame_groups", "payload_from_groups", "timeline_from_groups"]

GROUP_COLUMNS = ("ix", "iy", "category", "t0", "t1", "n", "deaths", "with_deaths", "sum_x", "sum_y")
FINE_KM = 5


def frame_groups(gdf: pd.DataFrame, colour_by: str = "campaign") -> pd.DataFrame:
    """Return the grid groups (:data:`GROUP_COLUMNS`) of the drawable incidents of an in-memory table."""
    rows, lon, lat, _ = drawable_rows(gdf)
    if not len(rows):
        return pd.DataFrame({c: pd.Series(dtype="object" if c == "category" else "int64") for c in GROUP_COLUMNS})
    x, y = TO_SYRIA_AEQD.transform(lon, lat)
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    t0, t1 = day_bounds(rows)
    deaths = pd.to_numeric(rows["deaths_best"], errors="coerce").astype("Float64")
    category = rows[colour_by] if colour_by in rows else pd.Series(None, index=rows.index, dtype="object")
    frame = pd.DataFrame(
        {
            "ix": np.floor(x / (FINE_KM * 1000.0)).astype("int64"),
            "iy": np.floor(y / (FINE_KM * 1000.0)).astype("int64"),
            "category": category.astype("object").where(category.notna(), None).to_numpy(),
            "t0": t0,
            "t1": t1,
            "n": 1,
            "deaths": deaths.fillna(0).to_numpy(dtype="int64"),
            "with_deaths": deaths.notna().to_numpy(dtype="int64"),
            "sum_x": x,
            "sum_y": y,
        }
    )
    keys = ["ix", "iy", "category", "t0", "t1"]
    return frame.groupby(keys, as_index=False, dropna=False, sort=False).sum()


def payload_from_groups(
    groups: pd.DataFrame,
    *,
    colour_by: str = "campaign",
    categories: Sequence[str] | None = None,
    time_label: str | None = None,
    levels: Sequence[tuple[int, int]] = GRID_LEVELS,
    n_aggregate: int = 0,
) -> dict[str, Any]:
    """Return the aggregated map payload (as :func:`layers.render.aggregate.to_grid_payload`) of *groups*.

    *groups* has :data:`GROUP_COLUMNS` with ``ix``/``iy`` indexing 5 km cells; rows with the
    same key are summed. *n_aggregate* counts the regional totals left off the map (for the note).
    """
    sizes = [int(km) for km, _ in levels]
    if sizes[-1] != FINE_KM or any(km % FINE_KM for km in sizes):
        raise ValueError(f"grid sizes {sizes} must be multiples of {FINE_KM} km, ending with {FINE_KM}")
    groups = groups.reset_index(drop=True)
    # The colour keys of the few distinct categories, not of every group (10^5 texts cleaned at all-Syria scale).
    codes, uniques = pd.factorize(groups["category"], use_na_sentinel=False)
    key_codes, keys = colour_codes(pd.DataFrame({colour_by: pd.Series(uniques, dtype="object")}), colour_by)
    cats, colours, cat_index = colour_index(key_codes[codes], keys, colour_by, categories)
    n = groups["n"].to_numpy(dtype="int64")
    fine_code, fine_uniques = pd.factorize(_pair_key(groups["ix"].to_numpy(), groups["iy"].to_numpy()))
    ufx, ufy = _unpair(np.asarray(fine_uniques, dtype="int64"))
    sum_x, sum_y = groups["sum_x"].to_numpy(dtype=float), groups["sum_y"].to_numpy(dtype=float)
    out_levels = []
    for km, min_zoom in levels:
        k = int(km) // FINE_KM
        level_code = pd.factorize(_pair_key(ufx // k, ufy // k))[0]
        per_group = level_code[fine_code] if len(groups) else np.empty(0, "int64")
        n_cells = int(level_code.max()) + 1 if len(level_code) else 0
        counts = np.bincount(per_group, weights=n, minlength=n_cells)
        mx = np.bincount(per_group, weights=sum_x, minlength=n_cells) / np.maximum(counts, 1)
        my = np.bincount(per_group, weights=sum_y, minlength=n_cells) / np.maximum(counts, 1)
        clon, clat = FROM_SYRIA_AEQD.transform(mx, my)
        out_levels.append(
            {
                "km": int(km),
                "minZoom": int(min_zoom),
                "lat": np.round(np.asarray(clat, dtype=float), 4).tolist(),
                "lon": np.round(np.asarray(clon, dtype=float), 4).tolist(),
                "of": level_code.astype("int64").tolist(),
                "max": int(counts.max()) if n_cells else 0,
            }
        )
    t0 = groups["t0"].to_numpy(dtype="int64")
    encoded = (
        pd.DataFrame(
            {
                "cell": fine_code,
                "c": cat_index,
                "t0": t0,
                "dt": groups["t1"].to_numpy(dtype="int64") - t0,
                "n": n,
                "d": groups["deaths"].to_numpy(dtype="int64"),
                "k": groups["with_deaths"].to_numpy(dtype="int64"),
            }
        )
        .groupby(["cell", "c", "t0", "dt"], sort=True, as_index=False)
        .sum()
    )
    return {
        "mode": "grid",
        "n": int(n.sum()),
        "levels": out_levels,
        "g": _encode_groups(encoded),
        "cats": cats,
        "colours": colours,
        "colourBy": colour_by.replace("_", " "),
        "note": (f"{n_aggregate} aggregate total(s) (regional figures) not drawn as points." if n_aggregate else ""),
        "timeLabel": time_label or "",
    }


def timeline_from_groups(groups: pd.DataFrame, freq: str = "D") -> pd.DataFrame:
    """Return :func:`layers.timeline.timeline_counts` (incidents per period of their first day) of *groups*.

    Counts the incidents on the map (located, not aggregate totals); undated groups are left out.
    """
    from layers.timeline import timeline_counts

    dated = groups[groups["t0"] > -(10**6)]
    per_day = dated.groupby("t0", as_index=False)["n"].sum()
    start = pd.to_datetime(per_day["t0"].to_numpy(dtype="int64"), unit="D", utc=True)
    # timeline_counts sums deaths_best per period: the count of each day goes in as its weight.
    weights = pd.DataFrame({"date_start": start, "deaths_best": pd.array(per_day["n"], dtype="Int64")})
    return timeline_counts(weights.assign(aggregate=False), freq=freq, value="deaths")
