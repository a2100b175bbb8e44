"""Folium rendering: with the package ``layers.render``, the only code that imports folium.

Coordinates arrive in the core's (lon, lat) order and are flipped to
Leaflet's [lat, lon] here and nowhere else. Every text taken from data is
escaped before it reaches HTML.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any

import folium

from geo.types import Match
from layers.render.assets import to_offline
from layers.render.incident_map import (
    AGGREGATE_THRESHOLD,
    SYRIA_BOUNDS,
    IncidentUpdate,
    base_map,
    incident_map,
    layer_options,
    payload_bounds,
    update_script,
)

__all__ = [
    "AGGREGATE_THRESHOLD",
    "IncidentUpdate",
    "add_raster_overlay",
    "base_map",
    "incident_map",
    "layer_options",
    "match_map",
    "payload_bounds",
    "to_offline",
    "update_script",
]


def _text(value: object) -> str:
    """Escape for HTML *and* for the Jinja pass folium runs over rendered scripts ({{ }})."""
    return html.escape(str(value)).replace("{", "&#123;").replace("}", "&#125;")


def _popup_html(title: str, rows: Sequence[tuple[str, object]]) -> str:
    cells = "".join(f"<tr><th>{_text(k)}</th><td>{_text(v)}</td></tr>" for k, v in rows)
    return f"<b>{_text(title)}</b><table>{cells}</table>"


def match_map(match: Match) -> folium.Map:
    """Return a map of a gazetteer match: its point with a precision circle, or its candidates.

    Examples
    --------
    >>> from geo.types import Match
    >>> m = match_map(Match(query="x", place_id="p", name="<b>X</b>", lon=36.0, lat=35.0,
    ...                      coord_precision_m=500, source="test", geo_precision=2))
    >>> "&lt;b&gt;X&lt;/b&gt;" in m.get_root().render()
    True
    """
    fmap = folium.Map(tiles="OpenStreetMap", control_scale=True)
    if match.resolved and match.lat is not None and match.lon is not None:
        rows = [
            ("id", match.place_id),
            ("admin1", match.admin1),
            ("precision", f"±{match.coord_precision_m} m"),
            ("method", f"{match.method} ({match.score:.2f})"),
            ("source", match.source),
        ]
        folium.Circle(
            [match.lat, match.lon],
            radius=float(match.coord_precision_m or 0),
            weight=1,
            fill=True,
            fill_opacity=0.1,
            dash_array="4 4",
        ).add_to(fmap)
        folium.Marker(
            [match.lat, match.lon],
            tooltip=_text(match.name),
            popup=folium.Popup(_popup_html(str(match.name), rows), max_width=320),
        ).add_to(fmap)
        pad = max(0.05, (match.coord_precision_m or 0) / 50_000)
        fmap.fit_bounds([[match.lat - pad, match.lon - pad], [match.lat + pad, match.lon + pad]])
    elif match.candidates:
        for cand in match.candidates:
            folium.CircleMarker(
                [cand.lat, cand.lon],
                radius=7,
                color="#b35806",
                fill=True,
                tooltip=_text(cand.label()),
                popup=folium.Popup(_popup_html(cand.label(), [("id", cand.place_id)])),
            ).add_to(fmap)
        lats = [c.lat for c in match.candidates]
        lons = [c.lon for c in match.candidates]
        fmap.fit_bounds([[min(lats) - 0.1, min(lons) - 0.1], [max(lats) + 0.1, max(lons) + 0.1]])
    else:
        fmap.fit_bounds(SYRIA_BOUNDS)
    return fmap


def add_raster_overlay(fmap: folium.Map, overlay: Any, name: str) -> folium.Map:
    """Add a prepared raster (``layers.raster.Overlay``, an EPSG:3857 grid) to the map as a layer.

    The image is embedded as a data URL (no request leaves the page); its opacity is
    already in the PNG's alpha. It appears in the layer control under *name*.

    Examples
    --------
    >>> import numpy as np
    >>> from types import SimpleNamespace
    >>> ov = SimpleNamespace(rgba=np.zeros((2, 2, 4), dtype="uint8"), leaflet_bounds=[[35.0, 36.0], [35.1, 36.1]])
    >>> "L.imageOverlay" in add_raster_overlay(folium.Map(), ov, "<dem>").get_root().render()
    True
    """
    from layers.raster import overlay_data_url

    image = overlay_data_url(overlay) if hasattr(overlay, "bounds") else overlay.rgba
    folium.raster_layers.ImageOverlay(
        image=image,
        bounds=overlay.leaflet_bounds,
        mercator_project=False,
        opacity=1.0,
        name=_text(name),
        interactive=False,
    ).add_to(fmap)
    # The layer control's script names every layer: it must come after the new one.
    for key in [k for k, child in fmap._children.items() if isinstance(child, folium.LayerControl)]:
        fmap._children.move_to_end(key)
    return fmap
