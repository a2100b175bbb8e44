import csv
import json
import xml.etree.ElementTree as ET

import pyogrio
import pytest

from layers.export.data import export_data
from layers.store import load_gpkg
from tests.export_fixtures import synthetic_incidents

PAYLOADS = ['=HYPERLINK("http://x")', "+1+1", "-2+3", "@SUM(A1)"]


@pytest.fixture
def gdf():
    frame = synthetic_incidents(12)
    for i, payload in enumerate(PAYLOADS):
        frame.at[frame.index[i], "title"] = payload
        frame.at[frame.index[i], "sensitive"] = False
    return frame


def test_csv_neutralises_formulas_and_writes_metadata(tmp_path, gdf):
    out = export_data(gdf, tmp_path / "x.csv")
    with out.path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    titles = {r["title"] for r in rows}
    for payload in PAYLOADS:
        assert payload not in titles
        assert "'" + payload in titles
    assert all(isinstance(json.loads(r["sources"]), list) for r in rows)
    meta = json.loads((tmp_path / "x.csv.meta.json").read_text(encoding="utf-8"))
    assert meta["public_safe"] is True
    assert meta["coarsening_grid_km"] == 1.0
    assert meta["sensitive_withheld"] == int(gdf["sensitive"].sum())


def test_geojson_is_rfc7946(tmp_path, gdf):
    out = export_data(gdf, tmp_path / "x.geojson", public_safe=False)
    doc = json.loads(out.path.read_text(encoding="utf-8"))
    assert doc["type"] == "FeatureCollection"
    assert "crs" not in doc
    assert doc["metadata"]["public_safe"] is False
    assert len(doc["features"]) == len(gdf)
    for feature in doc["features"]:
        assert feature["type"] == "Feature"
        assert isinstance(feature["properties"], dict)
        geom = feature["geometry"]
        if feature["properties"]["aggregate"]:
            assert geom is None
        else:
            lon, lat = geom["coordinates"]
            assert geom["type"] == "Point"
            assert -180 <= lon <= 180
            assert -90 <= lat <= 90
            assert lon > lat
        assert isinstance(feature["properties"]["sources"], list)


def test_kml_parses_with_timespans_and_sources(tmp_path, gdf):
    gdf.at[gdf.index[5], "summary"] = "A <b>bold</b> & risky summary"
    out = export_data(gdf, tmp_path / "x.kml")
    ns = {"k": "http://www.opengis.net/kml/2.2"}
    root = ET.parse(out.path).getroot()
    marks = root.findall(".//k:Placemark", ns)
    assert len(marks) == out.metadata["incidents"]
    assert all(m.find("k:TimeSpan/k:begin", ns).text for m in marks)
    assert any("<b>bold</b> &" in (m.findtext("k:description", namespaces=ns) or "") for m in marks)
    sources = [d for d in root.findall(".//k:Placemark/k:ExtendedData/k:Data", ns) if d.get("name") == "sources"]
    assert json.loads(sources[0].findtext("k:value", namespaces=ns))[0]["publisher"] == "Test Wire"
    doc_meta = {
        d.get("name"): d.findtext("k:value", namespaces=ns)
        for d in root.findall("k:Document/k:ExtendedData/k:Data", ns)
    }
    assert doc_meta["public_safe"] == "True"


def test_gpkg_round_trip_with_metadata(tmp_path, gdf):
    out = export_data(gdf, tmp_path / "x.gpkg", grid_km=5)
    back = load_gpkg(out.path)
    assert len(back) == out.metadata["incidents"]
    assert isinstance(back["sources"].iloc[0], list)
    meta = pyogrio.read_dataframe(out.path, layer="export_metadata")
    values = dict(zip(meta["key"], meta["value"], strict=True))
    assert values["public_safe"] == "True"
    assert values["coarsening_grid_km"] == "5.0"
    assert back.attrs["metadata"]["public_safe"] == "true"


@pytest.mark.parametrize("fmt", ["csv", "geojson", "kml", "gpkg"])
def test_exported_files_get_the_users_permissions(tmp_path, gdf, fmt):
    import os
    import stat

    old = os.umask(0o022)
    try:
        out = export_data(gdf, tmp_path / f"x.{fmt}")
    finally:
        os.umask(old)
    assert stat.S_IMODE(out.path.stat().st_mode) == 0o644  # readable by others, as any file the user saves


def test_coordinates_rounded_to_what_precision_supports(tmp_path, gdf):
    import csv
    import json

    public = export_data(gdf, tmp_path / "p.csv", grid_km=1.0)
    rows = list(csv.DictReader(public.path.open(encoding="utf-8")))
    located = [r for r in rows if r["lon"]]
    assert located
    assert all(len(r["lon"].split(".")[-1]) <= 3 and len(r["lat"].split(".")[-1]) <= 3 for r in located)
    assert public.metadata["coordinate_decimals"] == 3
    full = export_data(gdf, tmp_path / "f.geojson", public_safe=False)
    coords = [f["geometry"]["coordinates"] for f in json.loads(full.path.read_text())["features"] if f["geometry"]]
    assert all(len(repr(c).split(".")[-1]) <= 6 for xy in coords for c in xy)
