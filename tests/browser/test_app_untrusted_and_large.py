"""The live app with files from unknown hands and with a large dataset (issue 8).

One ``streamlit run`` serves two extra GeoPackages through $SYRIA_MAP_DATASETS — one whose every
text field (and its very name) is a classic script-injection or markdown payload, one of 25,000
synthetic incidents — and a user's story (in $SYRIA_MAP_HOME/stories) made of payloads. Any
payload that ran would set ``window.__pwned``, open a dialog, put an ``<img src=x>`` into a page
or fetch from ``tracker.invalid``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import numpy as np
import pandas as pd
import pytest
import yaml

from layers.incidents import to_incident_frame
from layers.render.incident_map import AGGREGATE_THRESHOLD
from layers.store import save_gpkg
from tests.browser.conftest import running_app, screenshot
from tests.browser.test_app import MAP_FRAME, open_app, shown_count, wait_for_map_count
from tests.browser.test_xss_export import PAYLOADS

pytestmark = pytest.mark.browser

HOSTILE_NAME = "<svg onload=window.__pwned=1>"
MARKDOWN = [
    "![tracking pixel](http://tracker.invalid/p.png)",
    "[click me](javascript:window.__pwned=1)",
    "$\\href{javascript:window.__pwned=1}{x}$ :red[coloured] <b>bold</b> **strong**",
]
LARGE = 25_000
NO_EXEC = """() => {
  const docs = [document, ...Array.from(document.querySelectorAll('iframe'))
      .map(f => { try { return f.contentDocument; } catch (e) { return null; } }).filter(Boolean)];
  return {
    pwned: [window, ...Array.from(document.querySelectorAll('iframe')).map(f => f.contentWindow)]
        .some(w => { try { return w.__pwned !== undefined; } catch (e) { return false; } }),
    injected: docs.reduce((n, d) => n + d.querySelectorAll(
        'img[src="x"], svg[onload], iframe[src^="javascript"], a[href^="javascript"], details[ontoggle]').length, 0),
  };
}"""


def hostile_frame() -> pd.DataFrame:
    from tests.browser.test_xss_export import hostile_incidents

    frame = hostile_incidents()
    extra = to_incident_frame(
        pd.DataFrame(
            {
                "id": [f"md{i}" for i in range(len(MARKDOWN))],
                "title": MARKDOWN,
                "place_reported": MARKDOWN,
                "summary": MARKDOWN,
                "date_start": "2025-03-08",
                "lon": [35.95, 35.96, 35.97],
                "lat": [35.25, 35.25, 35.25],
                "deaths_best": [7, 8, 9],
                "sources": [[{"publisher": m, "title": m, "url": "javascript:window.__pwned=1"}] for m in MARKDOWN],
            }
        )
    )
    return pd.concat([frame, extra], ignore_index=True)


def large_frame(n: int) -> pd.DataFrame:
    rng = np.random.default_rng(8)
    start = pd.Timestamp("2012-01-01") + pd.to_timedelta(rng.integers(0, 1500, n), unit="D")
    return to_incident_frame(
        pd.DataFrame(
            {
                "id": [f"L{k}" for k in range(n)],
                "title": [f"Synthetic {k}" for k in range(n)],
                "campaign": rng.choice(["A", "B", "C"], n),
                "event_type": "shelling/airstrike",
                "date_start": start.strftime("%Y-%m-%d"),
                "lon": rng.uniform(35.8, 42.0, n),
                "lat": rng.uniform(32.5, 37.2, n),
                "deaths_best": rng.choice([0, 1, 5, 40], n, p=[0.3, 0.3, 0.3, 0.1]),
            }
        )
    )


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    root = tmp_path_factory.mktemp("untrusted")
    hostile, large = hostile_frame(), large_frame(LARGE)
    save_gpkg(hostile, root / f"{HOSTILE_NAME}.gpkg", title=HOSTILE_NAME)
    save_gpkg(large, root / "large.gpkg", title="25,000 synthetic incidents")
    home = root / "home"
    (home / "stories").mkdir(parents=True)
    story = {
        "title": PAYLOADS[1] + " " + MARKDOWN[0],
        "description": PAYLOADS[0] + " " + MARKDOWN[1],
        "steps": [
            {"caption": p, "start": "2025-03-07", "end": "2025-03-08", "view": {"bbox": [35.8, 35.1, 36.2, 35.4]}}
            for p in [*PAYLOADS[:6], *MARKDOWN]
        ],
    }
    (home / "stories" / "hostile.yaml").write_text(yaml.safe_dump(story, allow_unicode=True), encoding="utf-8")
    env = {"SYRIA_MAP_DATASETS": f"{root / f'{HOSTILE_NAME}.gpkg'}:{root / 'large.gpkg'}", "SYRIA_MAP_HOME": str(home)}
    with running_app(root / "server.log", env) as app:
        yield {"url": app.url, "hostile": hostile, "large": large}


def settled_count(pg: Any, before: int) -> int:
    """Wait until the count differs from *before* and stays the same for 2 s (reruns may queue)."""
    pg.wait_for_function(f"() => !document.body.innerText.includes('{before:,} incidents shown')", timeout=60_000)
    count = shown_count(pg)
    for _ in range(30):
        pg.wait_for_timeout(2000)
        again = shown_count(pg)
        if again == count:
            return count
        count = again
    raise AssertionError("the count did not settle")


def assert_nothing_ran(pg: Any, watch: Any) -> None:
    result = pg.evaluate(NO_EXEC)
    assert result == {"pwned": False, "injected": 0}, result
    assert not watch.dialogs, watch.dialogs
    assert not [u for u in watch.external if "tracker.invalid" in u], watch.external


def test_payloads_in_every_field_show_as_text_in_the_live_app(page: Any, server: dict[str, Any]) -> None:
    pg, watch = page
    frame = open_app(pg, f"{server['url']}/?ds={quote(HOSTILE_NAME)}&base=blank")
    n = len(server["hostile"])
    assert shown_count(pg) == n
    layer = "window.__incidentLayers.slice(-1)[0]"
    assert frame.evaluate(f"{layer}.visibleCount()") == n
    popups, tooltips = [], []
    for k in range(n):
        popups.append(
            frame.evaluate(
                f"() => {{ {layer}.openIncident({k}); const all = document.querySelectorAll('.leaflet-popup-content');"
                " return all[all.length - 1].innerText; }"
            )
        )
        tooltips.append(
            frame.evaluate(
                f"() => {{ const g = {layer}; const m = g.getLayers().find(l => l._incident === {k});"
                " g.fire('mouseover', {layer: m}); return m.getTooltip().getElement().innerText; }"
            )
        )
        links = frame.evaluate(
            "() => Array.from(document.querySelectorAll('.leaflet-popup-content a')).map(a => a.getAttribute('href'))"
        )
        assert all(href.startswith(("http://", "https://")) for href in links), links
    legend = frame.evaluate("() => document.querySelector('.incident-legend').innerText")
    # Every payload reached the map, as the text it is.
    for payload in [*PAYLOADS[:2], *MARKDOWN]:
        assert any(payload in text for text in popups), payload
        assert payload.split("\n")[0] in "\n".join(tooltips)
    assert PAYLOADS[1] in legend
    # The details panel (markdown titles, source tables with links) and the sidebar.
    pg.get_by_text("Incident details").click()
    # 15 records, 10 a page, most deaths first: the markdown ones on page 1, PAYLOADS[0..4] on page 2.
    main = pg.locator("[data-testid=stMain]")
    main.get_by_text(MARKDOWN[0]).first.wait_for(timeout=30_000)
    details_text = main.inner_text()
    page_box = pg.get_by_label(re.compile(r"Page \(of 2\)"))
    page_box.fill("2")
    page_box.press("Enter")
    main.get_by_text(PAYLOADS[1]).first.wait_for(timeout=30_000)
    details_text += main.inner_text()
    for payload in [*PAYLOADS[:5], PAYLOADS[5], *MARKDOWN]:
        assert payload.split("\u2028")[0] in details_text, payload
    assert HOSTILE_NAME in pg.locator("section[data-testid=stSidebar]").inner_text()
    screenshot(pg, "app_hostile_dataset")
    # The filter lists offer the payload campaigns as options (rendered in a popover).
    sidebar = pg.locator("section[data-testid=stSidebar]")
    sidebar.locator("[data-testid=stMultiSelect]").filter(has_text="Campaign / layer").locator("input").click()
    options = pg.get_by_role("option")
    options.first.wait_for(timeout=10_000)
    offered = "\n".join(options.all_inner_texts())
    assert PAYLOADS[0] in offered
    assert PAYLOADS[1] in offered
    pg.keyboard.press("Escape")
    assert_nothing_ran(pg, watch)


def test_a_hostile_story_shows_its_captions_as_text(page: Any, server: dict[str, Any]) -> None:
    pg, watch = page
    frame = open_app(pg, f"{server['url']}/?story=hostile&ds={quote(HOSTILE_NAME)}&base=blank")
    pg.get_by_text(PAYLOADS[1]).first.wait_for(timeout=30_000)  # the title, as a heading
    main_text = pg.inner_text("section.main, [data-testid=stMain]")
    assert MARKDOWN[0] in main_text
    assert PAYLOADS[0] in main_text
    pg.get_by_text(re.compile(r"The \d+ steps of this story")).click()
    steps_text = pg.locator("[data-testid=stExpander]").filter(has_text="steps of this story").inner_text()
    captions = []
    for k in range(len(PAYLOADS[:6]) + len(MARKDOWN)):
        frame.eval_on_selector(".time-control input", f"e => {{ e.value = {k}; e.dispatchEvent(new Event('input')); }}")
        captions.append(pg.frame_locator(MAP_FRAME).locator(".time-control").inner_text())
    screenshot(pg, "app_hostile_story")
    for payload in [*PAYLOADS[:6], *MARKDOWN]:
        first_line = payload.split("\u2028")[0].strip()
        assert any(first_line in c for c in captions), payload
    assert PAYLOADS[3] in steps_text
    assert_nothing_ran(pg, watch)


def test_large_dataset_draws_cells_and_filters_respond(page: Any, server: dict[str, Any]) -> None:
    pg, watch = page
    frame = open_app(pg, f"{server['url']}/?ds=large&base=blank")
    layer = "window.__incidentLayers.slice(-1)[0]"
    assert shown_count(pg) == LARGE
    assert frame.evaluate(f"{layer}.visibleCount()") == LARGE
    assert frame.evaluate(f"typeof {layer}.cellCount") == "function"  # the aggregated layer
    pg.get_by_text("counts per grid cell").first.wait_for(timeout=10_000)
    screenshot(pg, "app_large_dataset")
    # The date slider: fewer incidents, and the map's cells sum to the new count.
    thumb = pg.locator("[data-testid=stSlider]").filter(has_text="Dates").get_by_role("slider").first
    thumb.focus()
    thumb.press("PageUp")  # a tenth of the period later
    after = settled_count(pg, LARGE)
    assert AGGREGATE_THRESHOLD < after < LARGE
    wait_for_map_count(pg, after)
    # A filter that brings the selection under the threshold: single incidents again.
    box = pg.get_by_label("Minimum deaths (best figure)")
    box.fill("40")
    box.press("Enter")
    fewer = settled_count(pg, after)
    assert 0 < fewer <= AGGREGATE_THRESHOLD
    wait_for_map_count(pg, fewer, layer_method="openIncident", timeout=90_000)
    assert not [e for e in watch.console_errors if "ERR_FAILED" not in e]
