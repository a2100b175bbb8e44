"""Tests for geo.corridors: the corridor file, names, linear referencing, buffers."""

from __future__ import annotations

import functools
import json
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st
from pyproj import Geod

from geo.__main__ import main as geo_main
from geo.corridors import (
    CORRIDORS_PATH,
    assign_corridors,
    buffer_km,
    load_corridors,
    locate,
    locate_on,
    places_along,
    resolve_corridor,
)
from geo.errors import CorridorNotFoundError, DataSchemaError, InvalidOptionError

REPO = Path(__file__).resolve().parents[1]
GEOD = Geod(ellps="WGS84")

ROUTE_ORDER = {
    "M1": ["Latakia", "Jableh", "Baniyas", "Tartus", "Homs"],
    "M4": ["Latakia", "Jisr al-Shughur", "Saraqib", "Aleppo"],
    "M5": ["Aleppo", "Saraqib", "Hama", "Homs", "Damascus", "Daraa"],
}


@pytest.fixture(scope="module")
def corridors():
    return load_corridors()


@functools.cache
def _shared_corridors():
    """The corridors, read once for the property tests (hypothesis cannot take fixtures)."""
    return load_corridors()


@pytest.fixture(scope="module")
def towns(shared_data: Path) -> dict[str, tuple[float, float]]:
    """Town points from the shared reference tables (not from the corridor file)."""
    ref = pd.read_csv(shared_data / "reference" / "places_reference.csv")
    ref = ref[ref["lat"].notna()]
    points = {row.name_en: (row.lon, row.lat) for row in ref.itertuples()}
    wp = pd.read_csv(shared_data / "reference" / "highway_waypoints.csv")
    for row in wp[wp["lat"].notna()].itertuples():
        points.setdefault(row.waypoint.split(" (")[0], (row.lon, row.lat))  # e.g. Daraa
    return points


# --- the data file ------------------------------------------------------------------------------


def test_file_properties_documented_and_consistent(corridors):
    data = json.loads(CORRIDORS_PATH.read_text(encoding="utf-8"))
    assert [f["properties"]["ref"] for f in data["features"]] == ["M1", "M4", "M5"]
    for feature in data["features"]:
        props, coords = feature["properties"], feature["geometry"]["coordinates"]
        assert feature["geometry"]["type"] == "LineString"
        assert len(props["vertices"]) == len(coords)
        assert len(props["segments"]) == len(coords) - 1
        assert props["accuracy_m"] == max(s["accuracy_m"] for s in props["segments"])
        for vertex in props["vertices"]:
            assert vertex["source"]
            assert vertex["accuracy_m"] > 0
            assert vertex["note"]
        # length_km is the geodesic length of the same line
        lons, lats = zip(*coords, strict=True)
        assert props["length_km"] == pytest.approx(GEOD.line_length(lons, lats) / 1000, abs=0.001)
        assert corridors[props["ref"]].length_km == pytest.approx(props["length_km"], abs=0.001)


def test_vertices_come_from_cited_coordinates(shared_data: Path):
    """Every vertex coordinate appears in a shared reference table or is an OSM node there."""
    data = json.loads(CORRIDORS_PATH.read_text(encoding="utf-8"))
    wp = pd.read_csv(shared_data / "reference" / "highway_waypoints.csv")
    pr = pd.read_csv(shared_data / "reference" / "places_reference.csv")
    osm = pd.read_csv(shared_data / "hotosm_iom_matched_communities" / "iom_hotosm_validated_locations.csv")
    known = {(round(a, 5), round(b, 5)) for a, b in zip(wp["lon"], wp["lat"], strict=True)}
    known |= {(round(a, 5), round(b, 5)) for a, b in zip(pr["lon"], pr["lat"], strict=True)}
    known |= {(round(a, 5), round(b, 5)) for a, b in zip(osm["longitude"], osm["latitude"], strict=True)}
    known.add((36.68722, 35.37528))  # Murak, printed on en.wikipedia (cited in the vertex)
    for feature in data["features"]:
        for lon, lat in feature["geometry"]["coordinates"]:
            assert (round(lon, 5), round(lat, 5)) in known, (feature["id"], lon, lat)


def test_bad_file_raises(tmp_path):
    bad = tmp_path / "c.geojson"
    bad.write_text('{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"ref": "M9"}}]}')
    with pytest.raises(DataSchemaError, match="M9"):
        load_corridors(bad)


# --- route order and distances -------------------------------------------------------------------


@pytest.mark.parametrize("ref", ROUTE_ORDER)
def test_towns_in_route_order_and_near_the_road(corridors, towns, ref):
    names = ROUTE_ORDER[ref]
    lons, lats = zip(*(towns[name] for name in names), strict=True)
    where = locate_on(corridors[ref], lons, lats)
    assert (where["offset_km"] < 3.0).all(), where
    assert where["chainage_km"].is_monotonic_increasing
    assert where["chainage_km"].is_unique


@pytest.mark.parametrize("ref", ROUTE_ORDER)
def test_chainage_between_towns_is_geodesic_length_along_the_line(corridors, towns, ref):
    corridor = corridors[ref]
    names = ROUTE_ORDER[ref]
    lons, lats = zip(*(towns[name] for name in names), strict=True)
    got = locate_on(corridor, lons, lats)["chainage_km"].to_numpy()
    vlon = np.array([v.lon for v in corridor.vertices])
    vlat = np.array([v.lat for v in corridor.vertices])
    for i in range(len(names) - 1):
        a, b = got[i], got[i + 1]
        # independent: geodesic length of the vertex line between the two road points
        inside = (corridor.vertex_chainage_km > a) & (corridor.vertex_chainage_km < b)
        road = locate_on(corridor, [lons[i], lons[i + 1]], [lats[i], lats[i + 1]])
        path_lon = [road.road_lon[0], *vlon[inside], road.road_lon[1]]
        path_lat = [road.road_lat[0], *vlat[inside], road.road_lat[1]]
        expected = GEOD.line_length(path_lon, path_lat) / 1000
        assert b - a == pytest.approx(expected, rel=0.005)
    assert corridor.length_km == pytest.approx(GEOD.line_length(vlon, vlat) / 1000, rel=0.005)


@pytest.mark.parametrize("ref", ["M1", "M4", "M5"])
def test_chainage_of_points_on_the_geodesics(corridors, ref):
    corridor = corridors[ref]
    rng = np.random.default_rng(1)
    vlon = [v.lon for v in corridor.vertices]
    vlat = [v.lat for v in corridor.vertices]
    cum = corridor.vertex_chainage_km
    seg = rng.integers(0, len(vlon) - 1, 300)
    frac = rng.random(300)
    az, _, dist = GEOD.inv(np.take(vlon, seg), np.take(vlat, seg), np.take(vlon, seg + 1), np.take(vlat, seg + 1))
    lon, lat, _ = GEOD.fwd(np.take(vlon, seg), np.take(vlat, seg), az, frac * dist)
    where = locate_on(corridor, lon, lat)
    expected = cum[seg] + frac * dist / 1000
    np.testing.assert_allclose(where["chainage_km"], expected, rtol=0, atol=0.02)
    assert (where["offset_km"] < 0.002).all()


@pytest.mark.parametrize("ref", ["M1", "M4", "M5"])
def test_offset_matches_brute_force_geodesic_search(corridors, ref):
    """Residual error of offset_km vs Geod.inv to a 50 m geodesic sampling of the road (< 0.5 %)."""
    corridor = corridors[ref]
    rng = np.random.default_rng(2)
    vlon = [v.lon for v in corridor.vertices]
    vlat = [v.lat for v in corridor.vertices]
    samples = [np.array([[vlon[0], vlat[0]]])]
    for i in range(len(vlon) - 1):
        _, _, d = GEOD.inv(vlon[i], vlat[i], vlon[i + 1], vlat[i + 1])
        pts = GEOD.npts(vlon[i], vlat[i], vlon[i + 1], vlat[i + 1], int(d / 50))
        samples.append(np.array(pts).reshape(-1, 2))
        samples.append(np.array([[vlon[i + 1], vlat[i + 1]]]))
    line = np.vstack(samples)
    # random points 0.5-50 km from random road points, in random directions
    base = line[rng.integers(0, len(line), 200)]
    lon, lat, _ = GEOD.fwd(base[:, 0], base[:, 1], rng.uniform(0, 360, 200), rng.uniform(500, 50_000, 200))
    where = locate_on(corridor, lon, lat)
    for k in range(200):
        near = np.abs(line[:, 1] - lat[k]) < 0.6
        _, _, d = GEOD.inv(np.full(near.sum(), lon[k]), np.full(near.sum(), lat[k]), line[near, 0], line[near, 1])
        true_km = d.min() / 1000
        sampling_slack_km = 0.025**2 / (2 * true_km)  # 50 m sampling overestimates by at most this
        assert abs(where["offset_km"][k] - true_km) <= 0.005 * true_km + sampling_slack_km


def test_far_point_says_so(corridors):
    deir_ez_zor = (40.15, 35.333333)
    where = locate([deir_ez_zor[0]], [deir_ez_zor[1]], corridors)
    assert where["offset_km"][0] > 100
    assigned = assign_corridors(pd.DataFrame({"lon": [deir_ez_zor[0]], "lat": [deir_ez_zor[1]]}), 5.0, corridors)
    assert assigned["corridor"][0] is None
    assert np.isnan(assigned["chainage_km"][0])


def test_nan_points_and_lengths(corridors):
    where = locate_on(corridors["M1"], [np.nan, 35.9], [35.3, np.nan])
    assert where["chainage_km"].isna().all()
    assert where["corridor"].isna().all()
    with pytest.raises(InvalidOptionError):
        locate_on(corridors["M1"], [1.0, 2.0], [1.0])


def test_assign_corridors_picks_the_nearest(corridors, towns):
    df = pd.DataFrame({"name": ["Jableh", "Jisr al-Shughur", "Hama"]})
    df["lon"] = [towns[n][0] for n in df["name"]]
    df["lat"] = [towns[n][1] for n in df["name"]]
    out = assign_corridors(df, corridors=corridors)
    assert out["corridor"].tolist() == ["M1", "M4", "M5"]
    assert list(df.columns) == ["name", "lon", "lat"]  # input untouched


@pytest.mark.parametrize("max_offset_km", [0.5, 5.0, 25.0])
def test_assign_corridors_measures_every_point_that_may_be_near(corridors, max_offset_km):
    """Only points in grid cells near a road are measured: the answers equal measuring every point."""
    rng = np.random.default_rng(3)
    # Points all over Syria, a band around the roads (offsets on both sides of the threshold), the world.
    lon = [rng.uniform(35.0, 43.0, 40_000), rng.uniform(-180.0, 180.0, 2_000)]
    lat = [rng.uniform(32.0, 38.0, 40_000), rng.uniform(-90.0, 90.0, 2_000)]
    for corridor in corridors.values():
        at = rng.integers(0, len(corridor.vertices), 3_000)
        lon.append(np.array([corridor.vertices[i].lon for i in at]) + rng.normal(0.0, 0.15, at.size))
        lat.append(np.array([corridor.vertices[i].lat for i in at]) + rng.normal(0.0, 0.15, at.size))
    lon.append([np.nan, np.inf, 36.0, 500.0])
    lat.append([35.0, 35.0, np.nan, 35.0])
    lons, lats = np.concatenate(lon), np.concatenate(lat)
    with np.errstate(invalid="ignore"):
        got = assign_corridors(pd.DataFrame({"lon": lons, "lat": lats}), max_offset_km, corridors)
        where = locate(lons, lats, corridors)
    near = (where["offset_km"] <= max_offset_km).to_numpy()
    assert 0 < near.sum() < len(near)
    assert got["corridor"].tolist() == np.where(near, where["corridor"], None).tolist()
    np.testing.assert_array_equal(got["chainage_km"].to_numpy(), np.where(near, where["chainage_km"], np.nan))
    np.testing.assert_array_equal(got["offset_km"].to_numpy(), np.where(near, where["offset_km"], np.nan))


def test_locate_without_road_points(corridors):
    lons, lats = [35.916667, 40.15, np.nan], [35.35, 35.333333, 35.0]
    full, short = locate(lons, lats, corridors), locate(lons, lats, corridors, road=False)
    assert list(short.columns) == ["corridor", "chainage_km", "offset_km"]
    pd.testing.assert_frame_equal(short, full[list(short.columns)])


# --- property tests --------------------------------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(
    ref=st.sampled_from(["M1", "M4", "M5"]),
    lon=st.floats(34.0, 43.0),
    lat=st.floats(31.5, 38.0),
)
def test_chainage_within_length_and_offset_non_negative(ref, lon, lat):
    corridor = _shared_corridors()[ref]
    row = locate_on(corridor, [lon], [lat]).iloc[0]
    assert 0.0 <= row.chainage_km <= corridor.length_km + 1e-9
    assert row.offset_km >= 0.0


@settings(max_examples=15, deadline=None)
@given(ref=st.sampled_from(["M1", "M4", "M5"]), width_km=st.floats(0.5, 30.0))
def test_buffer_contains_the_line(ref, width_km):
    corridor = _shared_corridors()[ref]
    area = buffer_km(corridor, width_km)
    line = shapely.LineString([(v.lon, v.lat) for v in corridor.vertices])
    assert area.is_valid
    assert area.contains(line)


def test_buffer_width_is_metric(corridors):
    area = buffer_km(corridors["M5"], 10)
    where = locate_on(corridors["M5"], *shapely.get_coordinates(area.exterior).T)
    inner = where[(where["chainage_km"] > 1) & (where["chainage_km"] < corridors["M5"].length_km - 1)]
    np.testing.assert_allclose(inner["offset_km"], 10, rtol=0.005)
    with pytest.raises(InvalidOptionError, match="positive"):
        buffer_km("M5", -1)


# --- names --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "ref"),
    [
        ("M4", "M4"),
        ("M-4", "M4"),
        ("m 4", "M4"),
        ("the M4 highway", "M4"),
        ("M4 motorway", "M4"),
        ("Latakia–Aleppo highway", "M4"),
        ("Aleppo-Latakia highway", "M4"),
        ("Lattakia - Aleppo road", "M4"),
        ("الطريق M4", "M4"),
        ("أوتوستراد حلب اللاذقية", "M4"),
        ("إم 4", "M4"),
        ("الطريق الدولي إم فور", "M4"),
        ("M5 motorway", "M5"),
        ("M-5", "M5"),
        ("Damascus–Aleppo highway", "M5"),
        ("the Homs-Hama highway", "M5"),
        ("طريق دمشق حلب الدولي", "M5"),
        ("Damascus-Daraa highway", "M5"),
        ("M1", "M1"),
        ("the M-1", "M1"),
        ("Homs–Tartus highway", "M1"),
        ("Latakia-Jableh highway", "M1"),
        ("أوتوستراد اللاذقية طرطوس", "M1"),
    ],
)
def test_corridor_name_variants(corridors, name, ref):
    assert resolve_corridor(name, corridors) == ref


@pytest.mark.parametrize("name", ["M7", "M45", "Raqqa-Deir ez-Zor road", "", "highway"])
def test_unknown_corridor_lists_valid_refs(corridors, name):
    with pytest.raises(CorridorNotFoundError, match="M1, M4, M5"):
        resolve_corridor(name, corridors)


# --- places along -------------------------------------------------------------------------------


def test_places_along_orders_by_chainage(corridors, towns):
    names = ["Homs", "Tartus", "Jableh", "Deir ez-Zor", "Baniyas"]
    df = pd.DataFrame({"name_en": names, "lon": [towns[n][0] for n in names], "lat": [towns[n][1] for n in names]})
    out = places_along(df, "M-1", 3, corridors)
    assert out["name_en"].tolist() == ["Jableh", "Baniyas", "Tartus", "Homs"]
    with pytest.raises(DataSchemaError, match="lon"):
        places_along(df.drop(columns="lon"), "M1", 3, corridors)


def _has_gazetteer() -> bool:
    try:
        import geo.gazetteer  # noqa: F401
    except ImportError:
        return False
    return True


needs_gazetteer = pytest.mark.skipif(not _has_gazetteer(), reason="geo.gazetteer is not importable yet")


@needs_gazetteer
def test_gazetteer_towns_in_route_order(corridors, gazetteer):
    places = gazetteer.places.set_index("id")
    for ref, names in ROUTE_ORDER.items():
        rows = places.loc[[name.lower().replace(" ", "_").replace("-", "_") for name in names]]
        where = locate_on(corridors[ref], rows["lon"], rows["lat"])
        assert (where["offset_km"] < 3.0).all(), (ref, where)
        assert where["chainage_km"].is_monotonic_increasing


# --- command line -------------------------------------------------------------------------------


def _cli(capsys: pytest.CaptureFixture[str], *args: str) -> SimpleNamespace:
    """``python -m geo corridor ARGS``, in this process (the installed command is tested elsewhere)."""
    code = geo_main(["corridor", *args])
    out = capsys.readouterr()
    return SimpleNamespace(returncode=code, stdout=out.out, stderr=out.err)


def test_cli_point_json(capsys):
    proc = _cli(capsys, "M-1", "--lonlat", "35.916667", "35.35", "--json")
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert out["corridor"] == "M1"
    assert out["offset_km"] == 0
    assert out["chainage_km"] > 20


def test_cli_unknown_corridor_one_line(capsys):
    proc = _cli(capsys, "M7", "--lonlat", "36", "35")
    assert proc.returncode == 2
    assert proc.stderr.strip().count("\n") == 0
    assert "M1, M4, M5" in proc.stderr


@needs_gazetteer
def test_cli_place_and_list(capsys):
    proc = _cli(capsys, "M4", "--place", "Al-Mukhtareyah, Latakia")
    assert proc.returncode == 0, proc.stderr
    assert "chainage_km" in proc.stdout
    assert "offset_km" in proc.stdout
    proc = _cli(capsys, "M1", "--list-places", "--within-km", "5", "--json")
    assert proc.returncode == 0, proc.stderr
    rows = json.loads(proc.stdout)
    chain = [r["chainage_km"] for r in rows]
    assert chain == sorted(chain)
    assert all(r["offset_km"] <= 5 for r in rows)
