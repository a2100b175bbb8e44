"""The standalone HTML export opened from file:// in headless Chromium, offline."""

import base64
import re

import pytest

from tests.test_standalone import XSS, exported, incidents  # noqa: F401  (fixtures)

PNG = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=")


@pytest.mark.browser
def test_opens_offline_and_slider_filters(browser, exported):  # noqa: F811  (fixture imported above)
    errors: list[str] = []
    requests: list[str] = []

    def route(r):
        requests.append(r.request.url)
        if "tile" in r.request.url:
            r.fulfill(status=200, content_type="image/png", body=PNG)
        else:
            r.abort()

    if True:  # one browser for the whole session (tests/browser/conftest.py)
        page = browser.new_page(viewport={"width": 1100, "height": 750})
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.route(re.compile(r"^https?://"), route)
        page.goto(exported.as_uri())
        page.wait_for_function("window.__incidentMapReady === true", timeout=20_000)
        assert page.locator("canvas.leaflet-zoom-animated").count() >= 1
        total = page.evaluate("window.__incidentLayers[0].visibleCount()")
        page.eval_on_selector(".time-control input", "e => { e.value = 0; e.dispatchEvent(new Event('input')); }")
        first = page.evaluate("window.__incidentLayers[0].visibleCount()")
        legend = page.inner_text(".incident-legend")
        page.evaluate("window.__incidentLayers[0].openIncident(0)")
        heading = page.inner_text(".incident-popup h4")
        popup_imgs = page.locator(".incident-popup img").count()
        rel = page.get_attribute(".incident-popup a", "rel")
        page.close()
    assert total == 39  # public-safe: the one sensitive record is withheld from the page
    assert 0 < first < total
    assert "Colour: campaign" in legend
    assert heading == XSS
    assert popup_imgs == 0
    assert rel == "noopener noreferrer"
    assert errors == []
    assert all("tile" in url for url in requests), requests


@pytest.mark.browser
def test_large_selection_draws_cells_and_the_slider_stays_exact(browser, tmp_path):
    """Above the threshold the map shows counts per grid cell; each time step sums exactly."""
    from layers.folium_map import incident_map
    from layers.render.payload import day_bounds, drawable_rows
    from layers.standalone import map_steps
    from tests.test_aggregate import XSS as CAT_XSS
    from tests.test_aggregate import synthetic

    gdf = synthetic(3000, undated=10)
    steps = map_steps(gdf, "month", "moving")
    path = tmp_path / "grid.html"
    incident_map(gdf, basemap="blank", aggregate_threshold=1000, steps=steps).save(str(path))
    t0, t1 = day_bounds(drawable_rows(gdf)[0])
    errors: list[str] = []
    page = browser.new_page(viewport={"width": 1100, "height": 750})
    try:
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.route(re.compile(r"^https?://"), lambda r: r.abort())
        page.goto(path.as_uri())
        page.wait_for_function("window.__incidentMapReady === true", timeout=20_000)
        layer = "window.__incidentLayers[0]"
        summed = f"{layer}.getLayers().reduce((s, m) => s + m._cell.n, 0)"
        counts = []
        for k in (0, 5, len(steps) - 1):
            page.eval_on_selector(
                ".time-control input", f"e => {{ e.value = {k}; e.dispatchEvent(new Event('input')); }}"
            )
            day0, day1 = steps[k][0], steps[k][1]
            expected = int(((t0 <= day1) & (t1 >= day0)).sum())
            counts.append((page.evaluate(f"{layer}.visibleCount()"), page.evaluate(summed), expected))
            assert f"{expected:,} shown" in page.inner_text(".time-control")
        coarse = page.evaluate(f"{layer}.cellCount()")
        page.evaluate(f"{{ {layer}._map.setView([35.0, 38.5], 9, {{animate: false}}); }}")
        page.wait_for_timeout(200)
        fine = page.evaluate(f"{layer}.cellCount()")
        fine_sum = page.evaluate(summed)
        page.evaluate(f"{{ const g = {layer}; g.openCell(g.getLayers()[0]); }}")
        popup = page.inner_text(".cell-popup")
        legend = page.inner_text(".incident-legend")
        injected = page.locator(".cell-popup img, .incident-legend img").count()
    finally:
        page.close()
    assert all(shown == cells == expected for shown, cells, expected in counts), counts
    assert all(c[2] > 10 for c in counts)
    assert len({c[2] for c in counts}) > 1
    assert fine > coarse
    assert fine_sum == counts[-1][2]
    assert "incidents in this 5 km cell" in popup or "incident in this 5 km cell" in popup
    assert "Aggregated view of 3,000 incidents" in legend
    assert CAT_XSS in legend
    assert injected == 0
    assert errors == []


@pytest.mark.browser
def test_a_clustered_map_survives_moves_while_it_loads(browser, tmp_path):
    """Panning and zooming during the clusterer's chunked loading must not throw (markercluster #743)."""
    from layers.folium_map import incident_map
    from tests.test_aggregate import synthetic

    path = tmp_path / "clustered.html"
    incident_map(synthetic(15_000, seed=3), basemap="blank", aggregate_threshold=20_000).save(str(path))
    errors: list[str] = []
    page = browser.new_page(viewport={"width": 1000, "height": 700})
    try:
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.route(re.compile(r"^https?://"), lambda r: r.abort())
        page.add_init_script(
            """(() => { const timer = setInterval(() => {
                 const g = (window.__incidentLayers || [])[0];
                 if (!g || !g._map) { return; }
                 const m = g._map; m.panBy([Math.random() * 300 - 150, Math.random() * 300 - 150], {animate: false});
                 if (Math.random() < 0.3) { m.setZoom(6 + Math.floor(Math.random() * 4), {animate: false}); }
                 if (window.__incidentMapReady) { window.__moves = (window.__moves || 0) + 1; }
                 if (window.__moves > 10) { clearInterval(timer); window.__movesDone = true; }
               }, 15); })();"""
        )
        page.goto(path.as_uri())
        page.wait_for_function("window.__movesDone === true", timeout=60_000)
        shown = page.evaluate("window.__incidentLayers[0].visibleCount()")
    finally:
        page.close()
    assert shown == 15_000
    assert errors == []

