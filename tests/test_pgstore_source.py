"""The app's data source on a PostGIS store: SQL filters, SQL grid groups, the summary table, edits.

The PostGIS tests use the throw-away cluster of tests/test_store_backends.py and skip
with its reason when PostgreSQL/PostGIS is not installed.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest

from geo.errors import StoreError
from layers.incidents import to_incident_frame
from layers.pgstore.grid import frame_groups, payload_from_groups, timeline_from_groups
from layers.pgstore.source import merge_span, parse_edit, select
from layers.render.aggregate import decode_groups, to_grid_payload
from layers.timeline import FilterSpec, filter_incidents, timeline_counts
from tests.export_fixtures import synthetic_incidents
from tests.test_store_backends import pg_server, pg_url  # noqa: F401 - fixtures

MARCH = FilterSpec(start=pd.Timestamp("2025-03-10", tz="UTC"), end=pd.Timestamp("2025-04-01", tz="UTC"))


def _canonical(payload: dict[str, Any]) -> tuple[list, list]:
    """Return the payload's content independent of the order of cells.

    Per level the (lat, lon, count) cells; the groups as (finest cell position, category,
    t0, dt, n, d, k), sorted.
    """
    levels = []
    finest = payload["levels"][-1]
    for level in payload["levels"]:
        counts = np.zeros(len(level["lat"]), dtype=int)
        g = decode_groups(payload["g"])
        np.add.at(counts, np.asarray(level["of"])[g["cell"]], g["n"])
        levels.append(sorted(zip(level["lat"], level["lon"], counts.tolist(), strict=True)))
    g = decode_groups(payload["g"])
    cats = payload["cats"]
    groups = sorted(
        (finest["lat"][c], finest["lon"][c], cats[k], int(t), int(d), int(n), int(dd), int(kk))
        for c, k, t, d, n, dd, kk in zip(g["cell"], g["c"], g["t0"], g["dt"], g["n"], g["d"], g["k"], strict=True)
    )
    return levels, groups


def _incidents(n: int = 400) -> pd.DataFrame:
    return to_incident_frame(synthetic_incidents(n, seed=5).assign(dataset="synth"))


def test_payload_from_groups_is_the_python_grid() -> None:
    gdf = _incidents()
    want = to_grid_payload(gdf)
    got = payload_from_groups(frame_groups(gdf), n_aggregate=int(gdf["aggregate"].sum()))
    assert got["n"] == want["n"]
    assert got["cats"] == want["cats"]
    assert got["note"] == want["note"]
    assert _canonical(got) == _canonical(want)


def test_timeline_from_groups_counts_the_mapped_incidents() -> None:
    gdf = _incidents()
    mapped = gdf[~gdf["aggregate"] & gdf.geometry.notna()]
    want = timeline_counts(mapped, freq="W")
    got = timeline_from_groups(frame_groups(gdf), "W")
    pd.testing.assert_frame_equal(got.reset_index(drop=True), want.reset_index(drop=True))


@pytest.mark.parametrize(
    ("inputs", "message"),
    [({"deaths_best": "many"}, "deaths_best: 'many' is not a whole number"), ({"deaths_low": "-3"}, "deaths_low")],
)
def test_parse_edit_names_the_field(inputs: dict, message: str) -> None:
    with pytest.raises(StoreError, match=message):
        parse_edit({"deaths_best": 3, "deaths_low": 1}, inputs)


def test_merge_span_takes_both() -> None:
    import datetime as dt

    local = (dt.date(2012, 1, 1), dt.date(2012, 6, 1))
    store = (pd.Timestamp("2011-03-15", tz="UTC"), pd.Timestamp("2012-02-01", tz="UTC"))
    assert merge_span(local, store, local_empty=False) == (dt.date(2011, 3, 15), dt.date(2012, 6, 1))
    assert merge_span(local, store, local_empty=True) == (dt.date(2011, 3, 15), dt.date(2012, 2, 1))


@pytest.fixture
def store(pg_url: str) -> Any:  # noqa: F811
    from layers.pgstore import PostgisStore

    with PostgisStore(pg_url, app_user="ann") as opened:
        opened.save(_incidents(), "synth", source_file="synth.csv")
        yield opened


@pytest.mark.parametrize(
    "spec",
    [
        FilterSpec(),
        MARCH,
        FilterSpec(campaigns=("Campaign A",), start=pd.Timestamp("2025-03-20", tz="UTC")),
        FilterSpec(min_deaths=100),  # not in the summary: grouped from the rows
        FilterSpec(corridor="M5", max_km=20),
    ],
)
def test_sql_grid_of_a_selection_is_the_python_grid(store: Any, spec: FilterSpec) -> None:
    """The summary table (dates, categories) and the row query (other filters) give the map's groups."""
    python = filter_incidents(_incidents(), spec)
    selection = select(store, ["synth"], _incidents().iloc[0:0], spec, threshold=0)
    assert selection.is_grid
    payload = selection.grid_payload()
    assert payload["n"] == int((~python["aggregate"] & python.geometry.notna()).sum())
    if payload["n"]:
        assert _canonical(payload) == _canonical(to_grid_payload(python))
    assert selection.selected == len(python)


def test_small_selection_fetches_the_incidents(store: Any) -> None:
    python = filter_incidents(_incidents(), MARCH)
    selection = select(store, ["synth"], _incidents().iloc[0:0], MARCH, threshold=10_000)
    assert not selection.is_grid
    assert sorted(selection.shown["id"]) == sorted(python["id"])
    assert selection.total == 400
    assert selection.selected == len(python)
    assert {len(s) for s in selection.shown["sources"]} == {1}  # sources come along for popups


def test_local_and_store_datasets_in_one_grid(store: Any) -> None:
    local = to_incident_frame(synthetic_incidents(50, seed=9).assign(id=lambda f: "local-" + f["id"]))
    selection = select(store, ["synth"], local, FilterSpec(), threshold=0)
    both = pd.concat([_incidents(), local], ignore_index=True)
    assert _canonical(selection.grid_payload()) == _canonical(to_grid_payload(both))
    assert selection.total == 450


def test_an_edit_keeps_the_summary_and_the_facets_up_to_date(store: Any) -> None:
    record = store.get("synth", "t-0")
    store.update(
        "synth", "t-0", {"lon": 38.9, "lat": 36.1, "campaign": "Campaign Z"}, expected_version=record["row_version"]
    )
    edited = store.load("synth").drop(columns="row_version")
    selection = select(store, ["synth"], edited.iloc[0:0], FilterSpec(), threshold=0)
    assert _canonical(selection.grid_payload()) == _canonical(to_grid_payload(edited))
    facets = store.datasets().set_index("name").at["synth", "facets"]
    assert "Campaign Z" in facets["campaign"]


def test_month_query_uses_the_day_range_index(store: Any) -> None:
    """EXPLAIN shows the GiST index on the day range for a month (what keeps it fast at a million rows)."""
    from layers.pgstore.query import filter_sql

    store.conn.execute("SET enable_seqscan = off")
    where, params = filter_sql(MARCH, ["synth"])
    plan = store._frame(
        f"EXPLAIN SELECT i.id FROM incidents i JOIN datasets d USING (dataset_id) WHERE {where}", params
    )
    assert "incidents_days" in "\n".join(plan.iloc[:, 0])


def _request(threshold: int) -> dict:
    return {
        "threshold": threshold,
        "categories": (),
        "highlight": (),
        "time_label": "",
        "steps": None,
        "step": "day",
        "mode": "cumulative",
    }


def _store_source(store: Any, local: pd.DataFrame) -> Any:
    from layers.datasource import MemorySource
    from layers.pgstore.source import StoreSource
    from layers.prepared import PreparedTable

    return StoreSource(MemorySource(PreparedTable(local)), store, ["synth"], store.datasets())


@pytest.mark.parametrize("spec", [FilterSpec(), MARCH, FilterSpec(min_deaths=20)])
def test_store_source_gives_the_layer_of_the_filtered_rows(store: Any, spec: FilterSpec) -> None:
    """The app's data source on a store: the same counts, grid cells and points as the rows filtered in Python."""
    import json

    from layers.app_state import options

    local = to_incident_frame(synthetic_incidents(40, seed=9).assign(id=lambda f: "local-" + f["id"]))
    both = pd.concat([_incidents(), local], ignore_index=True)
    python = filter_incidents(both, spec)
    source = _store_source(store, local)
    assert source.total == 440
    assert set(options(both)["campaign"]) <= set(source.options()["campaign"])
    grid = source.select(spec, 0)
    assert grid.is_grid
    assert grid.selected == len(python)
    assert grid.points == int((~python["aggregate"]).sum())
    payload = json.loads(grid.layer(_request(0))[0])
    assert payload["mode"] == "grid"
    if payload["n"]:
        assert _canonical(payload) == _canonical(to_grid_payload(python))
    assert grid.timeline("W")["value"].sum() == int((~python["aggregate"] & python.geometry.notna()).sum())
    points = source.select(spec, 10_000)
    assert not points.is_grid
    assert not points.notes
    assert sorted(points.rows()["id"]) == sorted(python["id"])
    layer = json.loads(points.layer(_request(10_000))[0])
    assert layer["n"] == int((~python["aggregate"] & python.geometry.notna()).sum())


def test_store_source_version_changes_with_an_edit(store: Any) -> None:
    before = _store_source(store, _incidents().iloc[0:0])
    record = store.get("synth", "t-1")
    store.update("synth", "t-1", {"campaign": "Campaign Q"}, expected_version=record["row_version"])
    after = _store_source(store, _incidents().iloc[0:0])
    assert before.version != after.version  # the app's cache key of the store's selections
    assert "Campaign Q" in after.options()["campaign"]


def test_review_choices_are_shared_through_the_store(store: Any) -> None:
    """A review table's alias and hand-placed place go to the store; a gazetteer built from it uses them."""
    from geo.gazetteer import load_gazetteer
    from layers.pgstore.source import add_team_aliases, review_tables, save_review, team_places

    gaz = load_gazetteer(include_geonames=False)
    before, _, _ = review_tables(store)
    edited = pd.DataFrame(
        {
            "value": ["Dimashq al-Qadima (sic)", "Tell Abu Saray"],
            "place_id": ["gov_damascus", ""],
            "lat": [None, 36.11],
            "lon": [None, 38.05],
        }
    )
    assert save_review(store, edited, gaz) == 2
    key, aliases, places = review_tables(store)
    assert key != before  # the app rebuilds its gazetteer at the next rerun of every session
    assert aliases.to_dict("records") == [
        {"alias": "Dimashq al-Qadima (sic)", "place_id": "gov_damascus", "note": "chosen in the review table"}
    ]
    table = team_places(places)
    assert table["name_en"].tolist() == ["Tell Abu Saray"]
    other = load_gazetteer(include_geonames=False, extra=[table])  # another person's app
    assert add_team_aliases(other, aliases) == []
    assert other.resolve("Dimashq al-Qadima (sic)").place_id == "gov_damascus"
    assert other.resolve("Tell Abu Saray").lat == pytest.approx(36.11)
    store.add_alias("Nowhere-ville", "no_such_place")
    notes = add_team_aliases(other, store.aliases())
    assert notes == [
        "Shared alias 'Nowhere-ville' names place 'no_such_place', which is not in this gazetteer; not used."
    ]


def _collapsed(payload: dict[str, Any]) -> tuple[list, list]:
    """Return :func:`_canonical` of a payload with each cell and category's groups summed over their days."""
    levels, groups = _canonical(payload)
    summed: dict[tuple, list[int]] = {}
    for lat, lon, cat, _, _, n, d, k in groups:
        totals = summed.setdefault((lat, lon, cat), [0, 0, 0])
        for i, v in enumerate((n, d, k)):
            totals[i] += v
    return levels, sorted((*key, *v) for key, v in summed.items())


@pytest.mark.parametrize(
    "spec",
    [
        FilterSpec(),
        MARCH,
        FilterSpec(start=pd.Timestamp("2000-01-01", tz="UTC"), end=pd.Timestamp("2040-01-01", tz="UTC")),
        FilterSpec(min_deaths=20, start=pd.Timestamp("2025-03-12", tz="UTC")),
        FilterSpec(bbox=(36.0, 34.0, 38.0, 36.0)),
    ],
)
def test_untimed_grid_holds_the_window_counts_of_each_cell(
    store: Any, spec: FilterSpec, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Above MAX_DAY_GROUPS the map gets the whole window's counts per cell (exact to the day) and no time control."""
    import json

    from layers.pgstore import source as pg_source

    monkeypatch.setattr(pg_source, "MAX_DAY_GROUPS", 0)
    local = to_incident_frame(synthetic_incidents(40, seed=9).assign(id=lambda f: "local-" + f["id"]))
    both = pd.concat([_incidents(), local], ignore_index=True)
    python = filter_incidents(both, spec)
    selection = _store_source(store, local).select(spec, 0)
    assert selection.is_grid
    assert not selection.timed
    assert any("time control" in note for note in selection.notes)
    payload_json, options_json, _ = selection.layer(_request(0))
    payload = json.loads(payload_json)
    mapped = int((~python["aggregate"] & python.geometry.notna()).sum())
    assert payload["n"] == mapped
    if mapped:
        assert _collapsed(payload) == _collapsed(to_grid_payload(python))
        assert set(decode_groups(payload["g"])["t0"].tolist()) == {-(10**7)}  # shown in any window
    assert json.loads(options_json).get("steps", []) == []  # no time control to step through days it lacks
    drawn = python[~python["aggregate"] & python.geometry.notna()]
    want = timeline_counts(drawn.assign(deaths_best=1), freq="W", value="deaths")  # incidents per week
    got = selection.timeline("W")
    assert got["value"].sum() == mapped
    assert {k: v for k, v in zip(got.iloc[:, 0], got["value"], strict=True) if v} == {
        k: v for k, v in zip(want.iloc[:, 0], want["value"], strict=True) if v
    }


def test_a_window_covering_the_data_is_read_without_days(store: Any) -> None:
    from layers.pgstore.source import store_spec

    listing = store.datasets()
    wide = FilterSpec(start=pd.Timestamp("2000-01-01", tz="UTC"), end=pd.Timestamp("2040-01-01", tz="UTC"))
    assert store_spec(wide, listing) == FilterSpec()
    assert store_spec(MARCH, listing) == MARCH
    assert len(filter_incidents(_incidents(), wide)) == len(_incidents())  # the same rows


@pytest.mark.parametrize("bbox", [(36.0, 34.0, 38.0, 36.0), (35.0, 32.0, 43.0, 38.0), (40.0, 36.9, 40.1, 37.0)])
def test_map_extent_filter_is_the_same_in_sql_and_in_memory(store: Any, bbox: tuple) -> None:
    """'Only the incidents in the map view': the same rows from the store (GiST) and from memory."""
    from layers.prepared import PreparedTable

    spec = FilterSpec(bbox=bbox)
    python = filter_incidents(_incidents(), spec)
    west, south, east, north = bbox
    assert python["lon"].between(west, east).all()
    assert python["lat"].between(south, north).all()
    assert not python["aggregate"].any()
    prep = PreparedTable(_incidents())
    assert sorted(prep.table.iloc[prep.select(spec)]["id"]) == sorted(python["id"])
    assert sorted(store.load("synth", spec)["id"]) == sorted(python["id"])
    selection = _store_source(store, _incidents().iloc[0:0]).select(spec, 0)
    assert selection.selected == len(python)
    if len(python):
        import json

        assert _canonical(json.loads(selection.layer(_request(0))[0])) == _canonical(to_grid_payload(python))


@pytest.mark.parametrize(
    "spec",
    [
        MARCH,
        FilterSpec(start=pd.Timestamp("2025-03-20", tz="UTC")),
        FilterSpec(end=pd.Timestamp("2025-03-15", tz="UTC"), campaigns=("Campaign A",)),
    ],
)
def test_untimed_grid_of_a_window_is_all_cells_less_those_outside(store: Any, spec: FilterSpec) -> None:
    """Read either way (the rows inside the window, or all dates' cells less the rows outside), the same groups."""
    inside = store.grid_groups("synth", spec, timed=False)
    less = store.grid_groups("synth", spec, timed=False, complement=True)
    python = filter_incidents(_incidents(), spec)
    assert int(less["n"].sum()) == int((~python["aggregate"] & python.geometry.notna()).sum())
    assert _canonical(payload_from_groups(less)) == _canonical(payload_from_groups(inside))
