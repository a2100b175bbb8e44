"""The metric CRS the project measures and grids in within Syria.

Syria spans UTM zones 36 and 37, so no single UTM zone fits it; an azimuthal
equidistant projection on WGS84 centred on the country (35° N, 38.5° E) keeps
the scale error below 0.2 % within 600 km of the centre, i.e. everywhere in
Syria. It is used for grids (public-safe coarsening, aggregated maps) and for
the static maps; lengths along roads are geodesic (``geo.corridors``).

Examples
--------
>>> x, y = TO_SYRIA_AEQD.transform(38.5, 35.0)
>>> round(x, 6), round(y, 6)
(0.0, 0.0)
"""

from __future__ import annotations

from pyproj import CRS, Transformer

__all__ = ["FROM_SYRIA_AEQD", "SYRIA_AEQD", "SYRIA_AEQD_NAME", "TO_SYRIA_AEQD"]

SYRIA_AEQD = CRS.from_proj4("+proj=aeqd +lat_0=35 +lon_0=38.5 +datum=WGS84 +units=m +no_defs")
SYRIA_AEQD_NAME = "azimuthal equidistant, WGS84, centred 35°N 38.5°E (+proj=aeqd +lat_0=35 +lon_0=38.5)"
TO_SYRIA_AEQD = Transformer.from_crs("EPSG:4326", SYRIA_AEQD, always_xy=True)
FROM_SYRIA_AEQD = Transformer.from_crs(SYRIA_AEQD, "EPSG:4326", always_xy=True)
