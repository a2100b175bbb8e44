"""A filter or date change updates the data on the map already on the page (issue 20).

The Leaflet map object, its view, the base layer the person chose in the map and the layer
control survive a date-slider step; only the incident layer is replaced, and it draws exactly
the incidents of the new selection.
"""

from __future__ import annotations

import base64
import re
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest

from layers.app_state import from_query
from layers.render.payload import drawable_rows
from layers.timeline import filter_incidents
from tests.browser.conftest import screenshot
from tests.browser.test_app import MAP_FRAME as MAP_FRAME_SELECTOR
from tests.browser.test_app import curated, open_app, shown_count, wait_for_map_count  # noqa: F401

pytestmark = pytest.mark.browser

TILE_HOSTS_GLOB = re.compile(
    r"^https?://([a-z0-9-]+\.)*(tile\.openstreetmap\.org|basemaps\.cartocdn\.com|server\.arcgisonline\.com)/"
)

DATASETS = ["coast_march_2025", "massacres_2012_2013", "rg_campaign_2011_2012"]

TAG_AND_MOVE = """() => {
    const map = window.map;
    map.__issue20 = "the first map";               // a property only this very object carries
    map.setView([35.2, 36.1], 9, {animate: false}); // a view of the person's own, not the fitted one
    const control = map._incidentLayerControl;      // the person picks another base layer in the map
    const input = control._layerControlInputs.find(i => control._getLayer(i.layerId).name.startsWith("Blank"));
    input.click();
    return [map.getCenter().lat, map.getCenter().lng, map.getZoom()];
}"""

STATE = """() => {
    const map = window.map, control = map._incidentLayerControl;
    const named = name => control._layers.filter(l => l.name === name);
    return {
        tag: map.__issue20 || null,
        view: [map.getCenter().lat, map.getCenter().lng, map.getZoom()],
        blank: map.hasLayer(named("Blank (no background)")[0].layer),
        osm: map.hasLayer(named("OpenStreetMap")[0].layer),
        incidentEntries: named("Incidents").length,
        layers: window.__incidentLayers.length,
        updates: window.__incidentLayers[0].updates,
        legends: document.querySelectorAll(".incident-legend").length,
        timeControls: document.querySelectorAll(".time-control").length,
    };
}"""


def test_a_date_step_updates_the_data_on_the_same_map(page: Any, app_url: str, curated: Any) -> None:  # noqa: F811
    pg, watch = page
    frame = open_app(pg, app_url)
    view = frame.evaluate(TAG_AND_MOVE)
    before = shown_count(pg)

    thumb = pg.locator("[data-testid=stSlider]").filter(has_text="Dates").get_by_role("slider").first
    thumb.focus()
    thumb.press("PageUp")  # one step: one rerun (several could still be running when the count is read)
    pg.wait_for_function(f"() => !document.body.innerText.includes('{before:,} incidents shown')", timeout=30_000)
    pg.wait_for_function("() => location.search.includes('start=')", timeout=30_000)
    params = {k: v[0] for k, v in parse_qs(urlparse(pg.url).query).items()}
    expected = filter_incidents(curated, from_query(params, DATASETS).filter_spec())
    assert shown_count(pg) == len(expected) < before
    drawn = len(drawable_rows(expected)[0])
    wait_for_map_count(pg, drawn)
    pg.wait_for_function(
        "() => Array.from(document.querySelectorAll('iframe')).some(f => f.contentWindow.__incidentLayers"
        " && f.contentWindow.__incidentLayers[0].updates >= 1 && f.contentWindow.__incidentLayers[0].ready)",
        timeout=30_000,
    )
    frame = next(f for f in pg.frames if "streamlit_folium" in f.url)
    after = frame.evaluate(STATE)
    screenshot(pg, "app_after_update")

    assert after["tag"] == "the first map"  # the same Leaflet map object, in the same frame
    assert after["view"] == pytest.approx(view, abs=1e-6)  # the view is the person's, not refitted
    assert after["blank"]  # the base layer chosen in the map stays
    assert not after["osm"]
    # Only the incident layer was replaced: one of it, once in the layer control, one legend and time control.
    assert after["layers"] == 1
    assert after["incidentEntries"] == 1
    assert after["legends"] == 1
    assert after["timeControls"] == 1
    assert frame.evaluate("window.__incidentLayers[0].visibleCount()") == drawn
    # Popups of the new layer work and show text as text.
    frame.evaluate("() => window.__incidentLayers[0].openIncident(0)")
    popup = pg.frame_locator('iframe[title="streamlit_folium.st_folium"]').locator(".incident-popup")
    popup.wait_for(timeout=10_000)
    assert popup.locator("h4").inner_text()
    assert not [e for e in watch.console_errors if "ERR_FAILED" not in e]


def test_a_new_base_layer_in_the_sidebar_rebuilds_the_map(page: Any, app_url: str) -> None:
    """A change of structure (the base layer chosen under Map) builds a new map, with the new base layer."""
    pg, _ = page
    frame = open_app(pg, f"{app_url}/?ds=coast_march_2025")
    frame.evaluate("() => { window.map.__issue20 = 'old'; }")
    sidebar = pg.locator("section[data-testid=stSidebar]")
    sidebar.get_by_text("Map", exact=True).click()
    sidebar.locator("[data-testid=stSelectbox]").filter(has_text="Base layer").click()
    pg.get_by_role("option", name="blank").click()
    pg.wait_for_function(
        "() => Array.from(document.querySelectorAll('iframe')).some(f => f.contentWindow.map"
        " && !f.contentWindow.map.__issue20 && f.contentWindow.__incidentLayers"
        " && f.contentWindow.__incidentLayers.length === 1 && f.contentWindow.__incidentLayers[0].ready)",
        timeout=60_000,
    )
    frame = next(f for f in pg.frames if "streamlit_folium" in f.url and f.evaluate("!!window.map"))
    blank = frame.evaluate(
        "() => { const c = window.map._incidentLayerControl;"
        " return window.map.hasLayer(c._layers.find(l => l.name.startsWith('Blank')).layer); }"
    )
    assert blank


MINI_MAP = "() => Object.keys(window).filter(k => k.startsWith('mini_map_')).map(k => window[k])[0]"
VIEW = "() => [window.map.getCenter().lat, window.map.getCenter().lng, window.map.getZoom()]"


def test_the_map_follows_the_mini_map_only_when_the_person_moves_it(page: Any, app_url: str) -> None:
    """A move of the mini map that the person did not make leaves the person's view (issue 20's view check).

    leaflet-minimap takes any unpaired "moveend" of the mini map (an interrupted pan, a size change)
    for the person's and set the map back to an old view at the mini map's zoom + 5 (seen in CI as
    a date step "losing" the view). A drag on the mini map still moves the map.
    """
    pg, _ = page
    # a 1×1 PNG: web tiles "load", so the mini map is shown
    png = base64.b64decode(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII="
    )
    pg.route(TILE_HOSTS_GLOB, lambda route: route.fulfill(body=png, content_type="image/png"))
    frame = open_app(pg, f"{app_url}/?ds=coast_march_2025")
    frame.evaluate("() => window.map.setView([35.2, 36.1], 9, {animate: false})")
    # The mini map moves without the person (as after a size change while it was hidden).
    frame.evaluate(f"() => ({MINI_MAP})()._miniMap.setView([33.5, 36.3], 3, {{animate: false}})")
    pg.wait_for_timeout(500)
    assert frame.evaluate(VIEW) == pytest.approx([35.2, 36.1, 9], abs=1e-6)
    mini = frame.evaluate(
        f"() => {{ const m = ({MINI_MAP})()._miniMap; return [m.getCenter().lat, m.getCenter().lng, m.getZoom()]; }}"
    )
    assert mini == pytest.approx([35.2, 36.1, 4], abs=1e-3)  # back in step with the map
    # The person drags the mini map: the map follows.
    box = pg.frame_locator(MAP_FRAME_SELECTOR).locator(".leaflet-control-minimap").bounding_box()
    assert box
    assert box["width"] > 100
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    pg.mouse.move(x, y)
    pg.mouse.down()
    pg.mouse.move(x + 30, y + 10, steps=8)
    pg.mouse.up()
    pg.wait_for_function(
        "() => Array.from(document.querySelectorAll('iframe'))"
        ".some(f => f.contentWindow.map && f.contentWindow.map.getCenter().lng < 35.5)",
        timeout=10_000,
    )
    lat, lng, zoom = frame.evaluate(VIEW)
    assert lng < 35.5
    assert lat > 35.2
    assert zoom == 9
