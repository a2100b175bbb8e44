"""The real app in headless Chromium: what a person sees and clicks.

Screenshots go to artifacts/screenshots/. Web tiles are blocked (they may be missing offline);
every other request must stay on this machine.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest

from layers.curated import load_all_curated
from layers.timeline import filter_incidents
from tests.browser.conftest import PageWatch, screenshot, upload_data

pytestmark = pytest.mark.browser

TILE_HOSTS = re.compile(r"(tile\.openstreetmap\.org|basemaps\.cartocdn\.com|server\.arcgisonline\.com)$")
MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'


@pytest.fixture(scope="module")
def curated(gazetteer: Any) -> Any:
    return load_all_curated(gazetteer)  # the session's gazetteer: built once for the whole run


def open_app(pg: Any, url: str) -> Any:
    """Load the app and wait until the incident layer has drawn; return the map frame."""
    pg.goto(url)
    pg.wait_for_selector(MAP_FRAME, timeout=90_000)
    frame = pg.frame_locator(MAP_FRAME)
    frame.locator("#map_div").wait_for(timeout=60_000)
    handle = pg.wait_for_function(
        "() => Array.from(document.querySelectorAll('iframe')).some(f => f.contentWindow.__incidentMapReady)",
        timeout=60_000,
    )
    assert handle
    return next(f for f in pg.frames if "streamlit_folium" in f.url)


def wait_for_map_count(pg: Any, n: int, *, layer_method: str = "", timeout: int = 60_000) -> None:
    """Wait until the map's incident layer shows *n* incidents.

    With *layer_method*, the layer must also have it: ``openIncident`` for single points,
    ``cellCount`` for grid cells.
    """
    pg.wait_for_function(
        "([n, method]) => Array.from(document.querySelectorAll('iframe')).some(f => {"
        " const layers = f.contentWindow.__incidentLayers; const g = layers && layers.slice(-1)[0];"
        " return g && g.visibleCount() === n && (!method || typeof g[method] === 'function'); })",
        arg=[n, layer_method],
        timeout=timeout,
    )


def shown_count(pg: Any) -> int:
    text = pg.get_by_text(re.compile(r"incidents shown")).first.inner_text()
    return int(text.split()[0].replace(",", ""))


def non_tile_requests(watch: PageWatch) -> list[str]:
    return [u for u in watch.external if not TILE_HOSTS.search(urlparse(u).hostname or "")]


def test_page_loads_offline_with_every_curated_point(page: Any, app_url: str, curated: Any) -> None:
    pg, watch = page
    frame = open_app(pg, app_url)
    screenshot(pg, "app_default")
    expected_points = int((~curated["aggregate"] & curated["lon"].notna()).sum())
    assert shown_count(pg) == len(curated)
    assert frame.evaluate("window.__incidentLayers[0].visibleCount()") == expected_points
    assert not non_tile_requests(watch), non_tile_requests(watch)
    errors = [e for e in watch.console_errors if "ERR_FAILED" not in e]  # blocked tiles only
    assert not errors, errors
    # Leaflet, its plugins and the map code came from the app itself, not a CDN.
    assert frame.evaluate(
        "typeof L !== 'undefined' && typeof L.Control.MiniMap !== 'undefined'"
        " && typeof L.Control.Measure !== 'undefined'"
    )


def test_moving_the_date_slider_changes_the_count(page: Any, app_url: str) -> None:
    pg, _ = page
    open_app(pg, app_url)
    before = shown_count(pg)
    dates = pg.locator("[data-testid=stSlider]").filter(has_text="Dates")
    thumb = dates.get_by_role("slider").first  # the start of the date range
    thumb.focus()
    for _ in range(6):
        thumb.press("PageUp")
    pg.wait_for_function(f"() => !document.body.innerText.includes('{before} incidents shown')", timeout=30_000)
    after = shown_count(pg)
    screenshot(pg, "app_after_slider")
    assert after < before
    assert "start=" in pg.url


def test_clicking_a_marker_shows_its_sources(page: Any, app_url: str) -> None:
    pg, _ = page
    frame = open_app(pg, f"{app_url}/?ds=coast_march_2025&base=blank")
    x, y = frame.evaluate(
        """() => { const g = window.__incidentLayers[0]; const map = g._map;
                   const m = g.getLayers().sort((a, b) => b.options.radius - a.options.radius)[0];
                   const p = map.latLngToContainerPoint(m.getLatLng()); return [p.x, p.y]; }"""
    )
    pg.frame_locator(MAP_FRAME).locator("#map_div").click(position={"x": x, "y": y})
    popup = pg.frame_locator(MAP_FRAME).locator(".leaflet-popup-content")
    popup.wait_for(timeout=10_000)
    text = popup.inner_text()
    screenshot(pg, "app_popup")
    assert "Reuters" in text or "SOHR" in text or "CNN" in text
    assert popup.locator("a[href^='http']").count() >= 1


def test_xss_payload_in_an_upload_is_shown_as_text(page: Any, app_url: str, tmp_path: Path, curated: Any) -> None:
    pg, watch = page
    rows = len(curated) + 1
    points = int((~curated["aggregate"] & curated["lon"].notna()).sum()) + 1
    open_app(pg, f"{app_url}/?base=blank")
    payload = "<img src=x onerror=alert(1)>"
    upload = tmp_path / "hostile.csv"
    upload.write_text(
        "id,title,date_start,lat,lon,deaths_best,source_url\n"
        f'x1,"{payload}",2025-03-07,35.18,35.94,3,https://example.org/r\n',
        encoding="utf-8",
    )
    upload_data(pg, upload, r"hostile\.csv: 1 imported")
    # A new upload joins the chosen datasets by itself.
    pg.locator("section[data-testid=stSidebar]").get_by_text("hostile.csv").first.wait_for(timeout=30_000)
    pg.get_by_text(re.compile(rf"^{rows} incidents shown")).wait_for(timeout=60_000)
    wait_for_map_count(pg, points)
    frame = next(
        f
        for f in pg.frames
        if "streamlit_folium" in f.url
        and f.evaluate("window.__incidentLayers ? window.__incidentLayers.slice(-1)[0].visibleCount() : 0") == points
    )
    index = -1
    for k in range(frame.evaluate("window.__incidentLayers.slice(-1)[0].getLayers().length")):
        text = frame.evaluate(
            f"() => {{ window.__incidentLayers.slice(-1)[0].openIncident({k});"
            " const all = document.querySelectorAll('.leaflet-popup-content');"
            " return all[all.length - 1].innerText; }"
        )
        if payload in text:
            index = k
            break
    screenshot(pg, "app_after_upload")
    assert index >= 0
    popup = pg.frame_locator(MAP_FRAME).locator(".leaflet-popup-content").last
    assert payload in popup.inner_text()
    assert popup.locator("img").count() == 0
    screenshot(pg, "app_xss_as_text")
    assert not watch.dialogs


def test_a_link_restores_the_view(page: Any, app_url: str, curated: Any) -> None:
    from layers.app_state import from_query

    params = {
        "ds": "coast_march_2025",
        "start": "2025-03-06",
        "end": "2025-03-08",
        "base": "blank",
        "view": "35.3,35.95,10",
    }
    pg, _ = page
    query = "&".join(f"{k}={v}" for k, v in params.items())
    frame = open_app(pg, f"{app_url}/?{query}")
    state = from_query(params, ["coast_march_2025", "massacres_2012_2013", "rg_campaign_2011_2012"])
    expected = filter_incidents(curated[curated["dataset"] == "coast_march_2025"], state.filter_spec())
    assert shown_count(pg) == len(expected)
    assert frame.evaluate("window.__incidentLayers[0]._map.getZoom()") == 10
    center = frame.evaluate(
        "(() => { const c = window.__incidentLayers[0]._map.getCenter(); return [c.lat, c.lng]; })()"
    )
    assert abs(center[0] - 35.3) < 0.01
    assert abs(center[1] - 35.95) < 0.01
    sidebar = pg.locator("section[data-testid=stSidebar]").inner_text()
    assert "March 2025: killings on the coast and in Hama" in sidebar  # the dataset's title, not its file name
    assert "coast_march_2025" not in sidebar
    assert "Massacres of 2012–2013" not in sidebar
    screenshot(pg, "app_from_link")


def test_story_mode_steps_through_captions_and_views(page: Any, app_url: str) -> None:
    from layers.export.story import load_story

    story = load_story("march_2025_m1_m4")
    pg, _ = page
    frame = open_app(pg, f"{app_url}/?story=march_2025_m1_m4&base=blank")
    pg.get_by_text(story.title).first.wait_for(timeout=30_000)
    control = pg.frame_locator(MAP_FRAME).locator(".time-control")
    views = []
    for k in range(len(story.steps)):
        frame.eval_on_selector(".time-control input", f"e => {{ e.value = {k}; e.dispatchEvent(new Event('input')); }}")
        assert story.steps[k].caption[:40] in control.inner_text()
        views.append(
            frame.evaluate(
                "(() => { const m = window.__incidentLayers[0]._map;"
                " return [m.getCenter().lat, m.getCenter().lng, m.getZoom()]; })()"
            )
        )
    screenshot(pg, "app_story_last_step")
    assert len({tuple(round(v, 2) for v in view) for view in views}) > 1  # the map moves with the story
    assert "story=march_2025_m1_m4" in pg.url


def test_geotiff_overlay_and_density_layer(page: Any, app_url: str, tmp_path: Path) -> None:
    """Issue 7: a user's GeoTIFF (UTM) and the incident density appear as image layers."""
    import numpy as np
    import rasterio
    from rasterio.transform import from_origin

    tif = tmp_path / "dem_utm.tif"
    values = np.tile(np.arange(200, dtype="float32"), (150, 1)) * 5
    with rasterio.open(
        tif,
        "w",
        driver="GTiff",
        width=200,
        height=150,
        count=1,
        dtype="float32",
        crs="EPSG:32637",
        transform=from_origin(150_000, 3_960_000, 500, 500),
        nodata=-1,
    ) as dst:
        dst.write(values, 1)
    pg, watch = page
    open_app(pg, f"{app_url}/?base=blank&ds=coast_march_2025")
    pg.get_by_text("Raster layers").click()
    pg.locator("input[type=file][accept*='.tif']").set_input_files(str(tif))
    pg.get_by_text(re.compile(r"reprojected .* → ")).first.wait_for(timeout=60_000)  # the overlay is ready
    pg.get_by_text("Incident density").click()
    pg.wait_for_function(
        "() => Array.from(document.querySelectorAll('iframe')).some(f => f.contentWindow.document"
        ".querySelectorAll('.leaflet-image-layer').length >= 2)",
        timeout=90_000,
    )
    screenshot(pg, "app_raster_layers")
    assert pg.get_by_role("button", name="Download the density GeoTIFF").count() == 1
    assert not non_tile_requests(watch)


def test_rejected_rows_download_neutralised_and_tables_have_no_raw_csv_export(
    page: Any, app_url: str, tmp_path: Path
) -> None:
    """Issue 8: a formula in a rejected row leaves the app neutralised; the tables' own CSV export is off."""
    pg, watch = page
    open_app(pg, f"{app_url}/?base=blank")
    upload = tmp_path / "formulas.csv"
    upload.write_text(
        "id,title,date_start,lat,lon,deaths_best,source_url\n"
        'f1,Shelling,=HYPERLINK("http://evil.invalid"),35.18,35.94,3,https://example.org/r\n'
        "f2,Fine,2025-03-07,35.18,35.94,+2,https://example.org/r\n",
        encoding="utf-8",
    )
    upload_data(pg, upload, r"formulas\.csv: \d imported, \d not imported")
    with pg.expect_download(timeout=30_000) as info:
        pg.get_by_role("button", name="Download the rows not imported (CSV)").click()
    text = Path(info.value.path()).read_text(encoding="utf-8")
    assert "'=HYPERLINK" in text
    assert "formulas.csv" in text
    assert "/tmp" not in text  # the file as the person named it, not a server path
    assert "\n=" not in text
    assert ",=" not in text
    table = pg.locator("[data-testid=stDataFrame]").first
    table.hover()
    pg.wait_for_timeout(500)
    labels = pg.locator("[data-testid=stElementToolbar] button").evaluate_all(
        "bs => bs.map(b => b.getAttribute('aria-label') || '')"
    )
    assert "Search" in labels  # the table's toolbar is there…
    assert not [label for label in labels if "CSV" in label]  # …without "Download as CSV"
    assert not watch.dialogs


def test_an_upload_over_the_limit_gets_a_message(page: Any, app_url: str, tmp_path: Path) -> None:
    """A table over 50 MB is refused by the app with a message naming the file and the limit."""
    pg, _ = page
    open_app(pg, f"{app_url}/?base=blank")
    big = tmp_path / "huge.csv"
    row = "x1,Shelling,2025-03-07,35.18,35.94,3,https://example.org/r\n"
    with big.open("w", encoding="utf-8") as out:
        out.write("id,title,date_start,lat,lon,deaths_best,source_url\n")
        out.write(row * (51 * 1024 * 1024 // len(row) + 1))
    upload_data(pg, big, r"huge\.csv: \d+ MB is over the 50 MB limit", timeout=90_000)
    assert shown_count(pg) > 0  # the app goes on with the data it had


def test_corridor_panel_answers_in_words_with_interval_bars(page: Any, app_url: str) -> None:
    pg, _ = page
    open_app(pg, f"{app_url}/?ds=coast_march_2025&corr=M1&km=10&base=blank")
    panel = pg.get_by_text(re.compile(r"^Along the M1: "))
    panel.first.wait_for(timeout=60_000)
    text = panel.first.inner_text()
    assert "consistent with a simultaneous onset within the dates' precision" in text
    assert "km/day" not in text  # no speed where the dates cannot order the sites
    pg.get_by_text(re.compile(r"^Near the M1: ")).first.wait_for(timeout=30_000)
    # The charts follow their sentences in the page; under load they may draw a moment later.
    pg.locator("[data-testid=stVegaLiteChart]").nth(1).wait_for(timeout=30_000)
    assert pg.locator("[data-testid=stVegaLiteChart]").count() >= 2
    screenshot(pg, "app_corridor_panel")


def test_a_stale_link_opens_the_page_with_notices(page: Any, app_url: str) -> None:
    pg, _ = page
    query = "ds=coast_march_2025|gone&camp=Old%20campaign&type=zzz&conf=nope&view=35,36,inf&base=blank"
    open_app(pg, f"{app_url}/?{query}")
    body = pg.locator("body").inner_text()
    for notice in (
        "campaign 'Old campaign' is not in the chosen datasets",
        "event type 'zzz'",
        "confidence 'nope'",
        "dataset 'gone' is not available",
        "map view is not a valid",
    ):
        assert notice in body
    assert "Traceback" not in body
    assert shown_count(pg) > 0
