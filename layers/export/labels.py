"""Labels of static maps: incident places, context towns and rivers, each tied to the right dot.

:func:`label_places` names the incident places (English and Arabic), then the main towns in
view as context (grey, a small square, no box: not incidents), then the two rivers. Every label is
placed by :func:`layers.export.cartography.place_labels`: nearer its own dot than any other
dot (incident or town), with a leader line when it had to move away.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from layers.export import basemap as bm
from layers.export.cartography import TO_MAP, place_labels, shape_text

__all__ = ["RIVER_LABELS", "incident_dots", "label_places", "place_keys"]

#: Label anchors (not geometry) for the two rivers every map of Syria names.
RIVER_LABELS = (
    ("Euphrates", "الفرات", 39.35, 35.85),
    ("Euphrates", "الفرات", 40.33, 35.25),
    ("Orontes", "العاصي", 36.38, 35.72),
    ("Orontes", "العاصي", 36.72, 34.95),
)
TOWN_COLOUR = "#555555"


def place_keys(gdf: gpd.GeoDataFrame) -> pd.Series:
    """Return the key incident labels are grouped by: ``place_id``, else ``place_reported``."""
    return gdf["place_id"].fillna(gdf["place_reported"]).astype(str)


def _mapped(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    if not len(gdf):
        return gdf
    return gdf[gdf.geometry.notna() & ~gdf["aggregate"].fillna(False).astype(bool)]


def incident_dots(canvas: Any, gdf: gpd.GeoDataFrame) -> np.ndarray:
    """Return (x, y, radius) in display px of every mapped incident of *gdf* as drawn on *canvas*."""
    from layers.export.static import best_deaths, point_size

    pts = _mapped(gdf)
    if not len(pts):
        return np.zeros((0, 3))
    xs, ys = TO_MAP.transform(pts["lon"].to_numpy(float), pts["lat"].to_numpy(float))
    disp = canvas.ax.transData.transform(np.column_stack([xs, ys]))
    radius = np.sqrt(point_size(best_deaths(pts))) / 2 * canvas.fig.dpi / 72
    return np.column_stack([disp, radius])


def _towns_in_view(canvas: Any, dots: np.ndarray, taken_names: set[str], max_towns: int) -> list[dict[str, Any]]:
    """Context towns: the gazetteer's main cities inside the frame, not on top of an incident dot."""
    ax = canvas.ax
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    out = []
    for en, ar, lon, lat, rank in sorted(bm.main_cities(), key=lambda c: c[4]):
        if en.lower() in taken_names:
            continue
        x, y = TO_MAP.transform(lon, lat)
        if not (x0 < x < x1 and y0 < y < y1):
            continue
        px = ax.transData.transform((x, y))
        if len(dots) and np.any(np.hypot(dots[:, 0] - px[0], dots[:, 1] - px[1]) < dots[:, 2] + 6):
            continue  # an incident dot is there: its own label names the place
        out.append({"x": x, "y": y, "en": en, "ar": ar, "rank": rank})
        if len(out) >= max_towns:
            break
    return out


def label_places(
    canvas: Any,
    gdf: gpd.GeoDataFrame,
    places: pd.DataFrame | None = None,
    max_labels: int = 40,
    first: Iterable[str] = (),
    *,
    context: bool = True,
    max_towns: int = 12,
) -> list[Any]:
    """Label incident places, then context towns, then rivers; return the placed labels.

    Each returned Text has ``_label_kind``: ``"incident"``, ``"context"`` or ``"river"``, and
    ``_place_key`` (the ``place_id``, else ``place_reported``, of an incident label).
    Context towns are drawn as small grey squares with grey names (no white box) and are not
    incidents (they are not in the legend's counts).
    """
    from layers.export.static import best_deaths, point_size

    pts = _mapped(gdf)
    dots = incident_dots(canvas, gdf)
    candidates: list[dict[str, Any]] = []
    named: set[str] = set()
    if len(pts):
        table = pts.assign(
            _d=best_deaths(pts),
            _key=place_keys(pts),
            _first=pts["id"].isin(set(first)),
        )
        groups = table.groupby("_key", sort=False).agg(
            lon=("lon", "first"),
            lat=("lat", "first"),
            d=("_d", "sum"),
            dmax=("_d", "max"),
            name=("place_reported", "first"),
            first=("_first", "any"),
        )
        names = places.set_index("id")[["name_en", "name_ar"]] if places is not None else None
        for key, row in groups.sort_values(["first", "d"], ascending=False).head(max_labels).iterrows():
            text = str(row["name"])
            named.add(text.lower())
            if names is not None and key in names.index:
                en, ar = names.loc[key, "name_en"], names.loc[key, "name_ar"]
                named.add(str(en).lower())
                text = f"{en}\n{shape_text(str(ar))}" if isinstance(ar, str) and ar else str(en)
            x, y = TO_MAP.transform(row["lon"], row["lat"])
            candidates.append(
                {
                    "x": x,
                    "y": y,
                    "text": text,
                    "fontsize": canvas.font_pt * 0.8,
                    "zorder": 7,
                    "gap": float(np.sqrt(point_size([row["dmax"]])[0])) / 2,
                    "linespacing": 1.0,
                    "bbox": {"boxstyle": "round,pad=0.12", "fc": "white", "ec": "none", "alpha": 0.75},
                    "_kind": "incident",
                    "_key": key,
                }
            )
    towns = _towns_in_view(canvas, dots, named, max_towns) if context else []
    if towns:
        tx = np.array([t["x"] for t in towns])
        ty = np.array([t["y"] for t in towns])
        canvas.ax.scatter(tx, ty, s=9, marker="s", c="white", edgecolors=TOWN_COLOUR, linewidths=0.8, zorder=4.5)
        disp = canvas.ax.transData.transform(np.column_stack([tx, ty]))
        dots = np.vstack([dots, np.column_stack([disp, np.full(len(towns), 2.0 * canvas.fig.dpi / 72)])])
    for town in towns:
        candidates.append(
            {
                "x": town["x"],
                "y": town["y"],
                "text": f"{town['en']}\n{shape_text(town['ar'])}" if town["ar"] else town["en"],
                "fontsize": canvas.font_pt * (0.78 if town["rank"] == 1 else 0.7),
                "color": TOWN_COLOUR,
                "zorder": 6,
                "gap": 1.5,
                "linespacing": 1.0,
                "_kind": "context",
            }
        )
    for en, ar, lon, lat in RIVER_LABELS:
        x, y = TO_MAP.transform(lon, lat)
        candidates.append(
            {
                "x": x,
                "y": y,
                "text": f"{en} {shape_text(ar)}",
                "fontsize": canvas.font_pt * 0.75,
                "color": "#3d6f9e",
                "zorder": 3,
                "dot": False,
                "_kind": "river",
            }
        )
    # Context towns are placed right next to their square (no leader lines: they are not the story).
    kinds = [c.pop("_kind") for c in candidates]
    keys = [c.pop("_key", None) for c in candidates]
    placed: list[Any] = []
    for kind, key, cand in zip(kinds, keys, candidates, strict=True):
        got = place_labels(
            canvas.ax,
            [cand],
            obstacles=canvas.obstacles + [t._box for t in placed],
            dots=dots,
            rings=0 if kind == "context" else 4,
        )
        for text in got:
            text._label_kind = kind
            text._place_key = key
            text._box = text.get_window_extent(_renderer(canvas)).padded(2.0)
            placed.append(text)
    return placed


def _renderer(canvas: Any) -> Any:
    return canvas.fig.canvas.get_renderer()
