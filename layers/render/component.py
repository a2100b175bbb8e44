"""streamlit-folium's component arguments for a map, rendered once (the app's map without re-rendering).

``st_folium(fmap, ...)`` renders the whole folium map on every call — a second or so for
the app's base map with its corridor labels — and folium's rendering is not repeatable on
one map object (each render adds elements), so the same map cannot simply be passed again.
:func:`component_args` renders a map once into the arguments ``st_folium`` would hand its
frontend; the app keeps them per map structure and sends them, with the current incident
layer as streamlit-folium's dynamic feature group (:func:`feature_group_arg`), on every
rerun. The frontend keeps its Leaflet map while the component key — a hash of the map's
script — is unchanged. Tied to streamlit-folium 0.27 (requirements.txt pins it);
``tests/test_component.py`` checks these arguments against ``st_folium``'s own.

Only string helpers of ``streamlit_folium`` are used here; the component itself is called
from app.py.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

__all__ = ["MAP_KEY", "component_args", "feature_group_arg"]

#: The ``key`` the app gives ``st_folium`` (part of the component key).
MAP_KEY = "map"


def _walk(element: Any) -> Iterator[Any]:
    yield element
    for child in getattr(element, "_children", {}).values():
        yield from _walk(child)


def component_args(fmap: Any, key: str = MAP_KEY) -> dict[str, Any]:
    """Return what ``st_folium(fmap, key=key)`` sends its frontend about the map itself.

    The script, header and HTML of the map, its element id, the JS and CSS links of its
    elements (deduplicated, in order) and the component key. Renders *fmap* (once: do not
    pass it again).
    """
    import streamlit_folium as sf  # its pure string helpers; the component itself is called in app.py

    fmap.get_root().render()
    fmap.render()
    html, header = sf._get_html(fmap), sf._get_header(fmap)
    script = sf._get_map_string(fmap)
    js_links: list[str] = []
    css_links: list[str] = []
    for element in _walk(fmap):
        css_links += [href for _, href in getattr(element, "default_css", [])]
        js_links += [src for _, src in getattr(element, "default_js", [])]
    return {
        "script": script,
        "header": header,
        "html": html,
        "id": sf.get_full_id(fmap),
        "key": sf.generate_js_hash(script, key, False),
        "js_links": list(dict.fromkeys(js_links)),
        "css_links": list(dict.fromkeys(css_links)),
    }


def feature_group_arg(script: str, index: int = 0) -> str:
    """Return the ``feature_group`` argument for a feature group whose script is *script*.

    *script* defines ``feature_group_feature_group_<index>`` on ``map_div`` (as
    ``layers.render.incident_map.update_script`` does); this adds what ``st_folium`` adds
    for a shown ``folium.FeatureGroup``: the layer added to the map and listed, so that the
    next update removes it.

    Examples
    --------
    >>> print(feature_group_arg("var feature_group_feature_group_0 = L.layerGroup();"))
    var feature_group_feature_group_0 = L.layerGroup();
    feature_group_feature_group_0.addTo(map_div);
    map_div.addLayer(feature_group_feature_group_0);
    window.feature_group = window.feature_group || [];
    window.feature_group.push(feature_group_feature_group_0);
    <BLANKLINE>
    """
    name = f"feature_group_feature_group_{index}"
    return (
        f"{script}\n{name}.addTo(map_div);\nmap_div.addLayer({name});\n"
        f"window.feature_group = window.feature_group || [];\nwindow.feature_group.push({name});\n"
    )
