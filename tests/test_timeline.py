"""Tests of layers.timeline: windows, filters, counts and the chart."""

from __future__ import annotations

import itertools

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from geo.errors import InvalidOptionError
from layers.incidents import to_incident_frame
from layers.timeline import (
    FilterSpec,
    filter_incidents,
    in_window,
    time_steps,
    timeline_chart,
    timeline_counts,
    window_for,
)


@pytest.fixture
def incidents() -> pd.DataFrame:
    return to_incident_frame(
        pd.DataFrame(
            {
                "id": ["a", "b", "c", "agg"],
                "dataset": ["d1", "d1", "d2", "d2"],
                "campaign": ["X", "Y", "X", "X"],
                "event_type": ["massacre", "raid", "massacre", "other"],
                "date_start": ["2025-03-06", "2025-03-01", "2012-05-25", "2025-03-06"],
                "date_end": ["2025-03-06", "2025-03-31", "2012-05-25", "2025-03-10"],
                "deaths_best": [10, None, 108, 1500],
                "perpetrator_reported": ["Group A (as reported by Reuters)", "", "Group B", ""],
                "victim_group_reported": ["civilians", "civilians", "civilians", ""],
                "confidence": ["fair", "weak", "fair", "fair"],
                "corridor": ["M4", "M4", "M5", ""],
                "chainage_km": [10.0, 80.0, 40.0, None],
                "aggregate": [False, False, False, True],
                "lon": [36.0, 36.1, 36.5, None],
                "lat": [35.5, 35.6, 34.9, None],
            }
        )
    )


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        (FilterSpec(), ["a", "b", "c", "agg"]),
        (FilterSpec(datasets=("d1",)), ["a", "b"]),
        (FilterSpec(campaigns=("X",), event_types=("massacre",)), ["a", "c"]),
        (FilterSpec(perpetrator="GROUP a"), ["a"]),
        (FilterSpec(confidence=("weak",)), ["b"]),
        (FilterSpec(min_deaths=50), ["c", "agg"]),
        # max_km is the distance from the road (a: 14 km, b: 11 km, c: 94 km from the M4)
        (FilterSpec(corridor="M4", max_km=50), ["a", "b"]),
        (FilterSpec(corridor="M4", max_km=12), ["b"]),
        (FilterSpec(corridor="M4"), []),
        (
            FilterSpec(start=pd.Timestamp("2025-03-07", tz="UTC"), end=pd.Timestamp("2025-03-08", tz="UTC")),
            ["b", "agg"],
        ),
    ],
)
def test_filter_incidents(incidents, spec, expected):
    assert filter_incidents(incidents, spec)["id"].tolist() == expected


def test_time_steps_day_week_month():
    assert len(time_steps("2025-03-01", "2025-03-31")) == 31
    weeks = time_steps("2025-03-05", "2025-03-20", "week")
    assert all(s.weekday() == 0 for s, _ in weeks)
    assert len(weeks) == 3
    months = time_steps("2012-05-25", "2025-03-06", "month")
    assert months[0][0] == pd.Timestamp("2012-05-01", tz="UTC")
    assert months[-1][1] == pd.Timestamp("2025-04-01", tz="UTC")
    assert all(e == s2 for (_, e), (s2, _) in itertools.pairwise(months))


def test_bad_options_list_the_valid_ones():
    with pytest.raises(InvalidOptionError, match="must be one of day, week, month"):
        time_steps("2025-03-01", "2025-03-02", "year")
    with pytest.raises(InvalidOptionError, match="cumulative, moving"):
        window_for(0, time_steps("2025-03-01", "2025-03-02"), "sliding")


def test_window_for_cumulative_and_moving():
    steps = time_steps("2025-03-01", "2025-03-10")
    assert window_for(5, steps) == (steps[0][0], steps[5][1])
    assert window_for(5, steps, "moving", 3) == (steps[3][0], steps[5][1])
    assert window_for(99, steps) == (steps[0][0], steps[-1][1])


def test_timeline_counts_leave_out_aggregates(incidents):
    events = timeline_counts(incidents, "M", "events")
    assert events["value"].sum() == 3
    deaths = timeline_counts(incidents, "D", "deaths")
    assert deaths["value"].sum() == 118
    assert (deaths["period_end"] - deaths["period_start"] == pd.Timedelta(days=1)).all()


def test_timeline_chart_highlights_the_window(incidents):
    counts = timeline_counts(incidents[incidents["date_start"].dt.year == 2025], "D")
    window = (pd.Timestamp("2025-03-06", tz="UTC"), pd.Timestamp("2025-03-07", tz="UTC"))
    spec = timeline_chart(counts, window).to_dict()
    values = spec["datasets"][next(iter(spec["datasets"]))]
    assert [v["window"] for v in values].count("current window") == 1


days = st.integers(min_value=0, max_value=120)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(days, st.integers(min_value=0, max_value=40)), min_size=1, max_size=30),
    st.sampled_from(["day", "week", "month"]),
)
def test_windows_partition_the_incidents(spans, step):
    """Every incident is in exactly the steps its days overlap, and the steps tile the whole range."""
    base = pd.Timestamp("2025-01-01", tz="UTC")
    start = [base + pd.Timedelta(days=s) for s, _ in spans]
    end = [base + pd.Timedelta(days=s + n) for s, n in spans]
    df = pd.DataFrame({"date_start": start, "date_end": end})
    steps = time_steps(min(start), max(end), step)
    for (_, e), (s2, _) in itertools.pairwise(steps):
        assert e == s2
    hits = sum(in_window(df, s, e).astype(int) for s, e in steps)
    starts = pd.DatetimeIndex([s for s, _ in steps])  # the steps tile the range (asserted above)
    for i, (first, last) in enumerate(zip(start, end, strict=True)):
        expected = sum(1 for s, e in steps if first < e and last + pd.Timedelta(days=1) > s)
        # the steps holding one of the incident's days: each day's step found by bisection
        touched = set(starts.searchsorted(pd.date_range(first, last, freq="D"), side="right") - 1)
        assert hits.iloc[i] == expected == len(touched) >= 1


def test_timeline_chart_draws_bars_from_zero(incidents):
    """Each bar spans its period (x..x2) and stands on zero (y..y2 = 0): heights compare, empty periods vanish."""
    counts = timeline_counts(incidents, "M")
    spec = timeline_chart(counts).to_dict()
    enc = spec["encoding"]
    assert spec["mark"]["type"] == "bar"
    assert enc["x"]["field"] == "period_start"
    assert enc["x2"]["field"] == "period_end"
    assert enc["y"]["field"] == "value"
    assert enc["y2"]["field"] == "zero"
    values = spec["datasets"][next(iter(spec["datasets"]))]
    assert {v["zero"] for v in values} == {0}
    assert any(v["value"] == 0 for v in values)  # an empty month is a bar of height zero, not a dot
