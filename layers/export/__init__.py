"""Exports: static maps, animations, story PDFs and data files, public-safe by default.

Modules: :mod:`~layers.export.public` (public-safe mode), :mod:`~layers.export.basemap`
(offline GSHHG background, web tiles, GeoTIFF), :mod:`~layers.export.cartography` (presets,
scale bar, north arrow, labels), :mod:`~layers.export.static` (PNG/SVG/PDF),
:mod:`~layers.export.animate` (GIF/MP4), :mod:`~layers.export.story` (stories),
:mod:`~layers.export.data` (CSV/GeoJSON/KML/GeoPackage).
"""

from layers.export.animate import render_animation
from layers.export.common import ExportResult, filter_incidents
from layers.export.data import export_data
from layers.export.public import apply_public, coarsen_lonlat, is_quote_safe, to_public
from layers.export.static import render_map
from layers.export.story import Story, StoryStep, StoryView, list_stories, load_story, story_to_pdf

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
