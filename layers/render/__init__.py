"""Rendering to folium: the package (with ``layers/folium_map.py``) that may import folium.

* :mod:`layers.render.payload` — the incidents as compact JSON for the browser (no folium);
* :mod:`layers.render.assets` — vendored JS/CSS instead of CDN links (offline maps);
* :mod:`layers.render.incident_map` — :func:`incident_map`.
"""

from layers.render.assets import inline_html, to_offline
from layers.render.incident_map import incident_map

__all__ = ["incident_map", "inline_html", "to_offline"]
