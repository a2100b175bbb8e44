"""The gazetteer development set and its calibration: reproducible, leak-free, thresholds no looser than chosen."""

from __future__ import annotations

import sys

import pandas as pd
import pytest

from geo import match_policy as policy
from tests.conftest import REPO, SHARED_DATA

pytestmark = pytest.mark.skipif(
    not SHARED_DATA.is_dir(), reason=f"{SHARED_DATA} is absent: the dev set is built from it"
)
DEVSET = REPO / "data" / "dev" / "gazetteer_devset.csv"
sys.path.insert(0, str(REPO))


@pytest.fixture(scope="module")
def calibration():  # type: ignore[no-untyped-def]
    from bench import bench_calibration as bench

    devset = pd.read_csv(DEVSET, dtype={"fold": str}, keep_default_na=False)
    gaz = bench.gazetteers(SHARED_DATA, devset)
    return bench, devset, gaz


def test_devset_is_rebuilt_identically_from_shared() -> None:
    from scripts.build_devset import build

    committed = pd.read_csv(DEVSET, dtype=str, keep_default_na=False)
    rebuilt = build(SHARED_DATA).astype(str)
    assert len(committed) == len(rebuilt) > 3000
    assert committed["query"].tolist() == rebuilt["query"].tolist()
    assert committed["split"].tolist() == rebuilt["split"].tolist()


def test_no_spelling_is_queried_against_its_own_record(calibration) -> None:  # type: ignore[no-untyped-def]
    """IOM names never enter the OSM gazetteer; left-out communities are absent from it."""
    _bench, devset, gaz = calibration
    places = gaz["osm_half"].places
    ids = set(places["id"])
    iom = devset[devset["set"] == "iom"]
    assert not (set(iom.loc[iom["fold"] == "1", "true_id"]) & ids)
    kept = set(iom.loc[iom["fold"] == "0", "true_id"])
    # Fold 0 is in (bar rows the merge joined into a curated or GeoNames duplicate).
    assert len(kept & ids) >= 0.9 * len(kept)
    # No OSM row carries its IOM spelling unless OSM itself writes the name so.
    raw = pd.read_csv(
        SHARED_DATA / "hotosm_iom_matched_communities" / "iom_hotosm_validated_locations.csv",
        dtype=str,
        keep_default_na=False,
    ).set_index("hot_id")
    by_id = places.set_index("id")
    for hot_id, row in raw.iterrows():
        pid = f"osm:{hot_id}"
        if pid not in by_id.index:
            continue
        names = {by_id.at[pid, "name_en"], by_id.at[pid, "name_ar"], *str(by_id.at[pid, "alt_names"]).split(";")}
        osm_names = {row["hot_name_en"], row["hot_name_latin"], row["hot_name"]}
        assert row["location_name"] not in names - osm_names
    # GeoNames spellings go to a gazetteer without GeoNames rows.
    assert not gaz["osm_only"].places["id"].str.startswith("geonames:").any()


def test_committed_thresholds_are_no_looser_than_the_calibration_chooses(calibration) -> None:  # type: ignore[no-untyped-def]
    bench, devset, gaz = calibration
    calib = devset[devset["split"] == "calib"]
    bare = bench.choose(bench.collect(calib, gaz, context=False))
    ctx = bench.choose(bench.collect(calib, gaz, context=True))
    for method in policy.APPROXIMATE_METHODS:
        assert policy.RESOLVE_MIN[method] >= bare[method]
        assert policy.RESOLVE_MIN_IN_CONTEXT[method] >= ctx[method]
