"""Reading user rasters: opening with clear errors, windows, decimated reads and warps.

``open_raster`` is the only function here that takes a path (I/O at the edge), and
the only way the project opens a user's raster. User files are untrusted: GDAL picks
a driver from the content, so a "GeoTIFF" may be a VRT, an ER Mapper header or a WMS
description pointing at any file on the server or any address. ``open_raster`` opens
local files only, only when their first bytes are TIFF's, with the GTiff driver
only, and inside a GDAL configuration that lists no sibling files, enables no VRT
raw bands, and times out network access (:data:`SAFE_GDAL`); it checks the declared
size against :data:`MAX_PIXELS` and :data:`MAX_BLOCK_BYTES` before reading a pixel.
Every rasterio/GDAL failure is translated into :class:`~geo.errors.RasterError`
``from`` the original error. Reads are *decimated*: the part of the raster that
is needed is read at about the resolution of the output grid (``out_shape=``),
so GDAL serves it from the file's overviews when there are any and never loads
a large file whole into memory.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import rasterio
from affine import Affine
from pyproj import CRS
from pyproj.exceptions import CRSError
from rasterio._err import CPLE_BaseError
from rasterio.enums import Resampling
from rasterio.errors import RasterioError
from rasterio.io import DatasetReader
from rasterio.warp import reproject, transform_bounds
from rasterio.windows import Window

from geo.errors import RasterError

__all__ = [
    "MAX_BLOCK_BYTES",
    "MAX_PIXELS",
    "SAFE_GDAL",
    "SYRIA_REGION",
    "Grid",
    "check_geotiff_path",
    "open_raster",
    "read_decimated",
    "warp",
    "window_for",
]

#: Syria (35.6–42.4° E, 32.3–37.4° N) with a margin of about 1.5°: (west, south, east, north), lon/lat.
SYRIA_REGION = (34.0, 31.0, 44.0, 39.0)
_ERRORS = (RasterioError, CPLE_BaseError)
Grid = tuple[Affine, tuple[int, int]]
"""An output grid: its affine transform and (height, width)."""

#: The first bytes of a TIFF (little/big endian) and of a BigTIFF.
TIFF_MAGIC = (b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+")
#: Width × height × bands a user raster may declare (an SRTM 1″ tile of all Syria is ≈ 4.5e8).
MAX_PIXELS = 1_500_000_000
#: The largest block (tile or strip) GDAL may have to hold in memory to read a user raster.
MAX_BLOCK_BYTES = 256 * 1024 * 1024
#: GDAL settings for every read of a user raster: no sibling files (.aux.xml, .ovr, world files
#: beside the upload), no VRT raw bands, and short network time-outs should any driver try.
SAFE_GDAL = {
    "GDAL_DISABLE_READDIR_ON_OPEN": "EMPTY_DIR",
    "GDAL_PAM_ENABLED": "NO",
    "GDAL_VRT_ENABLE_RAWRASTERBAND": "NO",
    "GDAL_VRT_RAWRASTERBAND_ALLOWED_SOURCE": "",
    "CPL_VSIL_CURL_ALLOWED_EXTENSIONS": ".invalid",
    "GDAL_HTTP_TIMEOUT": "3",
    "GDAL_HTTP_CONNECTTIMEOUT": "3",
    "GDAL_HTTP_MAX_RETRY": "0",
    "GTIFF_IGNORE_READ_ERRORS": "NO",
}
_FORBIDDEN_PREFIXES = ("/vsi", "\\vsi")


@contextmanager
def open_raster(path: str | Path, *, crs: Any = None) -> Iterator[tuple[DatasetReader, CRS]]:
    """Open a raster and check it; yield the dataset and its CRS.

    Parameters
    ----------
    path : str or Path
        A local GeoTIFF file (BigTIFF and Cloud-Optimized GeoTIFF included).
    crs : CRS-like, optional
        The raster's CRS when the file has none (or to override a wrong one).

    Yields
    ------
    (DatasetReader, pyproj.CRS)

    Raises
    ------
    RasterError
        Missing file, a GDAL virtual path or URL, not a GeoTIFF by content (a
        VRT, ER Mapper, WMS description…), more pixels than :data:`MAX_PIXELS`
        or a block larger than :data:`MAX_BLOCK_BYTES`, no CRS and no *crs*, no
        geotransform, a rotated grid, a complex data type, or a read error
        (damaged file) in the ``with`` body.

    Examples
    --------
    >>> open_raster("no_such.tif").__enter__()
    Traceback (most recent call last):
    ...
    geo.errors.RasterError: no_such.tif: no such file
    """
    path = check_geotiff_path(path)
    with rasterio.Env(**SAFE_GDAL):
        try:
            src = rasterio.open(path, driver="GTiff", sharing=False)
        except _ERRORS as err:
            raise RasterError(f"{path.name}: not a GeoTIFF GDAL can read ({err})") from err
        with src:
            _check_size(src, path)
            src_crs = _crs_of(src, crs, path)
            try:
                yield src, src_crs
            except _ERRORS as err:
                raise RasterError(
                    f"{path.name}: the raster could not be read, the file is damaged or truncated ({err}); "
                    "check it with `gdalinfo -checksum` or export it again"
                ) from err


def check_geotiff_path(path: str | Path) -> Path:
    """Return *path* if it is a local file that starts like a TIFF; raise :class:`RasterError` otherwise.

    GDAL virtual paths (``/vsicurl/``, ``/vsizip/``…) and URLs are refused: a user
    raster is a file of its own, never a way to reach another file or an address.

    Examples
    --------
    >>> check_geotiff_path("/vsicurl/http://127.0.0.1/x.tif")
    Traceback (most recent call last):
    ...
    geo.errors.RasterError: /vsicurl/http://127.0.0.1/x.tif: only a local GeoTIFF file can be opened, ...
    """
    text = str(path)
    if text.lower().startswith(_FORBIDDEN_PREFIXES) or "://" in text:
        raise RasterError(f"{text}: only a local GeoTIFF file can be opened, not a GDAL virtual path or an address")
    path = Path(path)
    if not path.is_file():
        raise RasterError(f"{path}: no such file")
    with path.open("rb") as handle:
        head = handle.read(4)
    if head not in TIFF_MAGIC:
        kind = "an XML document (a VRT, WMS or other GDAL description)" if head.lstrip()[:1] == b"<" else "not a TIFF"
        if head[:4].upper() == b"DATA" or head.startswith(b"Data"):
            kind = "an ER Mapper header"
        raise RasterError(f"{path.name}: not a GeoTIFF — the file's content is {kind}; give a GeoTIFF (.tif)")
    return path


def _check_size(src: DatasetReader, path: Path) -> None:
    """Refuse rasters whose declared size would exhaust memory or time before any pixel is read."""
    pixels = src.width * src.height * src.count
    if pixels > MAX_PIXELS:
        raise RasterError(
            f"{path.name}: the raster declares {src.width:,} × {src.height:,} pixels × {src.count} band(s), more "
            f"than the {MAX_PIXELS:,} this tool reads; cut it to the area needed or make it coarser first "
            "(gdal_translate -projwin … or gdalwarp -tr …)"
        )
    item = max(np.dtype(d).itemsize for d in src.dtypes)
    for block_h, block_w in set(src.block_shapes):
        if block_h * block_w * item * (src.count if src.interleaving and src.interleaving.name == "PIXEL" else 1) > (
            MAX_BLOCK_BYTES
        ):
            raise RasterError(
                f"{path.name}: the raster is stored in blocks of {block_w:,} × {block_h:,} pixels, too large to read "
                "safely; rewrite it tiled first: gdal_translate -co TILED=YES IN OUT"
            )


def _crs_of(src: DatasetReader, crs: Any, path: Path) -> CRS:
    """Return the raster's CRS (or *crs*) after checking type and georeferencing."""
    complex_types = sorted({d for d in src.dtypes if d.startswith("complex")})
    if complex_types:
        raise RasterError(
            f"{path}: unsupported data type {complex_types[0]} (complex numbers); "
            "write the amplitude or phase to a real band first"
        )
    if src.transform == Affine.identity() and not src.gcps[0]:
        raise RasterError(
            f"{path}: the raster has no geotransform (it is not georeferenced); "
            "georeference it first, e.g. with QGIS or gdal_translate -a_ullr"
        )
    if src.transform.b != 0 or src.transform.d != 0 or src.transform.e > 0:
        raise RasterError(
            f"{path}: rotated or south-up grids are not supported; "
            "make it north-up first: gdalwarp -t_srs EPSG:4326 IN OUT"
        )
    if crs is not None:
        try:
            return CRS.from_user_input(crs)
        except CRSError as err:
            raise RasterError(f"{crs!r} is not a CRS pyproj understands; give e.g. 'EPSG:32637'") from err
    if src.crs is None:
        hint = " (it has ground control points only: gdalwarp it to a CRS)" if src.gcps[0] else ""
        raise RasterError(
            f"{path}: the raster has no CRS{hint}; pass crs='EPSG:…' if you know it "
            "(e.g. crs='EPSG:32637' for UTM 37N) or set it with gdal_edit.py -a_srs EPSG:… FILE"
        )
    return CRS.from_user_input(src.crs)


def window_for(
    src: DatasetReader, src_crs: CRS, bounds: Sequence[float] | None, bounds_crs: Any, what: str = "Syria"
) -> Window:
    """Return the window of *src* that covers *bounds* (given in *bounds_crs*), pixel-aligned.

    Raises
    ------
    RasterError
        The raster does not overlap *bounds* (message names *what*).
    """
    full = Window(0, 0, src.width, src.height)
    if bounds is None:
        return full
    try:
        west, south, east, north = transform_bounds(bounds_crs, src_crs, *bounds, densify_pts=21)
    except _ERRORS as err:
        raise RasterError(
            f"{src.name}: {what} {tuple(bounds)} cannot be expressed in the raster's CRS ({err})"
        ) from err
    inv = ~src.transform
    c0, r0 = inv @ (west, north)
    c1, r1 = inv @ (east, south)
    col0, row0 = max(0, math.floor(min(c0, c1))), max(0, math.floor(min(r0, r1)))
    col1, row1 = min(src.width, math.ceil(max(c0, c1))), min(src.height, math.ceil(max(r0, r1)))
    if not (np.isfinite([c0, c1, r0, r1]).all() and col1 > col0 and row1 > row0):
        lw, ls, le, ln = transform_bounds(src_crs, "EPSG:4326", *src.bounds, densify_pts=21)
        raise RasterError(
            f"{Path(src.name).name}: the raster (lon {lw:.2f}..{le:.2f}, lat {ls:.2f}..{ln:.2f}) "
            f"does not overlap {what} {tuple(round(b, 2) for b in bounds)}; "
            "check its CRS (pass crs= if the file's CRS is wrong) or choose another file"
        )
    return Window(col0, row0, col1 - col0, row1 - row0)


def read_decimated(
    src: DatasetReader, indexes: Sequence[int], window: Window, target_pixels: int, resampling: Resampling
) -> tuple[np.ndarray, Affine]:
    """Read *indexes* of *window* at about *target_pixels* pixels as float32 (NaN = no data).

    The window is read whole unless it has more than twice *target_pixels*.

    Nodata values, the dataset mask (internal masks, alpha bands) and NaN all
    become NaN. Returns the array (bands, rows, cols) and its transform.
    """
    win_h, win_w = int(window.height), int(window.width)
    factor = math.sqrt(win_h * win_w / max(1, target_pixels))
    factor = factor if factor > math.sqrt(2) else 1.0  # a reprojected grid may have a few % fewer pixels
    shape = (len(indexes), max(1, round(win_h / factor)), max(1, round(win_w / factor)))
    data = src.read(list(indexes), window=window, out_shape=shape, resampling=resampling, masked=True)
    values = np.ma.filled(data.astype(np.float32, copy=False), np.nan)
    transform = src.window_transform(window) @ Affine.scale(win_w / shape[2], win_h / shape[1])
    return values, transform


def warp(
    values: np.ndarray, transform: Affine, src_crs: CRS, grid: Grid, dst_crs: Any, resampling: Resampling
) -> np.ndarray:
    """Reproject float32 *values* (bands, rows, cols; NaN = no data) onto *grid* in *dst_crs*."""
    dst_transform, (height, width) = grid
    out = np.full((values.shape[0], height, width), np.nan, dtype=np.float32)
    try:
        reproject(
            values,
            out,
            src_transform=transform,
            src_crs=src_crs,
            src_nodata=np.nan,
            dst_transform=dst_transform,
            dst_crs=dst_crs,
            dst_nodata=np.nan,
            resampling=resampling,
        )
    except _ERRORS as err:
        raise RasterError(f"the raster could not be reprojected to {dst_crs} ({err})") from err
    return out
