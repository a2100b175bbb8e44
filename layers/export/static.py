"""Static maps (PNG, SVG, PDF) drawn with matplotlib — never screenshots.

:func:`compose_map` builds a page once (background, corridors, legend, inset,
scale bar, north arrow, title, credits) and returns a :class:`MapCanvas`;
:func:`draw_incidents` then adds the points. :func:`render_map` does both and
saves. The animation and story exporters reuse the same canvas.
"""

from __future__ import annotations

import json
import re
import sys
import textwrap
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, cast

import geopandas as gpd
import matplotlib
import matplotlib.colors
import matplotlib.transforms
import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle
from matplotlib.transforms import Bbox

from geo.errors import ExportError, InvalidOptionError, RasterError
from layers.export import basemap as bm
from layers.export.cartography import (
    FONT,
    FROM_MAP,
    MAP_CRS,
    TO_MAP,
    draw_north_arrow,
    draw_scale_bar,
    get_preset,
    scale_bar_for,
    shape_text,
)
from layers.export.common import PROJECT, ExportResult, filter_incidents
from layers.export.labels import label_places
from layers.export.public import PublicReport, apply_public, export_metadata
from layers.render.payload import OTHER_COLOUR, category_values, colour_assignment

__all__ = ["MapCanvas", "compose_map", "draw_incidents", "label_places", "render_map", "save_figure"]

SEA, LAND, BORDER, RIVER = "#dce8f2", "#f5f2eb", "#6f6f6f", "#6f9fcc"
ADMIN = "#9a9289"
OFFLINE_SOURCES = "GSHHG 2.3.6 coast, borders and rivers (Wessel & Smith, LGPL)"
SYRIA_BBOX = (35.6, 32.3, 42.4, 37.35)
FORMATS = ("png", "svg", "pdf")


@dataclass(eq=False)
class MapCanvas:
    """A composed page: figure, map axes, and the styling the points must follow."""

    fig: Figure
    ax: Any
    colors: dict[str, str]
    report: PublicReport
    obstacles: list[Any] = field(default_factory=list)
    credits: str = ""
    font_pt: float = 9.0
    inset: Any = None
    notes: dict[str, str] = field(default_factory=dict)


def point_size(deaths: Any) -> np.ndarray:
    """Marker area (pt²) for a death toll: proportional to its square root; 0 or missing → 14.

    Examples
    --------
    >>> point_size([0, 100]).tolist()
    [14.0, 94.0]
    """
    d = np.nan_to_num(np.asarray(pd.to_numeric(pd.Series(deaths), errors="coerce"), dtype=float), nan=0.0)
    return np.where(d > 0, 14.0 + 8.0 * np.sqrt(d), 14.0)


def best_deaths(gdf: pd.DataFrame) -> np.ndarray:
    """Return deaths_best, else deaths_low, else deaths_high, else 0 per row."""
    out = pd.Series(np.nan, index=gdf.index, dtype=float)
    for column in ("deaths_best", "deaths_low", "deaths_high"):
        if column in gdf:
            out = out.fillna(pd.to_numeric(gdf[column], errors="coerce").astype(float))
    return out.fillna(0.0).to_numpy()


def _view_extent(
    gdf: gpd.GeoDataFrame,
    bbox: tuple[float, float, float, float] | None,
    aspect: float,
    min_span_km: float = 60.0,
    land: Any = None,
) -> tuple[tuple[float, float], tuple[float, float]]:
    """Map limits (xlim, ylim) in MAP_CRS covering *bbox* or the points, at the axes' aspect (w/h).

    The points keep a margin of 12 % of the span; where the page's shape leaves room to
    spare, the frame slides towards *land* (a MAP_CRS geometry) rather than empty sea.
    """
    if bbox is None:
        points = gdf.geometry[gdf.geometry.notna()] if len(gdf) else gpd.GeoSeries([])
        bbox = tuple(points.total_bounds) if len(points) else SYRIA_BBOX
    west, south, east, north = bbox
    xs, ys = TO_MAP.transform([west, east, west, east], [south, south, north, north])
    x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
    pad = 0.12 * max(x1 - x0, y1 - y0, min_span_km * 1000)
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    w, h = max(x1 - x0 + 2 * pad, min_span_km * 1000), max(y1 - y0 + 2 * pad, min_span_km * 1000)
    w, h = (h * aspect, h) if w / h < aspect else (w, w / aspect)
    if land is not None:  # slide the frame (points stay inside with their margin) towards land
        # the points stay clear of the furniture at the frame's sides (north arrow, legend, inset)
        mx, my = max(pad, 0.16 * w), max(pad, 0.12 * h)
        cx = _most_land(land, cx, cy, w, h, (x1 + mx - w / 2, x0 - mx + w / 2), axis=0)
        cy = _most_land(land, cx, cy, w, h, (y1 + my - h / 2, y0 - my + h / 2), axis=1)
    return (cx - w / 2, cx + w / 2), (cy - h / 2, cy + h / 2)


def _most_land(
    land: Any, cx: float, cy: float, w: float, h: float, span: tuple[float, float], *, axis: int, n: int = 13
) -> float:
    """Return the frame centre along *axis*, within *span*, nearest the current one with enough land.

    Enough: two thirds of the frame, or as much as any centre in *span* gives.
    """
    import shapely

    lo, hi = span
    if hi - lo <= 1.0:
        return cx if axis == 0 else cy
    here = cx if axis == 0 else cy
    centres = np.linspace(lo, hi, n)
    boxes = [
        shapely.box(c - w / 2, cy - h / 2, c + w / 2, cy + h / 2)
        if axis == 0
        else shapely.box(cx - w / 2, c - h / 2, cx + w / 2, c + h / 2)
        for c in centres
    ]
    areas = shapely.area(shapely.intersection(boxes, land))
    best = np.flatnonzero(areas >= min(areas.max() * 0.995, w * h * 2 / 3))
    return float(centres[best[np.argmin(np.abs(centres[best] - here))]])


def _land_union(base: bm.Basemap) -> Any:
    import shapely

    land = shapely.union_all(np.asarray(base.land.values))
    return shapely.difference(land, shapely.union_all(np.asarray(base.lakes.values))) if len(base.lakes) else land


def _bare(ax: Any) -> None:
    """Remove ticks and the axis labels geopandas adds from the CRS."""
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_xlabel("")
    ax.set_ylabel("")


def _draw_background(ax: Any, base: bm.Basemap, *, land: bool = True, admin: gpd.GeoSeries | None = None) -> None:
    if land:
        base.land.plot(ax=ax, color=LAND, edgecolor="#8aa4b8", linewidth=0.5, zorder=1)
        base.lakes.plot(ax=ax, color=SEA, edgecolor="#8aa4b8", linewidth=0.4, zorder=1.1)
    if admin is not None:
        admin.plot(ax=ax, color=ADMIN, linewidth=0.6, linestyle=(0, (3, 2)), zorder=1.15)
    base.rivers.plot(ax=ax, color=RIVER, linewidth=0.8, zorder=1.2)
    base.borders.plot(ax=ax, color=BORDER, linewidth=0.9, linestyle=(0, (5, 2, 1, 2)), zorder=1.3)


def _draw_corridors(ax: Any, corridors: Mapping[str, Any], font_pt: float) -> list[Any]:
    from pyproj import Geod

    geod = Geod(ellps="WGS84")
    texts = []
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    for ref, corridor in corridors.items():
        lons, lats = [], []
        for a, b in zip(corridor.vertices, corridor.vertices[1:], strict=False):
            pts = geod.npts(a.lon, a.lat, b.lon, b.lat, 8)
            lons += [a.lon, *(p[0] for p in pts)]
            lats += [a.lat, *(p[1] for p in pts)]
        lons.append(corridor.vertices[-1].lon)
        lats.append(corridor.vertices[-1].lat)
        xs, ys = TO_MAP.transform(lons, lats)
        ax.plot(xs, ys, color="white", linewidth=3.2, zorder=2, solid_capstyle="round")
        ax.plot(xs, ys, color="#b8860b", linewidth=1.6, zorder=2.1, solid_capstyle="round")
        inside = [(x, y) for x, y in zip(xs, ys, strict=True) if x0 < x < x1 and y0 < y < y1]
        if inside:
            x, y = inside[len(inside) // 2]
            texts.append(
                ax.text(
                    x,
                    y,
                    ref,
                    fontsize=font_pt * 0.85,
                    fontweight="bold",
                    family=FONT,
                    ha="center",
                    va="center",
                    zorder=6,
                    color="#5a4100",
                    bbox={"boxstyle": "round,pad=0.25", "fc": "#ffe9a8", "ec": "#b8860b", "lw": 0.8},
                )
            )
    return texts


def _display_points(ax: Any, gdf: gpd.GeoDataFrame) -> np.ndarray:
    """Display px of the mapped incidents of *gdf* (for placing the legend and the inset)."""
    if not len(gdf) or "lon" not in gdf:
        return np.zeros((0, 2))
    pts = gdf[gdf.geometry.notna() & ~gdf["aggregate"].fillna(False).astype(bool)]
    xs, ys = TO_MAP.transform(pts["lon"].to_numpy(float), pts["lat"].to_numpy(float))
    return np.asarray(ax.transData.transform(np.column_stack([xs, ys]))).reshape(-1, 2)


def _count_inside(points: np.ndarray, box: Any) -> int:
    if not len(points):
        return 0
    x, y = points[:, 0], points[:, 1]
    return int(((x >= box.x0) & (x <= box.x1) & (y >= box.y0) & (y <= box.y1)).sum())


def _inset_rect(fig: Figure, ax: Any, *, left: bool = False) -> tuple[float, float, float, float]:
    """The inset's (x, y, width, height) in figure fractions: a bottom corner of the map."""
    box = ax.get_position()
    width = box.width * 0.2
    height = width * fig.get_figwidth() / fig.get_figheight()
    x = box.x0 + 0.006 if left else box.x1 - width - 0.006
    return (x, box.y0 + 0.008, width, height)


def _draw_inset(fig: Figure, ax: Any, base: bm.Basemap, *, left: bool = False) -> Any:
    _, _, width, height = rect = _inset_rect(fig, ax, left=left)
    inset = fig.add_axes(rect)
    # The whole country, and the main map's extent wherever it is: the box always lies inside.
    (vx0, vx1), (vy0, vy1) = ax.get_xlim(), ax.get_ylim()
    vlon, vlat = FROM_MAP.transform([vx0, vx1, vx0, vx1], [vy0, vy0, vy1, vy1])
    west, south, east, north = SYRIA_BBOX
    country = (min(west, *vlon), min(south, *vlat), max(east, *vlon), max(north, *vlat))
    xlim, ylim = _view_extent(
        gpd.GeoDataFrame(geometry=[]), country, width * fig.get_figwidth() / (height * fig.get_figheight()), 10
    )
    inset.set_facecolor(SEA)
    base.land.plot(ax=inset, color=LAND, linewidth=0)
    base.borders.plot(ax=inset, color=BORDER, linewidth=0.5)
    bx0, bx1 = max(vx0, xlim[0]), min(vx1, xlim[1])
    by0, by1 = max(vy0, ylim[0]), min(vy1, ylim[1])
    box = Rectangle((bx0, by0), bx1 - bx0, by1 - by0, fill=False, edgecolor="#d62728", lw=1.4, zorder=5)
    inset.add_patch(box)
    inset.extent_box = box  # type: ignore[attr-defined]
    cx, cy = TO_MAP.transform(38.6, 35.1)
    inset.text(cx, cy, "SYRIA", fontsize=6, ha="center", va="center", family=FONT, color="#444")
    inset.set_xlim(*xlim)
    inset.set_ylim(*ylim)
    inset.set_aspect("equal")
    _bare(inset)
    for spine in inset.spines.values():
        spine.set_edgecolor("#555")
    return inset


def _legend(ax: Any, colors: Mapping[str, str], font_pt: float, n_aggregates: int, *, left: bool = False) -> Any:
    handles = [
        Line2D([], [], ls="", marker="o", ms=7, mfc=c, mec="black", mew=0.5, label=shape_text(name))
        for name, c in colors.items()
    ]
    handles.append(Line2D([], [], ls="", label="Deaths reported (best figure)"))
    for deaths in (10, 100, 1000):
        handles.append(
            Line2D(
                [],
                [],
                ls="",
                marker="o",
                ms=float(np.sqrt(point_size([deaths])[0])),
                mfc="#bbb",
                mec="black",
                mew=0.5,
                label=f"{deaths:,}",
            )
        )
    handles.append(
        Line2D(
            [],
            [],
            ls="",
            marker="o",
            ms=float(np.sqrt(14)),
            mfc="none",
            mec="black",
            mew=0.8,
            label="toll not reported",
        )
    )
    handles.append(Line2D([], [], ls="-", color="#b8860b", lw=1.6, label="highway corridor (M1, M4, M5)"))
    handles.append(Line2D([], [], ls="-", color=RIVER, lw=0.9, label="river"))
    handles.append(Line2D([], [], ls=(0, (5, 2, 1, 2)), color=BORDER, lw=0.9, label="international border"))
    handles.append(Line2D([], [], ls=(0, (3, 2)), color=ADMIN, lw=0.6, label="governorate boundary"))
    if n_aggregates:
        handles.append(Line2D([], [], ls="", label=f"{n_aggregates} regional total(s) not mapped as points"))
    legend = ax.legend(
        handles=handles,
        loc="upper left" if left else "upper right",
        fontsize=font_pt * 0.8,
        frameon=True,
        framealpha=0.92,
        borderpad=0.6,
        labelspacing=0.55,
        prop={"family": FONT, "size": font_pt * 0.8},
    )
    legend.set_zorder(30)
    return legend


def compose_map(
    gdf: gpd.GeoDataFrame,
    *,
    title: str = "",
    subtitle: str = "",
    date_range: str = "",
    preset: str = "a4_landscape",
    bbox: tuple[float, float, float, float] | None = None,
    report: PublicReport | None = None,
    corridors: Mapping[str, Any] | None = None,
    basemap: bm.Basemap | None = None,
    tiles: bool = False,
    geotiff: str | Path | None = None,
    caption: str = "",
    dpi: float = 100.0,
    hillshade: bool = False,
    colors: Mapping[str, str] | None = None,
) -> MapCanvas:
    """Build a page with everything but the incident points.

    *gdf* (already public-safe if it should be) sets the view, the legend and the
    credits. *bbox* (west, south, east, north) overrides the view. *colors* (campaign →
    colour) defaults to :func:`layers.render.payload.colour_assignment` of *gdf*; pass the
    assignment of the table before filtering so that colours never depend on a filter.
    """
    page = get_preset(preset)
    font_pt = 9.0 * min(page.width_in, page.height_in) / 8.27
    fig = Figure(figsize=(page.width_in, page.height_in), dpi=dpi)
    FigureCanvasAgg(fig)  # no pyplot: no global figure registry, safe in a server
    # geopandas' plot() ends with canvas.draw_idle(), which on Agg draws the whole figure at
    # once: every layer and legend/inset trial redrew the page (a 5-step story PDF spent most of
    # its time there). Nothing here needs those draws; savefig and get_renderer draw as needed.
    fig.canvas.draw_idle = lambda *args, **kwargs: None  # type: ignore[method-assign]
    top_in = 0.35 + font_pt / 72 * (2.0 + (1.3 if subtitle else 0) + (1.3 if date_range else 0))
    top_in += (font_pt / 72 * 1.4 * len(textwrap.wrap(caption, int(page.width_in * 13)))) if caption else 0
    # Credits at least 10 px tall at the output resolution (readable in a 960 × 540 GIF), wrapped to the page.
    report = report or PublicReport(False, "off", 0, 0, 0, None)
    credit_pt = max(font_pt * 0.72, 10.0 * 72.0 / dpi)
    credit_chars = int(page.width_in * 0.95 * 72 / (credit_pt * 0.52))
    bottom_in = 0.2 + credit_pt / 72 * 1.3 * 4 if credit_pt > font_pt * 0.72 else 0.2 + font_pt / 72 * 0.85 * 1.35 * 4
    ax = fig.add_axes((0.025, bottom_in / page.height_in, 0.95, 1 - (top_in + bottom_in) / page.height_in))
    aspect = (0.95 * page.width_in) / (page.height_in - top_in - bottom_in)
    base = (basemap or bm.load_basemap()).to_crs(MAP_CRS)
    land = _land_union(base) if bbox is None else None
    xlim, ylim = _view_extent(gdf, bbox, aspect, land=land)
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    ax.set_aspect("equal")
    ax.set_facecolor(SEA)
    background_note = f"Offline basemap: {OFFLINE_SOURCES}"
    tile_error = ""
    land = True
    if tiles:
        try:
            lon, lat = FROM_MAP.transform([xlim[0], xlim[1], xlim[0], xlim[1]], [ylim[0], ylim[0], ylim[1], ylim[1]])
            image, extent = bm.fetch_tiles((min(lon), min(lat), max(lon), max(lat)))
            shape = (1000, int(1000 * aspect))
            warped = bm.reproject_image(image, "EPSG:3857", extent, MAP_CRS, (*xlim, *ylim), shape)
            ax.imshow(warped, extent=(*xlim, *ylim), origin="upper", zorder=0.5)
            land = False
            background_note = f"{bm.OSM_ATTRIBUTION}; borders and rivers: GSHHG (Wessel & Smith)"
        except RasterError as err:
            # The reason goes to stderr and the metadata; the printed credits stay plain.
            tile_error = str(err)
            print(f"web tiles could not be loaded, offline basemap used: {tile_error}", file=sys.stderr)
            background_note = f"Web tiles could not be loaded; offline basemap: {OFFLINE_SOURCES}"
    admin = gpd.GeoSeries([bm.admin_lines(1)], crs="EPSG:4326").to_crs(MAP_CRS)
    # Only the geography the page can show: the view, widened to what the legend step below may
    # open it to (twice the width, twice the height northwards), plus a margin for line widths.
    # Dashed lines (borders, governorate lines) are kept whole: a cut line restarts its dashes.
    w, h = xlim[1] - xlim[0], ylim[1] - ylim[0]
    near = base.clip((xlim[0] - 0.55 * w, ylim[0] - 0.05 * h, xlim[1] + 0.55 * w, ylim[1] + 1.05 * h))
    _draw_background(ax, replace(near, borders=base.borders), land=land, admin=admin)
    background_note += f"; {bm.ADMIN_ATTRIBUTION}"
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    if geotiff is not None:
        from layers.raster import raster_under_map

        raster_under_map(ax, geotiff, hillshade=hillshade, map_crs=MAP_CRS, opacity=0.85, zorder=1.05)
        ax.set_xlim(*xlim)
        ax.set_ylim(*ylim)
        kind = "hillshade of " if hillshade else ""
        background_note += f"; raster: {kind}{Path(geotiff).name} (user-supplied)"
    _bare(ax)
    obstacles = _draw_corridors(ax, corridors or {}, font_pt)
    # One colour per campaign everywhere (layers.render.payload.colour_assignment); the legend
    # lists the campaigns on this map.
    colors = dict(colors) if colors is not None else colour_assignment(gdf)
    present = list(dict.fromkeys(category_values(gdf["campaign"]))) if len(gdf) else []
    n_agg = int(gdf["aggregate"].fillna(False).astype(bool).sum()) if len(gdf) else 0
    shown_colours = {c: colors.get(c, OTHER_COLOUR) for c in sorted(present, key=_order(colors))}
    # Legend and inset go to the corners that hide the fewest incidents; the north arrow and the
    # scale bar take the other sides.
    dots = _display_points(ax, gdf)
    renderer = cast(FigureCanvasAgg, fig.canvas).get_renderer()

    def legend_at(left: bool) -> Any:
        return _legend(ax, shown_colours or {"incidents": OTHER_COLOUR}, font_pt, n_agg, left=left)

    def hides(build: Any, left: bool) -> int:
        trial = build(left)
        hidden = _count_inside(dots, trial.get_window_extent(renderer))
        trial.remove()
        return hidden

    hidden_left, hidden_right = hides(legend_at, True), hides(legend_at, False)
    legend_left = hidden_left < hidden_right
    legend = legend_at(legend_left)
    if min(hidden_left, hidden_right) and bbox is None:
        # Still incidents under the legend: open the frame northwards (same aspect) until they clear it.
        frac = legend.get_window_extent(renderer).height / ax.bbox.height
        (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
        grow = 1.0 / max(0.5, 1.0 - frac - 0.03)
        cx, w = (x0 + x1) / 2, (x1 - x0) * grow
        xlim, ylim = (cx - w / 2, cx + w / 2), (y0, y0 + (y1 - y0) * grow)
        ax.set_xlim(*xlim)
        ax.set_ylim(*ylim)
    draw_north_arrow(ax, at=(0.95, 0.88) if legend_left else (0.05, 0.88), fontsize=font_pt * 1.1)

    def inset_hides(left: bool) -> int:  # the corner the inset would cover, measured without drawing it
        box = Bbox.from_bounds(*_inset_rect(fig, ax, left=left)).transformed(fig.transFigure)
        return _count_inside(dots, box)

    inset_left = inset_hides(True) < inset_hides(False)
    inset = _draw_inset(fig, ax, base, left=inset_left)
    bar_at = (0.70, 0.06) if inset_left else (0.05, 0.06)
    draw_scale_bar(ax, scale_bar_for(xlim, ylim, at=bar_at), fontsize=font_pt * 0.85)
    # Text at the top, measured in inches from the top edge.
    y = 1 - 0.25 / page.height_in
    for text, size, weight, color in (
        (title, 1.9, "bold", "black"),
        (subtitle, 1.15, "normal", "#333"),
        (date_range, 1.0, "normal", "#555"),
    ):
        if text:
            fig.text(
                0.025,
                y,
                shape_text(text),
                fontsize=font_pt * size,
                fontweight=weight,
                color=color,
                va="top",
                family=FONT,
            )
            y -= font_pt * size * 1.3 / 72 / page.height_in
    if caption:
        wrapped = "\n".join(textwrap.wrap(caption, int(page.width_in * 13)))
        fig.text(
            0.025,
            y - 0.05 / page.height_in,
            shape_text(wrapped),
            fontsize=font_pt,
            va="top",
            family=FONT,
            linespacing=1.3,
        )
    for most in (12, 6, 3, 0):  # four lines are kept free: name fewer publishers rather than cut the line
        credits = credits_line(gdf, background_note, report, max_publishers=most)
        if len(textwrap.wrap(credits, credit_chars)) <= 4:
            break
    fig.text(
        0.025,
        0.08 / page.height_in,
        "\n".join(textwrap.wrap(credits, credit_chars)),
        fontsize=credit_pt,
        color="#444",
        va="bottom",
        family=FONT,
        linespacing=1.25,
    )
    fig.canvas.draw()
    renderer = cast(FigureCanvasAgg, fig.canvas).get_renderer()
    obstacles = [t.get_window_extent(renderer).padded(2) for t in obstacles]
    obstacles += [legend.get_window_extent(renderer), inset.get_window_extent(renderer)]
    (sx, sy) = ax.transData.transform((xlim[0], ylim[0]))
    bw, bh = ax.bbox.width, ax.bbox.height
    bx = sx + (0.66 if inset_left else 0.0) * bw
    obstacles.append(matplotlib.transforms.Bbox([[bx, sy], [bx + 0.32 * bw, sy + 0.12 * bh]]))
    nx = sx + (0.9 if legend_left else 0.0) * bw
    obstacles.append(matplotlib.transforms.Bbox([[nx, sy + 0.8 * bh], [nx + 0.1 * bw, sy + bh]]))
    notes = {"background": "tiles" if tiles and not tile_error else "offline basemap"}
    if tile_error:
        notes["tile_error"] = tile_error
    return MapCanvas(fig, ax, colors, report, obstacles, credits, font_pt, inset, notes)


def _order(colors: Mapping[str, str]) -> Any:
    position = {c: i for i, c in enumerate(colors)}
    return lambda c: (position.get(c, len(position)), c)


def credit_publishers(gdf: gpd.GeoDataFrame) -> list[str]:
    """Return the publishers to credit, most cited first: plain names, deduplicated.

    "Reuters (via Haaretz)" and "reuters" are credited once as "Reuters"; a note in
    brackets is left out, and an unknown or internal source name is never printed.
    Sources stored as JSON text (GeoPackage datasets) count too.

    Examples
    --------
    >>> stored = '[{"publisher": "Reuters (via Haaretz)"}, {"publisher": "unknown (seed article)"}]'
    >>> credit_publishers(pd.DataFrame({"sources": [[{"publisher": "SNHR (as reported in seed 004)"}],
    ...                                             [{"publisher": "SNHR"}], stored]}))
    ['SNHR', 'Reuters']
    """
    if "sources" not in gdf or not len(gdf):
        return []
    names: dict[str, str] = {}
    counts: dict[str, int] = {}
    for sources in gdf["sources"]:
        for src in _sources_list(sources):
            name = str(src.get("publisher") or "").strip()
            plain = re.sub(r"\s*[(\[].*?[)\]]\s*", " ", name).strip(" ,;")
            key = plain.casefold()
            if not plain or key.startswith(("unknown", "n/a")) or "seed" in key:
                continue
            names.setdefault(key, plain)
            counts[key] = counts.get(key, 0) + 1
    return [names[k] for k in sorted(counts, key=lambda k: (-counts[k], k))]


def _sources_list(value: Any) -> list[Any]:
    if isinstance(value, list):
        return [s for s in value if isinstance(s, dict)]
    if isinstance(value, str) and value.strip().startswith("["):
        try:
            parsed = json.loads(value)
        except ValueError:
            return []
        return [s for s in parsed if isinstance(s, dict)] if isinstance(parsed, list) else []
    return []


def credits_line(gdf: gpd.GeoDataFrame, background_note: str, report: PublicReport, max_publishers: int = 12) -> str:
    """Return the credits: publishers of the incidents shown, basemap, public-safe note, project."""
    pubs = credit_publishers(gdf)
    shown = ", ".join(pubs[:max_publishers]) + (
        f" and {len(pubs) - max_publishers} more" if len(pubs) > max_publishers else ""
    )
    if pubs and not max_publishers:
        shown = f"{len(pubs)} publishers"
    if pubs:
        data = f"Data: incidents as reported by {shown} (see each record's sources)."
    elif len(gdf):
        data = f"Data: {len(gdf):,} incident record(s) of the chosen datasets (see each record's sources)."
    else:
        data = "Data: no incidents in this view."
    parts = [data, f"{background_note.rstrip('.')}.", report.credit_text(), f"Made with {PROJECT}."]
    return " ".join(dict.fromkeys(parts))


def draw_incidents(
    canvas: MapCanvas, gdf: gpd.GeoDataFrame, *, highlight: Iterable[str] = (), faded: bool = False
) -> Any:
    """Scatter the mapped (non-aggregate, located) incidents of *gdf* on *canvas*; return the collection."""
    pts = gdf[gdf.geometry.notna() & ~gdf["aggregate"].fillna(False).astype(bool)] if len(gdf) else gdf
    xs, ys = TO_MAP.transform(pts["lon"].to_numpy(float), pts["lat"].to_numpy(float)) if len(pts) else ([], [])
    deaths = best_deaths(pts) if len(pts) else np.zeros(0)
    colors = [canvas.colors.get(c, OTHER_COLOUR) for c in category_values(pts["campaign"])] if len(pts) else []
    face = np.array([matplotlib.colors.to_rgba(c, 0.25 if faded else 0.8) for c in colors]).reshape(-1, 4)
    face[deaths <= 0, 3] = 0.0
    edge = np.array(
        [
            matplotlib.colors.to_rgba("black" if d > 0 else c, 0.4 if faded else 1)
            for c, d in zip(colors, deaths, strict=True)
        ]
    ).reshape(-1, 4)
    widths = np.where(deaths > 0, 0.5, 1.2)
    marked = set(highlight)
    if marked and len(pts):
        is_hl = pts["id"].isin(marked).to_numpy()
        widths = np.where(is_hl, 2.0, widths)
        edge[is_hl & (deaths > 0)] = matplotlib.colors.to_rgba("black")
        if faded:  # only what is not highlighted fades
            face[is_hl & (deaths > 0), 3] = 0.85
            edge[is_hl, 3] = 1.0
    order = np.argsort(-deaths)  # big under small
    return canvas.ax.scatter(
        np.asarray(xs)[order],
        np.asarray(ys)[order],
        s=point_size(deaths)[order],
        c=face[order],
        edgecolors=edge[order],
        linewidths=widths[order],
        zorder=5,
    )


def save_figure(fig: Figure, path: str | Path, metadata: Mapping[str, Any], *, dpi: int | None = None) -> Path:
    """Save *fig* as PNG, SVG or PDF (by suffix) with *metadata* embedded as JSON text."""
    path = Path(path)
    fmt = path.suffix.lower().lstrip(".")
    if fmt not in FORMATS:
        raise InvalidOptionError(f"{path.name}: {fmt!r} is not a valid format, must be one of {FORMATS}")
    text = json.dumps(metadata, ensure_ascii=False, default=str)
    title = str(metadata.get("title", ""))
    meta: dict[str, Any] = {
        "png": {"Title": title, "Software": PROJECT, "Description": text, "export_metadata": text},
        "svg": {"Title": title, "Description": text, "Creator": PROJECT},
        "pdf": {"Title": title, "Subject": text, "Creator": PROJECT},
    }[fmt]
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fig.savefig(path, dpi=dpi, metadata=meta, format=fmt)
    except OSError as err:
        raise ExportError(f"{path}: cannot write the map ({err})") from err
    return path


def render_map(
    gdf: gpd.GeoDataFrame,
    path: str | Path,
    *,
    title: str = "",
    subtitle: str = "",
    preset: str = "a4_landscape",
    dpi: int | None = None,
    start: object = None,
    end: object = None,
    bbox: tuple[float, float, float, float] | None = None,
    public_safe: bool = True,
    grid_km: float | None = 1.0,
    sensitive: str = "withhold",
    places: pd.DataFrame | None = None,
    corridors: Mapping[str, Any] | None = None,
    tiles: bool = False,
    geotiff: str | Path | None = None,
    highlight: Iterable[str] = (),
    hillshade: bool = False,
    allowlist: Iterable[str] = (),
) -> ExportResult:
    """Render the incidents to a PNG, SVG or PDF map (format from the suffix of *path*).

    Parameters
    ----------
    gdf : GeoDataFrame
        Incident table. Aggregates are counted in the legend, never drawn as points.
    path : path
        ``.png`` (at *dpi*, default the preset's), ``.svg`` or ``.pdf``.
    preset : str
        One of ``slide_16_9``, ``a4_portrait``, ``a4_landscape``, ``square_social``.
    start, end : date-like, optional
        Keep incidents whose window overlaps [start, end].
    public_safe, grid_km, sensitive, allowlist
        See :mod:`layers.export.public`; on by default.
    places : DataFrame, optional
        Gazetteer places (``id``, ``name_en``, ``name_ar``) for bilingual labels.
    corridors : mapping, optional
        From :func:`geo.corridors.load_corridors`; drawn with their refs.
    tiles : bool
        Try OpenStreetMap tiles first (falls back to the offline basemap).
    hillshade : bool
        Draw the GeoTIFF (a DEM) as a hillshade.
    geotiff : path, optional
        A raster drawn under the vectors, reprojected to the map CRS.

    Returns
    -------
    ExportResult
        The path and the metadata embedded in the file.
    """
    colors = colour_assignment(gdf)
    chosen = filter_incidents(gdf, start, end)
    allow = [*allowlist, *(places["name_en"].astype(str) if places is not None else [])]
    table = apply_public(chosen, public_safe=public_safe, grid_km=grid_km, sensitive=sensitive, allowlist=allow)
    shown, report = table
    highlight = table.ids(highlight)  # the ids as written (public ids in public-safe mode)
    dates = _date_range_text(shown, start, end)
    canvas = compose_map(
        shown,
        title=title,
        subtitle=subtitle,
        date_range=dates,
        preset=preset,
        bbox=bbox,
        report=report,
        corridors=corridors,
        tiles=tiles,
        geotiff=geotiff,
        hillshade=hillshade,
        colors=colors,
    )
    draw_incidents(canvas, shown, highlight=highlight)
    label_places(canvas, shown, places)
    meta = export_metadata(
        report,
        fmt=Path(path).suffix.lstrip("."),
        title=title,
        count=len(shown),
        filters={"start": str(start or ""), "end": str(end or ""), "bbox": bbox},
    )
    meta["credits"] = canvas.credits
    meta.update(canvas.notes)
    out = save_figure(canvas.fig, path, meta, dpi=dpi or get_preset(preset).dpi)
    return ExportResult(out, meta)


def _date_range_text(gdf: gpd.GeoDataFrame, start: object, end: object) -> str:
    if not len(gdf):
        return ""
    s = pd.Timestamp(start).strftime("%d %b %Y") if start else gdf["date_start"].min().strftime("%d %b %Y")
    last = gdf["date_end"].fillna(gdf["date_start"]).max()
    e = pd.Timestamp(end).strftime("%d %b %Y") if end else last.strftime("%d %b %Y")
    return f"Incidents reported between {s} and {e}" if s != e else f"Incidents reported on {s}"
