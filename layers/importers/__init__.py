"""Importers: one module per input format, each returning an :class:`ImportResult`.

========  =====================  =======================================
format    module                 input
========  =====================  =======================================
csv       :mod:`.tabular`        plain CSV with place names or lat/lon
excel     :mod:`.tabular`        .xlsx, laid out like the plain CSV
acled     :mod:`.acled`          ACLED export CSV
ucdp      :mod:`.ucdp`           UCDP GED CSV
geojson   :mod:`.geojson`        GeoJSON Feature(Collection)
json      :mod:`.records`        a JSON array of records, read like a CSV
kml       :mod:`.kml`            KML or KMZ placemarks
timemap   :mod:`.timemap`        Forensic Architecture TimeMap events JSON
========  =====================  =======================================

Tables (csv, excel, json) take a column mapping (``columns=``, see
:mod:`.mapping`) and a day/month order (``dayfirst=``; None decides it from the
values and raises :class:`AmbiguousDateOrderError` when no value settles it).

For every importer ``imported + rejected == rows_in``. Whole-file failures
(unreadable, wrong schema) raise :class:`geo.errors.IncidentMapError`
subclasses; bad rows go to ``rejects``, doubtful ones to ``flagged``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd

from geo.errors import InputFileError, InvalidOptionError
from geo.gazetteer import Gazetteer
from layers.importers._build import AmbiguousDateOrderError, ImportResult, paused_gc
from layers.importers.acled import import_acled
from layers.importers.geojson import import_geojson
from layers.importers.kml import import_kml
from layers.importers.mapping import UnmappedColumnsError
from layers.importers.records import import_json_records
from layers.importers.tabular import import_csv, import_excel
from layers.importers.timemap import import_timemap, is_timemap
from layers.importers.ucdp import import_ucdp

__all__ = [
    "FORMATS",
    "MAPPED",
    "AmbiguousDateOrderError",
    "ImportResult",
    "UnmappedColumnsError",
    "detect_format",
    "import_file",
    "review_table",
]

IMPORTERS: dict[str, Callable[..., ImportResult]] = {
    "csv": import_csv,
    "excel": import_excel,
    "acled": import_acled,
    "ucdp": import_ucdp,
    "geojson": import_geojson,
    "json": import_json_records,
    "kml": import_kml,
    "timemap": import_timemap,
}
#: Formats that take a column mapping and a day/month order.
MAPPED = ("csv", "excel", "json")
FORMATS = ("auto", *IMPORTERS)
_EXTENSIONS = {
    ".xlsx": "excel",
    ".xlsm": "excel",
    ".geojson": "geojson",
    ".kml": "kml",
    ".kmz": "kml",
}
_ACLED_MARKERS = {"event_id_cnty", "event_date", "fatalities"}
_UCDP_MARKERS = {"where_prec", "date_prec", "type_of_violence", "where_coordinates"}


def detect_format(path: str | Path) -> str:
    r"""Guess the format of *path* from its extension and its first bytes.

    Text tables are told apart by their header: ACLED's ``event_id_cnty``,
    ``event_date`` and ``fatalities``; GED's ``where_prec`` / ``date_prec``.

    Raises
    ------
    InputFileError
        The file cannot be read.

    Examples
    --------
    >>> import tempfile, os
    >>> p = os.path.join(tempfile.mkdtemp(), "export.csv")
    >>> _ = open(p, "w").write("event_id_cnty,event_date,fatalities,latitude,longitude\n")
    >>> detect_format(p)
    'acled'
    """
    path = Path(path)
    try:
        with path.open("rb") as handle:
            head = handle.read(8192)
    except OSError as err:
        raise InputFileError(f"{path}: cannot read ({err.strerror or err})") from err
    suffix = path.suffix.lower()
    if suffix in _EXTENSIONS:
        return _EXTENSIONS[suffix]
    if head.startswith(b"PK"):
        return "kml" if b".kml" in head else "excel"
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if stripped.startswith(b"["):
        return "timemap" if is_timemap(path) else "json"
    if stripped.startswith(b"{"):
        return "geojson"
    if stripped.startswith(b"<"):
        return "kml"
    try:
        from geo.tables import decode_bytes

        first = decode_bytes(head, str(path)).lstrip("\ufeff").splitlines()[0] if head.strip() else ""
    except (InputFileError, IndexError):
        return "csv"
    names = {n.strip().strip('"').lower() for n in first.replace(";", ",").replace("\t", ",").split(",")}
    if _ACLED_MARKERS <= names:
        return "acled"
    if len(_UCDP_MARKERS & names) >= 2:
        return "ucdp"
    return "csv"


def import_file(
    path: str | Path,
    format: str = "auto",
    gazetteer: Gazetteer | None = None,
    *,
    columns: str | dict[str, str] | None = None,
    dayfirst: bool | None = None,
) -> ImportResult:
    """Import *path* with the importer for *format* (detected when "auto").

    Parameters
    ----------
    path : path
        The input file.
    format : str
        One of :data:`FORMATS`.
    gazetteer : Gazetteer, optional
        Geocodes rows that have a place name but no coordinates.
    columns : str or dict, optional
        Field → column mapping (``"date=incident_date,place=location_name"``) for csv, excel
        and json tables.
    dayfirst : bool or None
        Day/month order of numeric dates (None: from the values).

    Raises
    ------
    InvalidOptionError
        *format* is not one of :data:`FORMATS`.
    InputFileError, DataSchemaError
        The whole file cannot be read.
    """
    if format not in FORMATS:
        raise InvalidOptionError(f"{format!r} is not a valid format, must be one of {', '.join(FORMATS)}")
    if not Path(path).is_file():
        raise InputFileError(f"{path}: no such file")
    fmt = detect_format(path) if format == "auto" else format
    if columns and fmt not in MAPPED:
        raise InvalidOptionError(
            f"{path}: a column mapping applies to plain tables (csv, excel, json), not to {fmt}; "
            f"give --format csv to map the columns of this file yourself"
        )
    options = {"columns": columns, "dayfirst": dayfirst} if fmt in MAPPED else {}
    with paused_gc():
        return IMPORTERS[fmt](path, gazetteer, **options)


def review_table(result: ImportResult) -> pd.DataFrame:
    """Return the rows a person must place by hand: places to review, ambiguous or unresolved.

    Columns: file, row, value (the place name), reason, candidates
    ("place_id: Name (Governorate); …"), best_guess (the place_id to preselect: a
    ``review`` match's best guess, else empty).
    """
    rejects = result.rejects
    mask = rejects["reason"].astype(str).str.match(r"(ambiguous place|unresolved place|place to review)")
    out = rejects.loc[mask, ["file", "row", "value", "reason", "candidates"]].reset_index(drop=True)
    review = out["reason"].astype(str).str.startswith("place to review")
    guess = out["candidates"].astype(str).str.split(":").str[0]
    out["best_guess"] = guess.where(review, "")
    return out
