"""Check a GeoPackage before the store reads it: plain tables, values of the right kind, bounded work.

A GeoPackage is a SQLite database, and one that did not come from this tool (or was
edited by hand) can hold what GDAL would read without a word or never finish reading:
the incidents layer as a *view* whose query never ends, ``'x'`` in a latitude column
(read as 0.0 — a point in the sea off Africa), ``'yes'`` in ``sensitive`` (read as
false — a sensitive record made public), ``'many'`` deaths (read as 0), or sources
nested thousands of levels deep. :func:`check_gpkg` opens the file read-only with
Python's sqlite3, under a time budget enforced by a progress handler, and refuses
such a file with a message naming the rows and fields, before GDAL reads it.
"""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

from geo.errors import StoreError

__all__ = ["MAX_JSON_DEPTH", "READ_BUDGET_S", "check_gpkg", "json_depth"]

#: Seconds a check may take (a real file of 200,000 incidents takes well under one).
READ_BUDGET_S = 20.0
#: How deep a source or figure list may nest (the model's are 2 or 3 deep).
MAX_JSON_DEPTH = 32
_NUMERIC = (
    "lat",
    "lon",
    "chainage_km",
    "geo_precision",
    "deaths_low",
    "deaths_best",
    "deaths_high",
    "injured",
    "missing_or_abducted",
)
_BOOLEAN = ("sensitive", "aggregate")
_JSON = ("sources", "figures")
_SHOWN = 5


def json_depth(text: str) -> int:
    """Return the deepest nesting of brackets in JSON *text* (outside strings).

    >>> json_depth('[{"a": [1, "]]]"]}]')
    3
    """
    depth = deepest = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
    return deepest


def check_gpkg(
    path: Path, layer: str = "incidents", budget_s: float = READ_BUDGET_S, *, ids: tuple[str, ...] | None = None
) -> None:
    """Refuse a GeoPackage whose *layer* is not a plain table or holds values of the wrong kind.

    With *ids*, only the rows with those ids are checked (one record read by the store's
    ``get`` or ``update``); the layer is still checked to be a table.

    Raises
    ------
    StoreError
        Not a SQLite file, the layer missing or a view, the time budget spent, or
        wrong-kind values (up to five named by row id and field).
    """
    deadline = time.monotonic() + budget_s
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    except sqlite3.Error as err:
        raise StoreError(f"{path.name}: not a readable GeoPackage ({err})") from err
    con.set_progress_handler(lambda: int(time.monotonic() > deadline), 10_000)
    try:
        kind = con.execute("SELECT type FROM sqlite_master WHERE name = ?", (layer,)).fetchone()
        if kind is None:
            raise StoreError(f"{path.name}: no {layer!r} table; save the dataset with layers.store.save_gpkg")
        if kind[0] != "table":
            raise StoreError(f"{path.name}: {layer!r} is a {kind[0]}, not a table; the store reads tables only")
        columns = {row[1] for row in con.execute(f'PRAGMA table_info("{layer}")')}
        scope: tuple[str, tuple[str, ...]] = ("", ())
        if ids is not None and "id" in columns:
            scope = (f' AND "id" IN ({", ".join("?" * len(ids))})', tuple(ids))
        problems = _wrong_kinds(con, layer, columns, scope) + _deep_json(con, layer, columns, scope)
    except sqlite3.OperationalError as err:
        if time.monotonic() > deadline:
            raise StoreError(f"{path.name}: reading took more than {budget_s:g} s; the file was not opened") from err
        raise StoreError(f"{path.name}: not a readable GeoPackage ({err})") from err
    except sqlite3.DatabaseError as err:
        raise StoreError(f"{path.name}: not a readable GeoPackage ({err})") from err
    finally:
        con.close()
    if problems:
        more = f" (and {len(problems) - _SHOWN} more)" if len(problems) > _SHOWN else ""
        raise StoreError(
            f"{path.name}: values of the wrong kind, so the file was not opened: " + "; ".join(problems[:_SHOWN]) + more
        )


def _wrong_kinds(
    con: sqlite3.Connection, layer: str, columns: set[str], scope: tuple[str, tuple[str, ...]] = ("", ())
) -> list[str]:
    checks = [
        (c, f"typeof(\"{c}\") NOT IN ('integer', 'real', 'null') OR abs(\"{c}\") > 1e300", "not a number")
        for c in _NUMERIC
        if c in columns
    ]
    checks += [(c, f'"{c}" IS NOT NULL AND "{c}" NOT IN (0, 1)', "not 0 or 1") for c in _BOOLEAN if c in columns]
    checks += [
        (
            c,
            f'"{c}" IS NOT NULL AND "{c}" != \'\' AND (NOT json_valid("{c}") OR json_type("{c}") != \'array\')',
            "not a JSON list",
        )
        for c in _JSON
        if c in columns
    ]
    ident = '"id"' if "id" in columns else "rowid"
    problems = []
    for column, condition, what in checks:
        for ident_value, value in con.execute(
            f'SELECT {ident}, substr(CAST("{column}" AS TEXT), 1, 40) FROM "{layer}" '
            f"WHERE ({condition}){scope[0]} LIMIT 6",
            scope[1],
        ):
            problems.append(f"row {ident_value!r}, field {column}: {value!r} is {what}")
    return problems


def _deep_json(
    con: sqlite3.Connection, layer: str, columns: set[str], scope: tuple[str, tuple[str, ...]] = ("", ())
) -> list[str]:
    problems = []
    ident = '"id"' if "id" in columns else "rowid"
    for column in (c for c in _JSON if c in columns):
        # Only values with many brackets can nest deeply: count them in SQL, scan those in Python.
        brackets = f"length(\"{column}\") - length(replace(replace(\"{column}\", '[', ''), '{{', ''))"
        query = f'SELECT {ident}, "{column}" FROM "{layer}" WHERE {brackets} > {MAX_JSON_DEPTH}{scope[0]}'
        for ident_value, text in con.execute(query, scope[1]):
            if isinstance(text, str) and json_depth(text) > MAX_JSON_DEPTH:
                problems.append(f"row {ident_value!r}, field {column}: nested more than {MAX_JSON_DEPTH} levels")
    return problems
