"""Names as real files write them, statuses, and context by containment (issue 12's failures as cases)."""

from __future__ import annotations

import pandas as pd
import pytest

from geo.admin import load_admin_areas
from geo.context import lookup_area, parse_location
from geo.gazetteer import Gazetteer
from geo.match_policy import SHORT_NAME_LETTERS
from tests.conftest import tiny_places


@pytest.mark.parametrize(
    ("query", "place_id"),
    [
        ("Damascus", "damascus"),
        ("Damascus countryside", "gov_rif_dimashq"),
        ("Rural Damascus", "gov_rif_dimashq"),
        ("Rif Dimashq", "gov_rif_dimashq"),
        ("Damascus suburbs", "gov_rif_dimashq"),
        ("ريف دمشق", "gov_rif_dimashq"),
        ("Damascus - Jobar", "jobar_damascus"),
        ("city of Ariha, south of Idlib", "ariha"),
        ("the town of Saraqib", "saraqib"),
        ("Baniyas, in the countryside of Tartus", "baniyas"),
    ],
)
def test_real_file_names_resolve(gazetteer: Gazetteer, query: str, place_id: str) -> None:
    match = gazetteer.resolve(query)
    assert match.status == "resolved", match.reason
    assert match.place_id == place_id


def test_city_neighbourhood_falls_back_to_the_city_with_precision_3(gazetteer: Gazetteer) -> None:
    match = gazetteer.resolve("Aleppo - Al-Nowhere")
    assert match.place_id == "aleppo"
    assert match.geo_precision == 3
    assert "Al-Nowhere" in (match.reason or "")


@pytest.mark.parametrize(("query", "within"), [("Tarmala", "Hama"), ("Mzerea", "Dara"), ("Ghasaniyah", "Homs")])
def test_context_never_leaks_into_another_governorate(gazetteer: Gazetteer, query: str, within: str) -> None:
    (level, pcode), *_ = lookup_area(within)
    assert level == 1
    areas = load_admin_areas()
    for match in (gazetteer.resolve(f"{query}, {within}"), gazetteer.resolve(query, within=within)):
        for lon, lat in ([(match.lon, match.lat)] if match.lon is not None else []) + [
            (c.lon, c.lat) for c in match.candidates
        ]:
            assert areas.contains(pcode, lon, lat), (query, match)


@pytest.mark.parametrize(
    ("text", "pcode"),
    [
        ("Hamah Governorate", "SY05"),
        ("Hama", "SY05"),
        ("Dar'a", "SY12"),
        ("Lattakia", "SY06"),
        ("Al Hasakeh", "SY08"),
        ("Deir ez Zor", "SY09"),
        ("Rural Damascus", "SY03"),
        ("Damascus countryside", "SY03"),
        ("ريف دمشق", "SY03"),
        ("Idleb", "SY07"),
        ("Tartous", "SY10"),
        ("Damascus", "SY01"),
        ("As-Sweida", "SY13"),
        ("Ar-Raqqa", "SY11"),
        ("Quneitra", "SY14"),
        ("Aleppo", "SY02"),
        ("Homs", "SY04"),
        ("the southern countryside of Idlib", "SY07"),
    ],
)
def test_governorate_spellings_are_areas(text: str, pcode: str) -> None:
    assert lookup_area(text) == [(1, pcode)]


def test_every_admin_area_name_is_a_context() -> None:
    """Every OCHA governorate, district and sub-district name (English, Arabic) names its area.

    Or a larger same-named one; with its type word it names its own level.
    """
    table = load_admin_areas().table
    failures = []
    for row in table[table["level"] >= 1].itertuples():
        for name in (row.name_en, row.name_ar):
            found = lookup_area(name)
            if not found or not any(
                p == row.pcode or (lvl < row.level and row.pcode.startswith(p)) or lvl < row.level for lvl, p in found
            ):
                failures.append((row.pcode, name, found))
        word = {1: "Governorate", 2: "District", 3: "Subdistrict"}[int(row.level)]
        if not any(p == row.pcode for _, p in lookup_area(f"{row.name_en} {word}")):
            failures.append((row.pcode, f"{row.name_en} {word}", lookup_area(f"{row.name_en} {word}")))
    assert not failures, failures[:10]


def test_context_area_contains_each_candidate(gazetteer: Gazetteer) -> None:
    areas = load_admin_areas()
    for gov in ("Tartus", "Damascus", "Deir ez-Zor"):
        (_, pcode), *_ = lookup_area(gov)
        match = gazetteer.resolve("al-Qusour", within=gov)
        assert match.candidates, gov
        for cand in match.candidates:
            # Inside, or a coast point just outside every simplified polygon (≤ ~1 km, the nearest area).
            assert areas.contains(pcode, cand.lon, cand.lat) or areas.locate([cand.lon], [cand.lat], 1)[0] is None


def test_short_name_never_resolves_by_spelling_similarity(gazetteer: Gazetteer) -> None:
    for query in ("Sawa", "Arzz", "Qrfy", "Obin"):
        match = gazetteer.resolve(query)
        assert len(query) <= SHORT_NAME_LETTERS
        if match.method in ("phonetic", "fuzzy"):
            assert match.status != "resolved", (query, match)


def test_low_scores_go_to_review_with_their_best_guess(gazetteer: Gazetteer) -> None:
    # "Sawa" went to As Sūsah (142 km off) and "Huwaysis" to Ḩisyā' (97 km): never placed now.
    for query in ("Sawa", "Huwaysis", "Qurfazs"):
        match = gazetteer.resolve(query)
        assert match.status in ("review", "unresolved"), (query, match)
        assert not match.resolved
        if match.status == "review":
            assert match.place_id is not None
            assert match.candidates[0].place_id == match.place_id


@pytest.mark.parametrize(
    ("query", "wrong", "admin1"),
    [
        ("Masikan", "Maskanah", "Aleppo"),  # was Maskanah, 148 km away
        ("Thiban", "At Tibnī", "Deir ez-Zor"),  # was At Tibnī, 91 km
        ("Hamamiyat", "Hama", "Hama"),  # was Hama city, 33 km
        ("Ain Dara", "‘Ayn al ‘Arab", "Aleppo"),  # was Kobani, 141 km
        ("Abu Hardub", "Hajīn", "Deir ez-Zor"),  # was Hajin, through Hajin's GeoNames alternate name
    ],
)
def test_real_file_misses_now_find_their_own_village(gazetteer: Gazetteer, query: str, wrong: str, admin1: str) -> None:
    """With the OSM community points embedded, each name is its own village, not a look-alike."""
    match = gazetteer.resolve(query)
    assert match.resolved, match
    assert match.method in ("exact", "normalized")
    assert match.name != wrong
    assert match.admin1 == admin1


def test_a_foreign_alternate_name_is_review() -> None:
    """A name found only as another place's GeoNames alternate name is never placed."""
    hajin = {"id": "hajin", "name_en": "Hajin", "name_ar": "", "alt_names": "Abu Hardub", "kind": "town"}
    hajin |= {"parent_id": "", "admin1": "Deir ez-Zor", "lat": 34.69, "lon": 40.83, "coord_precision_m": 2000}
    places = pd.DataFrame([{**tiny_places().iloc[0].to_dict(), **hajin, "source": "geonames:1", "origin": "geonames"}])
    match = Gazetteer(places).resolve("Abu Hardub")
    assert match.status == "review"
    assert "alternate name" in (match.reason or "")


def test_between_is_review_with_both(gazetteer: Gazetteer) -> None:
    match = gazetteer.resolve("between Saraqib and Ariha")
    assert match.status == "review"
    assert {c.place_id for c in match.candidates} == {"saraqib", "ariha"}


def test_ghouta_suggests_eastern_ghouta(gazetteer: Gazetteer) -> None:
    # A village in Homs is named Ghouta too: never placed there silently; a person decides.
    match = gazetteer.resolve("Ghouta")
    assert match.status == "review"
    assert "eastern_ghouta" in {c.place_id for c in match.candidates}
    assert gazetteer.resolve("Ghouta, Rif Dimashq").place_id == "eastern_ghouta"


def test_ambiguity_message_counts_what_it_lists(gazetteer: Gazetteer) -> None:
    match = gazetteer.resolve("al-Qusour")
    assert match.ambiguous
    reason = match.reason or ""
    count = int(reason.split(" matches ")[1].split()[0])
    tied = reason.split("equally well: ")[1].split(";")[0]
    assert tied.count(" (") == count or len([c for c in match.candidates if c.score >= match.score - 0.06]) == count


def test_free_text_parts() -> None:
    assert parse_location("Obin (Al Younisiya)").parts == (("Obin", "name"), ("Al Younisiya", "name"))
    assert parse_location("Marayan, Jabal al-Zawiya in the southern countryside of Idlib").parts[-1] == (
        "Idlib",
        "context",
    )
    assert parse_location("Deir ez-Zor").parts == (("Deir ez-Zor", "name"),)


def test_resolve_many_has_status_and_places_only_resolved(gazetteer: Gazetteer) -> None:
    out = gazetteer.resolve_many(["Baniyas", "Huwaysis", "al-Qusour", "Springfield"])
    assert out["status"].tolist() == ["resolved", "review", "ambiguous", "unresolved"]
    assert out["lat"].notna().tolist() == [True, False, False, False]
    loose = gazetteer.resolve_many(["Huwaysis"], min_status="review")
    assert loose["lat"].notna().all()
