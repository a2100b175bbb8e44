"""Tests of the standalone HTML export, with one headless-Chromium test."""

from __future__ import annotations

import base64
import re
from pathlib import Path

import pandas as pd
import pytest

from layers.incidents import to_incident_frame
from layers.standalone import to_standalone_html

XSS = "<img src=x onerror=alert(1)>"
PNG = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=")


@pytest.fixture
def incidents() -> pd.DataFrame:
    n = 40
    days = pd.date_range("2025-03-01", periods=n, freq="D", tz="UTC")
    return to_incident_frame(
        pd.DataFrame(
            {
                "id": [f"i{k}" for k in range(n)],
                "title": [XSS] + [f"Incident {k}" for k in range(1, n)],
                "campaign": ["A", "B"] * (n // 2),
                "date_start": days.strftime("%Y-%m-%d"),
                "date_precision": "day",
                "lon": [36.0 + k * 0.02 for k in range(n)],
                "lat": [35.0 + (k % 7) * 0.05 for k in range(n)],
                "geo_precision": [1, 2, 3, 2] * (n // 4),
                "deaths_best": list(range(n)),
                "summary": ["s", "private detail"] + ["s"] * (n - 2),
                "sensitive": [False, True] + [False] * (n - 2),
                "sources": [
                    [{"publisher": "Pub", "title": "T", "url": "https://example.org/x", "quote": "quoted words"}]
                ]
                * n,
            }
        )
    )


@pytest.fixture
def exported(incidents, tmp_path) -> Path:
    return to_standalone_html(incidents, tmp_path / "map.html", title="Export <test>", step="week", grid_km=5).path


def test_file_is_self_contained_and_escaped(exported):
    page = exported.read_text(encoding="utf-8")
    assert not re.search(r"<script[^>]*\bsrc=", page)
    assert not re.search(r"<link[^>]*\bhref=", page)
    assert "IncidentLayer.create(" in page
    assert '"ids":["p-' in page
    assert '"i1"' not in page
    assert XSS not in page
    assert "\\u003cimg src=x" in page
    assert "Export &lt;test&gt;" in page
    assert 'data-public-safe="true"' in page
    assert "coarsened to a 5 km grid" in page
    assert "private detail" not in page
    assert "quoted words" in page


@pytest.mark.parametrize("step", ["day", "week", "month"])
@pytest.mark.parametrize(("mode", "size"), [("cumulative", 1), ("moving", 1), ("moving", 3)])
def test_map_steps_are_the_windows_of_window_for(step, mode, size):
    """The vectorised steps equal window_for/window_days applied step by step."""
    from layers.render.payload import window_days
    from layers.standalone import map_steps
    from layers.timeline import time_steps, window_for

    gdf = to_incident_frame(
        pd.DataFrame(
            {
                "id": ["a", "b", "c"],
                "title": ["a", "b", "c"],
                "date_start": ["2011-03-15", "2012-02-29", "2012-06-03"],
                "date_end": [None, "2012-03-02", None],
                "lon": [36.0, 36.1, 36.2],
                "lat": [35.0, 35.1, 35.2],
            }
        )
    )
    steps = time_steps("2011-03-15", "2012-06-03", step)
    expected = []
    for i in range(len(steps)):
        start, end = window_for(i, steps, mode, size)
        day0, day1 = window_days(start, end - pd.Timedelta(days=1))
        expected.append([day0, day1, f"{start:%Y-%m-%d} – {end - pd.Timedelta(days=1):%Y-%m-%d}"])
    assert map_steps(gdf, step, mode, size) == expected
