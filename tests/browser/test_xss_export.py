"""Classic script-injection payloads in every text field never execute in the exported map.

The payloads go into titles, summaries, places, perpetrators, campaigns (legend), publishers,
quotes and URLs of incidents; the standalone HTML export is opened in headless Chromium and every
popup is opened. Any payload that ran would set ``window.__pwned`` or open a dialog.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from layers.incidents import to_incident_frame
from layers.standalone import to_standalone_html

PAYLOADS = [
    "<script>window.__pwned=1</script>",
    "<img src=x onerror=window.__pwned=1>",
    "<svg/onload=window.__pwned=1>",
    '"><script>window.__pwned=1</script>',
    "'><img src=x onerror=alert(1)>",
    "</script><script>window.__pwned=1</script>",
    "<iframe src=javascript:window.parent.__pwned=1>",
    "<a href=javascript:window.__pwned=1>x</a>",
    "<details open ontoggle=window.__pwned=1>",
    "{{constructor.constructor('window.__pwned=1')()}}",
    "\u2028\u2029</script><!--",
    "<body onload=window.__pwned=1>",
]


def hostile_incidents() -> pd.DataFrame:
    rows = []
    for i, p in enumerate(PAYLOADS):
        rows.append(
            {
                "id": f"x{i}",
                "title": p,
                "summary": p,
                "place_reported": p,
                "perpetrator_reported": p,
                "victim_group_reported": p,
                "campaign": p if i < 4 else "c",
                "event_type": "other",
                "date_start": "2025-03-07",
                "lon": 35.9 + i * 0.01,
                "lat": 35.2,
                "deaths_best": i + 1,
                "sources": [
                    {
                        "publisher": p,
                        "title": p,
                        "date": "2025-03-08",
                        "quote": p,
                        "url": "javascript:window.__pwned=1" if i % 2 else f"https://example.org/{p}",
                    }
                ],
            }
        )
    return to_incident_frame(pd.DataFrame(rows))


def open_offline(browser: Any, path: Path, dialogs: list[str]) -> Any:
    """Open an exported file with every network request refused; dialogs are recorded and dismissed."""
    page = browser.new_page()
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.route("**/*", lambda r: r.continue_() if r.request.url.startswith(("file:", "data:")) else r.abort())
    page.goto(path.as_uri())
    page.wait_for_function("window.__incidentMapReady === true", timeout=20_000)
    return page


@pytest.mark.browser
@pytest.mark.parametrize("public_safe", [False, True])
def test_no_payload_runs_in_the_exported_map(browser: Any, tmp_path: Path, public_safe: bool) -> None:
    path = to_standalone_html(
        hostile_incidents(), tmp_path / "map.html", title=PAYLOADS[0], public_safe=public_safe
    ).path
    page_text = path.read_text(encoding="utf-8")
    assert "<script>window.__pwned" not in page_text
    dialogs: list[str] = []
    page = open_offline(browser, path, dialogs)
    try:
        n = page.evaluate("window.__incidentLayers[0].visibleCount()")
        shown = []
        for k in range(n):
            page.evaluate(f"window.__incidentLayers[0].openIncident({k})")
            shown.append(page.locator(".leaflet-popup-content").last.inner_text())
            for link in page.locator(".leaflet-popup-content").last.locator("a").all():
                assert (link.get_attribute("href") or "").startswith(("http://", "https://"))
        legend = page.inner_text(".incident-legend")
        pwned = page.evaluate("window.__pwned === undefined ? 0 : 1")
        injected = page.evaluate(
            "document.querySelectorAll('.leaflet-popup-content img, "
            ".leaflet-popup-content script, .leaflet-popup-content iframe, "
            ".leaflet-popup-content svg, .incident-legend img').length"
        )
    finally:
        page.close()
    assert n == len(PAYLOADS)
    assert pwned == 0
    assert not dialogs
    assert injected == 0
    # The payloads are shown as the text they are.
    assert any(PAYLOADS[1] in text for text in shown)
    assert PAYLOADS[1] in legend or PAYLOADS[0] in legend


@pytest.mark.browser
def test_no_payload_runs_in_an_exported_story(browser: Any, tmp_path: Path) -> None:
    """A story whose title and captions are payloads, exported as one HTML file and stepped through."""
    import yaml

    from layers.export.story import load_story
    from layers.standalone import story_to_html

    source = tmp_path / "hostile_story.yaml"
    source.write_text(
        yaml.safe_dump(
            {
                "title": PAYLOADS[1],
                "description": PAYLOADS[0],
                "steps": [
                    {
                        "caption": p,
                        "start": "2025-03-07",
                        "end": "2025-03-07",
                        "view": {"bbox": [35.8, 35.1, 36.2, 35.4]},
                        "highlight": ["x1", "x2"],
                    }
                    for p in PAYLOADS
                ],
            },
            allow_unicode=True,
        ),
        encoding="utf-8",
    )
    story = load_story(source)
    path = story_to_html(story, hostile_incidents(), tmp_path / "story.html", public_safe=False).path
    assert "<img src=x" not in path.read_text(encoding="utf-8")
    dialogs: list[str] = []
    page = open_offline(browser, path, dialogs)
    try:
        captions = []
        for k in range(len(PAYLOADS)):
            page.eval_on_selector(
                ".time-control input", f"e => {{ e.value = {k}; e.dispatchEvent(new Event('input')); }}"
            )
            captions.append(page.inner_text(".time-control"))
        label = page.inner_text(".time-label")
        heading = page.title()
        pwned = page.evaluate("window.__pwned === undefined ? 0 : 1")
        injected = page.evaluate("document.querySelectorAll('img[src=\"x\"], svg[onload], details[ontoggle]').length")
    finally:
        page.close()
    assert pwned == 0
    assert not dialogs
    assert injected == 0
    assert all(p.split("\u2028")[0].strip() in c for p, c in zip(PAYLOADS, captions, strict=True))
    assert PAYLOADS[-1] in label  # the time label shows the current step
    assert PAYLOADS[1] in heading
