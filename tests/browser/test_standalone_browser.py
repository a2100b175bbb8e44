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
        withheld = page.inner_text(".incident-popup .withheld")
        page.close()
    assert total == 40
    assert 0 < first < total
    assert "Colour: campaign" in legend
    assert heading == XSS
    assert popup_imgs == 0
    assert rel == "noopener noreferrer"
    assert "withheld" in withheld
    assert errors == []
    assert all("tile" in url for url in requests), requests
