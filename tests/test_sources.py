"""The embedded gazetteer sources, how they are merged, and the disk cache."""

from __future__ import annotations

import pickle
import threading
from pathlib import Path

import pandas as pd
import pytest

from geo import admin
from geo.build import build_place_table, source_tables
from geo.cache import cache_dir, cached
from geo.gazetteer import Gazetteer, load_gazetteer
from geo.merge import FOREIGN_ALT_KM, join_places
from geo.names import normalize_name
from geo.places import DATA_DIR, geodesic_km
from geo.sources import EMBEDDED_SOURCES, complete_columns, read_source

README = (DATA_DIR / "README.md").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def merged(tmp_path_factory: pytest.TempPathFactory) -> tuple[pd.DataFrame, dict[str, str]]:
    """The embedded sources merged (a user folder with nothing fetched)."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SYRIA_MAP_HOME", str(tmp_path_factory.mktemp("home")))
        return build_place_table([t for _, t in source_tables()])


@pytest.mark.parametrize("source", EMBEDDED_SOURCES, ids=lambda s: s.name)
def test_each_source_file_is_documented_with_its_licence(source) -> None:
    assert source.file in README
    assert source.licence in README
    table = read_source(source)
    assert set(table["licence"]) == {source.licence}
    assert set(table["source_file"]) == {source.file}
    assert table["source"].str.strip().ne("").all()


def test_row_counts_of_the_embedded_sources() -> None:
    counts = {s.name: read_source(s) for s in EMBEDDED_SOURCES}
    assert counts["ocha_admin"]["kind"].value_counts().to_dict() == {
        "subdistrict": 272,
        "district": 62,
        "governorate": 14,
    }
    assert len(counts["ocha_neighbourhoods"]) == 414
    assert len(counts["osm_communities"]) == 2455
    assert len(counts["geonames_cities500"]) == 308
    # Only fields whose licence allows: no IOM population or displacement columns.
    assert not [c for c in counts["osm_communities"].columns if "pop" in c or "idp" in c.lower()]


def test_admin_points_lie_inside_their_own_area() -> None:
    table = read_source(EMBEDDED_SOURCES[0])
    outside = [r.id for r in table.itertuples() if not admin.contains(r.pcode, r.lon, r.lat)]
    assert not outside


def test_every_place_knows_its_admin_pcodes_and_source(merged) -> None:
    table, _ = merged
    assert table["source_file"].ne("").all()
    assert table["licence"].ne("").all()
    settled = table[~table["kind"].isin(["governorate", "district", "subdistrict"])]
    # A handful of border points fall just outside the simplified polygons; everything else is coded.
    assert (settled["adm3_pcode"] != "").mean() > 0.99
    coded = table[table["adm1_pcode"] != ""]
    inside = [admin.contains(c, x, y) for c, x, y in zip(coded["adm1_pcode"], coded["lon"], coded["lat"], strict=True)]
    # P-codes given by a source (IOM, OCHA) may disagree with the polygons at a border; nearly all agree.
    assert sum(inside) / len(inside) > 0.98


def test_every_embedded_place_lies_in_syria(merged) -> None:
    """Inside the OCHA country polygon, or within ~1 km of it (a coast or border point): then it has P-codes."""
    table, _ = merged
    outside = table[table["adm1_pcode"].eq("")]
    # Tartus's curated point is 0.6 km off the simplified coast: it takes the nearest area's codes.
    tartus = table.set_index("id").loc["tartus"]
    assert (tartus["adm1_pcode"], tartus["adm3_pcode"]) == ("SY10", "SY100000")
    # Every place, curated ones included (tests/test_data_places.py checks those against the coastline too).
    assert outside["id"].tolist() == []


def test_no_place_is_listed_twice(merged) -> None:
    table, joined = merged
    assert table["id"].is_unique
    osm = table["source"].str.findall(r"osm:node/\d+").explode().dropna()
    assert osm.is_unique, osm[osm.duplicated()].tolist()[:5]
    pcodes = table.loc[table["pcode"] != "", "pcode"]
    assert pcodes.is_unique
    # Curated rows win: every curated id survives, and curated rows cited by OSM/OCHA rows absorbed them.
    curated = set(source_tables(include_geonames=False)[0][1]["id"])
    assert curated <= set(table["id"])
    assert joined["ocha:SY06"] == "gov_latakia"
    assert joined["geonames:170063"] == "aleppo"
    aleppo = table.set_index("id").loc["aleppo"]
    assert "geonames_cities500.csv" in aleppo["source_file"]
    assert "geonames:170063" in aleppo["source"]


def test_joined_alt_names_never_come_from_a_different_place(merged) -> None:
    """An alternate name is never the own name of another (non-homonym) place nearby."""
    table, _ = merged
    group = table["kind"].map(lambda k: k if k in ("governorate", "district", "subdistrict") else "place")
    own: dict[tuple[str, str], list[int]] = {}
    keys = []
    for pos, row in enumerate(table.itertuples()):
        names = [row.name_en] if row.origin == "geonames" else [row.name_en, row.name_ar]
        if row.origin == "curated":
            names += row.alt_names.split(";")
        mine = {normalize_name(n) for n in names if n} - {""}
        keys.append(mine)
        for key in mine:
            own.setdefault((group.iloc[pos], key), []).append(pos)
    leaks = []
    for pos, row in enumerate(table.itertuples()):
        for alt in filter(None, row.alt_names.split(";")):
            key = normalize_name(alt)
            others = [p for p in own.get((group.iloc[pos], key), ()) if p != pos and not keys[p] & keys[pos]]
            if key in keys[pos] or not others:
                continue
            dist = geodesic_km(row.lon, row.lat, table["lon"].iloc[others], table["lat"].iloc[others])
            if (dist <= FOREIGN_ALT_KM).any():
                leaks.append((row.id, alt))
    assert not leaks, leaks[:10]


def test_a_neighbours_alternate_name_does_not_resolve_to_the_wrong_place(gazetteer: Gazetteer) -> None:
    # GeoNames lists "Abu Hardub" among the names of Hajin, 25 km from the town of Abu Hardub.
    hajin = gazetteer.get("osm:node/573457573")
    assert "Abu Hardub" not in hajin["alt_names"]
    assert "geonames:174506" in hajin["source"]
    assert gazetteer.resolve("Abu Hardub").place_id == "osm:node/573457569"
    # GeoNames calls Kafr Laha "Houla"; Houla is the region, a curated place.
    assert "Houla" not in gazetteer.get("osm:node/567192319")["alt_names"].split(";")


def test_join_by_pcode_and_by_name_and_distance() -> None:
    base = complete_columns(
        pd.DataFrame(
            {
                "id": ["town_a", "dist_a"],
                "name_en": ["Qaryat", "Qaryat District"],
                "kind": ["town", "district"],
                "lat": [35.0, 35.0],
                "lon": [36.0, 36.0],
                "source": ["https://example.org", "ocha:SY0101"],
                "origin": ["curated", "curated"],
            }
        )
    )
    other = complete_columns(
        pd.DataFrame(
            {
                "id": ["osm:1", "osm:2", "osm:3", "ocha:SY0101"],
                "name_en": ["al-Qaryat", "Qaryat", "Qaryat", "Qaryat"],
                "kind": ["village", "village", "village", "district"],
                "lat": [35.01, 35.3, 35.0, 35.2],
                "lon": [36.0, 36.0, 36.02, 36.1],
                "source": ["osm:1", "osm:2", "osm:3", "ocha:SY0101"],
                "pcode": ["", "", "", "SY0101"],
                "origin": ["osm"] * 3 + ["ocha"],
            }
        )
    )
    table, joined = join_places([base, other])
    # osm:1 and osm:3 are Qaryat (same key, ≤ 6 km); osm:2 is 33 km away: another Qaryat.
    # The district joins by P-code although its point differs, never the town.
    assert joined == {"osm:1": "town_a", "osm:3": "town_a", "ocha:SY0101": "dist_a"}
    assert list(table["id"]) == ["town_a", "dist_a", "osm:2"]
    assert table.loc[0, "joined_ids"] == "osm:1;osm:3"


def test_aliases_may_name_a_joined_id(tmp_path: Path) -> None:
    aliases = tmp_path / "aliases.csv"
    aliases.write_text("alias,place_id\nHalab al-Shahba,geonames:170063\n", encoding="utf-8")
    gaz = load_gazetteer(aliases=aliases)
    assert gaz.resolve("Halab al-Shahba").place_id == "aleppo"


# -- the disk cache -----------------------------------------------------------------


@pytest.fixture
def isolated_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("SYRIA_MAP_NO_CACHE", raising=False)
    return tmp_path / "cache" / "syria-incident-map"


def test_cache_is_written_once_and_read_back(isolated_cache: Path) -> None:
    first = load_gazetteer()
    files = list(isolated_cache.glob("gazetteer-*.pickle"))
    assert len(files) == 1
    assert cache_dir() == isolated_cache
    second = load_gazetteer()
    pd.testing.assert_frame_equal(first.places, second.places)
    assert second.resolve("Sanobar").place_id == "sonobar_latakia"
    assert list(isolated_cache.glob("gazetteer-*.pickle")) == files


def test_a_changed_source_file_makes_a_new_cache_entry(isolated_cache: Path, tmp_path: Path) -> None:
    load_gazetteer()
    places = tmp_path / "places.csv"
    text = (DATA_DIR / "places.csv").read_text(encoding="utf-8")
    assert "sonobar_latakia,Al-Sanobar," in text
    places.write_text(text.replace("sonobar_latakia,Al-Sanobar,", "sonobar_latakia,Al-Sanobar Test,"), encoding="utf-8")
    gaz = load_gazetteer(places)
    assert len(list(isolated_cache.glob("gazetteer-*.pickle"))) == 2
    assert gaz.get("sonobar_latakia")["name_en"] == "Al-Sanobar Test"
    assert load_gazetteer().get("sonobar_latakia")["name_en"] == "Al-Sanobar"


def test_corrupt_cache_is_rebuilt_silently(isolated_cache: Path) -> None:
    load_gazetteer()
    (entry,) = isolated_cache.glob("gazetteer-*.pickle")
    entry.write_bytes(entry.read_bytes()[:1000])  # truncated
    gaz = load_gazetteer()
    assert gaz.resolve("Baniyas").place_id == "baniyas"
    with open(entry, "rb") as fh:
        assert pickle.load(fh)["value"][0].resolve("Baniyas").place_id == "baniyas"


def test_concurrent_writers_leave_one_whole_entry(isolated_cache: Path) -> None:
    results: list[object] = []

    def work() -> None:
        results.append(cached("k" * 64, lambda: list(range(100_000)), prefix="test"))

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(r == list(range(100_000)) for r in results)
    assert [p.name for p in isolated_cache.iterdir()] == [f"test-{'k' * 32}.pickle"]
    assert cached("k" * 64, lambda: None, prefix="test") == list(range(100_000))


def test_two_processes_building_at_once_share_one_valid_entry(isolated_cache: Path) -> None:
    import os
    import subprocess
    import sys

    code = "from geo.gazetteer import load_gazetteer; print(load_gazetteer().resolve('Baniyas').place_id)"
    repo = Path(__file__).resolve().parents[1]
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", code], cwd=repo, env=dict(os.environ), stdout=subprocess.PIPE, text=True
        )
        for _ in range(2)
    ]
    outputs = [p.communicate(timeout=300)[0].strip() for p in procs]
    assert outputs == ["baniyas", "baniyas"]
    entries = list(isolated_cache.glob("gazetteer-*.pickle"))
    assert len(entries) == 1
    assert not [p for p in isolated_cache.iterdir() if p.suffix == ".tmp"]
    with open(entries[0], "rb") as fh:
        assert pickle.load(fh)["value"][0].resolve("Baniyas").place_id == "baniyas"


def test_a_users_extra_table_is_part_of_the_cache_key(isolated_cache: Path) -> None:
    extra = complete_columns(
        pd.DataFrame(
            {
                "id": ["mine:1", "mine:2"],
                "name_en": ["Qaryat Test One", "Qaryat Test Two"],
                "kind": ["village", "village"],
                "lat": [35.2, 35.3],
                "lon": [38.2, 38.3],
                "source": ["file:mine.csv"] * 2,
                "origin": ["mine.csv"] * 2,
            }
        )
    )
    with_one = load_gazetteer(extra=[extra.iloc[:1]])
    with_both = load_gazetteer(extra=[extra])
    assert with_one.resolve("Qaryat Test One").place_id == "mine:1"
    assert not with_one.resolve("Qaryat Test Two").resolved
    assert with_both.resolve("Qaryat Test Two").place_id == "mine:2"
    assert with_both.get("mine:2")["licence"] == "the user's own file"
    assert len(list(isolated_cache.glob("gazetteer-*.pickle"))) == 2
