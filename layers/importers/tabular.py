"""Plain CSV and Excel tables of incidents with place names or coordinates.

Headers are matched case-insensitively to the model's column names and a few
common synonyms (:data:`SYNONYMS`): ``date`` → ``date_start``, ``place`` /
``location`` → ``place_reported``, ``latitude`` / ``longitude`` → ``lat`` /
``lon``, ``deaths`` / ``killed`` → ``deaths_best``, ``governorate`` →
``place_context``. A table needs a date column and either a place column or
both coordinates.

Sources: a ``sources`` column holding a JSON list is used as is; otherwise
``source`` / ``publisher``, ``source_url`` / ``url``, ``source_title`` and
``source_date`` columns make one source per row. A row with none of them is
imported and flagged "no source".

Rows without coordinates are geocoded through the gazetteer;
ambiguous and unresolved places go to ``rejects`` with a ``candidates``
column (the app's review list, see :func:`layers.importers.review_table`).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

import pandas as pd

from geo.errors import DataSchemaError, InputFileError
from geo.gazetteer import Gazetteer
from geo.tables import decode_bytes
from layers.importers._build import ImportResult, build_result, reject_rows

__all__ = ["SYNONYMS", "import_csv", "import_excel", "read_csv_rows", "stage_table"]

SYNONYMS = {
    "date": "date_start",
    "start_date": "date_start",
    "end_date": "date_end",
    "place": "place_reported",
    "location": "place_reported",
    "place_name": "place_reported",
    "latitude": "lat",
    "longitude": "lon",
    "lng": "lon",
    "long": "lon",
    "deaths": "deaths_best",
    "killed": "deaths_best",
    "fatalities": "deaths_best",
    "governorate": "place_context",
    "context": "place_context",
    "type": "event_type",
    "publisher": "source",
    "url": "source_url",
    "description": "summary",
    "notes": "summary",
}
_SOURCE_COLUMNS = ("source", "source_url", "source_title", "source_date", "source_quote")
MAX_FIELD_CHARS = 1_000_000


def read_csv_rows(path: str | Path) -> tuple[list[str], list[list[str]], pd.DataFrame]:
    """Read a delimited text file into its header, its well-formed rows and rejects.

    The encoding (UTF-8, UTF-16 with BOM, Windows-1256) and the separator
    (comma, semicolon, tab) are detected. A row with more or fewer fields
    than the header is a reject (``malformed row``), not a failure.

    Returns
    -------
    (list, list, DataFrame)
        Header, rows (each with its 1-based data row number prepended as
        text), and the malformed rows as rejects.

    Raises
    ------
    InputFileError
        The file is missing, binary, empty or has unbalanced quoting.
    """
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as err:
        raise InputFileError(f"{path}: cannot read ({err.strerror or err})") from err
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputFileError(f"{path}: binary data, not a text table; save it as CSV (UTF-8)")
    text = decode_bytes(data, str(path)).replace("\x00", "")
    if not text.strip():
        raise InputFileError(f"{path}: the file is empty")
    head = text.lstrip().splitlines()[0]
    sep = max((",", ";", "\t"), key=head.count)
    csv.field_size_limit(MAX_FIELD_CHARS)
    try:
        records = list(csv.reader(io.StringIO(text.lstrip(), newline=""), delimiter=sep))
    except csv.Error as err:
        raise InputFileError(f"{path}: not a readable table ({err}); check the quoting") from err
    header = [h.strip().lstrip("\ufeff") for h in records[0]]
    rows, bad = [], []
    for number, record in enumerate(records[1:], 1):
        if not any(cell.strip() for cell in record):
            if len(record) <= 1:
                continue
        if len(record) != len(header):
            bad.append(
                (
                    number,
                    f"malformed row: {len(record)} fields where the header has {len(header)}; "
                    "check separators and quotes on this row",
                )
            )
            continue
        rows.append([str(number), *record])
    rejects = reject_rows(str(path), [b[0] for b in bad], "", "", [b[1] for b in bad])
    return header, rows, rejects


def _frame(header: list[str], rows: list[list[str]], path: Path) -> pd.DataFrame:
    names = [h.strip().lower().replace(" ", "_") for h in header]
    seen: set[str] = set()
    for name in names:
        if name and name in seen:
            raise DataSchemaError(f"{path}: column {name!r} appears twice; rename one of them")
        seen.add(name)
    columns = ["_row", *[n or f"_blank{i}" for i, n in enumerate(names)]]
    df = pd.DataFrame(rows, columns=columns, dtype=object)
    df["_row"] = df["_row"].astype(int)
    return df


def stage_table(df: pd.DataFrame, path: str | Path) -> pd.DataFrame:
    """Rename a raw table's columns to the model's and build the sources lists.

    Raises
    ------
    DataSchemaError
        There is no date column, or neither a place column nor lat and lon.
    """
    # A synonym is renamed only when the model's own column is not also present.
    renamed = {c: SYNONYMS[c] for c in df.columns if c in SYNONYMS and SYNONYMS[c] not in df.columns}
    out = df.rename(columns=renamed)
    out = out.loc[:, ~out.columns.duplicated()]
    has_coords = "lat" in out.columns and "lon" in out.columns
    if "date_start" not in out.columns or ("place_reported" not in out.columns and not has_coords):
        found = ", ".join(c for c in df.columns if c != "_row") or "none"
        raise DataSchemaError(
            f"{path}: needs a date column (date or date_start) and a place column (place or "
            f"place_reported) or latitude and longitude; found: {found}"
        )
    if "sources" in out.columns:
        out["sources"] = out["sources"].map(_json_list)
    else:
        out["sources"] = _sources_from_columns(out)
    if "figures" in out.columns:
        out["figures"] = out["figures"].map(_json_list)
    return out


def _json_list(value: object) -> list[object]:
    try:
        data = json.loads(str(value)) if value not in (None, "") else []
    except ValueError:
        return [{"publisher": "", "title": str(value), "date": None, "url": "", "quote": "", "via": None}]
    return [d for d in data if isinstance(d, dict)] if isinstance(data, list) else []


def _sources_from_columns(df: pd.DataFrame) -> list[list[dict[str, object]]]:
    cols = {
        c: df[c].astype(object).where(df[c].notna(), "").astype(str).str.strip()
        if c in df.columns
        else pd.Series("", index=df.index)
        for c in _SOURCE_COLUMNS
    }
    out = []
    for pub, url, title, date, quote in zip(*(cols[c] for c in _SOURCE_COLUMNS), strict=True):
        if pub or url or title:
            out.append(
                [{"publisher": pub, "title": title, "date": date or None, "url": url, "quote": quote, "via": None}]
            )
        else:
            out.append([])
    return out


def import_csv(path: str | Path, gazetteer: Gazetteer | None = None, *, fmt: str = "csv") -> ImportResult:
    r"""Import a plain CSV table of incidents.

    Parameters
    ----------
    path : path
        The CSV file (UTF-8, UTF-16 or Windows-1256; comma, semicolon or tab).
    gazetteer : Gazetteer, optional
        Geocodes rows that have a place name but no coordinates.

    Raises
    ------
    InputFileError, DataSchemaError
        The file cannot be read, or lacks the required columns.

    Examples
    --------
    >>> import tempfile, os
    >>> d = tempfile.mkdtemp(); p = os.path.join(d, "a.csv")
    >>> _ = open(p, "w").write("date,latitude,longitude,deaths\n2025-03-07,35.35,35.92,4\nxx,1,2,3\n")
    >>> r = import_csv(p)
    >>> r.rows_in, r.imported, r.rejected
    (2, 1, 1)
    """
    path = Path(path)
    header, rows, rejects = read_csv_rows(path)
    raw = stage_table(_frame(header, rows, path), path)
    return build_result(
        raw, file=str(path), fmt=fmt, rows_in=len(rows) + len(rejects), gazetteer=gazetteer, pre_rejects=rejects
    )


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time(0) else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def import_excel(path: str | Path, gazetteer: Gazetteer | None = None) -> ImportResult:
    """Import the first sheet of an Excel workbook (.xlsx) laid out like the plain CSV.

    Raises
    ------
    InputFileError, DataSchemaError
        The workbook cannot be opened, or lacks the required columns.
    """
    from openpyxl import load_workbook

    path = Path(path)
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as err:  # openpyxl raises many kinds for a broken zip/XML
        raise InputFileError(f"{path}: not a readable Excel workbook ({type(err).__name__}: {err})") from err
    try:
        sheet = book.worksheets[0]
        records = [[_cell(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    finally:
        book.close()
    header, rows, rejects = sheet_rows(records, path)
    raw = stage_table(_frame(header, rows, path), path)
    return build_result(
        raw, file=str(path), fmt="excel", rows_in=len(rows) + len(rejects), gazetteer=gazetteer, pre_rejects=rejects
    )


def sheet_rows(records: list[list[str]], path: Path) -> tuple[list[str], list[list[str]], pd.DataFrame]:
    """Split a sheet's cell texts into header, rows (data row number prepended) and rejects.

    The header is the first non-blank row, without its trailing empty cells. Rows are numbered
    like the CSV importer's (1 = the row under the header), blank rows are skipped, and a row
    with a value beyond the header's last column is rejected rather than cut.

    Examples
    --------
    >>> h, rows, bad = sheet_rows([["", ""], ["id", "title", ""], ["a", "x", ""], ["", "", ""],
    ...                            ["b", "y", "stray"]], Path("f.xlsx"))
    >>> h, rows, bad["row"].tolist()
    (['id', 'title'], [['1', 'a', 'x']], [3])
    >>> bad["reason"][0]
    'malformed row: a value in column 3, beyond the 2 named columns; give it a header or move it'
    """
    filled = [i for i, r in enumerate(records) if any(c.strip() for c in r)]
    if not filled:
        raise InputFileError(f"{path}: the first sheet is empty")
    header = list(records[filled[0]])
    while header and not header[-1].strip():
        header.pop()
    rows, bad = [], []
    for number, record in enumerate(records[filled[0] + 1 :], 1):
        if not any(c.strip() for c in record):
            continue
        beyond = [k for k, c in enumerate(record) if k >= len(header) and c.strip()]
        if beyond:
            bad.append(
                (
                    number,
                    f"malformed row: a value in column {beyond[0] + 1}, beyond the {len(header)} named columns; "
                    "give it a header or move it",
                )
            )
            continue
        rows.append([str(number), *(record + [""] * (len(header) - len(record)))[: len(header)]])
    return header, rows, reject_rows(str(path), [b[0] for b in bad], "", "", [b[1] for b in bad])
