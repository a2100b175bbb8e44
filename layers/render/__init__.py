"""Rendering to folium: the package (with ``layers/folium_map.py``) that may import folium.

* :mod:`layers.render.payload` — the incidents as compact JSON for the browser (no folium), and
  the one category → colour assignment that static maps, animations and PDFs share;
* :mod:`layers.render.assets` — vendored JS/CSS instead of CDN links (offline maps);
* :mod:`layers.render.incident_map` — :func:`incident_map`.

The names below load their modules on first use, so that importing
:mod:`layers.render.payload` (as the static exports do) never loads folium.
"""

from __future__ import annotations

import importlib
from typing import Any

__all__ = ["incident_map", "inline_html", "to_offline"]

_HOMES = {
    "incident_map": "layers.render.incident_map",
    "inline_html": "layers.render.assets",
    "to_offline": "layers.render.assets",
}


def __getattr__(name: str) -> Any:
    if name in _HOMES:
        return getattr(importlib.import_module(_HOMES[name]), name)
    raise AttributeError(f"module 'layers.render' has no attribute {name!r}")
