"""Forensic Architecture TimeMap data (``events.json`` with its ``sources.json`` and ``associations.json``).

An events file is a JSON list of TimeMap events (see :mod:`layers.export.timemap` for the
fields). Mapping to the incident model:

================  =====================================================================
model             TimeMap
================  =====================================================================
id                ``id`` as is (TimeMap ids are the dataset's own)
summary           ``description``
title             custom field ``title``, else the first 80 characters of ``description``
date_start        ``date`` (``MM/DD/YYYY``, TimeMap's default format, or ISO)
place_reported    ``location``
lat / lon         ``latitude`` / ``longitude``
event_type        ``category`` (also ``type``)
sources           ids in ``sources`` looked up in ``sources.json`` beside the events file:
                  publisher = ``author``, title, url, date, quote = ``description``,
                  via = ``notes``
campaign          custom field ``campaign``, else a ``Campaign`` association's title
other fields      the custom event fields written by the exporter (tolls, perpetrator
                  and victims as reported, actor1/actor2, date_end, precision, …)
================  =====================================================================

Only the two sibling files of those exact names are read, and only from the events
file's own folder.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd

from geo.errors import DataSchemaError
from geo.gazetteer import Gazetteer
from layers.export.timemap import CUSTOM_FIELDS
from layers.importers._build import ImportResult, build_result, reject_rows, row_digests
from layers.importers.records import read_json
from layers.importers.tabular import _json_cell

__all__ = ["import_timemap", "is_timemap"]

#: The exporter's custom event fields read back as model fields (figures parsed, flags recomputed).
_CUSTOM = tuple(f for f in CUSTOM_FIELDS if f not in ("figures", "flags"))


def is_timemap(path: str | Path) -> bool:
    """Return True when *path* looks like a TimeMap events file (a list of events with associations)."""
    try:
        data = read_json(Path(path))
    except Exception:
        return False
    first = next((d for d in data if isinstance(d, dict)), None) if isinstance(data, list) else None
    return first is not None and "associations" in first and "description" in first


def _sibling(path: Path, name: str, kind: type) -> Any:
    sibling = path.with_name(name)
    if not sibling.is_file():
        return kind()
    data = read_json(sibling)
    return data if isinstance(data, kind) else kind()


def _date(text: str) -> str:
    """TimeMap's ``MM/DD/YYYY`` as ISO (other forms are left to the date parser)."""
    parts = text.strip().split("/")
    if len(parts) == 3 and all(p.isdigit() for p in parts) and len(parts[2]) == 4:
        return f"{parts[2]}-{int(parts[0]):02d}-{int(parts[1]):02d}"
    return text


def import_timemap(path: str | Path, gazetteer: Gazetteer | None = None) -> ImportResult:
    """Import a TimeMap ``events.json`` (with ``sources.json`` / ``associations.json`` beside it).

    Raises
    ------
    InputFileError, DataSchemaError
        The file cannot be read or is not a list of events.
    """
    path = Path(path)
    events = read_json(path)
    if not isinstance(events, list):
        raise DataSchemaError(f"{path}: not a TimeMap events file (a JSON list of events)")
    sources = _sibling(path, "sources.json", dict)
    associations = {a.get("id"): a for a in _sibling(path, "associations.json", list) if isinstance(a, dict)}
    records, bad = [], []
    for number, event in enumerate(events, 1):
        if not isinstance(event, dict):
            bad.append((number, f"not an event: item {number} is not an object"))
            continue
        text = {k: "" if v is None else v if isinstance(v, str) else json.dumps(v) for k, v in event.items()}
        record: dict[str, Any] = {"_row": number}
        record["id"] = text.get("id", "")
        record["summary"] = text.get("description", "")
        record["date_start"] = _date(text.get("date", ""))
        record["place_reported"] = text.get("location", "")
        record["lat"], record["lon"] = text.get("latitude", ""), text.get("longitude", "")
        record["event_type"] = text.get("category", "") or text.get("type", "")
        for name in _CUSTOM:
            if text.get(name, ""):
                record[name] = text[name]
        record.setdefault("title", record["summary"][:80])
        if "campaign" not in record:
            titles = [
                str(associations[a].get("title", ""))
                for a in event.get("associations") or []
                if a in associations and (associations[a].get("filter_paths") or [""])[0] == "Campaign"
            ]
            record["campaign"] = titles[0] if titles else ""
        figures, problem = _json_cell(text.get("figures", ""))
        record["figures"] = figures
        if problem:
            record["_reject"] = problem
        record["sources"] = [
            {
                "publisher": str(src.get("author") or ""),
                "title": str(src.get("title") or ""),
                "date": str(src.get("date") or "") or None,
                "url": str(src.get("url") or ""),
                "quote": str(src.get("description") or ""),
                "via": str(src.get("notes") or "") or None,
            }
            for src in (sources.get(s) for s in event.get("sources") or [] if isinstance(s, str))
            if isinstance(src, dict)
        ]
        records.append(record)
    rejects = reject_rows(str(path), [b[0] for b in bad], "", "", [b[1] for b in bad])
    frame = pd.DataFrame(records) if records else pd.DataFrame({"_row": pd.Series([], dtype=int), "date_start": []})
    frame["_hash"] = row_digests(frame)
    return build_result(
        frame,
        file=str(path),
        fmt="timemap",
        rows_in=len(events),
        gazetteer=gazetteer,
        pre_rejects=rejects,
        dayfirst=False,
        date_order="month/day (TimeMap's MM/DD/YYYY)",
    )
