"""Any GeoTIFF as a coloured, reprojected RGBA image for the map: :func:`prepare_overlay`.

Which grid is pixel-correct for Leaflet
---------------------------------------
Leaflet (and so ``folium.raster_layers.ImageOverlay``) stretches an image
linearly between the *screen* positions of its two corner points, and the
screen is Web Mercator. An image is therefore drawn right to the pixel only if
its rows are evenly spaced in Mercator y, i.e. if it is a regular grid in
**EPSG:3857**; its ``bounds`` are the lon/lat of that grid's corners. That is
the default here (``dst_crs="EPSG:3857"``) and the image must then be given to
folium with ``mercator_project=False``.

An EPSG:4326 grid (``dst_crs="EPSG:4326"``) has rows evenly spaced in latitude;
drawn as is, its middle rows land up to 0.8 % of its height off (4.3 km for a
raster spanning Syria's 32.3–37.4° N). folium's ``mercator_project=True`` resamples such an
image to Mercator rows, but it interpolates every channel linearly (blending
colours into the transparent no-data edge) and returns floats, which its PNG
writer then rescales per channel by the channel's maximum — colours shift
unless every channel reaches 255. Warping once with GDAL to EPSG:3857 avoids
both, so EPSG:4326 output is meant for static maps in lon/lat.

Large files
-----------
Only the part of the raster inside *region* (Syria by default) is read, and it
is read decimated to about the output size with ``out_shape=``; GDAL uses the
file's overviews for such reads, so a file of hundreds of MB is never loaded
whole. ``Overlay.downsampled`` and ``Overlay.note`` say when that happened.
"""

from __future__ import annotations

import base64
import io
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from affine import Affine
from matplotlib import colormaps
from PIL import Image
from pyproj import CRS, Transformer
from rasterio.enums import ColorInterp, Resampling
from rasterio.io import DatasetReader
from rasterio.transform import array_bounds, from_bounds
from rasterio.warp import calculate_default_transform, transform_bounds
from rasterio.windows import Window
from rasterio.windows import bounds as window_bounds

from geo.errors import InvalidOptionError, RasterError
from layers.raster.source import SYRIA_REGION, Grid, open_raster, read_decimated, warp, window_for
from layers.raster.terrain import hillshade

__all__ = ["Overlay", "colorize", "overlay_data_url", "overlay_png_bytes", "prepare_overlay", "terrain_overlay"]

_RGB = (ColorInterp.red, ColorInterp.green, ColorInterp.blue)


@dataclass(frozen=True, slots=True, eq=False)
class Overlay:
    """A raster ready to draw: RGBA pixels on a regular grid and where they go.

    Attributes
    ----------
    rgba : ndarray of uint8, (rows, cols, 4)
        Row 0 is north. No data (nodata, NaN, masked, outside the raster) has
        alpha 0; *opacity* is already in the alpha channel.
    bounds : (west, south, east, north)
        Lon/lat (EPSG:4326) of the outer edges of the grid's corner pixels.
    crs : str
        The grid's CRS ("EPSG:3857": pixel-correct in Leaflet; "EPSG:4326": lon/lat).
    transform : Affine
        The grid's transform in *crs*.
    downsampled : bool
        The raster was read at a lower resolution than it has.
    source_shape, read_shape : (rows, cols)
        Size of the file, and of what was read from it (after clipping and decimation).
    note : str
        One line for the map's caption: what was read and how.
    value_range : (vmin, vmax) or None
        The values mapped to the colour map's ends (None for RGB and palette images).
    colormap : str or None
        The colour map used (for a legend).
    """

    rgba: np.ndarray
    bounds: tuple[float, float, float, float]
    crs: str
    transform: Affine
    downsampled: bool
    source_shape: tuple[int, int]
    read_shape: tuple[int, int]
    note: str
    value_range: tuple[float, float] | None = None
    colormap: str | None = None

    @property
    def leaflet_bounds(self) -> list[list[float]]:
        """Bounds as Leaflet wants them: ``[[south, west], [north, east]]``."""
        west, south, east, north = self.bounds
        return [[south, west], [north, east]]


@dataclass(frozen=True, slots=True)
class _Style:
    """How to turn raster values into colours."""

    kind: str = "values"  # or "terrain"
    band: int | None = None
    colormap: str | None = "viridis"
    vmin: float | None = None
    vmax: float | None = None
    opacity: float = 0.7
    clear_below: float | None = None
    fade_low: bool = False
    azimuth: float = 315
    altitude: float = 45
    z_factor: float = 1
    tint_strength: float = 0.5


def colorize(
    values: np.ndarray,
    colormap: str = "viridis",
    vmin: float | None = None,
    vmax: float | None = None,
    opacity: float = 1.0,
    clear_below: float | None = None,
    fade_low: bool = False,
) -> tuple[np.ndarray, tuple[float, float]]:
    """Colour a 2-D array of values with a matplotlib colour map; NaN is transparent.

    *vmin*/*vmax* default to the 2nd and 98th percentiles of the finite values
    (robust to outliers). Values ≤ *clear_below* are transparent too. With
    *fade_low*, opacity also rises with the value (in proportion to its place between
    *vmin* and *vmax*), so low values fade into the map instead of covering it.

    Returns
    -------
    (rgba uint8 (rows, cols, 4), (vmin, vmax))

    Examples
    --------
    >>> rgba, rng = colorize(np.array([[0.0, 1.0, np.nan]]), "gray", 0, 1)
    >>> rgba[0].tolist(), rng
    ([[0, 0, 0, 255], [255, 255, 255, 255], [0, 0, 0, 0]], (0.0, 1.0))
    """
    try:
        cmap = colormaps[colormap]
    except KeyError:
        raise InvalidOptionError(
            f"{colormap!r} is not a matplotlib colour map; use e.g. 'viridis', 'magma', 'terrain' or 'gray'"
        ) from None
    valid = np.isfinite(values)
    if clear_below is not None:
        valid &= values > clear_below
    lo, hi = _value_range(values[valid], vmin, vmax)
    scaled = (values.astype(np.float32) - np.float32(lo)) * np.float32(255 / (hi - lo))
    np.clip(scaled, 0, 255, out=scaled)
    scaled[~valid] = 0
    index = np.rint(scaled).astype(np.uint8)
    lut = cmap(np.linspace(0, 1, 256), bytes=True)
    rgba = lut[index]
    weight = scaled / np.float32(255) if fade_low else np.float32(1)
    rgba[..., 3] = np.where(valid, np.rint(rgba[..., 3] * opacity * weight), 0).astype(np.uint8)
    return rgba, (lo, hi)


def _value_range(valid: np.ndarray, vmin: float | None, vmax: float | None) -> tuple[float, float]:
    """Return (vmin, vmax), filling missing ends with the 2nd/98th percentile."""
    if vmin is None or vmax is None:
        if valid.size == 0:
            lo_p, hi_p = 0.0, 1.0
        else:
            sample = valid[:: max(1, valid.size // 1_000_000)]
            lo_p, hi_p = (float(v) for v in np.percentile(sample, [2, 98]))
        vmin = lo_p if vmin is None else vmin
        vmax = hi_p if vmax is None else vmax
    lo, hi = float(vmin), float(vmax)
    if not hi > lo:
        lo, hi = lo - 0.5, lo + 0.5
    return lo, hi


def _check_options(opacity: float, max_pixels: int, size: tuple[int, int] | None) -> None:
    if not 0 <= opacity <= 1:
        raise InvalidOptionError(f"opacity={opacity} is not in 0..1")
    if max_pixels < 1 or (size is not None and min(size) < 1):
        raise InvalidOptionError(f"max_pixels={max_pixels}, size={size}: the output needs at least one pixel")


def default_grid(
    src: DatasetReader, src_crs: CRS, window: Window, dst_crs: Any, max_pixels: int, size: tuple[int, int] | None
) -> tuple[Grid, bool]:
    """Return the output grid for *window* in *dst_crs* and whether it is coarser than the raster.

    The grid's edges are the window's footprint in *dst_crs* (its bounding
    box, densified edges), so the overlay's bounds are exactly the raster's;
    its resolution is GDAL's suggestion (about the raster's), lowered to fit
    *size* (width, height) or at most *max_pixels*.
    """
    bounds = window_bounds(window, src.transform)
    suggested, _, _ = calculate_default_transform(src_crs, dst_crs, int(window.width), int(window.height), *bounds)
    west, south, east, north = transform_bounds(src_crs, dst_crs, *bounds, densify_pts=21)
    width = max(1, math.ceil((east - west) / abs(suggested.a) - 1e-6))
    height = max(1, math.ceil((north - south) / abs(suggested.e) - 1e-6))
    if size is not None:
        factor = max(1.0, width / size[0], height / size[1])
    else:
        factor = max(1.0, math.sqrt(width * height / max_pixels))
    if factor > 1.0:
        width, height = max(1, math.floor(width / factor)), max(1, math.floor(height / factor))
    return (from_bounds(west, south, east, north, width, height), (height, width)), factor > 1.0


def _bands(src: DatasetReader, band: int | None) -> tuple[str, list[int], int | None]:
    """Return (mode, value bands, alpha band) with mode "rgb", "palette" or "single"."""
    interp = tuple(src.colorinterp)
    alpha = next((i + 1 for i, c in enumerate(interp) if c == ColorInterp.alpha), None)
    if band is None and src.count >= 3 and (interp[:3] == _RGB or (src.count in (3, 4) and src.dtypes[0] == "uint8")):
        return "rgb", [1, 2, 3], alpha
    band = 1 if band is None else band
    if not 1 <= band <= src.count:
        raise InvalidOptionError(f"band={band} is out of range; the raster has {src.count} band(s): 1..{src.count}")
    try:
        src.colormap(band)
    except ValueError:
        return "single", [band], None
    return "palette", [band], None


def render(
    src: DatasetReader, src_crs: CRS, window: Window, grid: Grid, dst_crs: Any, style: _Style
) -> tuple[np.ndarray, tuple[int, int], tuple[float, float] | None]:
    """Read, warp and colour *window* of *src* onto *grid*; return (rgba, read shape, value range)."""
    target = grid[1][0] * grid[1][1]
    if style.kind == "terrain":
        band = style.band or 1
        dem, dem_transform = read_decimated(src, [band], window, target, Resampling.average)
        shade = hillshade(dem[0], dem_transform, src_crs, style.azimuth, style.altitude, style.z_factor)
        shade[np.isnan(dem[0])] = np.nan
        shade_w, elev = warp(np.stack([shade, dem[0]]), dem_transform, src_crs, grid, dst_crs, Resampling.bilinear)
        grey = np.nan_to_num(shade_w)[..., None] * 255
        rgb = np.repeat(grey, 3, axis=2)
        value_range = None
        if style.colormap:
            tint, value_range = colorize(elev, style.colormap, style.vmin, style.vmax)
            s = style.tint_strength
            rgb = rgb * (1 - s) + tint[..., :3] * np.nan_to_num(shade_w)[..., None] * s
        alpha = np.where(np.isfinite(shade_w), 255 * style.opacity, 0)
        rgba = np.dstack([np.rint(rgb), np.rint(alpha)]).astype(np.uint8)
        return rgba, dem.shape[1:], value_range
    mode, bands, alpha_band = _bands(src, style.band)
    nearest = mode == "palette"
    indexes = bands + ([alpha_band] if alpha_band else [])
    values, transform = read_decimated(
        src, indexes, window, target, Resampling.nearest if nearest else Resampling.average
    )
    out = warp(values, transform, src_crs, grid, dst_crs, Resampling.nearest if nearest else Resampling.bilinear)
    if mode == "single":
        rgba, value_range = colorize(
            out[0],
            style.colormap or "viridis",
            style.vmin,
            style.vmax,
            style.opacity,
            style.clear_below,
            style.fade_low,
        )
        return rgba, values.shape[1:], value_range
    if mode == "palette":
        lut = np.zeros((65536, 4), dtype=np.uint8)
        for value, colour in src.colormap(bands[0]).items():
            if 0 <= value < len(lut):
                lut[value] = colour
        valid = np.isfinite(out[0])
        rgba = lut[np.clip(np.nan_to_num(out[0]), 0, len(lut) - 1).astype(np.int64)]
        rgba[..., 3] = np.where(valid, np.rint(rgba[..., 3] * style.opacity), 0).astype(np.uint8)
        return rgba, values.shape[1:], None
    rgb = out[:3]
    if src.dtypes[0] == "uint8" and style.vmin is None and style.vmax is None:
        channels = np.clip(np.nan_to_num(rgb), 0, 255)
    else:
        channels = np.stack(
            [
                255 * np.clip((c - lo) / (hi - lo), 0, 1)
                for c in np.nan_to_num(rgb)
                for lo, hi in [_value_range(c[np.isfinite(c)], style.vmin, style.vmax)]
            ]
        )
    valid = np.isfinite(rgb).all(axis=0)
    alpha = np.where(valid, 255 * style.opacity, 0)
    if alpha_band:
        alpha = alpha * np.nan_to_num(out[3]) / 255
    rgba = np.dstack([*np.rint(channels), np.rint(alpha)]).astype(np.uint8)
    return rgba, values.shape[1:], None


def _prepare(
    path: str | Path,
    style: _Style,
    *,
    max_pixels: int,
    size: tuple[int, int] | None,
    dst_crs: Any,
    crs: Any,
    region: tuple[float, float, float, float] | None,
) -> Overlay:
    _check_options(style.opacity, max_pixels, size)
    dst = CRS.from_user_input(dst_crs)
    with open_raster(path, crs=crs) as (src, src_crs):
        window = window_for(src, src_crs, region, "EPSG:4326", what="Syria" if region == SYRIA_REGION else "the region")
        grid, shrunk = default_grid(src, src_crs, window, dst, max_pixels, size)
        rgba, read_shape, value_range = render(src, src_crs, window, grid, dst, style)
        source_shape = (src.height, src.width)
    if not rgba[..., 3].any():
        raise RasterError(f"{path}: the raster has only no-data pixels inside the region {region}")
    win_shape = (int(window.height), int(window.width))
    downsampled = shrunk or tuple(read_shape) != win_shape
    (transform, (height, width)) = grid
    west, south, east, north = array_bounds(height, width, transform)
    # For EPSG:4326 and EPSG:3857 grids the edges are parallels and meridians: these are exact corners.
    to_lonlat = Transformer.from_crs(dst, "EPSG:4326", always_xy=True)
    bounds = tuple(float(b) for b in to_lonlat.transform_bounds(west, south, east, north, densify_pts=21))
    crs_name = f"EPSG:{dst.to_epsg()}" if dst.to_epsg() else dst.to_string()
    src_name = f"EPSG:{src_crs.to_epsg()}" if src_crs.to_epsg() else (src_crs.to_proj4() or src_crs.name)
    note = (
        f"{Path(path).name}: read {read_shape[0]}×{read_shape[1]} of "
        f"{win_shape[0]}×{win_shape[1]} pixels{' (decimated; overviews used when present)' if downsampled else ''}"
        f"{'' if win_shape == source_shape else f' (clipped from {source_shape[0]}×{source_shape[1]})'}, "
        f"reprojected {src_name} → {crs_name} at {height}×{width}"
    )
    return Overlay(
        rgba=rgba,
        bounds=(bounds[0], bounds[1], bounds[2], bounds[3]),
        crs=crs_name,
        transform=transform,
        downsampled=downsampled,
        source_shape=source_shape,
        read_shape=(int(read_shape[0]), int(read_shape[1])),
        note=note,
        value_range=value_range,
        colormap=style.colormap if value_range else None,
    )


def prepare_overlay(
    path: str | Path,
    *,
    max_pixels: int = 2048 * 2048,
    size: tuple[int, int] | None = None,
    colormap: str = "viridis",
    opacity: float = 0.7,
    vmin: float | None = None,
    vmax: float | None = None,
    band: int | None = None,
    clear_below: float | None = None,
    fade_low: bool = False,
    dst_crs: Any = "EPSG:3857",
    crs: Any = None,
    region: tuple[float, float, float, float] | None = SYRIA_REGION,
) -> Overlay:
    """Prepare a GeoTIFF (any CRS, any real data type) as an RGBA overlay.

    Single-band rasters are coloured with *colormap* (or their own palette);
    3- and 4-band uint8 rasters (or bands tagged red/green/blue) are drawn as
    RGB(A). Nodata, NaN, masked and alpha-0 pixels are transparent.

    Parameters
    ----------
    path : str or Path
        The raster file.
    max_pixels : int
        Upper bound on the output's pixel count (default 2048²).
    size : (width, height), optional
        Screen pixels to fit instead of *max_pixels*.
    colormap : str
        A matplotlib colour map for single-band rasters.
    opacity : float
        0–1, put into the alpha channel (draw the PNG at opacity 1).
    vmin, vmax : float, optional
        Values at the colour map's ends (default: 2nd/98th percentiles).
    band : int, optional
        Draw this band with *colormap* (default: RGB when the file is RGB, else band 1).
    clear_below : float, optional
        Values ≤ this are transparent (e.g. 0 for a density raster).
    fade_low : bool
        Opacity rises with the value (for densities: no dark halo around hot spots).
    dst_crs : CRS-like
        "EPSG:3857" (default; pixel-correct in Leaflet/folium) or "EPSG:4326".
    crs : CRS-like, optional
        The raster's CRS when the file has none.
    region : (west, south, east, north), optional
        Lon/lat box to read (default :data:`SYRIA_REGION`); the raster must
        overlap it. None reads the whole raster.

    Returns
    -------
    Overlay

    Raises
    ------
    RasterError
        Not a raster, damaged, no CRS, complex data, outside *region*, or
        only no-data inside it.
    InvalidOptionError
        Bad *band*, *colormap*, *opacity*, *max_pixels* or *size*.

    Examples
    --------
    >>> import tempfile
    >>> from rasterio.transform import from_origin
    >>> from layers.raster import DensityRaster, write_geotiff
    >>> tif = Path(tempfile.mkdtemp()) / "d.tif"
    >>> grid = np.arange(12, dtype=np.float32).reshape(3, 4)
    >>> _ = write_geotiff(DensityRaster(grid, from_origin(36.0, 35.0, 0.1, 0.1), "EPSG:4326"), tif)
    >>> ov = prepare_overlay(tif, dst_crs="EPSG:4326", vmin=0, vmax=11)
    >>> ov.rgba.shape, ov.bounds, ov.downsampled
    ((3, 4, 4), (36.0, 34.7, 36.4, 35.0), False)
    >>> ov.leaflet_bounds
    [[34.7, 36.0], [35.0, 36.4]]
    """
    style = _Style(
        band=band,
        colormap=colormap,
        vmin=vmin,
        vmax=vmax,
        opacity=opacity,
        clear_below=clear_below,
        fade_low=fade_low,
    )
    return _prepare(path, style, max_pixels=max_pixels, size=size, dst_crs=dst_crs, crs=crs, region=region)


def terrain_overlay(
    path: str | Path,
    *,
    azimuth: float = 315,
    altitude: float = 45,
    z_factor: float = 1,
    tint: str | None = None,
    tint_strength: float = 0.5,
    opacity: float = 0.7,
    vmin: float | None = None,
    vmax: float | None = None,
    band: int = 1,
    max_pixels: int = 2048 * 2048,
    size: tuple[int, int] | None = None,
    dst_crs: Any = "EPSG:3857",
    crs: Any = None,
    region: tuple[float, float, float, float] | None = SYRIA_REGION,
) -> Overlay:
    """Prepare a DEM as a hillshade overlay, optionally tinted by elevation.

    The hillshade is computed on the (decimated) DEM in its own CRS with true
    ground cell sizes (:func:`~layers.raster.terrain.hillshade`), then warped
    to *dst_crs*. With *tint* (a colour map, e.g. "terrain"), the grey shade
    is blended with the elevation colours: ``(1 - s)·grey + s·colour·shade``
    with ``s = tint_strength``. Other parameters as :func:`prepare_overlay`.

    Examples
    --------
    >>> import tempfile
    >>> from rasterio.transform import from_origin
    >>> from layers.raster import DensityRaster, write_geotiff
    >>> tif = Path(tempfile.mkdtemp()) / "dem.tif"
    >>> dem = np.full((5, 5), 300.0, dtype=np.float32)
    >>> _ = write_geotiff(DensityRaster(dem, from_origin(36.0, 35.0, 0.01, 0.01), "EPSG:4326"), tif)
    >>> ov = terrain_overlay(tif, dst_crs="EPSG:4326", opacity=1)
    >>> ov.rgba[2, 2].tolist()  # flat ground, sun at 45°: grey 0.707 × 255
    [180, 180, 180, 255]
    """
    style = _Style(
        kind="terrain",
        band=band,
        colormap=tint,
        vmin=vmin,
        vmax=vmax,
        opacity=opacity,
        azimuth=azimuth,
        altitude=altitude,
        z_factor=z_factor,
        tint_strength=tint_strength,
    )
    return _prepare(path, style, max_pixels=max_pixels, size=size, dst_crs=dst_crs, crs=crs, region=region)


def overlay_png_bytes(overlay: Overlay) -> bytes:
    r"""Encode the overlay's RGBA pixels as PNG.

    Examples
    --------
    >>> ov = Overlay(np.zeros((2, 2, 4), np.uint8), (36, 35, 37, 36), "EPSG:4326", Affine.identity(),
    ...              False, (2, 2), (2, 2), "")
    >>> overlay_png_bytes(ov)[:8]
    b'\x89PNG\r\n\x1a\n'
    """
    buffer = io.BytesIO()
    Image.fromarray(np.ascontiguousarray(overlay.rgba)).save(buffer, format="PNG", compress_level=6)
    return buffer.getvalue()


def overlay_data_url(overlay: Overlay) -> str:
    """Return the overlay as a ``data:image/png;base64,…`` URL (for Leaflet's ImageOverlay).

    Examples
    --------
    >>> ov = Overlay(np.zeros((1, 1, 4), np.uint8), (36, 35, 37, 36), "EPSG:4326", Affine.identity(),
    ...              False, (1, 1), (1, 1), "")
    >>> overlay_data_url(ov)[:22]
    'data:image/png;base64,'
    """
    return "data:image/png;base64," + base64.b64encode(overlay_png_bytes(overlay)).decode("ascii")
