"""A JSON array of records (a list of objects, as many tools publish), read like a CSV.

Each object is a row; the keys are the headers (the union of every object's keys, in
the order first seen), matched to the model exactly as a CSV's headers are (synonyms,
``columns=``). Nested values (lists, objects) become JSON text, so a ``sources`` list is
read as in a CSV. An item that is not an object is a reject of its own.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from geo.errors import DataSchemaError, InputFileError
from geo.gazetteer import Gazetteer
from layers.importers._build import ImportResult, build_result, reject_rows
from layers.importers.tabular import _frame, stage_table

__all__ = ["MAX_BYTES", "import_json_records", "json_rows", "read_json"]

MAX_BYTES = 200 * 1024 * 1024


def read_json(path: Path) -> Any:
    """Read a JSON file under the size limit.

    Raises
    ------
    InputFileError
        Missing, too large, not UTF-8 JSON, or nested too deeply to read.
    """
    try:
        if path.stat().st_size > MAX_BYTES:
            raise InputFileError(f"{path}: larger than {MAX_BYTES // 2**20} MB; split the file")
        return json.loads(path.read_bytes().decode("utf-8-sig"))
    except OSError as err:
        raise InputFileError(f"{path}: cannot read ({err.strerror or err})") from err
    except RecursionError as err:
        raise InputFileError(f"{path}: JSON nested too deeply to read; flatten it") from err
    except (UnicodeDecodeError, ValueError) as err:
        raise InputFileError(f"{path}: not JSON text ({str(err)[:120]}); save it as JSON in UTF-8") from err


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def json_rows(path: Path, data: Any = None) -> tuple[list[str], list[list[str]], Any, int]:
    """Read a JSON array of records into header, rows (number prepended), rejects and the item count."""
    data = read_json(path) if data is None else data
    if not isinstance(data, list):
        raise DataSchemaError(f"{path}: not a JSON array of records (the top level is a {type(data).__name__})")
    header: dict[str, None] = {}
    for item in data:
        if isinstance(item, dict):
            header.update(dict.fromkeys(str(k) for k in item))
    names = list(header)
    rows, bad = [], []
    for number, item in enumerate(data, 1):
        if not isinstance(item, dict):
            kind = "number" if isinstance(item, (int, float)) else type(item).__name__
            bad.append((number, f"not a record: item {number} is a {kind}, not an object with fields"))
            continue
        values = {str(k): v for k, v in item.items()}
        rows.append([str(number), *(_cell(values.get(n)) for n in names)])
    rejects = reject_rows(str(path), [b[0] for b in bad], "", "", [b[1] for b in bad])
    return names, rows, rejects, len(data)


def import_json_records(
    path: str | Path,
    gazetteer: Gazetteer | None = None,
    *,
    columns: str | dict[str, str] | None = None,
    dayfirst: bool | None = None,
    data: Any = None,
) -> ImportResult:
    r"""Import a JSON array of objects like a CSV table.

    Raises
    ------
    InputFileError, DataSchemaError
        The file cannot be read, is not a list, or lacks the required fields.

    Examples
    --------
    >>> import tempfile, os
    >>> p = os.path.join(tempfile.mkdtemp(), "a.json")
    >>> _ = open(p, "w").write('[{"incident_date": "2025-03-07", "geo_latitude": 35.35, "geo_longitude": 35.92}, 3]')
    >>> r = import_json_records(p)
    >>> r.rows_in, r.imported, r.rejects["reason"].tolist()
    (2, 1, ['not a record: item 2 is a number, not an object with fields'])
    """
    path = Path(path)
    names, rows, rejects, count = json_rows(path, data)
    raw, mapping = stage_table(_frame(names, rows, path), path, columns)
    return build_result(
        raw,
        file=str(path),
        fmt="json",
        rows_in=count,
        gazetteer=gazetteer,
        pre_rejects=rejects,
        dayfirst=dayfirst,
        mapping=mapping,
        prefix_file_ids=True,
    )
