"""Folium rendering: with the package ``layers.render``, the only code that imports folium.

Coordinates arrive in the core's (lon, lat) order and are flipped to
Leaflet's [lat, lon] here and nowhere else. Every text taken from data is
escaped before it reaches HTML.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

import folium

from geo.types import Match
from layers.render.assets import to_offline
from layers.render.incident_map import SYRIA_BOUNDS, incident_map

__all__ = ["incident_map", "match_map", "to_offline"]


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
