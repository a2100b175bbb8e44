"""Rasters on the incident map: overlays of any GeoTIFF, terrain, incident density, sampling.

Pure core (no folium, no streamlit). Modules:

* :mod:`~layers.raster.source` — opening rasters with clear errors, decimated reads, warps;
* :mod:`~layers.raster.overlay` — :func:`prepare_overlay`, :func:`terrain_overlay`, PNG encoding;
* :mod:`~layers.raster.terrain` — :func:`hillshade` with true ground cell sizes;
* :mod:`~layers.raster.density` — :func:`density_raster`, :func:`write_geotiff`;
* :mod:`~layers.raster.sampling` — :func:`sample_raster`, :func:`add_raster_column`;
* :mod:`~layers.raster.static` — :func:`raster_under_map` for matplotlib maps.

Every failure is a :class:`~geo.errors.RasterError` (or :class:`~geo.errors.InvalidOptionError`
for a bad option), with rasterio's error chained as its cause.
"""

from __future__ import annotations

from layers.raster.density import (
    DENSITY_CRS,
    DENSITY_CRS_NAME,
    SYRIA_BOUNDS,
    DensityRaster,
    density_raster,
    write_geotiff,
)
from layers.raster.overlay import (
    Overlay,
    colorize,
    overlay_data_url,
    overlay_png_bytes,
    prepare_overlay,
    terrain_overlay,
)
from layers.raster.sampling import add_raster_column, sample_raster
from layers.raster.source import SYRIA_REGION, open_raster
from layers.raster.static import raster_under_map
from layers.raster.terrain import cell_sizes_m, hillshade

__all__ = [
    "DENSITY_CRS",
    "DENSITY_CRS_NAME",
    "SYRIA_BOUNDS",
    "SYRIA_REGION",
    "DensityRaster",
    "Overlay",
    "add_raster_column",
    "cell_sizes_m",
    "colorize",
    "density_raster",
    "hillshade",
    "open_raster",
    "overlay_data_url",
    "overlay_png_bytes",
    "prepare_overlay",
    "raster_under_map",
    "sample_raster",
    "terrain_overlay",
    "write_geotiff",
]
