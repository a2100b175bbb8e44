"""Highway corridors (M1, M4, M5): loading, name resolution, linear referencing.

Metric method
-------------
Between two cited vertices the road is modelled as the geodesic on the WGS84
ellipsoid, cut into pieces of at most ``PIECE_KM``. Each corridor gets its own
transverse Mercator CRS (ellipsoidal, ``k_0 = 1``) on the corridor's central
meridian; in it the pieces are straight to within 0.5 m. For any points:

* the nearest point on the line is found in that CRS (a vectorized numpy
  point-to-segment kernel, see :func:`_nearest_on_pieces`);
* ``chainage_km`` is the geodesic length of the pieces before it plus the
  fraction of the piece, from a per-vertex table of ``pyproj.Geod`` lengths,
  so it is exact at every vertex;
* ``offset_km`` is the projected distance divided by the transverse Mercator
  point scale ``k = 1 + x²/(2R²)`` at the middle of the offset (the projection
  is conformal, so this removes the scale error, up to 0.1 % for the M4,
  almost entirely).

``tests/test_corridors.py`` measures the residual against a brute-force
geodesic search (``Geod.inv``) and ``bench/bench_corridors.py`` times it.
Coordinates are (lon, lat) in EPSG:4326 throughout.
"""

from __future__ import annotations

import itertools
import json
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import shapely
from pyproj import CRS, Geod, Transformer

from geo.data_files import DATA_DIR as EMBEDDED_DATA
from geo.errors import CorridorNotFoundError, DataSchemaError, InvalidOptionError
from geo.names import normalize_name

__all__ = [
    "CORRIDORS_PATH",
    "PIECE_KM",
    "Corridor",
    "Vertex",
    "assign_corridors",
    "buffer_km",
    "load_corridors",
    "locate",
    "locate_on",
    "places_along",
    "resolve_corridor",
]

#: The corridor file shipped with the project.
CORRIDORS_PATH = EMBEDDED_DATA / "gazetteer" / "corridors.geojson"
#: Longest straight piece of the densified working line, in km.
PIECE_KM = 25.0
#: Columns returned by :func:`locate`.
LOCATE_COLUMNS = ("corridor", "chainage_km", "offset_km", "road_lon", "road_lat")

GEOD = Geod(ellps="WGS84")
_REQUIRED = ("ref", "name", "name_ar", "aliases", "start", "end", "accuracy_m", "length_km", "vertices")


@dataclass(frozen=True, slots=True)
class Vertex:
    """One cited waypoint of a corridor: where it came from and how good it is."""

    name: str
    lon: float
    lat: float
    source: str
    accuracy_m: float
    note: str


@dataclass(frozen=True, slots=True, eq=False)
class _Frame:
    """The corridor's metric working copy (built once at load time)."""

    to_proj: Transformer
    to_geo: Transformer
    line: shapely.LineString  # densified, in the corridor's CRS, metres
    xy: np.ndarray  # (n, 2) dense vertices in the corridor's CRS
    cum_geod_m: np.ndarray  # cumulative geodesic length at each dense vertex
    radius_m: float  # Gaussian mean radius at the centre, for the TM point scale


@dataclass(frozen=True, slots=True, eq=False)
class Corridor:
    """A highway as an ordered line of cited vertices, ready for measuring along."""

    ref: str
    name: str
    name_ar: str
    aliases: tuple[str, ...]
    start: str
    end: str
    accuracy_m: float
    length_km: float
    vertices: tuple[Vertex, ...]
    segment_accuracy_m: tuple[float, ...]
    crs: CRS = field(repr=False)
    frame: _Frame = field(repr=False)

    @property
    def vertex_chainage_km(self) -> np.ndarray:
        """Chainage of every cited vertex from the corridor's start, in km."""
        lons = [v.lon for v in self.vertices]
        lats = [v.lat for v in self.vertices]
        _, _, dist = GEOD.inv(lons[:-1], lats[:-1], lons[1:], lats[1:])
        return np.concatenate([[0.0], np.cumsum(dist)]) / 1000.0

    def accuracy_at(self, chainage_km: Any) -> np.ndarray:
        """Known accuracy (m) of the road line at each chainage: that of its segment."""
        edges = self.vertex_chainage_km[1:-1]
        index = np.searchsorted(edges, np.asarray(chainage_km, dtype=float), side="right")
        return np.asarray(self.segment_accuracy_m)[index]


def _build_frame(lons: np.ndarray, lats: np.ndarray) -> tuple[CRS, _Frame]:
    """Densify along geodesics and set up the transverse Mercator CRS of one corridor."""
    dense = [(lons[0], lats[0])]
    for lon1, lat1, lon2, lat2 in zip(lons[:-1], lats[:-1], lons[1:], lats[1:], strict=True):
        _, _, dist = GEOD.inv(lon1, lat1, lon2, lat2)
        n_pieces = max(1, math.ceil(dist / 1000.0 / PIECE_KM))
        if n_pieces > 1:
            dense.extend(GEOD.npts(lon1, lat1, lon2, lat2, n_pieces - 1))
        dense.append((lon2, lat2))
    dense_arr = np.asarray(dense, dtype=float)
    lon_0 = (dense_arr[:, 0].min() + dense_arr[:, 0].max()) / 2
    lat_0 = (dense_arr[:, 1].min() + dense_arr[:, 1].max()) / 2
    crs = CRS.from_proj4(f"+proj=tmerc +lat_0={lat_0:.6f} +lon_0={lon_0:.6f} +k_0=1 +ellps=WGS84 +units=m +no_defs")
    to_proj = Transformer.from_crs("EPSG:4326", crs, always_xy=True)
    to_geo = Transformer.from_crs(crs, "EPSG:4326", always_xy=True)
    x, y = to_proj.transform(dense_arr[:, 0], dense_arr[:, 1])
    _, _, seg_geod = GEOD.inv(dense_arr[:-1, 0], dense_arr[:-1, 1], dense_arr[1:, 0], dense_arr[1:, 1])
    cum_geod = np.concatenate([[0.0], np.cumsum(seg_geod)])
    a, f = GEOD.a, GEOD.f
    e2 = f * (2 - f)
    sin2 = math.sin(math.radians(lat_0)) ** 2
    radius = a * math.sqrt(1 - e2) / (1 - e2 * sin2)  # sqrt(M N)
    frame = _Frame(to_proj, to_geo, shapely.linestrings(x, y), np.column_stack([x, y]), cum_geod, radius)
    return crs, frame


def _nearest_on_pieces(xy: np.ndarray, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Nearest piece, fraction along it and squared distance, for every point.

    A numpy kernel instead of ``shapely.line_locate_point``: it avoids building
    a million Point objects and runs about four times faster (bench/), with
    the same result. Loops over the few pieces (tens), vectorized over points,
    in chunks that stay in cache.
    """
    ax, ay = xy[:-1, 0], xy[:-1, 1]
    dx, dy = np.diff(xy[:, 0]), np.diff(xy[:, 1])
    len2 = np.maximum(dx * dx + dy * dy, 1e-12)
    n = x.size
    best_d2, best_i, best_t = np.full(n, np.inf), np.zeros(n, np.intp), np.zeros(n)
    for lo in range(0, n, 65536):
        sl = slice(lo, lo + 65536)
        px, py, bd, bi, bt = x[sl], y[sl], best_d2[sl], best_i[sl], best_t[sl]
        for k in range(ax.size):
            t = (px - ax[k]) * dx[k]
            t += (py - ay[k]) * dy[k]
            t /= len2[k]
            np.clip(t, 0.0, 1.0, out=t)
            ex = t * dx[k] + (ax[k] - px)
            ey = t * dy[k] + (ay[k] - py)
            d2 = ex * ex + ey * ey
            closer = d2 < bd
            np.copyto(bd, d2, where=closer)
            np.copyto(bi, k, where=closer)
            np.copyto(bt, t, where=closer)
    return best_i, best_t, best_d2


def _corridor_from_feature(feature: Mapping[str, Any]) -> Corridor:
    props = feature.get("properties") or {}
    missing = [key for key in _REQUIRED if key not in props]
    coords = (feature.get("geometry") or {}).get("coordinates") or []
    if missing or len(coords) < 2 or len(coords) != len(props.get("vertices", ())):
        raise DataSchemaError(
            f"corridor feature {props.get('ref', '?')!r} is malformed: missing properties {missing}, "
            f"{len(coords)} coordinates for {len(props.get('vertices', ()))} vertices; "
            "each Feature needs a LineString and one 'vertices' entry per coordinate"
        )
    vertices = tuple(
        Vertex(
            str(v["name"]), float(c[0]), float(c[1]), str(v["source"]), float(v["accuracy_m"]), str(v.get("note", ""))
        )
        for v, c in zip(props["vertices"], coords, strict=True)
    )
    lons = np.array([v.lon for v in vertices])
    lats = np.array([v.lat for v in vertices])
    crs, frame = _build_frame(lons, lats)
    segments = props.get("segments") or [
        {"accuracy_m": max(a.accuracy_m, b.accuracy_m)} for a, b in itertools.pairwise(vertices)
    ]
    if len(segments) != len(vertices) - 1:
        raise DataSchemaError(f"corridor {props['ref']!r} has {len(segments)} segments for {len(vertices)} vertices")
    return Corridor(
        ref=str(props["ref"]),
        name=str(props["name"]),
        name_ar=str(props["name_ar"]),
        aliases=tuple(props["aliases"]),
        start=str(props["start"]),
        end=str(props["end"]),
        accuracy_m=float(props["accuracy_m"]),
        length_km=float(frame.cum_geod_m[-1] / 1000.0),
        vertices=vertices,
        segment_accuracy_m=tuple(float(seg["accuracy_m"]) for seg in segments),
        crs=crs,
        frame=frame,
    )


def load_corridors(path: str | Path | None = None) -> dict[str, Corridor]:
    """Read a corridor GeoJSON and return the corridors by ref, in file order.

    Parameters
    ----------
    path : str or Path, optional
        A FeatureCollection as documented in data/gazetteer/README.md;
        defaults to the project's ``data/gazetteer/corridors.geojson``.

    Returns
    -------
    dict of str to Corridor

    Raises
    ------
    DataSchemaError
        If the file is not a FeatureCollection of corridor LineStrings.

    Examples
    --------
    >>> corridors = load_corridors()
    >>> list(corridors)
    ['M1', 'M4', 'M5']
    >>> round(corridors["M1"].length_km)
    162
    """
    path = Path(path) if path is not None else CORRIDORS_PATH
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise DataSchemaError(f"cannot read corridors from '{path}': {err}") from err
    if data.get("type") != "FeatureCollection" or not data.get("features"):
        raise DataSchemaError(f"'{path}' is not a non-empty GeoJSON FeatureCollection")
    corridors = [_corridor_from_feature(feature) for feature in data["features"]]
    return {c.ref: c for c in corridors}


# --- names -------------------------------------------------------------------------------------

_REF_RE = re.compile(r"(?<![a-z0-9])m\s*[-‐‑–—_.]?\s*(\d{1,2})(?![0-9])")
_ARABIC_REF = (("إم", " m"), ("ام", " m"), ("أم", " m"), ("فور", "4"), ("فايف", "5"), ("ون", "1"))
_STOP_WORDS = frozenset(
    normalize_name(word) or word
    for word in """the highway highways motorway road route international autostrade autostrada autoroute
    expressway freeway hwy intl main via
    الطريق طريق أوتوستراد اوتوستراد أتوستراد اتوستراد استراد الاستراد الأوتوستراد الدولي الدولية السريع""".split()
)
_TOKEN_SPLIT_RE = re.compile(r"[^\w]+|_", re.UNICODE)


def _alias_key(text: str) -> frozenset[str]:
    """Order-free key of a corridor name: normalized words minus road words."""
    words = (normalize_name(word) for word in _TOKEN_SPLIT_RE.split(text.casefold()) if word)
    return frozenset(word for word in words if word and word not in _STOP_WORDS)


def _ref_in(text: str) -> str | None:
    """Return "M<n>" if *text* names a motorway number ("M-4", "إم 4", "ام فور")."""
    folded = text.casefold().translate(str.maketrans("٠١٢٣٤٥٦٧٨٩", "0123456789"))
    for arabic, latin in _ARABIC_REF:
        folded = re.sub(rf"(?<![\w]){arabic}(?![\w])", latin, folded)
    match = _REF_RE.search(folded)
    return f"M{int(match.group(1))}" if match else None


def resolve_corridor(name: str, corridors: Mapping[str, Corridor] | None = None) -> str:
    """Return the ref ("M1", "M4", "M5") a highway name refers to.

    Accepts refs in any usual form ("M4", "M-4", "the M4 highway",
    "الطريق M4", "إم 4"), city-pair names in either order
    ("Latakia–Aleppo highway", "أوتوستراد حلب اللاذقية") and the other
    aliases listed in the corridor file.

    Parameters
    ----------
    name : str
        The highway as written in a report.
    corridors : mapping of str to Corridor, optional
        Defaults to :func:`load_corridors`.

    Returns
    -------
    str

    Raises
    ------
    CorridorNotFoundError
        If no corridor matches; the message lists the valid refs.

    Examples
    --------
    >>> resolve_corridor("the M-4 highway")
    'M4'
    >>> resolve_corridor("Aleppo–Damascus highway")
    'M5'
    >>> resolve_corridor("أوتوستراد حلب اللاذقية")
    'M4'
    """
    corridors = corridors if corridors is not None else load_corridors()
    text = str(name).strip()
    ref = _ref_in(text)
    if ref is not None and ref in corridors:
        return ref
    key = _alias_key(text)
    if ref is None and key:
        for corridor in corridors.values():
            names = (corridor.ref, corridor.name, corridor.name_ar, *corridor.aliases)
            if any(_alias_key(alias) == key for alias in names):
                return corridor.ref
    valid = ", ".join(corridors)
    raise CorridorNotFoundError(
        f"{text!r} is not a known corridor; valid corridors: {valid} "
        "(any usual spelling works, e.g. 'M-4', 'Latakia-Aleppo highway', 'أوتوستراد حلب اللاذقية')"
    )


def _select(corridors: Mapping[str, Corridor] | Iterable[str | Corridor] | None) -> list[Corridor]:
    if corridors is None:
        return list(load_corridors().values())
    if isinstance(corridors, Mapping):
        return list(corridors.values())
    items = [corridors] if isinstance(corridors, (str, Corridor)) else list(corridors)
    default: dict[str, Corridor] | None = None
    chosen = []
    for item in items:
        if isinstance(item, Corridor):
            chosen.append(item)
        else:
            default = default if default is not None else load_corridors()
            chosen.append(default[resolve_corridor(item, default)])
    if not chosen:
        raise InvalidOptionError("no corridor given; pass refs such as ['M1', 'M4', 'M5'] or None for all")
    return chosen


# --- linear referencing -------------------------------------------------------------------------


def locate_on(corridor: Corridor, lons: Any, lats: Any, *, road: bool = True) -> pd.DataFrame:
    """Chainage, offset and nearest road point of every point on one corridor.

    Parameters
    ----------
    corridor : Corridor
    lons, lats : array-like of float
        WGS84 longitudes and latitudes (NaN allowed: the row is all NaN).
    road : bool
        Also return the nearest road point (``road_lon``, ``road_lat``); False leaves those
        two columns out and saves their transformation back to lon/lat.

    Returns
    -------
    DataFrame
        Columns ``corridor, chainage_km, offset_km, road_lon, road_lat``,
        one row per point, in input order.

    Examples
    --------
    >>> m1 = load_corridors()["M1"]
    >>> row = locate_on(m1, [35.916667], [35.35]).iloc[0]   # Jableh
    >>> float(round(row.chainage_km, 1)), float(round(row.offset_km, 3))
    (26.0, 0.0)
    """
    lons = np.asarray(lons, dtype=float).ravel()
    lats = np.asarray(lats, dtype=float).ravel()
    if lons.shape != lats.shape:
        raise InvalidOptionError(f"lons and lats differ in length ({lons.size} vs {lats.size})")
    frame = corridor.frame
    valid = np.isfinite(lons) & np.isfinite(lats)
    x, y = frame.to_proj.transform(np.where(valid, lons, 0.0), np.where(valid, lats, 0.0))
    piece, frac, d2 = _nearest_on_pieces(frame.xy, x, y)
    start, step = frame.xy[piece], frame.xy[piece + 1] - frame.xy[piece]
    road_x, road_y = start[:, 0] + frac * step[:, 0], start[:, 1] + frac * step[:, 1]
    cum = frame.cum_geod_m
    chainage_m = cum[piece] + frac * (cum[piece + 1] - cum[piece])
    mid_x = (x + road_x) / 2  # easting from the central meridian (no false easting)
    offset_m = np.sqrt(d2) / (1.0 + mid_x * mid_x / (2.0 * frame.radius_m**2))
    nan = np.where(valid, 1.0, np.nan)
    out = pd.DataFrame(
        {
            "corridor": pd.Series(np.where(valid, corridor.ref, None), dtype=object),
            "chainage_km": chainage_m / 1000.0 * nan,
            "offset_km": offset_m / 1000.0 * nan,
        }
    )
    if road:
        road_lon, road_lat = frame.to_geo.transform(road_x, road_y)
        out["road_lon"] = np.asarray(road_lon) * nan
        out["road_lat"] = np.asarray(road_lat) * nan
    return out


def locate(
    lons: Any,
    lats: Any,
    corridors: Mapping[str, Corridor] | Iterable[str | Corridor] | None = None,
    *,
    road: bool = True,
) -> pd.DataFrame:
    """Nearest corridor, chainage, offset and nearest road point of every point.

    Where two corridors share a section (the M4 and M5 between Saraqib and
    Aleppo) and a point is equally close to both (within 1 m), the corridor
    listed first wins; ask for one corridor with ``corridors=["M5"]``.

    Parameters
    ----------
    lons, lats : array-like of float
        WGS84 longitudes and latitudes.
    corridors : mapping, iterable of refs/names/Corridor, or None
        Which corridors to consider (default: all in the project file).
    road : bool
        As for :func:`locate_on`.

    Returns
    -------
    DataFrame
        ``corridor, chainage_km, offset_km, road_lon, road_lat``, one row per
        point in input order. Far points still get their nearest corridor;
        filter on ``offset_km`` (or use :func:`assign_corridors`).

    Examples
    --------
    >>> df = locate([36.800556, 40.15], [35.863611, 35.333333])  # Saraqib, Deir ez-Zor
    >>> df[["corridor", "offset_km"]].round(1).values.tolist()
    [['M4', 0.0], ['M4', 139.6]]
    """
    chosen = _select(corridors)
    best = locate_on(chosen[0], lons, lats, road=road)
    for corridor in chosen[1:]:
        other = locate_on(corridor, lons, lats, road=road)
        better = (other["offset_km"] < best["offset_km"] - 0.001).to_numpy()
        best.loc[better] = other.loc[better]
    return best


def buffer_km(corridor: Corridor | str, width_km: float) -> shapely.Polygon:
    """Return the area within *width_km* of the road (on each side), in EPSG:4326.

    The buffer is built in the corridor's transverse Mercator CRS and its outline densified
    to 1 km before being brought back to lon/lat, so it stays true on the
    ground.

    Parameters
    ----------
    corridor : Corridor or str
        A corridor or any name :func:`resolve_corridor` accepts.
    width_km : float
        Distance from the road centre line, > 0.

    Returns
    -------
    shapely.Polygon

    Raises
    ------
    InvalidOptionError
        If ``width_km`` is not a positive number.

    Examples
    --------
    >>> area = buffer_km("M1", 5)
    >>> area.geom_type, area.contains(shapely.Point(35.916667, 35.35))
    ('Polygon', True)
    """
    if not (isinstance(width_km, (int, float)) and math.isfinite(width_km) and width_km > 0):
        raise InvalidOptionError(f"width_km={width_km!r} is not valid, must be a positive number of km")
    (corridor,) = _select([corridor])
    frame = corridor.frame
    poly = shapely.segmentize(shapely.buffer(frame.line, width_km * 1000.0, quad_segs=16), 1000.0)
    return shapely.transform(poly, lambda xy: np.column_stack(frame.to_geo.transform(xy[:, 0], xy[:, 1])))


def places_along(
    places: pd.DataFrame,
    ref: str,
    within_km: float,
    corridors: Mapping[str, Corridor] | None = None,
) -> pd.DataFrame:
    """Rows of *places* within *within_km* of a corridor, ordered by chainage.

    Works for any table with ``lon`` and ``lat`` columns: gazetteer places,
    incidents. "The first village off the M4" is the first row.

    Parameters
    ----------
    places : DataFrame
        Must have ``lon`` and ``lat``; rows without coordinates are dropped.
    ref : str
        Any name :func:`resolve_corridor` accepts.
    within_km : float
        Largest offset kept, in km.
    corridors : mapping of str to Corridor, optional

    Returns
    -------
    DataFrame
        The kept rows with ``chainage_km``, ``offset_km``, ``road_lon``,
        ``road_lat`` added, sorted by chainage.

    Raises
    ------
    DataSchemaError
        If ``lon`` or ``lat`` is missing.

    Examples
    --------
    >>> towns = pd.DataFrame({"name": ["Homs", "Tartus", "Raqqa"],
    ...                       "lon": [36.709444, 35.883333, 39.0], "lat": [34.730833, 34.883333, 35.95]})
    >>> places_along(towns, "M1", 5)["name"].tolist()
    ['Tartus', 'Homs']
    """
    missing = [col for col in ("lon", "lat") if col not in places.columns]
    if missing:
        raise DataSchemaError(f"places table lacks column(s) {missing}; it needs 'lon' and 'lat' in WGS84")
    corridors = corridors if corridors is not None else load_corridors()
    corridor = corridors[resolve_corridor(ref, corridors)]
    kept = places[places["lon"].notna() & places["lat"].notna()]
    where = locate_on(corridor, kept["lon"].to_numpy(float), kept["lat"].to_numpy(float))
    where.index = kept.index
    added = where.drop(columns="corridor")
    out = kept.drop(columns=[c for c in added.columns if c in kept.columns]).join(added)
    out = out[out["offset_km"] <= within_km]
    return out.sort_values(["chainage_km", "offset_km"], kind="stable")


def assign_corridors(
    df: pd.DataFrame,
    max_offset_km: float = 5.0,
    corridors: Mapping[str, Corridor] | Iterable[str | Corridor] | None = None,
) -> pd.DataFrame:
    """Add ``corridor``, ``chainage_km`` and ``offset_km`` to a table with lon/lat.

    The incident model's ``corridor`` and ``chainage_km`` fields are filled
    this way. Rows farther than *max_offset_km* from every corridor, or
    without coordinates, get ``None``/NaN.

    Parameters
    ----------
    df : DataFrame
        Must have ``lon`` and ``lat``.
    max_offset_km : float
        Largest distance from the road that still counts as "on" it.
    corridors : optional
        As for :func:`locate`.

    Returns
    -------
    DataFrame
        A copy of *df* with the three columns added (or replaced).

    Examples
    --------
    >>> df = pd.DataFrame({"lon": [35.916667, 40.15], "lat": [35.35, 35.333333]})
    >>> assign_corridors(df)["corridor"].tolist()
    ['M1', None]
    """
    missing = [col for col in ("lon", "lat") if col not in df.columns]
    if missing:
        raise DataSchemaError(f"table lacks column(s) {missing}; it needs 'lon' and 'lat' in WGS84")
    lons, lats = df["lon"].to_numpy(float), df["lat"].to_numpy(float)
    chosen = _select(corridors)
    # Only the points that may be near a road are measured (a screen per grid cell, exact
    # for the rest): every other point is farther than max_offset_km from every corridor.
    screened = np.flatnonzero(_may_be_near(lons, lats, chosen, max_offset_km))
    where = locate(lons[screened], lats[screened], chosen, road=False)
    near = (where["offset_km"] <= max_offset_km).to_numpy()
    corridor = np.full(len(df), None, dtype=object)
    chainage, offset = np.full(len(df), np.nan), np.full(len(df), np.nan)
    corridor[screened] = np.where(near, where["corridor"], None)
    chainage[screened] = np.where(near, where["chainage_km"], np.nan)
    offset[screened] = np.where(near, where["offset_km"], np.nan)
    out = df.copy()
    out["corridor"] = pd.Series(corridor, index=df.index, dtype=object)
    out["chainage_km"] = chainage
    out["offset_km"] = offset
    return out


#: Side of the grid cells :func:`_may_be_near` screens points with, in degrees.
_SCREEN_CELL_DEG = 0.1


def _may_be_near(lons: np.ndarray, lats: np.ndarray, chosen: list[Corridor], max_offset_km: float) -> np.ndarray:
    """Where a point may lie within *max_offset_km* of one of *chosen* (a superset of the near points).

    Points are binned in cells of :data:`_SCREEN_CELL_DEG` degrees; each cell's centre is
    located once. A point is at least (centre's distance − the cell's half-diagonal) from the
    road, so a cell whose centre lies beyond ``(max_offset_km + half-diagonal) × 1.05 + 1 km``
    holds no near point (the 5 % and the kilometre cover the transverse Mercator scale, under
    0.4 % within 500 km of a corridor's meridian). Points outside ±180/±90 or not finite are
    kept: :func:`locate` decides for them as before.
    """
    ok = np.isfinite(lons) & np.isfinite(lats) & (np.abs(lons) <= 180.0) & (np.abs(lats) <= 90.0)
    keep = ~ok
    if not bool(ok.any()):
        return keep
    cell = _SCREEN_CELL_DEG
    ix, iy = np.floor(lons[ok] / cell), np.floor(lats[ok] / cell)
    codes, cells = pd.factorize(ix + 1j * iy)
    x0, y0 = cells.real * cell, cells.imag * cell
    cx, cy = x0 + cell / 2, y0 + cell / 2
    half_m = np.zeros(len(cells))
    for corner_x, corner_y in itertools.product((x0, x0 + cell), (y0, y0 + cell)):
        _, _, dist = GEOD.inv(cx, cy, corner_x, np.clip(corner_y, -90.0, 90.0))
        half_m = np.maximum(half_m, dist)
    offset = locate(cx, cy, chosen, road=False)["offset_km"].to_numpy()
    far = offset > (max_offset_km + half_m / 1000.0) * 1.05 + 1.0  # NaN: not far, measured
    keep[ok] = ~far[codes]
    return keep
