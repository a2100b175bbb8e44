"""Raster values at incident points: :func:`sample_raster`, :func:`add_raster_column`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import shapely
from pyproj import Transformer
from rasterio.windows import Window

from geo.errors import InvalidOptionError
from layers.raster.source import open_raster

__all__ = ["add_raster_column", "sample_raster"]

_MAX_WINDOW_PIXELS = 4_000_000


def sample_raster(path: str | Path, lons: Any, lats: Any, band: int = 1, *, crs: Any = None) -> np.ndarray:
    """Return the value of *band* in the cell under each (lon, lat); NaN at no data or outside.

    Points (EPSG:4326) are transformed to the raster's CRS with
    ``always_xy=True``. Values are read in one window when the points span at
    most 4 million cells, else block by block, never the whole raster.

    Parameters
    ----------
    path : str or Path
        The raster.
    lons, lats : array-like of float
        Point coordinates in degrees; NaN gives NaN.
    band : int
        1-based band index.
    crs : CRS-like, optional
        The raster's CRS when the file has none.

    Returns
    -------
    ndarray of float64, same length as *lons*.

    Raises
    ------
    RasterError
        The file is not a usable raster (see :func:`~layers.raster.source.open_raster`).
    InvalidOptionError
        *band* is out of range or *lons*/*lats* differ in length.

    Examples
    --------
    >>> import tempfile
    >>> from rasterio.transform import from_origin
    >>> from layers.raster import DensityRaster, write_geotiff
    >>> dem = np.array([[100, 200], [300, -9999]], dtype=np.float32)
    >>> tif = write_geotiff(DensityRaster(dem, from_origin(36, 35, 0.5, 0.5), "EPSG:4326", nodata=-9999),
    ...                     Path(tempfile.mkdtemp()) / "dem.tif")
    >>> sample_raster(tif, [36.2, 36.7, 36.2, 36.7, 40.0], [34.8, 34.8, 34.3, 34.3, 34.8]).tolist()
    [100.0, 200.0, 300.0, nan, nan]
    """
    lons, lats = np.asarray(lons, dtype=float).ravel(), np.asarray(lats, dtype=float).ravel()
    if lons.shape != lats.shape:
        raise InvalidOptionError(f"{lons.size} longitudes but {lats.size} latitudes")
    out = np.full(lons.size, np.nan)
    with open_raster(path, crs=crs) as (src, src_crs):
        if not 1 <= band <= src.count:
            raise InvalidOptionError(f"band={band} is out of range; the raster has {src.count} band(s): 1..{src.count}")
        x, y = Transformer.from_crs("EPSG:4326", src_crs, always_xy=True).transform(lons, lats)
        t = src.transform
        with np.errstate(invalid="ignore"):
            col = np.floor((np.asarray(x) - t.c) / t.a)
            row = np.floor((np.asarray(y) - t.f) / t.e)
        inside = np.isfinite(col) & np.isfinite(row) & (col >= 0) & (col < src.width) & (row >= 0) & (row < src.height)
        if not inside.any():
            return out
        rows, cols = row[inside].astype(np.int64), col[inside].astype(np.int64)
        r0, c0 = int(rows.min()), int(cols.min())
        if (rows.max() - r0 + 1) * (cols.max() - c0 + 1) <= _MAX_WINDOW_PIXELS:
            blocks = [(Window(c0, r0, int(cols.max()) - c0 + 1, int(rows.max()) - r0 + 1), np.arange(rows.size))]
        else:
            bh, bw = src.block_shapes[band - 1]
            keys = (rows // bh) * (src.width // bw + 1) + cols // bw
            _, group = np.unique(keys, return_inverse=True)
            order = np.argsort(group, kind="stable")
            splits = np.split(order, np.flatnonzero(np.diff(group[order])) + 1)
            blocks = []
            for members in splits:
                br, bc = int(rows[members[0]] // bh * bh), int(cols[members[0]] // bw * bw)
                blocks.append((Window(bc, br, min(bw, src.width - bc), min(bh, src.height - br)), members))
        values = np.full(rows.size, np.nan)
        for window, members in blocks:
            data = src.read(band, window=window, masked=True)
            cells = data[rows[members] - int(window.row_off), cols[members] - int(window.col_off)]
            values[members] = np.ma.filled(cells.astype(float), np.nan)
        out[inside] = values
    return out


def add_raster_column(
    gdf: gpd.GeoDataFrame, path: str | Path, column: str = "elevation_m", band: int = 1, *, crs: Any = None
) -> gpd.GeoDataFrame:
    """Return a copy of *gdf* with *column*: the raster's value under each incident's point.

    Rows without a point (aggregates, unlocated rows) get NaN.

    Examples
    --------
    >>> import tempfile
    >>> from rasterio.transform import from_origin
    >>> from shapely.geometry import Point
    >>> from layers.raster import DensityRaster, write_geotiff
    >>> tif = write_geotiff(DensityRaster(np.full((2, 2), 450, np.float32), from_origin(36, 35, 0.5, 0.5),
    ...                                   "EPSG:4326"), Path(tempfile.mkdtemp()) / "dem.tif")
    >>> gdf = gpd.GeoDataFrame({"id": ["a", "b"]}, geometry=[Point(36.2, 34.8), None], crs="EPSG:4326")
    >>> add_raster_column(gdf, tif)["elevation_m"].tolist()
    [450.0, nan]
    """
    geoms = (
        gdf.geometry.to_crs("EPSG:4326") if gdf.crs is not None and not gdf.crs.equals("EPSG:4326") else gdf.geometry
    )
    geoms = geoms.to_numpy()
    has_point = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    lon, lat = np.full(len(gdf), np.nan), np.full(len(gdf), np.nan)
    lon[has_point], lat[has_point] = shapely.get_x(geoms[has_point]), shapely.get_y(geoms[has_point])
    out = gdf.copy()
    out[column] = sample_raster(path, lon, lat, band, crs=crs)
    return out
