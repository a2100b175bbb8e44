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

import importlib
from typing import Any

# Each public name and the module that defines it. The submodules load on first use (PEP 562), so
# importing this package does not import rasterio or matplotlib: the app's first page and the
# commands that never touch a raster do not pay for them.
_WHERE = {
    "DENSITY_CRS": "density",
    "DENSITY_CRS_NAME": "density",
    "SYRIA_BOUNDS": "density",
    "DensityRaster": "density",
    "density_raster": "density",
    "write_geotiff": "density",
    "Overlay": "overlay",
    "colorize": "overlay",
    "overlay_data_url": "overlay",
    "overlay_png_bytes": "overlay",
    "prepare_overlay": "overlay",
    "terrain_overlay": "overlay",
    "add_raster_column": "sampling",
    "sample_raster": "sampling",
    "SYRIA_REGION": "source",
    "open_raster": "source",
    "raster_under_map": "static",
    "cell_sizes_m": "terrain",
    "hillshade": "terrain",
}


def __getattr__(name: str) -> Any:
    try:
        module = _WHERE[name]
    except KeyError:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_WHERE})


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
