"""What the app's mapping form needs: a table's headers and its first rows as they would import."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from geo.errors import IncidentMapError
from geo.gazetteer import Gazetteer
from layers.importers._build import build_result
from layers.importers.mapping import ColumnMapping, guess_mapping
from layers.importers.records import json_rows
from layers.importers.tabular import _frame, excel_rows, read_csv_rows, stage_table

__all__ = ["PREVIEW_COLUMNS", "preview_import", "table_headers"]

#: The columns the preview shows.
PREVIEW_COLUMNS = ("id", "date_start", "date_end", "title", "place_reported", "lat", "lon", "deaths_best", "flags")


def _rows(path: Path, fmt: str) -> tuple[list[str], list[list[str]]]:
    if fmt == "excel":
        header, rows, _ = excel_rows(path)
    elif fmt == "json":
        header, rows, _, _ = json_rows(path)
    else:
        header, rows, _ = read_csv_rows(path)
    return header, rows


def table_headers(path: str | Path, fmt: str) -> tuple[list[str], ColumnMapping]:
    """Return a table's headers and the best-guess mapping of them."""
    header, _ = _rows(Path(path), fmt)
    headers = [h.strip().lstrip("\ufeff") for h in header]
    return headers, guess_mapping(headers)


def preview_import(
    path: str | Path,
    fmt: str,
    columns: dict[str, str],
    *,
    dayfirst: bool | None = None,
    gazetteer: Gazetteer | None = None,
    rows: int = 5,
) -> tuple[pd.DataFrame, str]:
    """Import the first *rows* rows with *columns*; return them (or their rejects) and a message.

    The message is empty when the rows import, else what is still missing (an incomplete
    mapping, an ambiguous day/month order) or the rejects' reasons.
    """
    path = Path(path)
    header, data = _rows(path, fmt)
    first = data[:rows]
    guess = guess_mapping([h.strip().lstrip("\ufeff") for h in header], columns)
    if not guess.complete():
        return pd.DataFrame(), f"still needed: {', '.join(guess.missing())}"
    try:
        raw, mapping = stage_table(_frame(header, first, path), path, columns)
        result = build_result(
            raw,
            file=path.name,
            fmt=fmt,
            rows_in=len(first),
            gazetteer=gazetteer,
            dayfirst=dayfirst,
            mapping=mapping,
            prefix_file_ids=True,
        )
    except IncidentMapError as err:
        return pd.DataFrame(), str(err).replace(str(path), path.name)
    shown = pd.DataFrame(result.incidents.drop(columns="geometry"))[list(PREVIEW_COLUMNS)]
    for column in ("date_start", "date_end"):
        shown[column] = shown[column].dt.strftime("%Y-%m-%d")
    note = "; ".join(f"row {r.row}: {r.reason}" for r in result.rejects.itertuples())
    return shown, note
