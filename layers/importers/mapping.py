"""Which column of a file is which field of the model: synonyms, ``--columns``, remembered mappings.

A table's headers are matched to the model's fields (:data:`FIELDS`) case-insensitively,
with spaces and hyphens read as ``_``: first the field's own name, then its synonyms
(:data:`SYNONYMS`, wide enough for the usual exports: ACLED-like, UCDP-like, Airwars,
Syrian Archive, spreadsheet templates). A person can say which column is which with
``--columns date=incident_date,place=location_name,lat=geo_latitude`` (the CLI) or the
app's mapping form; the names on the left are :data:`FIELDS` or the short names of
:data:`SHORT_NAMES`. A given mapping wins over the guesses.

The app remembers a mapping for files with the same headers (:func:`remember_mapping`,
:func:`remembered_mapping`) in ``mappings.json`` of the user's folder.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from geo.errors import DataSchemaError, InvalidOptionError

__all__ = [
    "FIELDS",
    "SHORT_NAMES",
    "SYNONYMS",
    "ColumnMapping",
    "UnmappedColumnsError",
    "guess_mapping",
    "header_key",
    "normalise_header",
    "parse_columns",
    "remember_mapping",
    "remembered_dayfirst",
    "remembered_mapping",
]

#: Every field a column can be mapped to, with what it holds.
FIELDS: dict[str, str] = {
    "id": "the record's own id (kept, prefixed by the format)",
    "date_start": "date of the event, or its first day",
    "date_end": "last day of the event",
    "date_precision": "day, week, month or year",
    "title": "short title",
    "event_type": "kind of event",
    "place_reported": "place name as reported",
    "place_reported_ar": "place name in Arabic (geocoded when the other name is not found)",
    "place_context": "governorate or city that disambiguates the place",
    "admin1": "governorate",
    "lat": "latitude (decimal degrees)",
    "lon": "longitude (decimal degrees)",
    "geo_precision": "1 exact, 2 town, 3 area",
    "deaths_low": "lowest reported deaths",
    "deaths_best": "deaths (best figure)",
    "deaths_high": "highest reported deaths",
    "injured": "injured",
    "missing_or_abducted": "missing or abducted",
    "perpetrator_reported": "perpetrator as reported",
    "victim_group_reported": "victims as reported",
    "actor1": "first actor (no direction implied)",
    "actor2": "second actor (no direction implied)",
    "campaign": "campaign or layer",
    "summary": "description or notes",
    "confidence": "confirmed, fair, weak or contested",
    "sensitive": "true when a quote names a private person",
    "aggregate": "true for a regional total",
    "sources": "JSON list of sources",
    "figures": "JSON list of figures",
    "source": "publisher of the source",
    "source_url": "address of the source",
    "source_title": "title of the source",
    "source_date": "date of the source",
    "source_quote": "quote from the source",
}
#: Short names accepted on the left of ``--columns``.
SHORT_NAMES = {
    "date": "date_start",
    "start": "date_start",
    "end": "date_end",
    "place": "place_reported",
    "place_ar": "place_reported_ar",
    "context": "place_context",
    "governorate": "place_context",
    "type": "event_type",
    "deaths": "deaths_best",
    "perpetrator": "perpetrator_reported",
    "victims": "victim_group_reported",
    "url": "source_url",
    "publisher": "source",
}
_SYNONYM_LISTS: dict[str, tuple[str, ...]] = {
    "id": (
        "unique_event_id",
        "event_id",
        "incident_id",
        "record_id",
        "uid",
        "uuid",
        "incident_code",
        "event_code",
        "code",
        "reference",
        "ref",
    ),
    "date_start": (
        "date",
        "start_date",
        "incident_date",
        "event_date",
        "date_time",
        "datetime",
        "date_of_incident",
        "date_of_event",
        "incident_datetime",
        "date_from",
        "from_date",
        "begin_date",
        "occurred_on",
        "when",
        "التاريخ",
    ),
    "date_end": ("end_date", "date_to", "to_date", "incident_end_date", "last_date"),
    "title": ("name", "headline", "event_title", "incident_title", "incident_name"),
    "event_type": ("type", "incident_type", "category", "event_category", "violation_type"),
    "place_reported": (
        "place",
        "location",
        "location_name",
        "place_name",
        "location_en",
        "place_en",
        "locality",
        "site",
        "village",
        "town",
        "city",
        "المكان",
    ),
    "place_reported_ar": ("location_name_ar", "location_ar", "place_ar", "place_name_ar", "name_ar"),
    "place_context": ("governorate", "context", "province", "region", "muhafaza", "المحافظة"),
    "admin1": ("adm_1", "admin_1", "admin1_name"),
    "lat": ("latitude", "geo_latitude", "lat_dd", "location_latitude", "y", "lat_y"),
    "lon": ("longitude", "geo_longitude", "lng", "long", "lon_dd", "location_longitude", "x", "lon_x"),
    "geo_precision": ("location_precision", "geoprecision"),
    "deaths_low": ("deaths_min", "min_deaths", "killed_min", "fatalities_min", "civilians_killed_min"),
    "deaths_best": (
        "deaths",
        "killed",
        "fatalities",
        "number_killed",
        "deaths_reported",
        "civilian_deaths",
        "total_killed",
        "victims_count",
        "القتلى",
    ),
    "deaths_high": ("deaths_max", "max_deaths", "killed_max", "fatalities_max", "civilians_killed_max"),
    "injured": ("wounded", "injuries", "number_injured", "civilians_injured", "الجرحى"),
    "missing_or_abducted": ("missing", "abducted", "disappeared"),
    "perpetrator_reported": ("perpetrator", "perpetrators", "alleged_perpetrator", "belligerent", "attacker"),
    "victim_group_reported": ("victims", "victim", "victim_group", "target", "targets"),
    "campaign": ("layer",),
    "summary": ("description", "notes", "details", "narrative", "summary_en", "comments", "desc"),
    "source": ("publisher", "source_name", "reported_by", "source_publisher"),
    "source_url": ("url", "link", "canonical_url", "source_link", "permalink", "page_url", "href", "source_urls"),
    "source_title": ("article_title", "source_headline"),
    "source_date": ("publication_date", "published", "published_date"),
    "source_quote": ("quote",),
}
#: Header (normalised) → field, for every synonym.
SYNONYMS: dict[str, str] = {s: f for f, names in _SYNONYM_LISTS.items() for s in names}
#: A table needs these (date, and a place or both coordinates).
REQUIRED_TEXT = "a date column and a place column or latitude and longitude"


def normalise_header(name: object) -> str:
    """Return a header as matched: stripped, lower case, spaces and hyphens as ``_``.

    Examples
    --------
    >>> normalise_header(" Unique Event-ID ")
    'unique_event_id'
    """
    text = str(name).strip().lstrip("\ufeff").lower()
    return "_".join(text.replace("-", " ").split())


@dataclass(frozen=True, slots=True)
class ColumnMapping:
    """Which file column feeds which field (``fields``: field → column as in the file)."""

    fields: dict[str, str] = field(default_factory=dict)
    unused: tuple[str, ...] = ()
    given: tuple[str, ...] = ()

    def complete(self) -> bool:
        """Return True when there is a date and a place or both coordinates."""
        f = self.fields
        return "date_start" in f and ("place_reported" in f or "place_reported_ar" in f or {"lat", "lon"} <= set(f))

    def missing(self) -> list[str]:
        """Return the required fields not mapped yet."""
        out = [] if "date_start" in self.fields else ["date"]
        if not ({"place_reported", "place_reported_ar"} & set(self.fields) or {"lat", "lon"} <= set(self.fields)):
            out.append("place (or lat and lon)")
        return out

    def summary(self) -> dict[str, str]:
        """Return field → column, for the JSON summary."""
        return dict(self.fields)


class UnmappedColumnsError(DataSchemaError):
    """The headers do not say which column is the date or the place; a mapping is needed."""

    def __init__(self, message: str, headers: list[str], guess: ColumnMapping) -> None:
        super().__init__(message)
        self.headers = headers
        self.guess = guess


def parse_columns(spec: str | Mapping[str, str] | None) -> dict[str, str]:
    """Parse ``field=column,…`` (or a dict) into field → column; short names accepted.

    Raises
    ------
    InvalidOptionError
        An entry is not ``name=column`` or names no field.

    Examples
    --------
    >>> parse_columns("date=incident_date, place=location_name,lat=geo_latitude")
    {'date_start': 'incident_date', 'place_reported': 'location_name', 'lat': 'geo_latitude'}
    """
    if not spec:
        return {}
    parts = [part for part in str(spec).split(",") if part.strip()] if not isinstance(spec, Mapping) else []
    items = spec.items() if isinstance(spec, Mapping) else [_split(part) for part in parts]
    out: dict[str, str] = {}
    for key, column in items:
        name = normalise_header(key)
        name = SHORT_NAMES.get(name, name)
        if name not in FIELDS:
            raise InvalidOptionError(
                f"--columns: {key!r} is not a field; use one of {', '.join(FIELDS)} (or {', '.join(SHORT_NAMES)})"
            )
        if str(column).strip():
            out[name] = str(column).strip()
    return out


def _split(part: str) -> tuple[str, str]:
    if "=" not in part:
        raise InvalidOptionError(f"--columns: {part.strip()!r} is not FIELD=COLUMN (e.g. date=incident_date)")
    key, column = part.split("=", 1)
    return key.strip(), column.strip()


def guess_mapping(headers: Iterable[str], given: Mapping[str, str] | None = None) -> ColumnMapping:
    """Map *headers* to fields: *given* first (field → header), then exact names, then synonyms.

    Raises
    ------
    InvalidOptionError
        A given column is not among the headers.

    Examples
    --------
    >>> m = guess_mapping(["unique_event_ID", "incident_date", "location_name", "geo_latitude", "geo_longitude"])
    >>> sorted(m.fields.items())[:3]
    [('date_start', 'incident_date'), ('id', 'unique_event_ID'), ('lat', 'geo_latitude')]
    """
    headers = [h for h in headers if h is not None]
    by_norm: dict[str, str] = {}
    for h in headers:
        by_norm.setdefault(normalise_header(h), h)
    fields: dict[str, str] = {}
    used: set[str] = set()
    for name, column in (given or {}).items():
        header = column if column in headers else by_norm.get(normalise_header(column))
        if header is None:
            raise InvalidOptionError(
                f"--columns: {name}={column!r} names no column of the file; its columns are: {', '.join(headers)}"
            )
        fields[name] = header
        used.add(header)
    for norm, header in by_norm.items():
        if header not in used and norm in FIELDS and norm not in fields:
            fields[norm] = header
            used.add(header)
    for name, synonyms in _SYNONYM_LISTS.items():
        if name in fields:
            continue
        for synonym in synonyms:
            header = by_norm.get(synonym)
            if header is not None and header not in used:
                fields[name] = header
                used.add(header)
                break
    order = {f: i for i, f in enumerate(FIELDS)}
    ordered = dict(sorted(fields.items(), key=lambda kv: order[kv[0]]))
    return ColumnMapping(ordered, tuple(h for h in headers if h not in used), tuple(given or {}))


def header_key(headers: Iterable[str]) -> str:
    """Return a key for a set of headers (order and case do not matter)."""
    names = sorted({normalise_header(h) for h in headers})
    return hashlib.sha256("\x1f".join(names).encode("utf-8")).hexdigest()[:20]


def _store(directory: Path) -> Path:
    return Path(directory) / "mappings.json"


def _entry(headers: Iterable[str], directory: Path) -> dict[str, object] | None:
    try:
        data = json.loads(_store(directory).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    entry = data.get(header_key(headers)) if isinstance(data, dict) else None
    return entry if isinstance(entry, dict) and isinstance(entry.get("columns"), dict) else None


def remembered_mapping(headers: Iterable[str], directory: Path) -> dict[str, str] | None:
    """Return the mapping saved for files with these headers (field → column), or None."""
    entry = _entry(headers, directory)
    if entry is None:
        return None
    columns = entry["columns"]
    assert isinstance(columns, dict)  # checked by _entry
    return {str(k): str(v) for k, v in columns.items() if str(k) in FIELDS}


def remembered_dayfirst(headers: Iterable[str], directory: Path) -> bool | None:
    """Return the day/month order saved with the mapping (None: decided from the values)."""
    entry = _entry(headers, directory)
    value = entry.get("dayfirst") if entry else None
    return value if isinstance(value, bool) else None


def remember_mapping(
    headers: Iterable[str], mapping: Mapping[str, str], directory: Path, *, dayfirst: bool | None = None
) -> None:
    """Save *mapping* (and the day/month order) for files with these headers, replacing an earlier one."""
    headers = list(headers)
    path = _store(directory)
    try:
        data = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
    except (OSError, ValueError):
        data = {}
    if not isinstance(data, dict):
        data = {}
    columns = {k: v for k, v in mapping.items() if k in FIELDS and v}
    data[header_key(headers)] = {"headers": headers, "columns": columns, "dayfirst": dayfirst}
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    os.replace(tmp, path)
