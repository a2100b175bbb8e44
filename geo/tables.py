"""Reading and writing text tables safely: encodings, formula cells, atomic writes."""

from __future__ import annotations

import io
import os
import tempfile
from pathlib import Path

import pandas as pd

from geo.errors import InputFileError

__all__ = ["decode_bytes", "neutralize_formulas", "read_text_table", "write_csv_atomic"]

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def decode_bytes(data: bytes, name: str = "<input>") -> str:
    r"""Decode a text file: UTF-8 (with or without BOM), UTF-16 with BOM, or Windows-1256.

    Examples
    --------
    >>> decode_bytes("جبلة".encode("cp1256"))
    'جبلة'
    >>> decode_bytes(b"\xef\xbb\xbfname")
    'name'
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as err:
            raise InputFileError(f"{name}: starts like UTF-16 but does not decode: {err}") from err
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1256")
    except UnicodeDecodeError as err:
        raise InputFileError(f"{name}: not UTF-8, UTF-16 or Windows-1256 text ({err})") from err


def read_text_table(path: str | Path, *, sep: str | None = None) -> pd.DataFrame:
    """Read a delimited text file as strings (no value is guessed into NaN).

    The separator is sniffed (comma, semicolon, tab) unless given.

    Raises
    ------
    InputFileError
        The file is missing, not text, or not a table.
    """
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as err:
        raise InputFileError(f"{path}: cannot read ({err.strerror or err})") from err
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputFileError(f"{path}: binary data, not a text table")
    text = decode_bytes(data, str(path))
    if not text.strip():
        raise InputFileError(f"{path}: the file is empty")
    if sep is None:
        head = text.splitlines()[0]
        sep = max((",", ";", "\t"), key=head.count)
    try:
        return pd.read_csv(
            io.StringIO(text),
            sep=sep,
            dtype=str,
            keep_default_na=False,
            na_filter=False,
            on_bad_lines="error",
            engine="python",
        )
    except (pd.errors.ParserError, ValueError, csv_error()) as err:
        raise InputFileError(f"{path}: not a readable table ({err})") from err


def csv_error() -> type[Exception]:
    """Return the csv module's Error class (raised for malformed quoting)."""
    import csv

    return csv.Error


def neutralize_formulas(df: pd.DataFrame) -> pd.DataFrame:
    """Return a copy where text cells and header cells a spreadsheet would run as a formula start with '.

    Cells starting with = + - @ (or a tab/CR) are prefixed with an apostrophe,
    which spreadsheets show as text. Numeric columns are left alone. Column names
    are cells too (a user's file can name a column ``=HYPERLINK(…)``).

    Examples
    --------
    >>> neutralize_formulas(pd.DataFrame({"a": ["=1+1", "ok", "-x"]}))["a"].tolist()
    ["'=1+1", 'ok', "'-x"]
    >>> list(neutralize_formulas(pd.DataFrame({"=cmd|' /C calc'!A0": [1]})).columns)
    ["'=cmd|' /C calc'!A0"]
    """
    out = df.copy()
    out.columns = [
        "'" + name if isinstance(name, str) and name.startswith(_FORMULA_START) else name for name in out.columns
    ]
    for column in out.columns:
        if pd.api.types.is_numeric_dtype(out[column]) or pd.api.types.is_bool_dtype(out[column]):
            continue
        values = out[column]
        mask = values.map(lambda v: isinstance(v, str) and v.startswith(_FORMULA_START))
        if bool(mask.any()):
            out[column] = values.where(~mask, "'" + values.astype(str))
    return out


def write_csv_atomic(df: pd.DataFrame, path: str | Path) -> None:
    """Write *df* as UTF-8 CSV through a temporary file renamed into place.

    A failure leaves any previous file at *path* untouched.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            df.to_csv(handle, index=False)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
