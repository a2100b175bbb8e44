"""Issue 17: tiny files cannot exhaust CPU or memory. Each bomb is made here and refused within generous bounds.

Bounds are generous (the machine is shared): seconds and peak traced Python memory, far
below what the attacks cost before (minutes, gigabytes).
"""

from __future__ import annotations

import time
import tracemalloc
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from geo.errors import InputFileError
from layers.importers import import_file
from layers.importers.budget import MAX_XML_DEPTH

KML_NS = 'xmlns="http://www.opengis.net/kml/2.2"'


def refused(call: Callable[[], object], error: type[Exception], match: str, *, seconds: float, mb: float) -> str:
    """Run *call*, expect *error*; assert the time and the peak traced memory; return the message."""
    tracemalloc.start()
    started = time.perf_counter()
    try:
        with pytest.raises(error, match=match) as info:
            call()
    finally:
        elapsed = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
    assert elapsed < seconds, f"{elapsed:.1f} s"
    assert peak < mb, f"{peak:.0f} MB"
    return str(info.value)


def test_nested_placemarks_are_refused_quickly(tmp_path: Path) -> None:
    depth = 20_000
    path = tmp_path / "nested.kml"
    path.write_text(
        f"<kml {KML_NS}><Document>" + "<Placemark><name>x</name>" * depth + "</Placemark>" * depth + "</Document></kml>"
    )
    message = refused(
        lambda: import_file(path), InputFileError, f"nested more than {MAX_XML_DEPTH} deep", seconds=10, mb=200
    )
    assert message.startswith(str(path))


def test_many_placemarks_import_in_linear_time(tmp_path: Path) -> None:
    """Nested placemarks within the depth limit: every element visited once, each placemark is a row."""
    path = tmp_path / "nested_ok.kml"
    inner = "<Placemark><name>x</name><Point><coordinates>36.7,34.7</coordinates></Point>" * 50 + "</Placemark>" * 50
    path.write_text(f"<kml {KML_NS}><Document>" + inner * 40 + "</Document></kml>")
    started = time.perf_counter()
    result = import_file(path)
    assert time.perf_counter() - started < 60
    assert result.rows_in == 2000
    assert result.imported + result.rejected == 2000


def test_too_many_elements_are_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from layers.importers import budget

    monkeypatch.setattr(budget, "MAX_XML_ELEMENTS", 1000)
    monkeypatch.setattr(budget.parse_xml, "__kwdefaults__", {"max_depth": 100, "max_elements": 1000})
    path = tmp_path / "flat.kml"
    path.write_text(f"<kml {KML_NS}><Document>" + "<Placemark/>" * 2000 + "</Document></kml>")
    refused(lambda: import_file(path), InputFileError, "more than 1,000 XML elements", seconds=10, mb=100)


def _zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def test_kmz_bomb_is_refused_before_reading(tmp_path: Path) -> None:
    kml = f"<kml {KML_NS}><Document>".encode() + b" " * (60 * 2**20) + b"</Document></kml>"
    path = _zip(tmp_path / "bomb.kmz", {"doc.kml": kml})
    assert path.stat().st_size < 200_000
    message = refused(lambda: import_file(path), InputFileError, "refused: member 'doc.kml'", seconds=10, mb=50)
    assert "MB uncompressed" in message


def test_kmz_member_compressed_too_much_is_refused(tmp_path: Path) -> None:
    kml = f"<kml {KML_NS}><Document>".encode() + b" " * (20 * 2**20) + b"</Document></kml>"
    path = _zip(tmp_path / "ratio.kmz", {"doc.kml": kml})
    refused(lambda: import_file(path), InputFileError, r"compressed [\d,]+ times", seconds=10, mb=50)


def _xlsx(tmp_path: Path, name: str, sheet_xml: bytes, extra: dict[str, bytes] | None = None) -> Path:
    """A minimal workbook built by hand (what Excel writes, with *sheet_xml* as its only sheet)."""
    ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    rel = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
    members = {
        "[Content_Types].xml": (
            b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            b'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            b'<Default Extension="xml" ContentType="application/xml"/>'
            b'<Override PartName="/xl/workbook.xml" '
            b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            b'<Override PartName="/xl/worksheets/sheet1.xml" '
            b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'
        ),
        "_rels/.rels": (
            b'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            b'<Relationship Id="rId1" Target="xl/workbook.xml" '
            b'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"/>'
            b"</Relationships>"
        ),
        "xl/workbook.xml": (
            f'<?xml version="1.0"?><workbook {ns} {rel}><sheets>'
            '<sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ).encode(),
        "xl/_rels/workbook.xml.rels": (
            b'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            b'<Relationship Id="rId1" Target="worksheets/sheet1.xml" '
            b'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"/>'
            b"</Relationships>"
        ),
        "xl/worksheets/sheet1.xml": sheet_xml,
        **(extra or {}),
    }
    return _zip(tmp_path / name, members)


SHEET_HEAD = b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'


def _row(r: int, values: list[str]) -> bytes:
    cells = "".join(f'<c r="{chr(65 + i)}{r}" t="inlineStr"><is><t>{v}</t></is></c>' for i, v in enumerate(values))
    return f'<row r="{r}">{cells}</row>'.encode()


def test_a_small_handmade_workbook_imports(tmp_path: Path) -> None:
    rows = _row(1, ["title", "date_start", "lat", "lon"]) + _row(2, ["Shelling", "2012-09-01", "34.7", "36.7"])
    path = _xlsx(tmp_path, "ok.xlsx", SHEET_HEAD + b"<sheetData>" + rows + b"</sheetData></worksheet>")
    result = import_file(path)
    assert result.rows_in == 1
    assert result.imported == 1


def test_xlsx_zip_bomb_is_refused(tmp_path: Path) -> None:
    sheet = SHEET_HEAD + b"<sheetData>" + b" " * (80 * 2**20) + b"</sheetData></worksheet>"
    path = _xlsx(tmp_path, "bomb.xlsx", sheet)
    assert path.stat().st_size < 200_000
    refused(lambda: import_file(path), InputFileError, "bomb.xlsx: refused", seconds=10, mb=50)


def test_xlsx_with_a_doctype_is_refused(tmp_path: Path) -> None:
    lol = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;">]>'
        + SHEET_HEAD[len(b'<?xml version="1.0"?>') :]
        + b"<sheetData>"
        + _row(1, ["title", "date_start", "lat", "lon"])
        + _row(2, ["&lol2;", "2012-09-01", "34.7", "36.7"])
        + b"</sheetData></worksheet>"
    )
    path = _xlsx(tmp_path, "entities.xlsx", lol)
    message = refused(lambda: import_file(path), InputFileError, "declares a DOCTYPE", seconds=10, mb=50)
    assert "xl/worksheets/sheet1.xml" in message


def test_xlsx_declaring_huge_dimensions_is_bounded(tmp_path: Path) -> None:
    """A sheet that claims A1:XFD1048576 and puts its last cell far away is not padded to the claim.

    Imported under the app's own parse budget with 800 MB of memory (16,384 × 1,048,576 padded
    cells would be > 100 GB): a padding reader is stopped and the import refused. (Measured with
    tracemalloc this test took 8 s of tracing overhead for a 0.5 s import.)
    """
    from layers.importers.sandbox import ParseBudget, import_file_budgeted

    sheet = (
        SHEET_HEAD
        + b'<dimension ref="A1:XFD1048576"/><sheetData>'
        + _row(1, ["title", "date_start", "lat", "lon"])
        + _row(2, ["Shelling", "2012-09-01", "34.7", "36.7"])
        + b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'
        + b"</sheetData></worksheet>"
    )
    path = _xlsx(tmp_path, "wide.xlsx", sheet)
    result = import_file_budgeted(path, budget=ParseBudget(seconds=60, memory_mb=800), mode="fork")
    assert result.imported == 1
    assert result.rejects["row"].tolist() == [1048575]  # the far cell is beyond the named columns


def test_xlsx_over_the_cell_budget_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from layers.importers import budget

    monkeypatch.setattr(budget, "MAX_CELLS", 1000)
    rows = b"".join(_row(r, ["Shelling", "2012-09-01", "34.7", "36.7"]) for r in range(2, 400))
    sheet = (
        SHEET_HEAD
        + b"<sheetData>"
        + _row(1, ["title", "date_start", "lat", "lon"])
        + rows
        + b"</sheetData></worksheet>"
    )
    path = _xlsx(tmp_path, "cells.xlsx", sheet)
    refused(lambda: import_file(path), InputFileError, "cells.xlsx: refused at row 251", seconds=30, mb=100)


BILLION_LAUGHS = (
    'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    "b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
    "d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n"
    "f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\ng: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]\n"
    "h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]\ni: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]\n"
)
