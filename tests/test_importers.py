"""Importers: fixtures in every format, the row-count invariant, fuzzing."""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from geo.errors import IncidentMapError, InputFileError, InvalidOptionError
from geo.gazetteer import Gazetteer
from layers.importers import detect_format, import_file, review_table
from layers.importers.geojson import import_geojson
from layers.importers.kml import MAX_UNZIPPED_BYTES
from layers.importers.tabular import import_csv

FIXTURES = Path(__file__).resolve().parent / "fixtures"

# file, detected format, rows_in, imported
CASES = [
    ("plain.csv", "csv", 11, 4),
    ("plain_cp1256.csv", "csv", 11, 4),
    ("plain_utf16.csv", "csv", 11, 4),
    ("plain.xlsx", "excel", 11, 4),  # the same rows: the row with a cell past the header is rejected, as in CSV
    ("acled.csv", "acled", 7, 4),
    ("ucdp.csv", "ucdp", 5, 5),  # best > high and an end before the start: imported as published, flagged
    ("incidents.geojson", "geojson", 7, 4),  # low > best: flagged, not rejected
    ("incidents.kml", "kml", 4, 3),  # end before start: flagged, the start kept
    ("incidents.kmz", "kml", 4, 3),
]


@pytest.mark.parametrize(("name", "fmt", "rows_in", "imported"), CASES)
def test_row_count_invariant(name: str, fmt: str, rows_in: int, imported: int, tiny_gazetteer: Gazetteer) -> None:
    result = import_file(FIXTURES / name, gazetteer=tiny_gazetteer)
    assert result.format == fmt
    assert (result.rows_in, result.imported) == (rows_in, imported)
    assert result.imported + result.rejected == result.rows_in
    assert list(result.rejects.columns) == ["file", "row", "field", "value", "reason", "candidates"]
    assert result.rejects["row"].is_unique
    assert not set(result.rejects["row"]) & set(result.flagged["row"])
    assert str(result.incidents.crs) == "EPSG:4326"
    assert result.incidents["date_start"].dt.tz is not None


@pytest.mark.parametrize("name", ["plain.csv", "plain_cp1256.csv", "plain_utf16.csv", "plain.xlsx"])
def test_plain_table_geocodes_and_keeps_arabic(name: str, tiny_gazetteer: Gazetteer) -> None:
    result = import_file(FIXTURES / name, gazetteer=tiny_gazetteer)
    gdf = result.incidents.set_index("id")
    assert gdf.loc["p-2", "title"] == "مداهمة في الصنوبر"
    assert gdf.loc["p-2", "place_id"] == "sonobar_t"
    assert gdf.loc["p-3", "place_id"] == "qusour_beta"  # context "Beta" decides
    assert gdf.loc["p-1", "sources"][0]["url"] == "https://example.org/sohr/1"
    assert gdf.loc["p-10", "event_type"] == "other"
    reasons = dict(zip(result.rejects["row"], result.rejects["reason"].str.split(":").str[0], strict=True))
    assert reasons[4] == "ambiguous place"
    assert reasons[5] == "unresolved place"
    assert reasons[6] == "impossible date"
    assert reasons[7] == "negative toll"
    assert reasons[9] == "malformed row"  # a cell past the header: rejected, never cut off
    assert reasons[10] == "duplicate id"


def test_review_view_lists_candidates(tiny_gazetteer: Gazetteer) -> None:
    review = review_table(import_file(FIXTURES / "plain.csv", gazetteer=tiny_gazetteer))
    assert review["value"].tolist() == ["al-Qusour", "Gotham"]
    assert "qusour_alpha" in review["candidates"].iloc[0]
    assert "qusour_beta" in review["candidates"].iloc[0]


def test_without_gazetteer_place_rows_are_rejected() -> None:
    result = import_file(FIXTURES / "plain.csv")
    assert result.imported == 0
    assert result.rejected == result.rows_in


def test_acled_mapping() -> None:
    result = import_file(FIXTURES / "acled.csv")
    gdf = result.incidents.set_index("id")
    row = gdf.loc["acled-syr1001"]
    assert (row["deaths_low"], row["deaths_best"], row["deaths_high"]) == (12, 12, 12)
    assert row["admin1"] == "Latakia"
    assert row["geo_precision"] == 1
    assert row["date_precision"] == "day"
    assert [s["publisher"] for s in row["sources"]] == ["SOHR", "Reuters"]
    assert row["sources"][0]["quote"].startswith("On 7 March 2025")
    week = gdf.loc["acled-syr1002"]
    assert week["date_precision"] == "week"
    assert week["event_type"] == "shelling/airstrike"
    assert (week["date_end"] - week["date_start"]).days == 6
    month = gdf.loc["acled-syr1003"]
    assert month["date_precision"] == "month"
    assert month["date_end"].day == 31
    assert month["geo_precision"] == 3
    flags = result.flagged.set_index("row")["reason"]
    assert flags.loc[5].startswith("swapped coordinates")
    assert set(result.rejects["row"]) == {4, 6, 7}


def test_ucdp_mapping() -> None:
    result = import_file(FIXTURES / "ucdp.csv")
    gdf = result.incidents.set_index("id")
    houla = gdf.loc["ucdp-150001"]
    assert (houla["deaths_low"], houla["deaths_best"], houla["deaths_high"]) == (92, 108, 108)
    assert houla["sources"][0]["title"].startswith("Reuters 2012-05-29")
    assert houla["admin1"] == "Homs"
    assert houla["geo_precision"] == 1
    tremseh = gdf.loc["ucdp-150002"]
    assert tremseh["date_precision"] == "week"
    assert tremseh["date_end"].day == 14
    assert tremseh["geo_precision"] == 2
    country = gdf.loc["ucdp-150003"]
    assert country["date_precision"] == "year"
    assert pd.isna(country["lon"])
    assert result.incidents.set_index("id").geometry.loc["ucdp-150003"] is None


def test_geojson_polygon_flagged_and_invalid_rejected(tiny_gazetteer: Gazetteer) -> None:
    result = import_file(FIXTURES / "incidents.geojson", gazetteer=tiny_gazetteer)
    gdf = result.incidents.set_index("id")
    assert gdf.loc["g-1", "title"] == "قصف على جبلة"
    assert gdf.loc["g-1", "lon"] == 35.92
    assert gdf.loc["g-4", "place_id"] == "sonobar_t"
    assert result.flagged.set_index("row").loc[2, "reason"].startswith("representative point")
    reasons = result.rejects.set_index("row")["reason"]
    assert reasons.loc[3].startswith("invalid geometry")
    assert reasons.loc[6].startswith("invalid feature")


def test_kml_partial_dates_and_extended_data() -> None:
    gdf = import_file(FIXTURES / "incidents.kml").incidents
    first, second = gdf.iloc[0], gdf.iloc[1]
    assert first["id"] == "k-1"
    assert first["deaths_best"] == 7
    assert first["sources"][0]["publisher"] == "SNHR"
    assert second["date_precision"] == "month"
    assert second["date_end"] == pd.Timestamp("2012-10-31", tz="UTC")


def test_kml_with_doctype_is_refused() -> None:
    with pytest.raises(InputFileError, match="DOCTYPE"):
        import_file(FIXTURES / "doctype.kml")


def test_kmz_path_traversal_is_refused() -> None:
    with pytest.raises(InputFileError, match="outside the archive"):
        import_file(FIXTURES / "traversal.kmz")


def test_kmz_too_large_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "big.kmz"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("doc.kml", b"<kml>" + b" " * (MAX_UNZIPPED_BYTES + 10) + b"</kml>")
    with pytest.raises(InputFileError, match="MB"):
        import_file(path)


@pytest.mark.parametrize(
    ("suffix", "content", "fmt"),
    [
        ("", b'{"type": "FeatureCollection", "features": []}', "geojson"),
        ("", b"<?xml version='1.0'?><kml/>", "kml"),
        (".txt", b"id,where_prec,date_prec,best\n", "ucdp"),
        (".csv", b"date,place\n", "csv"),
    ],
)
def test_detect_format(tmp_path: Path, suffix: str, content: bytes, fmt: str) -> None:
    path = tmp_path / f"input{suffix}"
    path.write_bytes(content)
    assert detect_format(path) == fmt


def test_detect_kmz_without_extension(tmp_path: Path) -> None:
    path = tmp_path / "upload"
    shutil.copy(FIXTURES / "incidents.kmz", path)
    assert detect_format(path) == "kml"


@pytest.mark.parametrize(
    ("content", "error"),
    [
        (b"", "empty"),
        (b"foo,bar\n1,2\n", "needs date and place"),
        (b"\x00\x01\x02binary", "binary"),
        (b"date,date\n1,2\n", "appears twice"),
    ],
)
def test_whole_file_failures_raise_project_errors(tmp_path: Path, content: bytes, error: str) -> None:
    path = tmp_path / "x.csv"
    path.write_bytes(content)
    with pytest.raises(IncidentMapError, match=error):
        import_csv(path)


def test_unclosed_quote_is_a_reject_or_a_file_error(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_bytes(b'date,place\n2025-03-07,Alpha\n"unclosed,x\n')
    result = import_csv(path)
    assert result.imported + result.rejected == result.rows_in == 2


def test_bad_format_option() -> None:
    with pytest.raises(InvalidOptionError, match="must be one of"):
        import_file(FIXTURES / "plain.csv", format="shapefile")


def test_stable_generated_ids(tmp_path: Path) -> None:
    path = tmp_path / "noid.csv"
    path.write_text("date,latitude,longitude\n2025-03-07,35.35,35.92\n2025-03-08,35.35,35.92\n", encoding="utf-8")
    first, second = import_csv(path).incidents["id"].tolist(), import_csv(path).incidents["id"].tolist()
    assert first == second
    assert len(set(first)) == 2
    assert first[0].startswith("csv-")


_PLAIN = (FIXTURES / "plain.csv").read_bytes()
_GEOJSON = (FIXTURES / "incidents.geojson").read_bytes()


def _corrupt(data: bytes, edits: list[tuple[int, int]]) -> bytes:
    out = bytearray(data)
    for pos, byte in edits:
        out[pos % len(out)] = byte
    return bytes(out)


_edits = st.lists(st.tuples(st.integers(0, 10_000), st.integers(0, 255)), max_size=8)
_inputs = st.one_of(
    st.binary(max_size=400),
    st.text(alphabet=st.sampled_from(list('date,place,lat,lon,"\n;\t-0123456789.:{}[]الصنوبر')), max_size=300).map(
        lambda t: t.encode("utf-8")
    ),
    _edits.map(lambda e: _corrupt(_PLAIN, e)),
    _edits.map(lambda e: _corrupt(_GEOJSON, e)),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=_inputs, as_geojson=st.booleans())
def test_fuzzed_input_never_escapes(
    tmp_path_factory: pytest.TempPathFactory, tiny_gazetteer: Gazetteer, data: bytes, as_geojson: bool
) -> None:
    path = tmp_path_factory.mktemp("fuzz") / ("in.geojson" if as_geojson else "in.csv")
    path.write_bytes(data)
    try:
        result = (import_geojson if as_geojson else import_csv)(path, tiny_gazetteer)
    except IncidentMapError:
        return
    assert result.imported + result.rejected == result.rows_in
    json.dumps(result.summary())
