"""Hostile input: every importer and the gazetteer take random, truncated and corrupted files.

No traceback escapes (whole-file failures are project errors with a message), the row
invariant imported + rejected = rows_in holds, and every rejected row has a readable reason.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from geo.errors import IncidentMapError
from geo.gazetteer import Gazetteer
from layers.importers import import_file

FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

_DATES = st.sampled_from(
    [
        "2025-03-07",
        "7 March 2025",
        "March 2025",
        "2012-09",
        "2012",
        "07/03/2025",
        "03/07/2025",
        "2025/3/7",
        "20250307",
        "7.3.2025",
        "Mar 7, 2025",
        "",
        "—",
        "not a date",
        "2025-02-30",
        "9999-99-99",
        "1899-01-01",
        "٢٠٢٥-٠٣-٠٧",
        "2025-03-07T06:00:00+02:00",
    ]
)
_NUMBERS = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.sampled_from(["", "nan", "inf", "-inf", "1e309", "35,5", "٣٥٫٥", "  36.1 ", "0x20", "--1"]),
    st.integers(-(10**12), 10**12).map(str),
)
_TEXT = st.one_of(
    st.text(max_size=40),
    st.sampled_from(
        [
            "Sonobar",
            "القصور",
            "al-Qusour",
            '=HYPERLINK("http://x")',
            "<img src=x onerror=alert(1)>",
            "x" * 5000,
            "\u202eevil",
            "Baniyas\r\nTartus",
            '"quoted, field"',
        ]
    ),
)
_ENCODINGS = st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1256", "latin-1"])
_NEWLINES = st.sampled_from(["\n", "\r\n", "\r", "mixed"])


def _csv_cell(value: str) -> str:
    return '"' + value.replace('"', '""') + '"'


@st.composite
def csv_files(draw: st.DrawFn) -> bytes:
    """A plain incident CSV with random values, encoding, line endings and truncation."""
    header = [
        "id",
        "title",
        "date_start",
        "date_end",
        "place",
        "lat",
        "lon",
        "deaths_low",
        "deaths_best",
        "deaths_high",
        "source_url",
    ]
    rows = []
    for _ in range(draw(st.integers(0, 8))):
        rows.append(
            [
                draw(_TEXT),
                draw(_TEXT),
                draw(_DATES),
                draw(_DATES),
                draw(_TEXT),
                draw(_NUMBERS),
                draw(_NUMBERS),
                draw(_NUMBERS),
                draw(_NUMBERS),
                draw(_NUMBERS),
                draw(_TEXT),
            ]
        )
    newline = draw(_NEWLINES)
    lines = [",".join(_csv_cell(c) for c in row) for row in [header, *rows]]
    if newline == "mixed":
        text = "".join(line + ("\r\n" if i % 2 else "\n") for i, line in enumerate(lines))
    else:
        text = newline.join(lines) + newline
    data = text.encode(draw(_ENCODINGS), errors="replace")
    cut = draw(st.one_of(st.none(), st.integers(0, max(0, len(data)))))
    return data if cut is None else data[:cut]


def _nested(depth: int) -> object:
    value: object = [36.0, 35.0]
    for _ in range(depth):
        value = [value]
    return value


@st.composite
def geojson_files(draw: st.DrawFn) -> bytes:
    """GeoJSON with invalid, nested, self-intersecting or non-finite geometries."""
    features = []
    for _ in range(draw(st.integers(0, 6))):
        kind = draw(st.sampled_from(["point", "nan", "bowtie", "nested", "empty", "null", "string", "huge"]))
        geometry: object
        if kind == "point":
            geometry = {"type": "Point", "coordinates": [draw(st.floats(-200, 200)), draw(st.floats(-100, 100))]}
        elif kind == "nan":
            geometry = {"type": "Point", "coordinates": [math.nan, math.inf]}
        elif kind == "bowtie":
            geometry = {"type": "Polygon", "coordinates": [[[36, 35], [37, 36], [37, 35], [36, 36], [36, 35]]]}
        elif kind == "nested":
            geometry = {"type": "Point", "coordinates": _nested(draw(st.integers(1, 50)))}
        elif kind == "empty":
            geometry = {"type": "MultiPoint", "coordinates": []}
        elif kind == "string":
            geometry = "POINT(36 35)"
        elif kind == "huge":
            geometry = {"type": "LineString", "coordinates": [[36 + i * 1e-4, 35.0] for i in range(2000)]}
        else:
            geometry = None
        props = {
            "id": draw(_TEXT),
            "title": draw(_TEXT),
            "date_start": draw(_DATES),
            "deaths_best": draw(st.one_of(st.none(), st.integers(-5, 10**6), _TEXT)),
        }
        features.append({"type": "Feature", "geometry": geometry, "properties": props})
    text = json.dumps({"type": "FeatureCollection", "features": features}, allow_nan=True)
    data = text.encode(draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16"])))
    cut = draw(st.one_of(st.none(), st.integers(0, len(data))))
    return data if cut is None else data[:cut]


def _check(path: Path, gazetteer: Gazetteer) -> None:
    try:
        result = import_file(path, gazetteer=gazetteer)
    except IncidentMapError as err:
        message = str(err)
        if not message:
            pytest.fail(f"{type(err).__name__} without a message")
        return
    assert result.imported + result.rejected == result.rows_in
    assert result.rejects["reason"].map(lambda r: isinstance(r, str) and len(r) > 3).all()
    json.dumps(result.summary())


@FUZZ
@given(data=csv_files())
def test_fuzzed_csv(tmp_path_factory: pytest.TempPathFactory, tiny_gazetteer: Gazetteer, data: bytes) -> None:
    path = tmp_path_factory.mktemp("csv") / "in.csv"
    path.write_bytes(data)
    _check(path, tiny_gazetteer)


@FUZZ
@given(data=geojson_files())
def test_fuzzed_geojson(tmp_path_factory: pytest.TempPathFactory, tiny_gazetteer: Gazetteer, data: bytes) -> None:
    path = tmp_path_factory.mktemp("gj") / "in.geojson"
    path.write_bytes(data)
    _check(path, tiny_gazetteer)


@FUZZ
@given(data=st.binary(max_size=600), suffix=st.sampled_from([".kml", ".kmz", ".xlsx", ".csv", ".geojson", ".txt"]))
def test_random_bytes_in_any_format(
    tmp_path_factory: pytest.TempPathFactory, tiny_gazetteer: Gazetteer, data: bytes, suffix: str
) -> None:
    path = tmp_path_factory.mktemp("bin") / f"in{suffix}"
    path.write_bytes(data)
    _check(path, tiny_gazetteer)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "cp1256"])
def test_arabic_csv_in_every_encoding_imports_the_same(
    tmp_path: Path, tiny_gazetteer: Gazetteer, encoding: str
) -> None:
    text = "title,date_start,place,source_url\r\nقتل في الصنوبر,2025-03-07,الصنوبر,https://example.org/a\r\n"
    path = tmp_path / "in.csv"
    path.write_bytes(text.encode(encoding))
    result = import_file(path, gazetteer=tiny_gazetteer)
    assert result.imported == 1, result.rejects.to_dict("records")
    assert result.incidents["title"].iloc[0] == "قتل في الصنوبر"
    assert result.incidents["place_id"].iloc[0] == "sonobar_t"


@FUZZ
@given(name=st.one_of(st.text(max_size=300), st.binary(max_size=200).map(lambda b: b.decode("latin-1"))))
def test_gazetteer_takes_any_text(tiny_gazetteer: Gazetteer, name: str) -> None:
    match = tiny_gazetteer.resolve(name)
    assert match.resolved or match.reason
    if match.resolved:
        assert match.lat is not None
        assert match.score > 0
