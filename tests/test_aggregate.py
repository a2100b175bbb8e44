"""The aggregated map payload: nothing lost, nothing moved to the wrong cell, exact in time."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from geo.crs import TO_SYRIA_AEQD
from layers.folium_map import incident_map
from layers.incidents import to_incident_frame
from layers.render.aggregate import GRID_LEVELS, decode_groups, to_grid_payload
from layers.render.payload import day_bounds, drawable_rows

XSS = "<img src=x onerror=alert(1)>"


def synthetic(n: int, seed: int = 1, undated: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    start = pd.Timestamp("2012-01-01") + pd.to_timedelta(rng.integers(0, 900, n), unit="D")
    end = start + pd.to_timedelta(rng.choice([0, 0, 0, 3, 40], n), unit="D")
    dates = start.strftime("%Y-%m-%d").to_numpy(dtype=object)
    dates[:undated] = None
    return to_incident_frame(
        pd.DataFrame(
            {
                "id": [f"i{k}" for k in range(n)],
                "title": [f"incident {k}" for k in range(n)],
                "campaign": rng.choice(["A", "B", XSS], n),
                "date_start": dates,
                "date_end": [None if d is None else e for d, e in zip(dates, end.strftime("%Y-%m-%d"), strict=True)],
                "lon": rng.uniform(35.7, 42.2, n),
                "lat": rng.uniform(32.4, 37.3, n),
                "deaths_best": rng.choice([0, 1, 5, 40, np.nan], n),
            }
        )
    )


def window_counts(payload: dict, day0: int, day1: int) -> tuple[int, float, np.ndarray]:
    """What incident_layer.js's setWindow sums: (incidents, deaths, per finest cell)."""
    g = decode_groups(payload["g"])
    keep = (g["t0"] <= day1) & (g["t0"] + g["dt"] >= day0)
    per_cell = np.bincount(g["cell"][keep], weights=g["n"][keep], minlength=len(payload["levels"][-1]["of"]))
    return int(g["n"][keep].sum()), float(g["d"][keep].sum()), per_cell


@pytest.fixture(scope="module")
def gdf() -> pd.DataFrame:
    return synthetic(3000, undated=25)


def test_every_drawable_incident_is_counted_once(gdf):
    payload = to_grid_payload(gdf)
    total, deaths, _ = window_counts(payload, -(10**9), 10**9)
    assert payload["n"] == total == len(gdf)
    assert deaths == pytest.approx(gdf["deaths_best"].astype("Float64").fillna(0).sum())
    assert int(decode_groups(payload["g"])["k"].sum()) == int(gdf["deaths_best"].notna().sum())


def test_aggregate_totals_and_unlocated_rows_are_left_out(gdf):
    extra = to_incident_frame(
        pd.DataFrame(
            {
                "id": ["total", "nowhere"],
                "title": ["Syria total", "unlocated"],
                "date_start": ["2012-05-01", "2012-05-01"],
                "lon": [38.0, None],
                "lat": [35.0, None],
                "aggregate": [True, False],
                "deaths_best": [5000, 3],
            }
        )
    )
    payload = to_grid_payload(pd.concat([gdf, extra], ignore_index=True))
    assert payload["n"] == len(gdf)
    assert "1 aggregate total" in payload["note"]


def test_cells_nest_and_hold_their_incidents(gdf):
    payload = to_grid_payload(gdf)
    _rows, lon, lat, _ = drawable_rows(gdf)
    x, y = TO_SYRIA_AEQD.transform(lon, lat)
    fine_km = GRID_LEVELS[-1][0]
    fine = pd.factorize(pd.MultiIndex.from_arrays([np.floor(x / (fine_km * 1e3)), np.floor(y / (fine_km * 1e3))]))[0]
    # Group rows carry each incident's finest cell: rebuild the per-incident cell from the counts.
    assert np.array_equal(
        np.bincount(fine, minlength=fine.max() + 1), window_counts(payload, -(10**9), 10**9)[2].astype(int)
    )
    for level, (km, _) in zip(payload["levels"], GRID_LEVELS, strict=True):
        assert level["km"] == km
        of = np.asarray(level["of"])[fine]
        key = pd.MultiIndex.from_arrays([np.floor(x / (km * 1e3)), np.floor(y / (km * 1e3))])
        # Same level cell <=> same square of km × km in the Syria AEQD grid.
        assert pd.Series(of).groupby(pd.factorize(key)[0]).nunique().max() == 1
        assert pd.Series(pd.factorize(key)[0]).groupby(of).nunique().max() == 1
        # The drawn position (mean of the cell's incidents) lies inside its square (to the
        # ~11 m of the 4 decimals it is sent with).
        cx, cy = TO_SYRIA_AEQD.transform(np.asarray(level["lon"])[of], np.asarray(level["lat"])[of])
        for centre, point in ((np.asarray(cx), x), (np.asarray(cy), y)):
            low = np.floor(point / (km * 1e3)) * km * 1e3
            assert np.all((centre > low - 20) & (centre < low + km * 1e3 + 20))
        assert level["max"] == np.bincount(of).max()


@settings(max_examples=60, deadline=None)
@given(day0=st.integers(15000, 16000), length=st.integers(0, 400))
def test_a_time_window_counts_exactly_the_incidents_it_overlaps(gdf, day0, length):
    payload = to_grid_payload(gdf)
    rows = drawable_rows(gdf)[0]
    t0, t1 = day_bounds(rows)
    expected = int(((t0 <= day0 + length) & (t1 >= day0)).sum())
    assert window_counts(payload, day0, day0 + length)[0] == expected


def test_undated_incidents_are_in_every_window(gdf):
    payload = to_grid_payload(gdf)
    assert window_counts(payload, 0, 0)[0] == 25  # 1970-01-01: only the undated ones


def test_categories_keep_their_colours_and_order(gdf):
    from layers.render.payload import curated_campaigns

    fixed = len(curated_campaigns())  # the curated campaigns come first, with their fixed colours
    payload = to_grid_payload(gdf, categories=["B", "A"])
    assert payload["cats"][fixed : fixed + 2] == ["B", "A"]
    assert XSS in payload["cats"]
    assert len(payload["colours"]) == len(payload["cats"])
    assert set(payload["g"]["c"]) == {fixed, fixed + 1, fixed + 2}


def test_empty_selection_gives_an_empty_grid():
    payload = to_grid_payload(synthetic(0))
    assert payload["n"] == 0
    assert payload["g"]["n"] == []
    assert payload["g"]["t0d"] == []
    assert all(level["lat"] == [] for level in payload["levels"])


def test_levels_must_nest():
    with pytest.raises(ValueError, match="multiples"):
        to_grid_payload(synthetic(5), levels=((25, 0), (10, 8)))


def test_the_map_switches_to_cells_above_the_threshold(gdf):
    page = incident_map(gdf, basemap="blank", aggregate_threshold=1000).get_root().render()
    assert '"mode":"grid"' in page
    assert "incident 17" not in page  # single incidents (titles, sources) do not travel
    assert XSS not in page
    assert "\\u003cimg src=x" in page
    small = incident_map(gdf.head(500), basemap="blank", aggregate_threshold=1000).get_root().render()
    assert '"mode":"grid"' not in small
    assert "incident 17" in small


def test_grid_payload_is_much_smaller_than_points(gdf):
    points = incident_map(gdf, basemap="blank", aggregate_threshold=10**9).get_root().render()
    cells = incident_map(gdf, basemap="blank", aggregate_threshold=1000).get_root().render()
    assert len(cells) < len(points)
    json.dumps(to_grid_payload(gdf), allow_nan=False)  # no NaN reaches the page


def test_groups_travel_compactly_and_decode_exactly(gdf):
    full = gdf.assign(deaths_best=gdf["deaths_best"].fillna(2))
    payload = to_grid_payload(full)
    assert payload["g"]["k"] is None  # every incident gives a figure: not sent
    g = decode_groups(payload["g"])
    assert np.array_equal(g["k"], g["n"])
    assert np.all(np.diff(g["t0"]) >= 0)  # in order of first day, so the differences stay small
    t0, _ = day_bounds(drawable_rows(full)[0])
    assert sorted(np.repeat(g["t0"], g["n"]).tolist()) == sorted(t0.tolist())


@given(
    n=st.integers(0, 300),
    seed=st.integers(0, 10_000),
    cats=st.integers(1, 4),
    all_figures=st.booleans(),
)
@settings(max_examples=60, deadline=None)
def test_groups_summed_with_numpy_equal_a_pandas_groupby(n, seed, cats, all_figures):
    """The groups of a payload are a groupby over (cell, category, first day, length), summed and encoded."""
    from layers.render.aggregate import _encode_groups, _sum_groups

    rng = np.random.default_rng(seed)
    cell = rng.integers(0, 12, n)
    c = rng.integers(0, cats, n)
    t0 = rng.choice([-(10**7), 15_000, 15_001, 15_400], n)  # undated rows carry the open bound
    dt = rng.choice([0, 0, 3, 2 * 10**7], n)
    d = rng.integers(0, 50, n)
    k = np.ones(n, "int64") if all_figures else rng.integers(0, 2, n)
    frame = pd.DataFrame({"cell": cell, "c": c, "t0": t0, "dt": dt, "n": 1, "d": d, "k": k})
    expected = _encode_groups(frame.groupby(["cell", "c", "t0", "dt"], sort=True, as_index=False).sum())
    assert _sum_groups(cell, c, t0, dt, d, k) == expected


@given(
    picks=st.lists(st.integers(0, 8), max_size=40),
    as_string=st.booleans(),
)
@settings(max_examples=80, deadline=None)
def test_colour_codes_from_cleaned_distinct_values_equal_cleaning_every_row(picks, as_string):
    """Colour keys are the values cleaned (bidi controls out, missing -> "(none)"), in order of first appearance."""
    from layers.render.payload import category_values, colour_codes

    values = ["A", "B", None, "", "A\u202e", "\u202eA", np.nan, "C", XSS]
    column = pd.Series([values[k] for k in picks], dtype="string" if as_string else object)
    codes, keys = colour_codes(pd.DataFrame({"campaign": column}), "campaign")
    expected_codes, expected_keys = pd.factorize(category_values(column))
    assert codes.tolist() == expected_codes.tolist()
    assert keys.tolist() == list(expected_keys)
