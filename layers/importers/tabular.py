"""Plain CSV and Excel tables of incidents with place names or coordinates.

Headers are matched to the model's fields by :mod:`layers.importers.mapping`
(the model's names, then a wide synonym list: ``incident_date`` → ``date_start``,
``location_name`` → ``place_reported``, ``geo_latitude`` → ``lat``, ``canonical_url``
→ ``source_url``…), or as the person maps them (``columns=``, the CLI's
``--columns``). A table needs a date column and either a place column or both
coordinates; without them :class:`~layers.importers.mapping.UnmappedColumnsError`
names the columns found and the best guesses.

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
from urllib.parse import urlsplit

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from geo.errors import DataSchemaError, InputFileError
from geo.gazetteer import Gazetteer
from geo.tables import decode_bytes
from layers.importers import budget
from layers.importers._build import ImportResult, build_result, reject_rows, row_digests
from layers.importers.mapping import SYNONYMS, UnmappedColumnsError, guess_mapping, normalise_header, parse_columns

__all__ = [
    "SYNONYMS",
    "frame_from_records",
    "import_csv",
    "import_excel",
    "read_csv_frame",
    "read_csv_rows",
    "stage_table",
]
#: Nesting deeper than this in a JSON cell (sources, figures) rejects the row.
MAX_JSON_DEPTH = 20

_SOURCE_COLUMNS = ("source", "source_url", "source_title", "source_date", "source_quote")
MAX_FIELD_CHARS = 1_000_000
#: How much of the text the separator is sniffed from (the first line, unless longer).
_HEAD_CHARS = 1 << 16
#: The pandas text dtype of raw cells (pandas' default ``str``, held by pyarrow).
_TEXT = pd.StringDtype("pyarrow", na_value=np.nan)


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
    header, numbers, rows, rejects = _read_records(Path(path))
    return header, [[str(n), *r] for n, r in zip(numbers, rows, strict=True)], rejects


def read_csv_frame(path: str | Path) -> tuple[pd.DataFrame, pd.DataFrame, int]:
    """Read a delimited text file into a raw table (see :func:`read_csv_rows`) column by column.

    The usual file (no blank line, no malformed row, no unbalanced quote) is parsed by pyarrow's
    CSV reader straight into text columns; any other goes through Python's :mod:`csv` row by row,
    with the same answers (the rows, their numbers, the rejects).

    Returns
    -------
    (DataFrame, DataFrame, int)
        The raw table (``_row``, ``_fields`` and one text column per header, named by
        :func:`~layers.importers.mapping.normalise_header`), the malformed rows as rejects,
        and the number of data rows (well-formed plus malformed).
    """
    path = Path(path)
    text, sep = _read_text(path)
    fast = _arrow_frame(text, sep, path)
    if fast is not None:
        return fast, reject_rows(str(path), [], "", "", []), len(fast)
    header, numbers, rows, rejects = _records(text, sep, path)
    return frame_from_records(header, numbers, rows, path), rejects, len(rows) + len(rejects)


def _read_records(path: Path) -> tuple[list[str], list[int], list[list[str]], pd.DataFrame]:
    """Return header, data row numbers, well-formed records and malformed-row rejects."""
    text, sep = _read_text(path)
    return _records(text, sep, path)


def _read_text(path: Path) -> tuple[str, str]:
    """Return the decoded text (no NUL, no leading blank) and its separator."""
    try:
        data = path.read_bytes()
    except OSError as err:
        raise InputFileError(f"{path}: cannot read ({err.strerror or err})") from err
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputFileError(f"{path}: binary data, not a text table; save it as CSV (UTF-8)")
    text = decode_bytes(data, str(path)).replace("\x00", "")
    if not text.strip():
        raise InputFileError(f"{path}: the file is empty")
    text = text.lstrip()
    head = text[:_HEAD_CHARS].splitlines()[0]
    if len(head) == _HEAD_CHARS:  # a very long first line: split the whole text
        head = text.splitlines()[0]
    return text, max((",", ";", "\t"), key=head.count)


def _records(text: str, sep: str, path: Path) -> tuple[list[str], list[int], list[list[str]], pd.DataFrame]:
    """Parse *text* with Python's csv module: header, row numbers, rows and malformed-row rejects."""
    csv.field_size_limit(MAX_FIELD_CHARS)
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), delimiter=sep))
    except csv.Error as err:
        raise InputFileError(f"{path}: not a readable table ({err}); check the quoting") from err
    header = [h.strip().lstrip("\ufeff") for h in records[0]]
    numbers, rows, bad = _split_records(records[1:], len(header))
    rejects = reject_rows(str(path), [b[0] for b in bad], "", "", [b[1] for b in bad])
    return header, numbers, rows, rejects


#: Two line breaks in a row make an empty line (``\r\n`` is one line break, ``\n\r`` two).
_EMPTY_LINE = ("\n\n", "\r\r", "\n\r")


def _arrow_frame(text: str, sep: str, path: Path) -> pd.DataFrame | None:
    """Parse *text* with pyarrow when that gives what :func:`_records` gives; else None.

    pyarrow skips empty lines (which the row numbers count) and reports malformed rows (a
    whitespace-only line among them) and unbalanced quotes without their numbers: such files,
    a one-column table, a header with a line break and a field above :data:`MAX_FIELD_CHARS`
    are left to :func:`_records`. Empty lines after the last row change no number.
    """
    end = len(text)  # the end without its trailing line breaks, found without copying the text
    while end and text[end - 1] in "\r\n" and len(text) - end < 64:
        end -= 1
    if end and text[end - 1] in "\r\n":  # a long run of them: let rstrip find it
        end = len(text.rstrip("\r\n"))
    pairs = _EMPTY_LINE if "\r" in text else _EMPTY_LINE[:1]  # one scan when there is no "\r" at all
    if any(text.find(pair, 0, end) >= 0 for pair in pairs):
        return None
    chunk = text[:_HEAD_CHARS]
    if len(text) > len(chunk) and "\n" not in chunk and "\r" not in chunk:
        return None  # a header longer than the chunk it is read from
    try:
        first = next(csv.reader(io.StringIO(chunk, newline=""), delimiter=sep))
    except (csv.Error, StopIteration):
        return None
    if len(first) < 2:
        return None
    if any("\n" in h or "\r" in h for h in first):
        return None
    names = [f"c{i}" for i in range(len(first))]
    invalid: list[object] = []

    def skip(row: object) -> str:
        invalid.append(row)
        return "skip"

    try:
        table = pacsv.read_csv(
            io.BytesIO(text.encode("utf-8")),
            read_options=pacsv.ReadOptions(column_names=names, skip_rows=1),
            parse_options=pacsv.ParseOptions(delimiter=sep, newlines_in_values=True, invalid_row_handler=skip),
            convert_options=pacsv.ConvertOptions(
                column_types=dict.fromkeys(names, pa.large_string()),
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except (pa.ArrowException, ValueError):
        return None
    if invalid or any(len(c) and pc.max(pc.utf8_length(c)).as_py() > MAX_FIELD_CHARS for c in table.columns):
        return None
    header = [h.strip().lstrip("\ufeff") for h in first]
    columns = _column_names(header, path)
    data: dict[str, object] = {"_row": np.arange(1, table.num_rows + 1, dtype=np.int64)}
    whole = [c.combine_chunks() for c in table.columns]  # one array per column, joined once below
    data.update({c: _arrow_column(v) for c, v in zip(columns, whole, strict=True)})
    data["_fields"] = _arrow_column(pc.binary_join_element_wise(*whole, pa.scalar("\x1e", pa.large_string())))
    df = pd.DataFrame(data, index=pd.RangeIndex(table.num_rows))
    df.attrs["headers"] = _headers(header, columns)
    return df


def _split_records(data: list[list[str]], width: int) -> tuple[list[int], list[list[str]], list[tuple[int, str]]]:
    """Split records (numbered from 1) into well-formed rows and malformed ones; blank lines are skipped.

    A record is a row when it has *width* fields (a one-field record only when that field is not
    blank); a blank record (no field, or one blank field) is skipped; any other is malformed.

    Examples
    --------
    >>> numbers, rows, bad = _split_records([["a", "b"], [], ["c"], [" "], ["d", "e", "f"]], 2)
    >>> numbers, rows, [b[0] for b in bad]
    ([1], [['a', 'b']], [3, 5])
    >>> bad[1][1]
    'malformed row: 3 fields where the header has 2; check separators and quotes on this row'
    """
    sizes = np.fromiter(map(len, data), dtype=np.int64, count=len(data))
    row = sizes == width
    short = np.flatnonzero(sizes <= 1)
    blank = np.zeros(len(data), dtype=bool)
    blank[short] = [not (data[i] and data[i][0].strip()) for i in short]
    row &= ~(blank & (sizes <= 1))
    if bool(row.all()):  # the usual file: every record is a row
        return list(range(1, len(data) + 1)), data, []
    bad = [
        (
            int(i) + 1,
            f"malformed row: {sizes[i]} fields where the header has {width}; check separators and quotes on this row",
        )
        for i in np.flatnonzero(~row & ~blank)
    ]
    keep = np.flatnonzero(row)
    return (keep + 1).tolist(), [data[i] for i in keep], bad


def _frame(header: list[str], rows: list[list[str]], path: Path) -> pd.DataFrame:
    """Build the raw table from rows that carry their data row number first (see :func:`read_csv_rows`)."""
    return frame_from_records(header, [int(r[0]) for r in rows], [r[1:] for r in rows], path)


def frame_from_records(header: list[str], numbers: list[int], rows: list[list[str]], path: Path) -> pd.DataFrame:
    r"""Build the raw table: ``_row`` (data row number), ``_fields`` (every field of the row) and the columns.

    ``_fields`` joins the row's fields as read with ``\x1e``: two rows are duplicates when it is
    the same, and a row without an id gets the SHA-1 of it (see
    :func:`layers.importers._build.row_digests`). Columns are built whole (pyarrow text arrays),
    not row by row.

    Raises
    ------
    DataSchemaError
        Two headers normalise to the same column name.
    """
    columns = _column_names(header, path)
    cells = list(zip(*rows, strict=True)) if rows else [() for _ in columns]
    data: dict[str, object] = {"_row": np.asarray(numbers, dtype=np.int64)}
    data.update({c: _text_column(v) for c, v in zip(columns, cells, strict=True)})
    data["_fields"] = _text_column(["\x1e".join(r) for r in rows])  # every field of the row, as read
    df = pd.DataFrame(data, index=pd.RangeIndex(len(rows)))
    df.attrs["headers"] = _headers(header, columns)
    return df


def _column_names(header: list[str], path: Path) -> list[str]:
    """Return the raw table's column names: the normalised headers, ``_blank<i>`` for empty ones."""
    names = [normalise_header(h) for h in header]
    seen: set[str] = set()
    for name in names:
        if name and name in seen:
            raise DataSchemaError(f"{path}: column {name!r} appears twice; rename one of them")
        seen.add(name)
    return [n or f"_blank{i}" for i, n in enumerate(names)]


def _headers(header: list[str], columns: list[str]) -> dict[str, str]:
    """Column name → the header as written in the file."""
    return {c: h.strip().lstrip("\ufeff") for c, h in zip(columns, header, strict=True)}


def _arrow_column(values: pa.ChunkedArray | pa.Array) -> pd.Series:
    """Return a pyarrow text array as a pandas text column (no copy into Python objects)."""
    values = values.combine_chunks() if isinstance(values, pa.ChunkedArray) else values
    return pd.Series(pd.arrays.ArrowStringArray(values.cast(pa.large_string()), dtype=_TEXT))


def _text_column(values: object) -> pd.Series:
    """Return a sequence of str as a pandas text column, built by pyarrow in one go."""
    return pd.Series(pd.arrays.ArrowStringArray(pa.array(values, type=pa.large_string()), dtype=_TEXT))


def stage_table(
    df: pd.DataFrame, path: str | Path, columns: str | dict[str, str] | None = None
) -> tuple[pd.DataFrame, dict[str, str]]:
    """Rename a raw table's columns to the model's fields and build the sources lists.

    Returns the staging table and the mapping used (field → column as written in the file).
    ``_fields`` (or ``_hash``) keeps every field of the input row (ids and duplicate rows).

    Raises
    ------
    UnmappedColumnsError
        There is no date column, or neither a place column nor lat and lon.
    """
    original = dict(df.attrs.get("headers") or {c: c for c in df.columns if not c.startswith("_")})
    back = {v: k for k, v in original.items()}
    mapping = guess_mapping(list(original.values()), parse_columns(columns))
    if not mapping.complete():
        found = ", ".join(original.values()) or "none"
        raise UnmappedColumnsError(
            f"{path}: needs {' and '.join(mapping.missing())} column(s); found: {found}. Say which column is "
            "which with --columns, e.g. --columns date=incident_date,place=location_name "
            "(or lat=…,lon=…)",
            list(original.values()),
            mapping,
        )
    key = "_fields" if "_fields" in df.columns else "_hash"
    out = pd.DataFrame({"_row": df["_row"], key: df[key] if key in df.columns else row_digests(df)})
    for name, header in mapping.fields.items():
        out[name] = df[back[header]]
    if "place_reported_ar" in out.columns:
        place = out["place_reported"].astype(str).str.strip() if "place_reported" in out.columns else ""
        out["place_reported"] = out["place_reported_ar"].where(place == "", place) if len(out) else place
    problems = pd.Series("", index=out.index)
    for name in ("sources", "figures"):
        if name in out.columns:
            parsed = out[name].map(_json_cell)
            out[name] = parsed.map(lambda v: v[0])
            err = parsed.map(lambda v: v[1])
            problems = problems.where(problems != "", err)
    from_columns = pd.Series(_sources_from_columns(out), index=out.index, dtype=object)
    if "sources" not in out.columns:
        out["sources"] = from_columns
    else:  # a row with an empty sources list keeps the source of its source/url columns
        empty = out["sources"].map(lambda v: not v)
        out["sources"] = out["sources"].where(~empty, from_columns)
    if bool((problems != "").any()):
        out["_reject"] = problems
    return out, mapping.summary()


def _json_cell(value: object) -> tuple[list[object], str]:
    """Parse a JSON list cell; return (list of objects, reject reason or "")."""
    text = "" if value is None else str(value).strip()
    if not text:
        return [], ""
    depth = deepest = 0
    for char in text:
        if char in "[{":
            depth += 1
            deepest = max(deepest, depth)
            if deepest > MAX_JSON_DEPTH:
                return [], f"nested too deeply: JSON nested more than {MAX_JSON_DEPTH} levels; flatten it"
        elif char in "]}":
            depth -= 1
    return _json_list(text), ""


def json_depth(value: object, limit: int = MAX_JSON_DEPTH) -> int:
    """Return how deeply lists and dicts nest in *value* (counting stops past *limit*), without recursion."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, (list, dict)):
            deepest = max(deepest, depth)
            if deepest > limit:
                return deepest
            stack.extend((v, depth + 1) for v in (item.values() if isinstance(item, dict) else item))
    return deepest


def _json_list(value: object) -> list[object]:
    try:
        data = json.loads(str(value)) if value not in (None, "") else []
    except (ValueError, RecursionError):
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
        if url and not pub:  # the site that published it, e.g. airwars.org
            pub = urlsplit(url).hostname or "" if url.lower().startswith(("http://", "https://")) else ""
            pub = pub.removeprefix("www.")
        if pub or url or title:
            out.append(
                [{"publisher": pub, "title": title, "date": date or None, "url": url, "quote": quote, "via": None}]
            )
        else:
            out.append([])
    return out


def import_csv(
    path: str | Path,
    gazetteer: Gazetteer | None = None,
    *,
    fmt: str = "csv",
    columns: str | dict[str, str] | None = None,
    dayfirst: bool | None = None,
) -> ImportResult:
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
    table, rejects, rows_in = read_csv_frame(path)
    raw, mapping = stage_table(table, path, columns)
    return build_result(
        raw,
        file=str(path),
        fmt=fmt,
        rows_in=rows_in,
        gazetteer=gazetteer,
        pre_rejects=rejects,
        dayfirst=dayfirst,
        mapping=mapping,
        prefix_file_ids=True,
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


def import_excel(
    path: str | Path,
    gazetteer: Gazetteer | None = None,
    *,
    columns: str | dict[str, str] | None = None,
    dayfirst: bool | None = None,
) -> ImportResult:
    """Import the first sheet of an Excel workbook (.xlsx) laid out like the plain CSV.

    Raises
    ------
    InputFileError, DataSchemaError
        The workbook cannot be opened, or lacks the required columns.
    """
    path = Path(path)
    header, rows, rejects = excel_rows(path)
    raw, mapping = stage_table(_frame(header, rows, path), path, columns)
    return build_result(
        raw,
        file=str(path),
        fmt="excel",
        rows_in=len(rows) + len(rejects),
        gazetteer=gazetteer,
        pre_rejects=rejects,
        dayfirst=dayfirst,
        mapping=mapping,
        prefix_file_ids=True,
    )


def excel_rows(path: Path) -> tuple[list[str], list[list[str]], pd.DataFrame]:
    """Read the first sheet of a workbook into header, rows and rejects (see :func:`sheet_rows`)."""
    from openpyxl import load_workbook

    budget.check_xlsx(path)  # zip sizes and ratios, no DOCTYPE or entities, before openpyxl reads it
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as err:  # openpyxl raises many kinds for a broken zip/XML
        raise InputFileError(f"{path}: not a readable Excel workbook ({type(err).__name__}: {err})") from err
    try:
        sheet = book.worksheets[0]
        records = [(number, [_cell(v) for v in row]) for number, row in budget.sheet_rows(sheet, str(path))]
    finally:
        book.close()
    return sheet_rows(records, path)


def sheet_rows(records: list[tuple[int, list[str]]], path: Path) -> tuple[list[str], list[list[str]], pd.DataFrame]:
    """Split a sheet's numbered cell texts into header, rows (data row number prepended) and rejects.

    *records* are ``(sheet row number, cell texts)``, possibly with blank rows left out. The
    header is the first non-blank row, without its trailing empty cells. Rows are numbered
    like the CSV importer's (1 = the row under the header, blank rows counted), blank rows are
    skipped, and a row with a value beyond the header's last column is rejected rather than cut.

    Examples
    --------
    >>> h, rows, bad = sheet_rows([(1, ["", ""]), (2, ["id", "title", ""]), (3, ["a", "x", ""]),
    ...                            (4, ["", "", ""]), (6, ["b", "y", "stray"])], Path("f.xlsx"))
    >>> h, rows, bad["row"].tolist()
    (['id', 'title'], [['1', 'a', 'x']], [4])
    >>> bad["reason"][0]
    'malformed row: a value in column 3, beyond the 2 named columns; give it a header or move it'
    """
    filled = [i for i, (_, r) in enumerate(records) if any(c.strip() for c in r)]
    if not filled:
        raise InputFileError(f"{path}: the first sheet is empty")
    header_at, header_cells = records[filled[0]]
    header = list(header_cells)
    while header and not header[-1].strip():
        header.pop()
    rows, bad = [], []
    for sheet_number, record in records[filled[0] + 1 :]:
        number = sheet_number - header_at
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
