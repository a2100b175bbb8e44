"""Text hygiene for what users see and what leaves the tool: bidi controls, NUL bytes, server paths.

* Bidi controls (U+202A–U+202E, U+2066–U+2069, U+200E/U+200F, U+061C) are invisible and
  reorder what is shown: "‮secrof noitisoppo" displays as "opposition forces" while the
  stored text is reversed, and a filter for "opposition" misses it. :func:`strip_bidi`
  removes them from labels and from both sides of a text filter.
* A NUL byte (or another control character XML cannot hold) is cut off silently by the
  GeoPackage driver and makes KML invalid: :func:`find_unwritable` finds the first one so
  the writer can refuse with a reason naming the record and field.
* :func:`scrub_paths` removes the server's temporary and home folders from a message.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from geo.errors import ExportError

__all__ = ["BIDI_CONTROLS", "check_writable", "find_unwritable", "scrub_paths", "strip_bidi"]

BIDI_CONTROLS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069\u061c]")
_NUL = re.compile("\x00")
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def strip_bidi(text: object) -> str:
    """Return *text* as a string without bidi control characters.

    Examples
    --------
    >>> strip_bidi("\u202eopposition forces\u202c")
    'opposition forces'
    """
    return BIDI_CONTROLS.sub("", "" if text is None else str(text))


def find_unwritable(df: pd.DataFrame, *, xml: bool = False) -> tuple[int, str, str] | None:
    r"""Return (row position, column, character) of the first text cell a writer cannot hold, or None.

    Always a NUL byte; with *xml*, any control character XML 1.0 forbids.

    Examples
    --------
    >>> find_unwritable(pd.DataFrame({"id": ["a", "b"], "title": ["ok", "x\x00y"]}))
    (1, 'title', 'U+0000')
    >>> find_unwritable(pd.DataFrame({"t": ["bell\x07"]}), xml=True)
    (0, 't', 'U+0007')
    """
    pattern = _XML_ILLEGAL if xml else _NUL
    for column in df.columns:
        values = df[column]
        if pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values):
            continue
        for position, value in enumerate(values):
            text = value if isinstance(value, str) else (str(value) if isinstance(value, (list, dict)) else None)
            if text is None:
                continue
            found = pattern.search(text)
            if found:
                return position, str(column), f"U+{ord(found.group()):04X}"
    return None


def check_writable(df: pd.DataFrame, label: str, *, xml: bool = False, error: type[Exception] = ExportError) -> None:
    """Raise *error* naming the record and field of the first cell :func:`find_unwritable` finds."""
    found = find_unwritable(df, xml=xml)
    if found is not None:
        row, column, char = found
        record = df["id"].iloc[row] if "id" in df.columns else row + 1
        raise error(
            f"{label}: record {record!r}, field {column!r} holds the control character {char}, "
            "which this format cannot store; remove it from the data first"
        )


def scrub_paths(message: object, folders: Iterable[str | Path] = ()) -> str:
    """Return *message* with *folders*, the temporary directory and the home folder left out.

    Examples
    --------
    >>> scrub_paths("/tmp/tmpab12/evil.kml: not KML", ["/tmp/tmpab12"])
    'evil.kml: not KML'
    """
    text = str(message)
    tmp = Path(tempfile.gettempdir())
    candidates = [Path(f) for f in folders] + [tmp, tmp.resolve(), Path.home()]
    for folder in sorted({str(f) for f in candidates if str(f) not in ("", "/")}, key=len, reverse=True):
        # a folder and whatever temporary sub-folders follow it, up to the file name
        text = re.sub(re.escape(folder) + r"(?:/[^/\s:'\"]+)*/", "", text)
    return text
