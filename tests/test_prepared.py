"""The prepared table: every selection equals what the frame-based filter and payload functions give."""

from __future__ import annotations

import json
import threading

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from layers.curated import list_curated, load_curated
from layers.incidents import to_incident_frame
from layers.prepared import PreparedTable
from layers.render.aggregate import to_grid_payload
from layers.render.payload import to_payload
from layers.standalone import map_steps
from layers.timeline import FilterSpec, filter_incidents

XSS = "<img src=x onerror=alert(1)>"
DAY = pd.Timedelta(days=1)


def synthetic(n: int, seed: int = 3) -> pd.DataFrame:
    """Incidents with every awkward case: undated, open-ended, unlocated, aggregate, no deaths figure."""
    rng = np.random.default_rng(seed)
    start = pd.Timestamp("2012-01-01") + pd.to_timedelta(rng.integers(0, 900, n), unit="D")
    end = start + pd.to_timedelta(rng.choice([0, 0, 3, 40], n), unit="D")
    starts = start.strftime("%Y-%m-%d").to_numpy(dtype=object)
    ends = end.strftime("%Y-%m-%d").to_numpy(dtype=object)
    starts[::37] = None  # undated
    ends[5::41] = None  # no end: one day
    lon = rng.uniform(35.7, 42.2, n)
    lon[7::53] = np.nan  # unlocated
    return to_incident_frame(
        pd.DataFrame(
            {
                "id": [f"i{k}" for k in range(n)],
                "title": [f"incident {k} {XSS}" for k in range(n)],
                "campaign": rng.choice(["A", "B", XSS, None], n),
                "event_type": rng.choice(["massacre", "raid", "shelling/airstrike"], n),
                "confidence": rng.choice(["weak", "medium", None], n),
                "perpetrator_reported": rng.choice(["Group A, as reported", "group b\u202e", ""], n),
                "victim_group_reported": rng.choice(["civilians", "Family X", ""], n),
                "date_start": starts,
                "date_end": ends,
                "lon": lon,
                "lat": rng.uniform(32.4, 37.3, n),
                "deaths_best": rng.choice([0, 1, 5, 40, np.nan], n),
                "aggregate": rng.random(n) < 0.03,
                "sensitive": rng.random(n) < 0.1,
                "summary": rng.choice(["s1", "s2 <b>", ""], n),
                "sources": [[{"publisher": f"P{k % 7}", "url": "https://a.org/x", "quote": "q"}] for k in range(n)],
            }
        )
    )


@pytest.fixture(scope="module")
def gdf() -> pd.DataFrame:
    return synthetic(2500)


@pytest.fixture(scope="module")
def prep(gdf: pd.DataFrame) -> PreparedTable:
    return PreparedTable(gdf)


SPECS = [
    FilterSpec(),
    FilterSpec(start=pd.Timestamp("2012-06-01", tz="UTC"), end=pd.Timestamp("2012-09-01", tz="UTC")),
    FilterSpec(start=pd.Timestamp("2013-01-05"), end=pd.Timestamp("2013-01-06")),  # naive: taken as UTC
    FilterSpec(campaigns=("A", XSS), event_types=("raid",)),
    FilterSpec(confidence=("weak",), min_deaths=5),
    FilterSpec(perpetrator="GROUP", victim_group="family"),
    FilterSpec(perpetrator="b\u202e"),  # bidi controls are removed on both sides
    FilterSpec(corridor="M5", max_km=20.0),
    FilterSpec(corridor="M1"),
    FilterSpec(datasets=("nope",)),
]


@pytest.mark.parametrize("spec", SPECS)
def test_selection_is_filter_incidents(gdf, prep, spec):
    expected = filter_incidents(gdf, spec)
    got = prep.table.iloc[prep.select(spec)]
    assert got["id"].tolist() == expected["id"].tolist()
    assert prep.counts(prep.select(spec)) == (len(expected), int((~expected["aggregate"]).sum()))


@settings(max_examples=40, deadline=None)
@given(day0=st.integers(0, 950), length=st.integers(0, 120), min_deaths=st.sampled_from([None, 0, 1, 6]))
def test_any_date_window_selects_what_filter_incidents_keeps(gdf, prep, day0, length, min_deaths):
    start = pd.Timestamp("2012-01-01", tz="UTC") + day0 * DAY
    spec = FilterSpec(start=start, end=start + (length + 1) * DAY, min_deaths=min_deaths)
    assert prep.table.iloc[prep.select(spec)]["id"].tolist() == filter_incidents(gdf, spec)["id"].tolist()


@pytest.mark.parametrize("spec", SPECS[:6])
@pytest.mark.parametrize("colour_by", ["campaign", "event_type"])
def test_payloads_are_those_of_the_filtered_frame(gdf, prep, spec, colour_by):
    idx = prep.select(spec)
    shown = filter_incidents(gdf, spec)
    cats = ["B", "A"]
    points = prep.payload(idx, threshold=10**9, colour_by=colour_by, categories=cats, highlight_ids=["i3", "i40"])
    expected = to_payload(shown, colour_by=colour_by, categories=cats, highlight_ids=["i3", "i40"])
    assert json.dumps(points) == json.dumps(expected)
    grid = prep.payload(idx, threshold=0, colour_by=colour_by, categories=cats, time_label="t")
    expected = {**to_grid_payload(shown, colour_by=colour_by, categories=cats, time_label="t"), "threshold": 0}
    assert json.dumps(grid) == json.dumps(expected)


def test_the_threshold_picks_points_or_cells(prep):
    idx = prep.select(FilterSpec())
    n = prep.n_drawable(idx)
    assert "mode" not in prep.payload(idx, threshold=n)
    assert prep.payload(idx, threshold=n - 1)["mode"] == "grid"


@pytest.mark.parametrize("step", ["day", "week", "month"])
@pytest.mark.parametrize("mode", ["cumulative", "moving"])
def test_steps_are_map_steps(gdf, prep, step, mode):
    spec = SPECS[1]
    assert prep.steps(prep.select(spec), step, mode) == map_steps(filter_incidents(gdf, spec), step, mode)


def test_empty_and_undated_selections(gdf, prep):
    empty = prep.select(FilterSpec(datasets=("nope",)))
    assert len(empty) == 0
    assert prep.steps(empty) == []
    assert prep.payload(empty, threshold=5)["n"] == 0
    undated = np.flatnonzero(gdf["date_start"].isna().to_numpy())
    assert prep.steps(undated) == map_steps(gdf.iloc[undated])


@pytest.mark.parametrize("name", list_curated())
def test_curated_datasets(curated_gazetteer, name):
    table = load_curated(name, curated_gazetteer)
    prep = PreparedTable(table)
    for spec in (FilterSpec(), FilterSpec(min_deaths=10), FilterSpec(corridor="M4", max_km=10.0)):
        idx = prep.select(spec)
        shown = filter_incidents(table, spec)
        assert prep.table.iloc[idx]["id"].tolist() == shown["id"].tolist()
        assert json.dumps(prep.payload(idx, threshold=10**9)) == json.dumps(to_payload(shown))


def test_concurrent_first_use_builds_once(gdf):
    prep = PreparedTable(gdf)
    calls = []
    results = []

    def build():
        calls.append(1)
        return object()

    threads = [threading.Thread(target=lambda: results.append(prep._once("k", build))) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(calls) == 1
    assert len({id(r) for r in results}) == 1
