"""Homonyms the gazetteer holds under other spellings, numbered names and alternate names: never a confident point."""

from __future__ import annotations

import pandas as pd
import pytest

from geo.gazetteer import Gazetteer
from geo.names import distinctive_part, normalize_name
from tests.conftest import tiny_places


def _table(*rows: dict[str, object]) -> pd.DataFrame:
    """A place table of *rows* (id, name_en, name_ar, alt_names, admin1, lat, lon, origin), other columns filled."""
    base = tiny_places().iloc[0].to_dict()
    filled = []
    for row in rows:
        extra = {"kind": "village", "parent_id": "", "coord_precision_m": 1000, "source": f"osm:{row['id']}"}
        filled.append({**base, **extra, "alt_names": "", "origin": "osm", **row})
    return pd.DataFrame(filled)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Tell Ghazal", "Tall Ghazal"),
        ("Tel Abyad", "Tal Abyad"),
        ("Jebel Saman", "Jabal Saman"),
        ("Kfar Nabl", "Kafr Nabl"),
    ],
)
def test_generic_words_fold_to_one_form(a: str, b: str) -> None:
    assert normalize_name(a) == normalize_name(b)


def test_distinctive_part_drops_leading_generic_words() -> None:
    assert distinctive_part(normalize_name("Kherbet Amu")) == "amu"
    assert distinctive_part(normalize_name("Tall")) == "tal"


def test_two_villages_written_alike_in_arabic_are_ambiguous() -> None:
    """Two villages named تل غزال 65 km apart in one governorate: no point until a context decides."""
    places = _table(
        {"id": "a", "name_en": "Tall Ghazal", "name_ar": "تل غزال", "admin1": "Al-Hasakah", "lat": 36.93, "lon": 42.04},
        {"id": "b", "name_en": "Tel Ghazaal", "name_ar": "تل غزال", "admin1": "Al-Hasakah", "lat": 36.88, "lon": 41.34},
    )
    gaz = Gazetteer(places)
    match = gaz.resolve("Tall Ghazal")
    assert match.status == "ambiguous"
    assert {c.place_id for c in match.candidates} >= {"a", "b"}
    assert gaz.resolve("Tall Ghazal", near=(41.3, 36.9)).place_id == "b"


def test_arabic_namesakes_spelled_apart_in_latin_are_not_joined() -> None:
    """Barzeh and Burza share an Arabic spelling but not a Latin one: the Latin name decides."""
    places = _table(
        {"id": "barzeh", "name_en": "Barzeh", "name_ar": "برزة", "admin1": "Damascus", "lat": 33.55, "lon": 36.32},
        {"id": "burza", "name_en": "Burza", "name_ar": "برزة", "admin1": "Homs", "lat": 34.9, "lon": 36.9},
    )
    assert Gazetteer(places).resolve("Barzeh").place_id == "barzeh"


def test_a_number_tells_places_apart() -> None:
    """A "Tishrin 6" is the place named with a 6, never the plain Tishrin; without one it is not placed."""
    plain = {"id": "t", "name_en": "Tishrin", "name_ar": "تشرين", "admin1": "Raqqa", "lat": 35.9, "lon": 39.0}
    six = {"id": "t6", "name_en": "6 Tishrin", "name_ar": "6 تشرين", "admin1": "Raqqa", "lat": 35.78, "lon": 39.53}
    gaz = Gazetteer(_table(plain, six))
    assert gaz.resolve("Tishrin 6").place_id == "t6"
    assert gaz.resolve("Tishrin").place_id == "t"
    only_plain = Gazetteer(_table(plain))
    match = only_plain.resolve("Tishrin 6")
    assert match.status == "review"
    assert "6" in (match.reason or "")


def test_an_alternate_name_yields_to_a_place_named_so() -> None:
    """GeoNames lists "Sfira" for As-Safira; a village 17 km away is named Sefira: a person decides."""
    town = {"id": "safira", "name_en": "As Safirah", "name_ar": "السفيرة", "alt_names": "Sfira;Safira"}
    town |= {"admin1": "Aleppo", "lat": 36.08, "lon": 37.37, "origin": "geonames", "source": "geonames:1"}
    village = {"id": "sefira", "name_en": "Sefira", "name_ar": "صفيرة", "admin1": "Aleppo", "lat": 36.02, "lon": 37.2}
    match = Gazetteer(_table(town, village)).resolve("Sfira")
    assert match.status == "review"
    assert [c.place_id for c in match.candidates][:2] == ["safira", "sefira"]
    assert Gazetteer(_table(town)).resolve("Sfira").status == "resolved"


def test_a_shared_generic_word_does_not_make_a_short_name_long() -> None:
    """Kherbet Amu ~ Khirbet Jamu by similarity: three distinctive letters never resolve so."""
    jamu = {"id": "jamu", "name_en": "Khirbet Jamu", "name_ar": "", "admin1": "Al-Hasakah", "lat": 36.9, "lon": 41.0}
    match = Gazetteer(_table(jamu)).resolve("Kherbet Amu")
    assert match.place_id == "jamu"
    assert match.status == "review"


def test_an_alternate_with_other_consonants_is_foreign() -> None:
    """A GeoNames alternate half like the place's names, with other consonants, never places it.

    GeoNames lists "Ma`ratah" (another village, معراتة) among the names of Mari` (مارع).
    """
    places = _table(
        {
            "id": "mari",
            "name_en": "Māri‘",
            "name_ar": "مارع",
            "alt_names": "Mar`a;Ma`ratah;Mare'",
            "admin1": "Aleppo",
            "lat": 36.48,
            "lon": 37.20,
            "origin": "geonames",
        },
    )
    gaz = Gazetteer(places)
    match = gaz.resolve("Marata", within="Aleppo")
    assert match.status == "review"
    assert "alternate name" in (match.reason or "")
    # The place's own spellings and alternates written like them still resolve.
    assert gaz.resolve("Mari", within="Aleppo").status == "resolved"
    assert gaz.resolve("Mar'a", within="Aleppo").status == "resolved"
