"""Curated datasets: every record sourced, figures backed, places resolved."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
import yaml

from geo.errors import DataSchemaError
from geo.gazetteer import Gazetteer
from layers.curated import CURATED_DIR, list_curated, load_all_curated, load_curated, resolve_curated_place
from layers.incidents import TOLL_COLUMNS

MEASURE = {
    "deaths_low": "deaths",
    "deaths_best": "deaths",
    "deaths_high": "deaths",
    "injured": "injured",
    "missing_or_abducted": "missing_or_abducted",
}


@pytest.fixture(scope="module")
def curated(gazetteer: Gazetteer) -> gpd.GeoDataFrame:
    return load_all_curated(gazetteer)


def records() -> list[tuple[str, dict]]:
    out = []
    for name in list_curated():
        data = yaml.safe_load((CURATED_DIR / f"{name}.yaml").read_text(encoding="utf-8"))
        out += [(name, item) for item in data["incidents"]]
    return out


def test_list_curated() -> None:
    assert list_curated() == ["coast_march_2025", "massacres_2012_2013", "rg_campaign_2011_2012"]


def test_loads_all_and_ids_are_unique(curated: gpd.GeoDataFrame) -> None:
    assert len(curated) == len(records()) >= 50
    assert curated["id"].is_unique
    assert curated["date_start"].dt.tz is not None


def test_every_incident_has_a_source_with_url(curated: gpd.GeoDataFrame) -> None:
    for sid, sources in zip(curated["id"], curated["sources"], strict=True):
        assert any(str(s.get("url") or "").strip() for s in sources), sid


def test_every_toll_is_in_figures_from_a_cited_publisher(curated: gpd.GeoDataFrame) -> None:
    for row in curated.itertuples():
        publishers = {s["publisher"] for s in row.sources}
        for column in TOLL_COLUMNS:
            value = getattr(row, column)
            if pd.isna(value):
                continue
            assert any(
                f["measure"] == MEASURE[column] and int(f["value"]) == int(value) and f["publisher"] in publishers
                for f in row.figures
            ), (row.id, column, value)


@pytest.mark.parametrize(("name", "item"), records(), ids=lambda v: v["id"] if isinstance(v, dict) else v)
def test_every_place_resolves_unambiguously(name: str, item: dict, gazetteer: Gazetteer) -> None:
    found = resolve_curated_place(
        item["place_reported"], item.get("place_context"), bool(item.get("aggregate")), gazetteer
    )
    assert found["error"] == "", found["error"]
    assert found["admin1"]
    if not item.get("aggregate"):
        assert found["place_id"]
        match = gazetteer.resolve(item["place_reported"], within=item.get("place_context"))
        assert match.resolved
        assert not match.ambiguous
        if item.get("place_id"):
            assert found["place_id"] == item["place_id"]


def test_aggregates_are_off_the_map_but_keep_admin1(curated: gpd.GeoDataFrame) -> None:
    agg = curated[curated["aggregate"]]
    assert len(agg) > 10
    assert agg.geometry.isna().all()
    assert (agg["admin1"].str.len() > 0).all()
    sites = curated[~curated["aggregate"]]
    assert sites.geometry.notna().all()
    assert sites["place_id"].notna().all()


def test_known_resolutions(curated: gpd.GeoDataFrame) -> None:
    by_id = curated.set_index("id")
    assert by_id.loc["cm2025-baniyas-al-qusour", "place_id"] == "al_qusour_baniyas"
    assert by_id.loc["rg-al-qusoor-dez-2012", "place_id"] == "al_qusur_deir_ez_zor"
    assert by_id.loc["rg-misraba-massacre-2012", "date_end"].strftime("%Y-%m-%d") == "2012-05-31"


def _write(tmp_path: Path, incidents: list[dict]) -> Path:
    path = tmp_path / "bad_set.yaml"
    path.write_text(yaml.safe_dump({"dataset": "bad_set", "title": "t", "incidents": incidents}), encoding="utf-8")
    return path


GOOD = {
    "id": "t-1",
    "title": "T",
    "event_type": "massacre",
    "date_start": "2025-03-07",
    "date_precision": "day",
    "place_reported": "Sonobar",
    "aggregate": False,
    "deaths_best": 5,
    "confidence": "weak",
    "sources": [{"publisher": "SOHR", "url": "https://x", "title": "", "date": None, "quote": "", "via": None}],
    "figures": [{"measure": "deaths", "value": 5, "qualifier": "exact", "publisher": "SOHR", "quote": ""}],
}


@pytest.mark.parametrize(
    ("change", "needle"),
    [
        ({"place_reported": "al-Qusour"}, "ambiguous place"),
        ({"sources": []}, "missing source"),
        ({"figures": []}, "unbacked figure"),
        ({"date_start": "2025-02-30"}, "impossible date"),
        ({"place_id": "alpha"}, "the YAML says place_id"),
    ],
)
def test_bad_records_raise_naming_file_and_field(
    tmp_path: Path, tiny_gazetteer: Gazetteer, change: dict, needle: str
) -> None:
    path = _write(tmp_path, [{**GOOD, **change}])
    with pytest.raises(DataSchemaError, match=needle) as info:
        load_curated(path, tiny_gazetteer)
    assert str(path) in str(info.value)


def test_good_record_loads_with_tiny_gazetteer(tmp_path: Path, tiny_gazetteer: Gazetteer) -> None:
    gdf = load_curated(_write(tmp_path, [GOOD]), tiny_gazetteer)
    assert gdf["place_id"].tolist() == ["sonobar_t"]


def test_disk_cache_gives_the_same_table_and_follows_its_inputs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The app's first page reads the curated tables from the disk cache; a change to the YAML or to
    the gazetteer's aliases is never answered from a stale entry."""
    import layers.curated as curated_module
    from geo.gazetteer import load_gazetteer

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("SYRIA_MAP_NO_CACHE", raising=False)
    gaz = load_gazetteer(include_geonames=False)
    assert gaz.fingerprint
    path = _write(tmp_path, [GOOD])
    built = load_curated(path, gaz)
    assert list((tmp_path / "cache" / "syria-incident-map").glob("curated-bad_set-*.pickle"))

    real = curated_module._load_curated
    calls: list[Path] = []
    monkeypatch.setattr(curated_module, "_load_curated", lambda p, g: calls.append(p) or real(p, g))
    again = load_curated(path, load_gazetteer(include_geonames=False))
    assert calls == []  # read from the cache
    pd.testing.assert_frame_equal(pd.DataFrame(again), pd.DataFrame(built))

    path.write_text(path.read_text(encoding="utf-8").replace("title: T\n", "title: Changed\n"), encoding="utf-8")
    changed = load_curated(path, gaz)
    assert calls == [path] and changed["title"].tolist() == ["Changed"]

    gaz.add_alias("Snobar town", "sonobar_latakia")  # changed in memory: no longer what was built
    assert gaz.fingerprint is None
    load_curated(path, gaz)
    assert calls == [path, path]
    assert load_curated(path, load_gazetteer(include_geonames=False), cache=False)["title"].tolist() == ["Changed"]
    assert len(calls) == 3


def test_a_bad_dataset_is_never_cached(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from geo.gazetteer import load_gazetteer

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("SYRIA_MAP_NO_CACHE", raising=False)
    path = _write(tmp_path, [{**GOOD, "sources": []}])
    for _ in range(2):
        with pytest.raises(DataSchemaError, match="missing source"):
            load_curated(path, load_gazetteer(include_geonames=False))
    assert not list((tmp_path / "cache").rglob("curated-*.pickle"))
