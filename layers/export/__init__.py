"""Exports: static maps, animations, story PDFs and data files, public-safe by default.

Modules: :mod:`~layers.export.public` (public-safe mode), :mod:`~layers.export.basemap`
(offline GSHHG background, web tiles, GeoTIFF), :mod:`~layers.export.cartography` (presets,
scale bar, north arrow, labels), :mod:`~layers.export.static` (PNG/SVG/PDF),
:mod:`~layers.export.animate` (GIF/MP4), :mod:`~layers.export.story` (stories),
:mod:`~layers.export.data` (CSV/GeoJSON/KML/GeoPackage).
"""

from __future__ import annotations

import importlib
from typing import Any

# Loaded on first use (PEP 562), so that a data export never imports matplotlib.
_WHERE = {
    "render_animation": "animate",
    "ExportResult": "common",
    "filter_incidents": "common",
    "export_data": "data",
    "apply_public": "public",
    "coarsen_lonlat": "public",
    "is_quote_safe": "public",
    "to_public": "public",
    "render_map": "static",
    "Story": "story",
    "StoryStep": "story",
    "StoryView": "story",
    "list_stories": "story",
    "load_story": "story",
    "story_to_pdf": "story",
}


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        return getattr(importlib.import_module(f"layers.export.{_WHERE[name]}"), name)
    raise AttributeError(f"module 'layers.export' has no attribute {name!r}")


__all__ = [
    "ExportResult",
    "Story",
    "StoryStep",
    "StoryView",
    "apply_public",
    "coarsen_lonlat",
    "export_data",
    "filter_incidents",
    "is_quote_safe",
    "list_stories",
    "load_story",
    "render_animation",
    "render_map",
    "story_to_pdf",
    "to_public",
]
