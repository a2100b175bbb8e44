"""The app's data-source interface over the in-memory table: the same layer, counts and rows as before it."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from layers.app_state import date_span, options
from layers.datasource import MemorySource
from layers.prepared import PreparedTable
from layers.render.incident_map import layer_options, payload_bounds
from layers.render.payload import to_script_json
from layers.timeline import FilterSpec, filter_incidents, timeline_counts
from tests.test_prepared import synthetic


def _request(threshold: int, steps: list | None = None) -> dict:
    return {
        "threshold": threshold,
        "categories": ("A", "B"),
        "highlight": ("i3",),
        "time_label": "a window",
        "steps": steps,
        "step": "week",
        "mode": "cumulative",
    }


@pytest.mark.parametrize("threshold", [10_000, 20])
@pytest.mark.parametrize(
    "spec",
    [FilterSpec(), FilterSpec(campaigns=("A",), start=pd.Timestamp("2012-06-01", tz="UTC")), FilterSpec(min_deaths=5)],
)
def test_memory_selection_is_the_prepared_table_computation(spec: FilterSpec, threshold: int) -> None:
    """The layer is what app.cached_layer computed from the PreparedTable before the interface."""
    prep = PreparedTable(synthetic(300))
    source = MemorySource(prep)
    selection = source.select(spec, threshold)
    idx = prep.select(spec)
    request = _request(threshold)
    payload = prep.payload(
        idx, threshold=threshold, categories=("A", "B"), highlight_ids=("i3",), time_label="a window"
    )
    want = (to_script_json(payload), layer_options(steps=prep.steps(idx, "week")), payload_bounds(payload))
    assert selection.layer(request) == want
    assert (selection.selected, selection.points) == prep.counts(idx)
    python = filter_incidents(prep.table, spec)
    assert selection.rows()["id"].tolist() == python["id"].tolist()
    pd.testing.assert_frame_equal(selection.timeline("W"), timeline_counts(python, freq="W"))
    assert source.total == 300
    assert source.options() == options(prep.table)
    assert source.span() == date_span(prep.table)
    assert json.loads(selection.layer(_request(threshold, steps=[[1, 2, "x"]]))[1])["steps"] == [[1, 2, "x"]]


def test_rows_of_some_columns_are_built_once() -> None:
    selection = MemorySource(PreparedTable(synthetic(50))).select(FilterSpec(), 100)
    assert selection.rows(["id"]) is selection.rows(["id"])
    assert list(selection.rows(["id", "deaths_best"]).columns) == ["id", "deaths_best"]
    assert np.array_equal(selection.rows().index, selection.idx)
