"""Budgets for parsing user files: zip archives (KMZ, XLSX), XML prologs, spreadsheet cells, XML trees.

One place for every check that keeps a small file from taking the server's memory or
CPU; the importers call it before reading:

* :func:`check_zip` — member paths inside the archive, member count, each member's and the
  total uncompressed size, and the compression ratio of large members, all from the
  central directory before anything is decompressed (Python's zipfile never returns
  more than a member's declared size, so the declared sizes are real bounds);
* :func:`check_xlsx` — :func:`check_zip`, then no XML member may declare a DOCTYPE or
  entities (entity expansion, external entities);
* :func:`sheet_rows` — a worksheet's rows with the sheet's declared dimensions ignored
  and a cap on rows and cells (a sheet can claim 16,384 × 1,048,576 cells in a few bytes);
* :func:`parse_xml` — an XML document with limits on depth and element count;
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path, PurePosixPath
from typing import Any

from geo.errors import InputFileError

__all__ = [
    "MAX_CELLS",
    "MAX_MEMBERS",
    "MAX_MEMBER_BYTES",
    "MAX_RATIO",
    "MAX_ROWS",
    "MAX_UNZIPPED_BYTES",
    "MAX_XML_DEPTH",
    "MAX_XML_ELEMENTS",
    "check_xlsx",
    "check_zip",
    "parse_xml",
    "sheet_rows",
]

#: Total uncompressed size of an archive's members.
MAX_UNZIPPED_BYTES = 50 * 1024 * 1024
#: Uncompressed size of one member.
MAX_MEMBER_BYTES = 50 * 1024 * 1024
#: Members of an archive.
MAX_MEMBERS = 10_000
#: Uncompressed ÷ compressed size, checked for members over :data:`_RATIO_FROM_BYTES`.
MAX_RATIO = 200
_RATIO_FROM_BYTES = 1024 * 1024
#: Rows and cells read from a worksheet.
MAX_ROWS = 1_048_576
MAX_CELLS = 5_000_000
#: Nesting depth and element count of an XML document (KML).
MAX_XML_DEPTH = 100
MAX_XML_ELEMENTS = 2_000_000
_PROLOG_BYTES = 64 * 1024
_PROLOG_ITEM = re.compile(rb"\s+|<\?.*?\?>|<!--.*?-->", re.DOTALL)


def _mb(n: int) -> str:
    return f"{n / 2**20:.0f} MB"


def check_zip(archive: zipfile.ZipFile, label: str) -> list[zipfile.ZipInfo]:
    """Check *archive*'s central directory against the budgets; return its members.

    Raises
    ------
    InputFileError
        A member path outside the archive, too many members, a member or the total over
        its size limit, or a large member compressed more than :data:`MAX_RATIO` times.
    """
    members = archive.infolist()
    if len(members) > MAX_MEMBERS:
        raise InputFileError(f"{label}: refused: {len(members):,} members in the archive, more than {MAX_MEMBERS:,}")
    for info in members:
        name = PurePosixPath(info.filename.replace("\\", "/"))
        if name.is_absolute() or ".." in name.parts or re.match(r"^[A-Za-z]:", info.filename):
            raise InputFileError(f"{label}: refused: member {info.filename!r} points outside the archive")
        if info.file_size > MAX_MEMBER_BYTES:
            raise InputFileError(
                f"{label}: refused: member {info.filename!r} is {_mb(info.file_size)} uncompressed, "
                f"more than {_mb(MAX_MEMBER_BYTES)}"
            )
        ratio = info.file_size / max(1, info.compress_size)
        if info.file_size > _RATIO_FROM_BYTES and ratio > MAX_RATIO:
            raise InputFileError(
                f"{label}: refused: member {info.filename!r} is compressed {ratio:,.0f} times "
                f"(more than {MAX_RATIO}: a zip bomb?)"
            )
    total = sum(info.file_size for info in members)
    if total > MAX_UNZIPPED_BYTES:
        raise InputFileError(f"{label}: refused: {_mb(total)} uncompressed, more than {_mb(MAX_UNZIPPED_BYTES)}")
    return members


def _declares_doctype(head: bytes) -> bool:
    """Say whether the XML prolog in *head* has a DOCTYPE/ENTITY, or does not end within it."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        head = head.decode("utf-16", errors="replace").encode("utf-8")
    pos = 3 if head.startswith(b"\xef\xbb\xbf") else 0
    while True:
        match = _PROLOG_ITEM.match(head, pos)
        if match is None or match.end() == pos:
            break
        pos = match.end()
    rest = head[pos:]
    if not rest:
        return len(head) >= _PROLOG_BYTES  # a prolog longer than we look at: refuse
    return rest.startswith(b"<!")


def check_xlsx(path: str | Path, label: str | None = None) -> None:
    """Check an Excel workbook before openpyxl reads it (see the module's docstring).

    Raises
    ------
    InputFileError
        Not a zip, over a budget, or an XML member with a DOCTYPE or entities.
    """
    label = label or str(path)
    try:
        with zipfile.ZipFile(path) as archive:
            for info in check_zip(archive, label):
                if not info.filename.lower().endswith((".xml", ".rels", ".vml")):
                    continue
                with archive.open(info) as handle:
                    head = handle.read(_PROLOG_BYTES)
                if _declares_doctype(head):
                    raise InputFileError(
                        f"{label}: refused: {info.filename} declares a DOCTYPE or entities "
                        "(a workbook saved by Excel, LibreOffice or Google Sheets never does); save it again"
                    )
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError, ValueError) as err:
        raise InputFileError(f"{label}: not a readable Excel workbook ({err})") from err


def sheet_rows(sheet: Any, label: str) -> Iterator[tuple[int, tuple[object, ...]]]:
    """Yield ``(row number, values)`` for an openpyxl read-only worksheet's non-blank rows.

    Within :data:`MAX_ROWS` and :data:`MAX_CELLS`. The sheet's declared dimensions are
    dropped first (``reset_dimensions``): openpyxl would otherwise pad every row to the
    declared width and height. Blank rows (openpyxl fills a gap between two stored rows with
    empty ones) are counted in the numbering but not yielded, so a sheet whose one far cell
    sits at row 1,048,576 costs a pass over empty tuples, not a million lists.
    """
    if hasattr(sheet, "reset_dimensions"):
        sheet.reset_dimensions()
    cells = 0
    rows: Iterable[tuple[object, ...]] = sheet.iter_rows(values_only=True)
    for number, row in enumerate(rows, 1):
        if not row:
            continue
        cells += len(row)
        if number > MAX_ROWS or cells > MAX_CELLS:
            raise InputFileError(
                f"{label}: refused at row {number:,}: more than {MAX_ROWS:,} rows or {MAX_CELLS:,} cells; "
                "split the workbook or save it as CSV"
            )
        if all(value is None or value == "" for value in row):
            continue
        yield number, row


def parse_xml(
    text: str, label: str, *, max_depth: int = MAX_XML_DEPTH, max_elements: int = MAX_XML_ELEMENTS
) -> ET.Element:
    """Parse *text* (no DOCTYPE: the caller refuses it) with limits on depth and element count.

    Raises
    ------
    InputFileError
        Not well-formed, nested deeper than *max_depth* or more than *max_elements* elements.
    """
    parser: Any = ET.XMLPullParser(events=("start", "end"))
    depth = elements = 0
    root: ET.Element | None = None
    step = 1 << 20

    def count() -> None:
        nonlocal depth, elements, root
        for event, elem in parser.read_events():
            if event == "end":
                depth -= 1
                continue
            root = elem if root is None else root
            depth += 1
            elements += 1
            if depth > max_depth:
                raise InputFileError(f"{label}: refused: elements nested more than {max_depth} deep")
            if elements > max_elements:
                raise InputFileError(f"{label}: refused: more than {max_elements:,} XML elements")

    try:
        for offset in range(0, len(text), step):
            parser.feed(text[offset : offset + step])
            count()
        parser.close()
        count()
    except ET.ParseError as err:
        raise InputFileError(f"{label}: not well-formed XML ({err})") from err
    if root is None:
        raise InputFileError(f"{label}: not well-formed XML (no element)")
    return root
