"""Incident density rasters (Gaussian kernel density or grid counts) and writing them as GeoTIFF.

The grid is in :data:`DENSITY_CRS`, a Lambert azimuthal **equal-area**
projection on WGS84 centred on Syria (35° N, 38.5° E, the centre of the
public-safe grid of :mod:`layers.export.public`). Every cell covers the same
true area, so weight per cell and weight per km² are honest everywhere; the
linear scale stays within 0.07 % of true across Syria (≤ 450 km from the
centre), so a circular kernel stays circular. A single UTM zone was not used:
Syria spans zones 36 and 37.

Method: points are binned into a weighted grid histogram (``numpy.bincount``),
then smoothed by a separable Gaussian (standard deviation = *bandwidth_km*)
applied along rows and columns by FFT convolution. The 1-D kernel is the
Gaussian integrated over each cell and normalised to 1, so smoothing keeps the
total: with the default bounds (Syria and every point, padded by 4 σ) the
raster sums to the total weight within 0.01 %. With ``units="per_km2"`` the
values are divided by the cell area and ``sum × cell_area_km2`` is the total.
"""

from __future__ import annotations

import math
import os
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import rasterio
import shapely
from affine import Affine
from pyproj import CRS, Transformer
from rasterio.warp import transform_bounds

from geo.errors import DataSchemaError, InvalidOptionError, RasterError

__all__ = ["DENSITY_CRS", "DENSITY_CRS_NAME", "SYRIA_BOUNDS", "DensityRaster", "density_raster", "write_geotiff"]

DENSITY_CRS = "+proj=laea +lat_0=35 +lon_0=38.5 +x_0=0 +y_0=0 +datum=WGS84 +units=m +no_defs"
DENSITY_CRS_NAME = "Lambert azimuthal equal-area, WGS84, centred 35°N 38.5°E (+proj=laea +lat_0=35 +lon_0=38.5)"
#: Syria's extent, lon/lat (west, south, east, north).
SYRIA_BOUNDS = (35.6, 32.3, 42.4, 37.4)
WEIGHTS = ("deaths", "count")
KERNELS = ("gaussian", "none")
UNITS = ("per_cell", "per_km2")
_MAX_CELLS = 25_000_000
_DEFAULT_MAX_CELLS = 4_000_000


@dataclass(frozen=True, slots=True, eq=False)
class DensityRaster:
    """A single-band float grid with its georeferencing (row 0 is north).

    Attributes
    ----------
    array : ndarray of float32 (rows, cols)
    transform : Affine
    crs : str
        PROJ string or "EPSG:…".
    nodata : float or None
        None for density rasters: every cell is a value (0 means no incidents nearby).
    description : str
        One line: what the values are.
    tags : mapping of str to str
        How it was made; written to the GeoTIFF's metadata.
    """

    array: np.ndarray
    transform: Affine
    crs: str
    nodata: float | None = None
    description: str = ""
    tags: Mapping[str, str] = field(default_factory=dict)


def _choose(name: str, value: str, allowed: tuple[str, ...]) -> str:
    if value not in allowed:
        raise InvalidOptionError(f"{value!r} is not a valid {name}, must be one of {', '.join(map(repr, allowed))}")
    return value


def _gaussian_kernel(sigma_cells: float) -> np.ndarray:
    """Return the N(0, σ²) density integrated over cells of width 1, normalised to sum 1."""
    radius = max(1, math.ceil(4 * sigma_cells))
    edges = (np.arange(-radius, radius + 2) - 0.5) / (sigma_cells * math.sqrt(2))
    cdf = np.array([math.erf(e) for e in edges])
    kernel = np.diff(cdf)
    return kernel / kernel.sum()


def _convolve_axis(grid: np.ndarray, kernel: np.ndarray, axis: int) -> np.ndarray:
    """Convolve every line of *grid* along *axis* with an odd *kernel* (FFT, zero padding, same size)."""
    n, m = grid.shape[axis], kernel.size
    length = n + m - 1
    spectrum = np.fft.rfft(grid, length, axis=axis)
    shape = [1, 1]
    shape[axis] = -1
    spectrum *= np.fft.rfft(kernel, length).reshape(shape)
    full = np.fft.irfft(spectrum, length, axis=axis)
    return np.take(full, np.arange(m // 2, m // 2 + n), axis=axis)


def density_raster(
    gdf: gpd.GeoDataFrame,
    *,
    bandwidth_km: float,
    weight: str = "deaths",
    cell_km: float | None = None,
    bounds: tuple[float, float, float, float] | None = None,
    kernel: str = "gaussian",
    units: str = "per_cell",
    crs: Any = DENSITY_CRS,
) -> DensityRaster:
    """Return the kernel density (or grid count) of incidents on a metric grid.

    Parameters
    ----------
    gdf : GeoDataFrame
        Incidents (EPSG:4326 points; ``aggregate`` and ``deaths_best`` columns).
    bandwidth_km : float
        Standard deviation of the Gaussian kernel, km.
    weight : {"deaths", "count"}
        ``deaths``: each incident weighs its ``deaths_best`` (rows where it is
        missing are excluded and counted); ``count``: each weighs 1.
    cell_km : float, optional
        Cell size; default *bandwidth_km* / 4, enlarged if the grid would
        exceed 4 million cells. At most 25 million cells in any case.
    bounds : (west, south, east, north), optional
        Lon/lat area of the grid; points outside are excluded (counted), and
        kernel mass falling outside is lost (see ``tags["weight_in_grid"]``).
        Default: Syria and every point, padded by 4 bandwidths.
    kernel : {"gaussian", "none"}
        ``none``: a plain weighted count per cell.
    units : {"per_cell", "per_km2"}
        Weight per cell (the raster sums to the total) or per km².
    crs : CRS-like
        A projected CRS in metres; default :data:`DENSITY_CRS` (equal-area).

    Returns
    -------
    DensityRaster
        Tags: bandwidth_km, weight, kernel, cell_km, units, incident_count,
        weight_total, weight_in_grid, excluded_* counts, crs, created.

    Raises
    ------
    InvalidOptionError
        Bad *weight*, *kernel*, *units*, a non-positive size, or too many cells.
    DataSchemaError
        A required column is missing.

    Examples
    --------
    >>> from shapely.geometry import Point
    >>> gdf = gpd.GeoDataFrame({"aggregate": [False, False, True], "deaths_best": [3, 1, 50]},
    ...                        geometry=[Point(36.7, 35.1), Point(36.72, 35.12), None], crs="EPSG:4326")
    >>> r = density_raster(gdf, bandwidth_km=5)
    >>> round(float(r.array.sum(dtype="float64")), 3), r.tags["incident_count"], r.tags["excluded_aggregate"]
    (4.0, '2', '1')
    """
    _choose("weight", weight, WEIGHTS)
    _choose("kernel", kernel, KERNELS)
    _choose("units", units, UNITS)
    if not bandwidth_km > 0 or (cell_km is not None and not cell_km > 0):
        raise InvalidOptionError(f"bandwidth_km={bandwidth_km} and cell_km={cell_km} must be positive")
    needed = ["aggregate", *(["deaths_best"] if weight == "deaths" else [])]
    missing = [c for c in needed if c not in gdf.columns]
    if missing:
        raise DataSchemaError(
            f"the incident table lacks column(s) {', '.join(missing)}; "
            "load it with layers.store.load_gpkg or layers.curated.load_curated"
        )
    dst = CRS.from_user_input(crs)
    if not dst.is_projected:
        raise InvalidOptionError(f"crs={crs!r} is not projected; density needs metres, e.g. DENSITY_CRS")
    geoms = (
        gdf.geometry.to_crs("EPSG:4326") if gdf.crs is not None and not gdf.crs.equals("EPSG:4326") else gdf.geometry
    )
    geoms = geoms.to_numpy()
    aggregate = gdf["aggregate"].fillna(False).astype(bool).to_numpy()
    has_point = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    lon, lat = np.full(len(gdf), np.nan), np.full(len(gdf), np.nan)
    lon[has_point], lat[has_point] = shapely.get_x(geoms[has_point]), shapely.get_y(geoms[has_point])
    has_point &= np.isfinite(lon) & np.isfinite(lat)
    w_all = _weights(gdf, weight)
    located = ~aggregate & has_point
    use = located & np.isfinite(w_all)
    x, y = Transformer.from_crs("EPSG:4326", dst, always_xy=True).transform(lon[use], lat[use])
    w = w_all[use]

    if bounds is None:
        box = list(SYRIA_BOUNDS)
        if use.any():
            box = [
                min(box[0], lon[use].min()),
                min(box[1], lat[use].min()),
                max(box[2], lon[use].max()),
                max(box[3], lat[use].max()),
            ]
        pad = 4 * bandwidth_km * 1000 if kernel == "gaussian" else 0.0
    else:
        box, pad = list(bounds), 0.0
    xmin, ymin, xmax, ymax = transform_bounds("EPSG:4326", dst, *box, densify_pts=21)
    xmin, ymin, xmax, ymax = xmin - pad, ymin - pad, xmax + pad, ymax + pad
    if cell_km is None:
        cell_km = bandwidth_km / 4
        cells = (xmax - xmin) * (ymax - ymin) / (cell_km * 1000) ** 2
        if cells > _DEFAULT_MAX_CELLS:
            cell_km *= math.sqrt(cells / _DEFAULT_MAX_CELLS)
    cell = cell_km * 1000
    x0, y1 = math.floor(xmin / cell) * cell, math.ceil(ymax / cell) * cell
    width, height = math.ceil((xmax - x0) / cell), math.ceil((y1 - ymin) / cell)
    if width * height > _MAX_CELLS:
        raise InvalidOptionError(
            f"cell_km={cell_km:g} gives {width}×{height} cells (> {_MAX_CELLS:,}); "
            "use a larger --cell-km or smaller bounds"
        )
    col = np.floor((x - x0) / cell).astype(np.int64)
    row = np.floor((y1 - y) / cell).astype(np.int64)
    inside = (col >= 0) & (col < width) & (row >= 0) & (row < height)
    grid: np.ndarray = (
        np.bincount(row[inside] * width + col[inside], weights=w[inside], minlength=width * height)
        .reshape(height, width)
        .astype(np.float64)
    )
    if kernel == "gaussian":
        k = _gaussian_kernel(bandwidth_km / cell_km)
        grid = np.clip(_convolve_axis(_convolve_axis(grid, k, 1), k, 0), 0, None)
    if units == "per_km2":
        grid = grid / cell_km**2
    array = grid.astype(np.float32)
    total, in_grid = float(w.sum()), float(grid.sum() * (cell_km**2 if units == "per_km2" else 1))
    what = "deaths (deaths_best)" if weight == "deaths" else "incidents"
    unit = "per cell" if units == "per_cell" else "per km²"
    how = f"Gaussian kernel density, bandwidth {bandwidth_km:g} km" if kernel == "gaussian" else "grid count"
    tags = {
        "bandwidth_km": f"{bandwidth_km:g}" if kernel == "gaussian" else "",
        "weight": weight,
        "kernel": kernel,
        "cell_km": f"{cell_km:g}",
        "units": units,
        "incident_count": str(int(inside.sum())),
        "weight_total": f"{total:g}",
        "weight_in_grid": f"{in_grid:.6g}",
        "excluded_aggregate": str(int(aggregate.sum())),
        "excluded_unlocated": str(int((~aggregate & ~has_point).sum())),
        "excluded_no_deaths": str(int((located & ~np.isfinite(w_all)).sum())),
        "excluded_outside": str(int((~inside).sum())),
        "crs": DENSITY_CRS_NAME if dst.equals(DENSITY_CRS) else dst.srs,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "software": "syria-incident-map layers.raster",
    }
    return DensityRaster(
        array,
        Affine(cell, 0, x0, 0, -cell, y1),
        dst.srs if not dst.to_epsg() else f"EPSG:{dst.to_epsg()}",
        None,
        f"{what} {unit}, {how}, {cell_km:g} km cells",
        tags,
    )


def _weights(gdf: gpd.GeoDataFrame, weight: str) -> np.ndarray:
    """Return each row's weight: deaths_best (NaN where missing) or 1."""
    if weight == "deaths":
        return gdf["deaths_best"].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    return np.ones(len(gdf))


def write_geotiff(raster: DensityRaster, path: str | Path) -> Path:
    """Write *raster* as a compressed float32 GeoTIFF, atomically (temporary file + ``os.replace``).

    The CRS, transform, nodata, band description and tags are stored; the
    previous file is unchanged if anything fails.

    Raises
    ------
    RasterError
        The file could not be written.

    Examples
    --------
    >>> import tempfile
    >>> from rasterio.transform import from_origin
    >>> r = DensityRaster(np.ones((2, 2), np.float32), from_origin(36, 35, 0.5, 0.5), "EPSG:4326", tags={"a": "1"})
    >>> out = write_geotiff(r, Path(tempfile.mkdtemp()) / "x.tif")
    >>> with rasterio.open(out) as src:
    ...     src.crs.to_epsg(), src.tags()["a"], src.read(1).sum()
    (4326, '1', np.float32(4.0))
    """
    path = Path(path)
    array = np.asarray(raster.array, dtype=np.float32)
    if array.ndim != 2:
        raise RasterError(f"{path}: a single-band raster needs a 2-D array, got shape {array.shape}")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp.tif", dir=path.parent)
        os.close(fd)
    except OSError as err:
        raise RasterError(f"{path}: cannot create a file in {path.parent} ({err.strerror or err})") from err
    tmp = Path(tmp_name)
    height, width = array.shape
    profile: dict[str, Any] = {
        "driver": "GTiff",
        "height": height,
        "width": width,
        "count": 1,
        "dtype": "float32",
        "crs": raster.crs,
        "transform": raster.transform,
        "nodata": raster.nodata,
        "compress": "deflate",
        "predictor": 3,
    }
    if height >= 512 and width >= 512:
        profile.update(tiled=True, blockxsize=256, blockysize=256)
    try:
        with rasterio.open(tmp, "w", **profile) as dst:
            dst.write(array, 1)
            dst.update_tags(**{k: str(v) for k, v in raster.tags.items()})
            if raster.description:
                dst.set_band_description(1, raster.description)
        with tmp.open("rb+") as handle:
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except Exception as err:
        tmp.unlink(missing_ok=True)
        raise RasterError(
            f"{path}: could not write the GeoTIFF ({type(err).__name__}: {err}); the previous file is unchanged"
        ) from err
    return path
