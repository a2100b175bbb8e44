"""OCHA admin areas (governorates, districts, sub-districts) and point-in-area tests.

The polygons are ``data/gazetteer/ocha_admin_boundaries.geojson``: OCHA COD-AB
(CC BY-IGO) sub-districts simplified as one coverage (about 100 m) and dissolved
into districts and governorates, so the levels nest exactly (built by
``scripts/build_admin_boundaries.py``). Levels: 0 country, 1 governorate,
2 district, 3 sub-district. P-codes: ``SY01`` (admin1), ``SY0100`` (admin2),
``SY010000`` (admin3).

>>> areas = load_admin_areas()
>>> locate([36.29], [33.51], level=1)[0]   # Damascus city centre
'SY01'
>>> contains("SY03", 36.40, 33.57)          # Douma is in Rif Dimashq
True
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
import shapely

from geo.data_files import DATA_DIR as EMBEDDED_DATA

__all__ = ["ADMIN_BOUNDARIES_PATH", "AdminAreas", "area", "contains", "load_admin_areas", "locate"]

ADMIN_BOUNDARIES_PATH = EMBEDDED_DATA / "gazetteer" / "ocha_admin_boundaries.geojson"


class AdminAreas:
    """The admin polygons with an STRtree per level."""

    def __init__(self, path: Path = ADMIN_BOUNDARIES_PATH) -> None:
        data = json.loads(path.read_text(encoding="utf-8"))
        self.attribution: str = data.get("attribution", "")
        rows = [f["properties"] for f in data["features"]]
        geoms = [shapely.from_geojson(json.dumps(f["geometry"])) for f in data["features"]]
        self.table = pd.DataFrame(rows)
        self.geometry = np.asarray(geoms, dtype=object)
        shapely.prepare(self.geometry)
        self._pos = {pcode: i for i, pcode in enumerate(self.table["pcode"])}
        self._levels: dict[int, tuple[np.ndarray, shapely.STRtree]] = {}
        for level, idx in self.table.groupby("level").indices.items():
            idx = np.asarray(idx)
            self._levels[int(level)] = (idx, shapely.STRtree(self.geometry[idx]))

    def area(self, pcode: str) -> dict[str, object] | None:
        """Return the properties of one area (with its geometry), or None."""
        pos = self._pos.get(pcode)
        if pos is None:
            return None
        return {**self.table.iloc[pos].to_dict(), "geometry": self.geometry[pos]}

    def contains(self, pcode: str, lon: float, lat: float) -> bool:
        """Return True when the point lies inside (or on the edge of) the area ``pcode``."""
        pos = self._pos.get(pcode)
        if pos is None:
            raise KeyError(f"no admin area with P-code {pcode!r}")
        return bool(shapely.intersects_xy(self.geometry[pos], lon, lat))

    def locate(self, lons: Sequence[float], lats: Sequence[float], level: int) -> list[str | None]:
        """Return, for each point, the P-code of the area of ``level`` holding it (None outside Syria)."""
        idx, tree = self._levels[level]
        points = shapely.points(np.asarray(lons, dtype=float), np.asarray(lats, dtype=float))
        out: list[str | None] = [None] * len(points)
        point_i, area_i = tree.query(points, predicate="intersects")
        pcodes = self.table["pcode"].to_numpy()
        for p, a in zip(point_i, area_i, strict=True):
            if out[p] is None:
                out[p] = str(pcodes[idx[a]])
        return out

    def nearest(self, lons: Sequence[float], lats: Sequence[float], level: int, max_deg: float) -> list[str | None]:
        """Return, for each point, the P-code of the nearest area of ``level`` within ``max_deg`` degrees (or None).

        For points just outside the simplified polygons (a coast or border point within
        their ~100 m tolerance); ``locate`` is the test for points inside.
        """
        idx, tree = self._levels[level]
        points = shapely.points(np.asarray(lons, dtype=float), np.asarray(lats, dtype=float))
        out: list[str | None] = [None] * len(points)
        (point_i, area_i) = tree.query_nearest(points, max_distance=max_deg, all_matches=False)
        pcodes = self.table["pcode"].to_numpy()
        for p, a in zip(point_i, area_i, strict=True):
            out[p] = str(pcodes[idx[a]])
        return out


@lru_cache(maxsize=1)
def load_admin_areas() -> AdminAreas:
    """Return the shipped admin areas (read once per process)."""
    return AdminAreas()


def area(pcode: str) -> dict[str, object] | None:
    """Return one shipped admin area by P-code, or None."""
    return load_admin_areas().area(pcode)


def contains(pcode: str, lon: float, lat: float) -> bool:
    """Return True when the shipped area ``pcode`` holds the point."""
    return load_admin_areas().contains(pcode, lon, lat)


def locate(lons: Sequence[float], lats: Sequence[float], level: int) -> list[str | None]:
    """Return the P-code of the shipped area of ``level`` holding each point."""
    return load_admin_areas().locate(lons, lats, level)
