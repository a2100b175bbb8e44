"""Hillshade of a DEM with true ground cell sizes (metres), in any CRS.

The slope is Horn's 3 × 3 finite difference. Cell sizes are converted to
ground metres per row:

* geographic CRS (degrees): ``dx = Δλ · N(φ) · cos φ`` and ``dy = Δφ · M(φ)``
  with the prime-vertical and meridional radii of the CRS's ellipsoid at the
  row's latitude;
* projected CRS: the grid step times the unit's size in metres, divided by
  the projection's local scale (``sqrt(areal_scale)`` from
  :meth:`pyproj.Proj.get_factors` at the middle of each row — exact for
  conformal projections: UTM, Web Mercator, where it is 1/cos φ).

The azimuth is measured from grid north; the meridian convergence (a few
degrees at most in UTM over Syria) is ignored.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from affine import Affine
from pyproj import CRS, Proj, Transformer

from geo.errors import InvalidOptionError

__all__ = ["cell_sizes_m", "hillshade"]


def cell_sizes_m(transform: Affine, crs: Any, height: int, width: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """Return the ground size in metres of a cell in each row: (dx_m, dy_m), arrays of *height*.

    Examples
    --------
    >>> from rasterio.transform import from_origin
    >>> dx, dy = cell_sizes_m(from_origin(36.0, 35.001, 0.001, 0.001), "EPSG:4326", 2)
    >>> round(float(dx[0]), 1), round(float(dy[0]), 1)
    (91.3, 110.9)
    >>> dx, dy = cell_sizes_m(from_origin(0, 4.2e6, 30, 30), "EPSG:3857", 1)
    >>> round(float(dx[0]), 2)  # 30 Mercator "metres" at 35.3° N are 24.5 m on the ground
    24.49
    """
    crs = CRS.from_user_input(crs)
    rows = np.arange(height) + 0.5
    if crs.is_geographic:
        ell = crs.ellipsoid
        a = ell.semi_major_metre
        f = 1 / ell.inverse_flattening if ell.inverse_flattening else 0.0
        e2 = f * (2 - f)
        lat = np.radians(transform.f + rows * transform.e)
        w = 1 - e2 * np.sin(lat) ** 2
        n_radius, m_radius = a / np.sqrt(w), a * (1 - e2) / w**1.5
        dx = abs(transform.a) * math.pi / 180 * n_radius * np.cos(lat)
        dy = abs(transform.e) * math.pi / 180 * m_radius
        return dx, dy
    unit = crs.axis_info[0].unit_conversion_factor or 1.0
    x_mid = transform.c + transform.a * width / 2
    ys = transform.f + rows * transform.e
    lon, lat = Transformer.from_crs(crs, crs.geodetic_crs, always_xy=True).transform(np.full(height, x_mid), ys)
    scale = np.sqrt(np.asarray(Proj(crs).get_factors(lon, lat).areal_scale, dtype=float))
    scale = np.where(np.isfinite(scale) & (scale > 0), scale, 1.0)
    return abs(transform.a) * unit / scale, abs(transform.e) * unit / scale


def hillshade(
    dem: np.ndarray, transform: Affine, crs: Any, azimuth: float = 315, altitude: float = 45, z_factor: float = 1
) -> np.ndarray:
    """Return the hillshade of *dem*: illumination in [0, 1] (float32), NaN where the DEM is NaN.

    Parameters
    ----------
    dem : ndarray (rows, cols)
        Elevations (metres, or any unit times *z_factor* = metres); NaN = no data.
        A cell next to a NaN cell is NaN too.
    transform : Affine
        North-up grid transform of *dem*.
    crs : CRS-like
        The CRS of *transform* (geographic or projected).
    azimuth : float
        Direction the light comes from, degrees clockwise from north (315 = north-west).
    altitude : float
        Sun elevation above the horizon, degrees (0–90).
    z_factor : float
        Vertical exaggeration (or the unit conversion of the DEM to metres).

    Returns
    -------
    ndarray of float32
        ``max(0, n · l)``, with *n* the surface normal and *l* the direction to
        the light; a flat cell is ``sin(altitude)``.

    Raises
    ------
    InvalidOptionError
        *dem* is not 2-D or *altitude* is outside 0–90.

    Examples
    --------
    >>> from rasterio.transform import from_origin
    >>> flat = np.zeros((4, 4))
    >>> round(float(hillshade(flat, from_origin(500000, 3900000, 30, 30), "EPSG:32637")[1, 1]), 4)
    0.7071
    """
    dem = np.asarray(dem, dtype=np.float32)  # float32 halves the memory; elevation differences stay exact to mm
    if dem.ndim != 2:
        raise InvalidOptionError(f"hillshade needs a 2-D DEM, got an array of shape {dem.shape}")
    if not 0 <= altitude <= 90:
        raise InvalidOptionError(f"altitude={altitude} is not in 0..90 degrees")
    dx, dy = cell_sizes_m(transform, crs, dem.shape[0], dem.shape[1])
    dx, dy = dx.astype(np.float32), dy.astype(np.float32)
    z = np.pad(dem * np.float32(z_factor), 1, mode="edge")
    d_col = ((z[:-2, 2:] + 2 * z[1:-1, 2:] + z[2:, 2:]) - (z[:-2, :-2] + 2 * z[1:-1, :-2] + z[2:, :-2])) / 8
    d_row = ((z[2:, :-2] + 2 * z[2:, 1:-1] + z[2:, 2:]) - (z[:-2, :-2] + 2 * z[:-2, 1:-1] + z[:-2, 2:])) / 8
    p = d_col / (dx * math.copysign(1, transform.a))[:, None]  # dz/d(east)
    q = d_row / (dy * math.copysign(1, transform.e))[:, None]  # dz/d(north)
    az, alt = math.radians(azimuth), math.radians(altitude)
    lx, ly, lz = math.sin(az) * math.cos(alt), math.cos(az) * math.cos(alt), math.sin(alt)
    shade = (-p * lx - q * ly + lz) / np.sqrt(1 + p * p + q * q)
    shade[np.isnan(dem)] = np.nan
    return np.clip(shade, 0, 1).astype(np.float32)
