"""Two sessions of the real app on one PostGIS store (SYRIA_MAP_DB): shared imports, refused conflicting edits.

Runs against the throw-away cluster of tests/test_store_backends.py; skips with its reason
when PostgreSQL/PostGIS is not installed (scripts/test.sh installs them).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from tests.browser.conftest import running_app, screenshot, upload_data
from tests.browser.test_app import open_app, shown_count
from tests.test_store_backends import _database, pg_server  # noqa: F401 - fixture

pytestmark = pytest.mark.browser
SIDEBAR = "section[data-testid=stSidebar]"


@pytest.fixture(scope="module")
def store_url(pg_server: str) -> str:  # noqa: F811
    """A fresh database holding one dataset of two incidents."""
    from layers.incidents import to_incident_frame
    from layers.pgstore import PostgisStore

    url = _database(pg_server)
    frame = to_incident_frame(
        pd.DataFrame(
            {
                "id": ["e-1", "e-2"],
                "title": ["Shelling of a market", "Raid on a village"],
                "date_start": ["2016-08-03", "2016-08-09"],
                "lon": [36.63, 36.70],
                "lat": [35.93, 35.80],
                "deaths_best": [4, 2],
                "campaign": ["Team", "Team"],
            }
        )
    )
    with PostgisStore(url) as store:
        store.save(frame, "team-base", source_file="base.csv")
    return url


@pytest.fixture(scope="module")
def pg_app(store_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    home = tmp_path_factory.mktemp("home")
    env = {"SYRIA_MAP_HOME": str(home), "SYRIA_MAP_DB": store_url}
    with running_app(tmp_path_factory.mktemp("streamlit") / "server.log", env) as app:
        yield app.url


@pytest.fixture
def two_pages(browser: Any) -> Iterator[tuple[Any, Any]]:
    """Two browser contexts: two people, two app sessions."""
    contexts = [browser.new_context(viewport={"width": 1400, "height": 1000}) for _ in range(2)]
    for context in contexts:
        context.route(re.compile(r"^https?://(?!127\.0\.0\.1)"), lambda route: route.abort())
    yield contexts[0].new_page(), contexts[1].new_page()
    for context in contexts:
        context.close()


def _dataset_options(pg: Any) -> list[str]:
    """Open the Datasets multiselect and return the names it offers."""
    pg.locator(SIDEBAR).locator("[data-testid=stMultiSelect]").first.locator("input").click()
    pg.get_by_role("listbox").first.wait_for(timeout=30_000)
    names = [t.strip() for t in pg.get_by_role("option").all_inner_texts()]
    pg.keyboard.press("Escape")
    return names


def _open_store_panel(pg: Any) -> Any:
    pg.locator(SIDEBAR).get_by_text("Shared store (PostGIS)").click()
    return pg.locator(SIDEBAR)


def test_an_import_in_one_session_appears_in_the_other(pg_app: str, two_pages: Any, tmp_path: Path) -> None:
    ann, bob = two_pages
    open_app(ann, pg_app)
    open_app(bob, pg_app)
    assert "team-import" not in _dataset_options(bob)
    upload = tmp_path / "field-notes.csv"
    upload.write_text(
        "id,title,date_start,lat,lon,deaths_best,source_url\n"
        "n-1,Strike on a bakery,2016-08-04,35.93,36.63,7,https://example.org/a\n"
        "n-2,Shelling of a school,2016-08-05,35.80,36.70,3,https://example.org/b\n",
        encoding="utf-8",
    )
    upload_data(ann, upload, r"field-notes\.csv: 2 imported")
    panel = _open_store_panel(ann)
    name = panel.get_by_label("Save as dataset")
    name.fill("team-import")
    name.press("Enter")
    ann.wait_for_timeout(2000)  # the rerun of the text input ends before the click
    panel.get_by_role("button", name="Save to the shared store").click()
    try:
        ann.get_by_text(re.compile(r"team-import saved to the shared store")).wait_for(timeout=60_000)
    finally:
        screenshot(ann, "postgis_ann_saved")
    screenshot(ann, "postgis_ann_saved")
    # Bob's next rerun (any widget) lists it; chosen, its incidents are counted and mapped.
    bob.get_by_text("Incident details").click()
    bob.wait_for_timeout(1500)
    assert "team-import" in _dataset_options(bob)
    before = shown_count(bob)
    bob.locator(SIDEBAR).locator("[data-testid=stMultiSelect]").first.locator("input").click()
    bob.get_by_role("option", name="team-import").click()
    bob.keyboard.press("Escape")
    bob.get_by_text(re.compile(rf"^{before + 2:,} incidents shown")).wait_for(timeout=60_000)
    screenshot(bob, "postgis_bob_sees_import")


def _open_for_editing(pg: Any, incident_id: str) -> Any:
    panel = _open_store_panel(pg)
    panel.get_by_label("Incident id").fill(incident_id)
    panel.get_by_label("Incident id").press("Enter")
    pg.wait_for_timeout(2000)
    panel.get_by_role("button", name="Open for editing").click()
    pg.get_by_text(re.compile(rf"{incident_id} in team-base, version \d+")).wait_for(timeout=30_000)
    return panel


def test_a_conflicting_edit_is_refused_with_the_current_values(pg_app: str, store_url: str, two_pages: Any) -> None:
    ann, bob = two_pages
    open_app(ann, pg_app)
    open_app(bob, pg_app)
    ann_panel = _open_for_editing(ann, "e-1")
    bob_panel = _open_for_editing(bob, "e-1")
    ann_panel.get_by_label("title", exact=True).fill("Shelling of the old market")
    ann_panel.get_by_role("button", name="Save the changes").click()
    ann.get_by_text(re.compile(r"Saved: title \(now version")).wait_for(timeout=30_000)
    bob_panel.get_by_label("deaths_best", exact=True).fill("9")
    bob_panel.get_by_role("button", name="Save the changes").click()
    bob.get_by_text(re.compile(r"was changed by someone else")).wait_for(timeout=30_000)
    screenshot(bob, "postgis_conflict")
    # The current values are shown (Ann's title), and Bob's figure was not written.
    bob.locator(SIDEBAR).get_by_text("title: Shelling of the old market").wait_for(timeout=30_000)
    from layers.pgstore import PostgisStore

    with PostgisStore(store_url) as store:
        record = store.get("team-base", "e-1")
    assert record["title"] == "Shelling of the old market"
    assert record["deaths_best"] == 4


def test_only_the_incidents_in_the_map_view(pg_app: str, two_pages: Any) -> None:
    """The map-extent filter: the extent the map reports after a zoom becomes the store's SQL filter."""
    pg, _ = two_pages
    open_app(pg, f"{pg_app}/?ds=team-base")
    assert shown_count(pg) == 2
    pg.locator(SIDEBAR).get_by_text("Only the incidents in the map view").click()
    # a new map (it returns its extent), fitted to the selection: both incidents in view
    pg.wait_for_function(
        "() => Array.from(document.querySelectorAll('iframe')).some(f => f.contentWindow.map"
        " && f.contentWindow.__incidentMapReady && f.contentWindow.__GLOBAL_DATA__"
        " && (f.contentWindow.__GLOBAL_DATA__.returned_objects || []).includes('bounds'))",
        timeout=60_000,
    )
    pg.wait_for_timeout(2000)
    assert shown_count(pg) == 2
    pg.evaluate(  # zoom in on e-1 (36.63 E, 35.93 N); e-2 (36.70 E, 35.80 N) leaves the view
        "() => Array.from(document.querySelectorAll('iframe')).forEach(f => { const m = f.contentWindow.map;"
        " if (m && f.contentWindow.__GLOBAL_DATA__) m.fitBounds([[35.92, 36.62], [35.94, 36.64]]); })"
    )
    try:
        pg.get_by_text(re.compile(r"^1 incidents shown")).wait_for(timeout=60_000)
    finally:
        screenshot(pg, "postgis_map_view_filter")
    pg.locator(SIDEBAR).get_by_text("Only the incidents in the map view").click()  # off: the whole selection
    pg.get_by_text(re.compile(r"^2 incidents shown")).wait_for(timeout=60_000)
