"""Drawing a raster under a static (matplotlib) map: :func:`raster_under_map`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from matplotlib.axes import Axes
from matplotlib.image import AxesImage
from pyproj import CRS
from rasterio.transform import from_bounds
from rasterio.warp import transform_bounds

from geo.errors import InvalidOptionError
from layers.raster.overlay import _Style, render
from layers.raster.source import open_raster, window_for

__all__ = ["raster_under_map"]


def raster_under_map(
    ax: Axes,
    path: str | Path,
    *,
    hillshade: bool = False,
    opacity: float = 0.6,
    map_crs: Any = "EPSG:4326",
    colormap: str | None = None,
    vmin: float | None = None,
    vmax: float | None = None,
    band: int | None = None,
    crs: Any = None,
    zorder: float = 0.5,
) -> AxesImage:
    """Draw a raster into *ax*, whose data coordinates are in *map_crs*; return the image.

    The raster is read decimated to the axes' size on screen (its pixel
    extent at the figure's dpi) and warped onto a grid covering the current
    view limits in *map_crs* — set the limits first. If the limits are still
    matplotlib's default (0, 1), the raster's own extent is used. The view
    limits are left unchanged.

    Parameters
    ----------
    ax : matplotlib Axes
        Data coordinates in *map_crs* (lon/lat for "EPSG:4326", metres for a projected CRS).
    path : str or Path
        The raster (DEM when *hillshade*).
    hillshade : bool
        Draw the hillshade of band 1 (tinted with *colormap* when one is given).
    opacity : float
        0–1, put into the image's alpha.
    map_crs : CRS-like
        The CRS of the axes' data coordinates.
    colormap, vmin, vmax, band, crs
        As in :func:`~layers.raster.overlay.prepare_overlay` (*colormap*
        defaults to "viridis" for plain rasters and none for hillshades).
    zorder : float
        Drawing order (below vector layers, which default to 1 or more).

    Raises
    ------
    RasterError
        Unreadable raster, no CRS, or no overlap with the map's extent.

    Examples
    --------
    >>> import tempfile
    >>> import matplotlib.pyplot as plt
    >>> import numpy as np
    >>> from rasterio.transform import from_origin
    >>> from layers.raster import DensityRaster, write_geotiff
    >>> tif = write_geotiff(DensityRaster(np.eye(4, dtype=np.float32), from_origin(36, 36, 0.5, 0.5), "EPSG:4326"),
    ...                     Path(tempfile.mkdtemp()) / "r.tif")
    >>> fig, ax = plt.subplots(figsize=(2, 2), dpi=50)
    >>> _ = ax.set_xlim(35, 39), ax.set_ylim(33, 37)
    >>> image = raster_under_map(ax, tif)
    >>> [float(v) for v in image.get_extent()], [float(v) for v in ax.get_xlim()]
    ([35.0, 39.0, 33.0, 37.0], [35.0, 39.0])
    >>> plt.close(fig)
    """
    dst = CRS.from_user_input(map_crs)
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    bbox = ax.get_window_extent()
    width, height = max(16, min(4096, round(bbox.width))), max(16, min(4096, round(bbox.height)))
    style = _Style(
        kind="terrain" if hillshade else "values",
        band=band,
        colormap=colormap if (colormap or hillshade) else "viridis",
        vmin=vmin,
        vmax=vmax,
        opacity=opacity,
    )
    if not 0 <= opacity <= 1:
        raise InvalidOptionError(f"opacity={opacity} is not in 0..1")
    with open_raster(path, crs=crs) as (src, src_crs):
        if (x0, x1, y0, y1) == (0.0, 1.0, 0.0, 1.0):
            x0, y0, x1, y1 = transform_bounds(src_crs, dst, *src.bounds, densify_pts=21)
        left, right, bottom, top = min(x0, x1), max(x0, x1), min(y0, y1), max(y0, y1)
        window = window_for(src, src_crs, (left, bottom, right, top), dst, what="the map's extent")
        grid = (from_bounds(left, bottom, right, top, width, height), (height, width))
        rgba, _, _ = render(src, src_crs, window, grid, dst, style)
    image = ax.imshow(rgba, extent=(left, right, bottom, top), origin="upper", interpolation="nearest", zorder=zorder)
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    return image
