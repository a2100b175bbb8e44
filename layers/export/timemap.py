"""Forensic Architecture TimeMap data: export a dataset so it can be published with TimeMap.

TimeMap (github.com/forensic-architecture/timemap) reads a *domain* from JSON endpoints;
this writes them as files in one folder, to be served as its ``EVENTS_EXT``,
``SOURCES_EXT`` and ``ASSOCIATIONS_EXT``:

``events.json``
    A list of events. TimeMap's own fields (its ``eventSchema``): ``id``, ``description``
    (required; our summary, else the title), ``date`` (``MM/DD/YYYY``, TimeMap's default
    ``DATE_FMT``), ``time`` (``HH:mm``), ``location`` (the place as reported), ``latitude`` /
    ``longitude`` (text, both or neither), ``category`` (the event type), ``associations``
    (ids in ``associations.json``) and ``sources`` (ids in ``sources.json``). Every other
    field of the record is a *custom event field* of kind ``text`` (title, date_end,
    date_precision, tolls, perpetrator and victims as reported, actor1/actor2, confidence,
    campaign, flags…), listed in ``custom_event_fields.json`` for TimeMap's
    ``CUSTOM_EVENT_FIELDS`` setting: TimeMap rejects keys it does not know.
``sources.json``
    An object keyed by source id (``sourceSchema``): ``id``, ``title``, ``paths`` (empty:
    no media files), ``type``, ``url``, ``description`` (the quote), ``author`` (the
    publisher), ``date``, ``notes`` (the ``via``).
``associations.json``
    A list of ``FILTER`` associations (``associationsSchema``): one per event type and per
    campaign, with ``filter_paths`` such as ``["Event type", "massacre"]``.

Public-safe mode is applied first, as for every export.
:func:`validate_timemap` checks a folder against those schemas; the importer
(:mod:`layers.importers.timemap`) reads the folder back into the same records.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd

from layers.export.common import ExportResult, filter_incidents
from layers.export.public import apply_public, export_metadata

__all__ = ["CUSTOM_FIELDS", "DATE_FMT", "export_timemap", "validate_timemap"]

DATE_FMT = "%m/%d/%Y"
#: Record fields written as TimeMap custom event fields (kind "text").
CUSTOM_FIELDS = (
    "title",
    "dataset",
    "date_end",
    "date_precision",
    "place_id",
    "place_reported_ar",
    "admin1",
    "geo_precision",
    "deaths_low",
    "deaths_best",
    "deaths_high",
    "injured",
    "missing_or_abducted",
    "perpetrator_reported",
    "victim_group_reported",
    "actor1",
    "actor2",
    "campaign",
    "confidence",
    "sensitive",
    "aggregate",
    "figures",
    "flags",
)
_EVENT_KEYS = {
    "id",
    "description",
    "date",
    "time",
    "time_precision",
    "location",
    "latitude",
    "longitude",
    "type",
    "category",
    "category_full",
    "associations",
    "sources",
    "comments",
    "time_display",
    "narrative___stepStyles",
    "shape",
    "colour",
}
_SOURCE_KEYS = {"id", "title", "thumbnail", "paths", "type", "affil_s", "url", "description", "parent", "author"}
_SOURCE_KEYS |= {"date", "notes"}
_ASSOCIATION_KEYS = {"id", "title", "desc", "mode", "colour", "type", "display", "filter_paths"}


def _str(value: object) -> str:
    if value is None or (not isinstance(value, (list, dict)) and pd.isna(value)):
        return ""
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False, default=str)
    return str(value)


def _source_id(src: dict[str, Any]) -> str:
    key = json.dumps(src, sort_keys=True, ensure_ascii=False, default=str)
    return "src-" + hashlib.sha1(key.encode("utf-8"), usedforsecurity=False).hexdigest()[:12]


def _events(gdf: pd.DataFrame) -> tuple[list[dict[str, Any]], dict[str, dict[str, Any]], list[dict[str, Any]]]:
    events: list[dict[str, Any]] = []
    sources: dict[str, dict[str, Any]] = {}
    associations: dict[str, dict[str, Any]] = {}
    for rec in gdf.to_dict("records"):
        start = rec.get("date_start")
        located = rec.get("geometry") is not None and not rec.get("aggregate")
        assoc_ids = []
        for label, value in (("Event type", rec.get("event_type")), ("Campaign", rec.get("campaign"))):
            text = _str(value)
            if not text:
                continue
            aid = f"{label.lower().replace(' ', '-')}:{text}"
            associations.setdefault(
                aid, {"id": aid, "title": text, "desc": label, "mode": "FILTER", "filter_paths": [label, text]}
            )
            assoc_ids.append(aid)
        src_ids = []
        for src in rec.get("sources") or []:
            if not isinstance(src, dict):
                continue
            sid = _source_id(src)
            sources[sid] = {
                "id": sid,
                "title": _str(src.get("title")),
                "paths": [],
                "type": "",
                "url": _str(src.get("url")),
                "description": _str(src.get("quote")),
                "author": _str(src.get("publisher")),
                "date": _str(src.get("date")),
                "notes": _str(src.get("via")),
            }
            src_ids.append(sid)
        event: dict[str, Any] = {
            "id": _str(rec.get("id")),
            "description": _str(rec.get("summary")) or _str(rec.get("title")),
            "date": start.strftime(DATE_FMT) if isinstance(start, pd.Timestamp) and not pd.isna(start) else "",
            "time": "00:00",
            "location": _str(rec.get("place_reported")),
            "latitude": f"{rec['lat']:.6f}" if located and pd.notna(rec.get("lat")) else "",
            "longitude": f"{rec['lon']:.6f}" if located and pd.notna(rec.get("lon")) else "",
            "category": _str(rec.get("event_type")),
            "associations": assoc_ids,
            "sources": src_ids,
        }
        for name in CUSTOM_FIELDS:
            event[name] = _str(rec.get(name))
        events.append(event)
    return events, sources, list(associations.values())


def _write(path: Path, data: object) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    os.replace(tmp, path)


def export_timemap(
    gdf: gpd.GeoDataFrame,
    out_dir: str | Path,
    *,
    start: object = None,
    end: object = None,
    public_safe: bool = True,
    grid_km: float | None = 1.0,
    sensitive: str = "withhold",
    title: str = "",
    allowlist: Any = (),
) -> ExportResult:
    """Write ``events.json``, ``sources.json``, ``associations.json`` (and the custom-field list) to *out_dir*.

    Examples
    --------
    >>> import tempfile
    >>> from layers.incidents import to_incident_frame
    >>> g = to_incident_frame(pd.DataFrame({"id": ["a"], "summary": ["Shelling."], "lon": [36.0], "lat": [35.0],
    ...                                     "date_start": ["2025-03-07"], "event_type": ["clash"]}))
    >>> out = export_timemap(g, tempfile.mkdtemp(), public_safe=False)
    >>> json.loads((out.path / "events.json").read_text())[0]["date"], validate_timemap(out.path)
    ('03/07/2025', [])
    """
    directory = Path(out_dir)
    directory.mkdir(parents=True, exist_ok=True)
    chosen = filter_incidents(gdf, start, end)
    shown, report = apply_public(
        chosen, public_safe=public_safe, grid_km=grid_km, sensitive=sensitive, allowlist=allowlist
    )
    events, sources, associations = _events(shown)
    meta = export_metadata(
        report,
        fmt="timemap",
        title=title,
        count=len(events),
        filters={"start": str(start or ""), "end": str(end or "")},
    )
    custom = [{"key": k, "title": k.replace("_", " "), "kind": "text"} for k in CUSTOM_FIELDS]
    _write(directory / "events.json", events)
    _write(directory / "sources.json", sources)
    _write(directory / "associations.json", associations)
    _write(directory / "custom_event_fields.json", custom)
    _write(directory / "metadata.json", meta)
    return ExportResult(directory, {**meta, "incidents": len(events)})


def _strings(item: dict[str, Any], keys: set[str], arrays: set[str], where: str) -> list[str]:
    errors = []
    for key, value in item.items():
        if key not in keys:
            errors.append(f"{where}: {key!r} is not allowed")
        elif key in arrays:
            if not isinstance(value, list):
                errors.append(f"{where}: {key!r} must be an array")
        elif not isinstance(value, str):
            errors.append(f"{where}: {key!r} must be a string")
    return errors


def validate_timemap(directory: str | Path) -> list[str]:
    """Check a TimeMap folder against TimeMap's event, source and association schemas.

    Returns the problems found (empty when the folder is valid): unknown or mistyped keys,
    a missing ``description`` / ``associations`` / source ``paths``, only one of
    latitude/longitude, neither a date nor a latitude, a date TimeMap cannot read with
    ``MM/DD/YYYY HH:mm``, and ids that point at no source or association.
    """
    directory = Path(directory)
    events = json.loads((directory / "events.json").read_text(encoding="utf-8"))
    sources = json.loads((directory / "sources.json").read_text(encoding="utf-8"))
    associations = json.loads((directory / "associations.json").read_text(encoding="utf-8"))
    custom_path = directory / "custom_event_fields.json"
    custom = json.loads(custom_path.read_text(encoding="utf-8")) if custom_path.is_file() else []
    event_keys = _EVENT_KEYS | {c["key"] for c in custom if c.get("kind") in ("text", "link")}
    errors: list[str] = []
    if not isinstance(events, list) or not isinstance(sources, dict) or not isinstance(associations, list):
        return ["events must be a list, sources an object keyed by id, associations a list"]
    assoc_ids = set()
    for n, assoc in enumerate(associations):
        where = f"association {n}"
        errors += _strings(assoc, _ASSOCIATION_KEYS, {"filter_paths"}, where)
        errors += [f"{where}: {k!r} is required" for k in ("id", "title", "mode") if k not in assoc]
        assoc_ids.add(assoc.get("id"))
    for key, src in sources.items():
        where = f"source {key}"
        errors += _strings(src, _SOURCE_KEYS, {"paths", "affil_s"}, where)
        errors += [f"{where}: {k!r} is required" for k in ("id", "paths") if k not in src]
    for n, event in enumerate(events):
        where = f"event {n} ({event.get('id', '-')})"
        errors += _strings(event, event_keys, {"associations", "sources", "narrative___stepStyles"}, where)
        errors += [f"{where}: {k!r} is required" for k in ("description", "associations") if k not in event]
        if ("latitude" in event) != ("longitude" in event):
            errors.append(f"{where}: latitude and longitude go together")
        if "date" not in event and "latitude" not in event:
            errors.append(f"{where}: needs a date or a latitude")
        stamp = f"{event.get('date', '')} {event.get('time') or '00:00'}"
        try:
            pd.to_datetime(stamp, format=f"{DATE_FMT} %H:%M")
        except ValueError:
            errors.append(f"{where}: date {event.get('date')!r} is not MM/DD/YYYY (TimeMap drops the event)")
        errors += [f"{where}: no source {s!r}" for s in event.get("sources") or [] if s not in sources]
        errors += [f"{where}: no association {a!r}" for a in event.get("associations") or [] if a not in assoc_ids]
    return errors
