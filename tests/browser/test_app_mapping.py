"""The app's column mapping form: a file with unknown headers is mapped by hand, then recognised."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import screenshot, upload_data
from tests.browser.test_app import open_app

pytestmark = pytest.mark.browser

ODD = (
    "when_it_happened,where,north,east,toll\n21/08/2013,Zamalka,33.5232,36.3567,5\n03/09/2013,Douma,33.5711,36.4019,2\n"
)


def _shown(box: Any) -> str:
    return str(
        box.evaluate(
            "e => e.textContent + ' ' + Array.from(e.querySelectorAll('input, [aria-label]'))"
            ".map(i => (i.value || '') + ' ' + (i.getAttribute('aria-label') || '')).join(' ')"
        )
    )


def choose(pg: Any, label: str, option: str) -> None:
    """Pick *option* in the sidebar selectbox whose label starts with *label* (retried while the app reruns)."""
    box = (
        pg.locator("section[data-testid=stSidebar] [data-testid=stSelectbox]")
        .filter(has=pg.get_by_text(re.compile(rf"^{re.escape(label)} —")))
        .first
    )
    for _ in range(8):
        try:
            box.scroll_into_view_if_needed()
            box.locator("input").click(timeout=10_000)
            pg.get_by_role("option", name=option, exact=True).first.click(timeout=5_000)
        except Exception:  # the dropdown was redrawn by a rerun; try again
            pg.keyboard.press("Escape")
        for _ in range(20):
            if option in _shown(box):
                return
            pg.wait_for_timeout(500)
    raise AssertionError(f"{label}: {option!r} was not chosen ({_shown(box)!r})")


def test_unknown_headers_open_the_mapping_form_and_are_recognised_next_time(
    page: Any, app_url: str, tmp_path: Path
) -> None:
    pg, _watch = page
    open_app(pg, f"{app_url}/?base=blank")
    first = tmp_path / "odd_headers.csv"
    first.write_text(ODD, encoding="utf-8")
    upload_data(pg, first, r"Say which column is which")
    pg.get_by_text(re.compile(r"odd_headers\.csv: the columns were not recognised")).wait_for(timeout=30_000)
    pg.get_by_text("still needed: date, place (or lat and lon)").wait_for(timeout=30_000)
    choose(pg, "date_start", "when_it_happened")
    choose(pg, "place_reported", "where")
    choose(pg, "lat", "north")
    choose(pg, "lon", "east")
    choose(pg, "deaths_best", "toll")
    pg.get_by_text("The first rows as they would import:").wait_for(timeout=30_000)
    pg.locator("section[data-testid=stSidebar] [data-testid=stDataFrame]").first.wait_for(timeout=30_000)
    screenshot(pg, "app_mapping_form")
    pg.get_by_role("button", name="Import with this mapping").click()
    pg.get_by_text(re.compile(r"odd_headers\.csv: 2 imported, 0 not imported")).wait_for(timeout=60_000)
    pg.get_by_text(re.compile(r"Day and month: day/month")).first.wait_for(timeout=30_000)

    again = tmp_path / "odd_headers_again.csv"
    again.write_text(ODD.replace("Douma", "Harasta"), encoding="utf-8")
    pg.locator("input[type=file][accept*='.csv']").set_input_files(str(again))
    pg.get_by_text(re.compile(r"odd_headers_again\.csv: 2 imported")).wait_for(timeout=60_000)
    pg.get_by_text("Columns recognised from the mapping you chose for files with these headers.").wait_for(
        timeout=30_000
    )
    screenshot(pg, "app_mapping_recognised")
