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
import hashlib
import io
import json
from pathlib import Path
from urllib.parse import urlsplit

import pandas as pd

from geo.errors import DataSchemaError, InputFileError
from geo.gazetteer import Gazetteer
from geo.tables import decode_bytes
from layers.importers import budget
from layers.importers._build import ImportResult, build_result, reject_rows, row_digests
from layers.importers.mapping import SYNONYMS, UnmappedColumnsError, guess_mapping, normalise_header, parse_columns

__all__ = ["SYNONYMS", "import_csv", "import_excel", "read_csv_rows", "stage_table"]
#: Nesting deeper than this in a JSON cell (sources, figures) rejects the row.
MAX_JSON_DEPTH = 20

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
    width = len(header)
    for number, record in enumerate(records[1:], 1):
        size = len(record)
        if size == width and (size > 1 or record[0].strip()):
            rows.append([str(number), *record])
            continue
        if size <= 1 and not (record and record[0].strip()):
            continue
        if size != width:
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


def _digest(row: list[str]) -> str:
    return hashlib.sha1("\x1e".join(row[1:]).encode("utf-8"), usedforsecurity=False).hexdigest()


def _frame(header: list[str], rows: list[list[str]], path: Path) -> pd.DataFrame:
    names = [normalise_header(h) for h in header]
    seen: set[str] = set()
    for name in names:
        if name and name in seen:
            raise DataSchemaError(f"{path}: column {name!r} appears twice; rename one of them")
        seen.add(name)
    columns = ["_row", *[n or f"_blank{i}" for i, n in enumerate(names)]]
    df = pd.DataFrame(rows, columns=columns, dtype=object)
    df["_row"] = df["_row"].astype(int)
    df["_hash"] = [_digest(r) for r in rows]  # every field of the row, as read
    pairs = enumerate(zip(names, header, strict=True))
    df.attrs["headers"] = {n or f"_blank{i}": h.strip().lstrip("\ufeff") for i, (n, h) in pairs}
    return df


def stage_table(
    df: pd.DataFrame, path: str | Path, columns: str | dict[str, str] | None = None
) -> tuple[pd.DataFrame, dict[str, str]]:
    """Rename a raw table's columns to the model's fields and build the sources lists.

    Returns the staging table and the mapping used (field → column as written in the file).
    ``_hash`` holds a digest of every field of the input row (ids and duplicate rows).

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
    out = pd.DataFrame({"_row": df["_row"], "_hash": row_digests(df)})  # the digest of _frame when there is one
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
    header, rows, rejects = read_csv_rows(path)
    raw, mapping = stage_table(_frame(header, rows, path), path, columns)
    return build_result(
        raw,
        file=str(path),
        fmt=fmt,
        rows_in=len(rows) + len(rejects),
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
        records = [[_cell(v) for v in row] for row in budget.sheet_rows(sheet, str(path))]
    finally:
        book.close()
    return sheet_rows(records, path)


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
