"""The app's map arguments are exactly what st_folium sends, and they stay put between reruns."""

from __future__ import annotations

import re
from typing import Any

import pytest

from geo.corridors import load_corridors
from layers.folium_map import IncidentUpdate, base_map, layer_options, update_script
from layers.render.component import MAP_KEY, component_args, feature_group_arg


def captured_st_folium(monkeypatch: pytest.MonkeyPatch, fmap: Any, update: Any) -> dict[str, Any]:
    """Call the real ``st_folium`` with the app's options; return what it hands the component."""
    import streamlit_folium  # noqa: TID251 - the reference the app's shortcut must match

    seen: dict[str, Any] = {}
    monkeypatch.setattr(streamlit_folium, "_component_func", lambda **kw: seen.update(kw))
    streamlit_folium.st_folium(
        fmap, key=MAP_KEY, height=620, use_container_width=True, returned_objects=[], feature_group_to_add=update
    )
    return seen


def same_ids(value: Any) -> Any:
    """Folium's random element ids (two builds differ by them only; the component key ignores them)."""
    return re.sub(r"_[0-9a-f]{32}", "_<id>", value) if isinstance(value, str) else value


def build() -> Any:
    return base_map(corridors=dict(load_corridors()), basemap="osm", timed=True)


def test_arguments_are_st_folium_s(monkeypatch: pytest.MonkeyPatch) -> None:
    payload, options = '{"n":0,"note":"a_b"}', layer_options(steps=[[1, 2, "x"]])
    ours = component_args(build())
    theirs = captured_st_folium(monkeypatch, build(), IncidentUpdate(payload, options))
    for name in ("script", "header", "html", "id", "key", "js_links", "css_links"):
        assert same_ids(ours[name]) == same_ids(theirs[name]), name
    assert feature_group_arg(update_script(payload, options)).split() == theirs["feature_group"].split()
    assert theirs["returned_objects"] == []
    assert theirs["default"] == {}
    assert theirs["layer_control"] is None


def test_the_component_key_is_the_same_for_every_build_of_one_structure() -> None:
    # A rebuilt map (a new session, an evicted cache entry) keeps the browser's map.
    assert component_args(build())["key"] == component_args(build())["key"]
    other = component_args(base_map(corridors=dict(load_corridors()), basemap="blank", timed=True))
    assert other["key"] != component_args(build())["key"]


def test_the_incidents_are_not_in_the_base_map() -> None:
    args = component_args(build())
    assert "IncidentLayer.create" not in args["script"]
    assert "IncidentLayer.kmByZoom" in args["script"]  # incident_layer.js is loaded with the map
    assert any("javascript" in link for link in args["js_links"])
    assert "_incidentLayerControl" in args["script"]
