"""Columns-first load of a dataset file: the same selections, payloads and records as the full load."""

from __future__ import annotations

import threading

import pandas as pd
import pytest

from layers import app_state
from layers.curated import list_curated, load_curated
from layers.datasource import MemorySource
from layers.prepared import PreparedTable, prepare_chosen
from layers.store import MAP_COLUMNS, ColumnsFirst, load_gpkg, save_gpkg
from layers.timeline import FilterSpec
from tests.test_prepared import SPECS, synthetic

REQUEST = {"threshold": 300, "categories": None, "highlight": (), "time_label": "t", "steps": None}


@pytest.fixture(scope="module")
def path(tmp_path_factory):
    gdf = synthetic(2500)
    gdf["dataset"] = "file"
    return save_gpkg(gdf, tmp_path_factory.mktemp("cf") / "file.gpkg", title="file")


def test_first_read_has_only_the_map_columns_with_the_full_values(path):
    first = load_gpkg(path, MAP_COLUMNS)
    full = load_gpkg(path)
    assert list(first.columns) == [*MAP_COLUMNS, "geometry"]
    pd.testing.assert_frame_equal(pd.DataFrame(first), pd.DataFrame(full[[*MAP_COLUMNS, "geometry"]]))


def _both(path, extra=None):
    """Return the prepared table of a columns-first load and of a full load, with the same datasets."""
    file = ColumnsFirst(path)
    extra = extra or {}
    lazy = prepare_chosen({**extra, "file": file.first}, [*extra, "file"], deferred={"file": file.full})
    eager = PreparedTable(app_state.combine({**extra, "file": load_gpkg(path)}, [*extra, "file"]))
    return file, lazy, eager


@pytest.mark.parametrize("spec", SPECS)
def test_selection_payloads_and_records_equal_the_full_load(path, spec):
    step = "month" if spec.min_deaths else "day"
    file, lazy, eager = _both(path)
    a, b = MemorySource(lazy), MemorySource(eager)
    assert a.options() == b.options()
    assert a.span() == b.span()
    assert a.total == b.total
    for threshold in (10, 100_000):  # grid cells, then points
        sa, sb = a.select(spec, threshold), b.select(spec, threshold)
        assert (sa.selected, sa.points) == (sb.selected, sb.points)
        request = {**REQUEST, "threshold": threshold, "step": step, "mode": "cumulative"}
        if threshold == 10:
            assert sa.layer(request) == sb.layer(request)
            assert file.loaded == (lazy.n_drawable(sa.idx) <= 10)  # cells, counts and the timeline need no other column
        pd.testing.assert_frame_equal(sa.timeline("M"), sb.timeline("M"))
    assert sa.layer(request) == sb.layer(request)  # points: popups read every column
    assert file.loaded
    rows_a, rows_b = pd.DataFrame(sa.rows()), pd.DataFrame(sb.rows())
    pd.testing.assert_frame_equal(rows_a, rows_b)
    same_records(app_state.detail_records(rows_a, limit=5), app_state.detail_records(rows_b, limit=5))


def same_records(a: list[dict], b: list[dict]) -> None:
    """Assert two lists of detail records are equal (their figures and sources are tables)."""
    assert [r.keys() for r in a] == [r.keys() for r in b]
    for ra, rb in zip(a, b, strict=True):
        for key, value in ra.items():
            if isinstance(value, pd.DataFrame):
                pd.testing.assert_frame_equal(value, rb[key])
            else:
                assert value == rb[key], key


def test_details_are_read_on_first_need_only(path):
    file, lazy, eager = _both(path)
    sel = MemorySource(lazy).select(FilterSpec(), 10)
    sel.rows(["date_start", "deaths_best", "aggregate"])
    assert not file.loaded
    assert lazy.partial
    records = app_state.detail_records(pd.DataFrame(sel.rows()), limit=3)
    assert file.loaded
    assert not lazy.partial
    expected = app_state.detail_records(pd.DataFrame(eager.table), limit=3)
    same_records(records, expected)
    assert len(records) == 3
    assert len(records[0]["sources"])


@pytest.mark.skipif(not list_curated(), reason="no curated datasets in data/")
def test_combined_with_a_curated_dataset(path, curated_gazetteer):
    name = list_curated()[0]
    _file, lazy, eager = _both(path, {name: load_curated(name, curated_gazetteer)})
    assert lazy.n == eager.n
    spec = FilterSpec(datasets=("file", name))
    sa, sb = MemorySource(lazy).select(spec, 100_000), MemorySource(eager).select(spec, 100_000)
    assert sa.selected == sb.selected
    pd.testing.assert_frame_equal(pd.DataFrame(sa.rows()), pd.DataFrame(sb.rows()))


def test_concurrent_sessions_read_the_file_once(path, monkeypatch):
    import layers.store as store

    reads = []
    real = store.load_gpkg

    def counting(p, columns=None):
        reads.append(columns)
        return real(p, columns)

    monkeypatch.setattr(store, "load_gpkg", counting)
    file = ColumnsFirst(path)
    prep = prepare_chosen({"file": file.first}, ["file"], deferred={"file": file.full})
    tables = []
    threads = [threading.Thread(target=lambda: tables.append(prep.full_table)) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert reads == [MAP_COLUMNS, None]
    assert len({id(t) for t in tables}) == 1


def test_a_file_changed_between_the_reads_is_refused(path, tmp_path):
    from geo.errors import StoreError

    copy = tmp_path / "c.gpkg"
    copy.write_bytes(path.read_bytes())
    file = ColumnsFirst(copy)
    save_gpkg(synthetic(40), copy)
    with pytest.raises(StoreError, match=r"c\.gpkg: the file changed"):
        file.full()
