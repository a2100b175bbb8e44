"""Map furniture: page presets, Arabic text, the scale bar, the north arrow, label placement.

The static maps are drawn in :data:`MAP_CRS` (the same azimuthal
equidistant projection centred on Syria as the public-safe grid), in metres.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, cast

import arabic_reshaper
import numpy as np
from bidi import get_display
from matplotlib import ft2font
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.transforms import Bbox
from pyproj import Geod, Transformer

from geo.errors import InvalidOptionError
from layers.export.public import GRID_CRS

__all__ = [
    "FONT",
    "MAP_CRS",
    "PRESETS",
    "Preset",
    "ScaleBar",
    "draw_north_arrow",
    "draw_scale_bar",
    "get_preset",
    "label_anchor",
    "place_labels",
    "scale_bar_for",
    "shape_text",
]

MAP_CRS = GRID_CRS
FONT = "DejaVu Sans"  # bundled with matplotlib; has the Arabic presentation forms (checked in the tests)
GEOD = Geod(ellps="WGS84")
TO_MAP = Transformer.from_crs("EPSG:4326", MAP_CRS, always_xy=True)
FROM_MAP = Transformer.from_crs(MAP_CRS, "EPSG:4326", always_xy=True)
#: Whether matplotlib lays out complex scripts itself (libraqm).
NATIVE_SHAPING = bool(getattr(ft2font, "__libraqm_version__", ""))
_ARABIC = re.compile("[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]")


@dataclass(frozen=True, slots=True)
class Preset:
    """A page: size in inches and the default dpi for raster output."""

    name: str
    width_in: float
    height_in: float
    dpi: int


PRESETS = {
    p.name: p
    for p in (
        Preset("slide_16_9", 13.333, 7.5, 144),  # 1920 × 1080 px
        Preset("a4_portrait", 8.27, 11.69, 300),
        Preset("a4_landscape", 11.69, 8.27, 300),
        Preset("square_social", 8.0, 8.0, 135),  # 1080 × 1080 px
    )
}


def get_preset(name: str) -> Preset:
    """Return the preset called *name*.

    Examples
    --------
    >>> get_preset("a4_landscape").width_in
    11.69
    """
    try:
        return PRESETS[name]
    except KeyError:
        raise InvalidOptionError(f"{name!r} is not a valid preset, must be one of {tuple(PRESETS)}") from None


def shape_text(text: str) -> str:
    """Return *text* ready for matplotlib: Arabic letters joined and laid out right to left.

    Matplotlib ≥ 3.11 built with libraqm (the wheels are) shapes and orders
    Arabic itself; reshaping it again with arabic_reshaper + python-bidi
    would reverse it (checked by rendering), so then the text is returned as
    is. Older matplotlib gets the presentation forms in visual order.
    Text without Arabic is always returned unchanged.

    Examples
    --------
    >>> shape_text("Jableh")
    'Jableh'
    >>> shape_text("جبلة") == ("جبلة" if NATIVE_SHAPING else get_display(arabic_reshaper.reshape("جبلة")))
    True
    """
    if not text or not _ARABIC.search(text) or NATIVE_SHAPING:
        return text
    return "\n".join(get_display(arabic_reshaper.reshape(line)) for line in text.split("\n"))


@dataclass(frozen=True, slots=True)
class ScaleBar:
    """A scale bar in map coordinates whose ends are ``length_km`` apart on the ellipsoid."""

    x0: float
    y0: float
    length_map: float
    length_km: float

    def ends_lonlat(self) -> tuple[tuple[float, float], tuple[float, float]]:
        """Return the (lon, lat) of both ends."""
        lon, lat = FROM_MAP.transform([self.x0, self.x0 + self.length_map], [self.y0, self.y0])
        return (lon[0], lat[0]), (lon[1], lat[1])


def _geodesic_km(x0: float, y0: float, length: float) -> float:
    lon, lat = FROM_MAP.transform([x0, x0 + length], [y0, y0])
    return float(GEOD.inv(lon[0], lat[0], lon[1], lat[1])[2]) / 1000.0


def scale_bar_for(
    xlim: tuple[float, float],
    ylim: tuple[float, float],
    *,
    fraction: float = 0.2,
    at: tuple[float, float] = (0.05, 0.06),
) -> ScaleBar:
    """Return a round-numbered scale bar about *fraction* of the map width, placed at *at* (axes fraction).

    Its length is fitted on the WGS84 ellipsoid at the bar's own position
    (pyproj.Geod), so it is right in km at that latitude.

    Examples
    --------
    >>> bar = scale_bar_for((-300e3, 300e3), (-200e3, 200e3))
    >>> bar.length_km
    100.0
    """
    width = xlim[1] - xlim[0]
    x0 = xlim[0] + at[0] * width
    y0 = ylim[0] + at[1] * (ylim[1] - ylim[0])
    approx_km = _geodesic_km(x0, y0, fraction * width)
    exponent = 10 ** np.floor(np.log10(approx_km))
    nice = max(m * exponent for m in (1, 2, 5) if m * exponent <= approx_km)
    length = fraction * width * nice / approx_km
    for _ in range(3):  # the scale varies a little along the bar: refine
        length *= nice / _geodesic_km(x0, y0, length)
    return ScaleBar(x0, y0, length, float(nice))


def draw_scale_bar(ax: Axes, bar: ScaleBar, *, fontsize: float = 8) -> list[Any]:
    """Draw *bar* as a two-segment black/white bar with its length in km."""
    height = (ax.get_ylim()[1] - ax.get_ylim()[0]) * 0.008
    half = bar.length_map / 2
    artists: list[Artist] = [
        ax.add_patch(_rect(bar.x0, bar.y0, half, height, "black")),
        ax.add_patch(_rect(bar.x0 + half, bar.y0, half, height, "white")),
    ]
    label = f"{bar.length_km:g} km"
    for x, text in ((bar.x0, "0"), (bar.x0 + bar.length_map, label)):
        artists.append(
            ax.text(x, bar.y0 + 2.2 * height, text, ha="center", va="bottom", fontsize=fontsize, family=FONT, zorder=20)
        )
    return artists


def _rect(x: float, y: float, w: float, h: float, face: str) -> Any:
    from matplotlib.patches import Rectangle

    return Rectangle((x, y), w, h, facecolor=face, edgecolor="black", linewidth=0.6, zorder=20)


def draw_north_arrow(ax: Axes, *, at: tuple[float, float] = (0.05, 0.88), fontsize: float = 10) -> float:
    """Draw an arrow to true north at *at* (axes fraction); return its angle from the map's up, degrees."""
    x = ax.get_xlim()[0] + at[0] * (ax.get_xlim()[1] - ax.get_xlim()[0])
    y = ax.get_ylim()[0] + at[1] * (ax.get_ylim()[1] - ax.get_ylim()[0])
    lon, lat = FROM_MAP.transform(x, y)
    nx, ny = TO_MAP.transform(lon, lat + 0.05)
    angle = float(np.degrees(np.arctan2(nx - x, ny - y)))
    length = 0.07 * (ax.get_ylim()[1] - ax.get_ylim()[0])
    dx, dy = length * np.sin(np.radians(angle)), length * np.cos(np.radians(angle))
    ax.annotate(
        "",
        xy=(x + dx, y + dy),
        xytext=(x, y),
        arrowprops={"arrowstyle": "-|>,head_width=0.5,head_length=0.9", "color": "black", "lw": 1.6},
        zorder=20,
    )
    ax.text(
        x + dx * 1.25,
        y + dy * 1.25,
        "N",
        ha="center",
        va="center",
        fontsize=fontsize,
        fontweight="bold",
        family=FONT,
        zorder=20,
    )
    return angle


def _directions(n: int) -> list[tuple[float, float]]:
    """Return unit vectors, east first, then alternating around the circle (E, W, NE, NW, SE, SW, …)."""
    angles = [0.0, 180.0, 45.0, 135.0, -45.0, -135.0, 90.0, -90.0]
    if n > 8:
        angles += [a + 22.5 for a in (0.0, 180.0, 45.0, 135.0, -45.0, -135.0, 90.0, -90.0)]
    return [(float(np.cos(np.radians(a))), float(np.sin(np.radians(a)))) for a in angles[:n]]


def _nearest_on_box(box: Bbox, x: float, y: float) -> tuple[float, float]:
    return float(np.clip(x, box.x0, box.x1)), float(np.clip(y, box.y0, box.y1))


def label_anchor(text: Any) -> tuple[float, float]:
    """Return the display point a reader ties a placed label to: its leader's end, else its box's nearest point.

    Works for the labels :func:`place_labels` returns (they carry ``_own_dot``, display px).
    """
    leader = getattr(text, "_leader", None)
    if leader is not None:
        xs, ys = leader.get_data()
        end = leader.axes.transData.transform((xs[-1], ys[-1]))
        return float(end[0]), float(end[1])
    renderer = cast("FigureCanvasAgg", text.figure.canvas).get_renderer()
    return _nearest_on_box(text.get_window_extent(renderer), *text._own_dot)


def place_labels(
    ax: Axes,
    candidates: list[dict[str, Any]],
    *,
    obstacles: list[Bbox] = (),  # type: ignore[assignment]
    dots: np.ndarray | None = None,
    pad_px: float = 2.0,
    rings: int = 4,
    leader_color: str = "#555555",
) -> list[Any]:
    """Place labels in the order given, without overlaps, each nearer its own dot than any other.

    Each candidate is ``{"x", "y", "text", "gap", **text_kwargs}`` in data coordinates; ``gap`` (points)
    is the marker's radius, kept clear of the text. A candidate with ``"dot": False`` (a river
    name) has no dot and only avoids the others.

    Positions are tried around the dot: first right next to it (E, W, NE, NW, SE, SW, N, S),
    then on *rings* wider rings, where the label gets a leader line from its dot. A position is
    taken when the text's box, padded by *pad_px*, lies inside the axes, overlaps neither an
    earlier label nor an *obstacle*, covers no dot, and its anchor (the box's point nearest the
    dot, or the leader's end) is nearer the label's own dot than any other of *dots*
    (display px: x, y, radius). A label that fits nowhere is dropped.

    Returns
    -------
    list of Text
        The labels placed; each has ``_own_dot`` (display px) and ``_leader`` (Line2D or None).
    """
    fig = ax.figure
    renderer = cast("FigureCanvasAgg", fig.canvas).get_renderer()  # the project draws with Agg
    frame = ax.get_window_extent(renderer)
    taken: list[Bbox] = list(obstacles)
    dots = np.zeros((0, 3)) if dots is None else np.asarray(dots, dtype=float).reshape(-1, 3)
    px_per_pt = fig.dpi / 72.0
    placed = []
    for cand in candidates:
        kwargs = {k: v for k, v in cand.items() if k not in ("x", "y", "text", "gap", "dot")}
        own = ax.transData.transform((cand["x"], cand["y"]))
        has_dot = cand.get("dot", True)
        radius = float(cand.get("gap", 0.0)) * px_per_pt if has_dot else 0.0
        same = np.hypot(dots[:, 0] - own[0], dots[:, 1] - own[1]) <= 0.75 if len(dots) else np.zeros(0, bool)
        others = dots[~same]
        text = ax.annotate(
            cand["text"], (cand["x"], cand["y"]), textcoords="offset points", xytext=(0, 0), family=FONT, **kwargs
        )
        done = False
        for ring in range(rings + 1 if has_dot else 1):
            distance = radius + 2.5 + ring * 14.0 * px_per_pt
            for ux, uy in _directions(8 if ring == 0 else 16):
                text.set_horizontalalignment("left" if ux > 0.3 else ("right" if ux < -0.3 else "center"))
                text.set_verticalalignment("bottom" if uy > 0.3 else ("top" if uy < -0.3 else "center"))
                text.xyann = (ux * distance / px_per_pt, uy * distance / px_per_pt)
                bare = text.get_window_extent(renderer)
                box = bare.padded(pad_px)
                if not (box.x0 >= frame.x0 and box.x1 <= frame.x1 and box.y0 >= frame.y0 and box.y1 <= frame.y1):
                    continue
                if any(box.overlaps(other) for other in taken):
                    continue
                if len(dots):  # no dot under the text (nearest box point within the dot's radius)
                    nx = np.clip(dots[:, 0], bare.x0, bare.x1) - dots[:, 0]
                    ny = np.clip(dots[:, 1], bare.y0, bare.y1) - dots[:, 1]
                    if np.any(np.hypot(nx, ny) < dots[:, 2]):
                        continue
                anchor = _nearest_on_box(bare, float(own[0]), float(own[1]))
                if has_dot and len(others):
                    mine = np.hypot(anchor[0] - own[0], anchor[1] - own[1])
                    theirs = np.hypot(others[:, 0] - anchor[0], others[:, 1] - anchor[1]).min()
                    if theirs <= mine + 1.0:
                        continue
                text._own_dot = (float(own[0]), float(own[1]))  # type: ignore[attr-defined]
                text._leader = None  # type: ignore[attr-defined]
                if ring > 0:
                    start = own + (np.array(anchor) - own) * (radius / max(np.hypot(*(np.array(anchor) - own)), 1e-9))
                    (x0, y0), (x1, y1) = ax.transData.inverted().transform([start, anchor])
                    (line,) = ax.plot([x0, x1], [y0, y1], color=leader_color, lw=0.6, zorder=6.5)
                    text._leader = line  # type: ignore[attr-defined]
                taken.append(box)
                placed.append(text)
                done = True
                break
            if done:
                break
        if not done:
            text.remove()
    return placed
