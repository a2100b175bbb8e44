"""KML and KMZ (Google Earth) placemarks.

Each ``Placemark`` is one input row: ``name`` → title, ``description`` →
summary, ``TimeStamp/when`` → date_start, ``TimeSpan/begin`` and ``end`` →
date_start and date_end (KML's partial dates ``2012-09`` and ``2012`` keep
their month/year precision), ``Point/coordinates`` (``lon,lat[,alt]``) →
lon/lat; other geometries are imported at their representative point and
flagged. ``ExtendedData`` (``Data/value`` and ``SchemaData/SimpleData``)
fills any model field by name, e.g. ``deaths_best``, ``source_url``.

Safety: the XML must not declare a DOCTYPE or entities (no entity expansion
and no external fetches: the text is refused before parsing). A KMZ is a zip:
members with absolute paths or ``..`` are refused, as is a total uncompressed
size, a member's size or compression ratio over the budgets of
:mod:`layers.importers.budget`; ``doc.kml`` (or the first ``.kml`` at the top level) is
read. Parsing is linear in the file's size: depth and element count are limited, and each
element is visited once (a Placemark nested in another is its own row, not part of its parent).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import shapely

from geo.errors import InputFileError
from geo.gazetteer import Gazetteer
from geo.tables import decode_bytes
from layers.importers._build import ImportResult, build_result, reject_rows
from layers.importers.budget import MAX_UNZIPPED_BYTES, check_zip, parse_xml
from layers.importers.tabular import SYNONYMS, _json_list
from layers.incidents import COLUMNS

__all__ = ["MAX_UNZIPPED_BYTES", "import_kml", "read_kml_text"]

_FORBIDDEN = re.compile(r"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)


def read_kml_text(path: str | Path) -> str:
    """Return the KML text of a .kml file or of a KMZ's ``doc.kml``.

    Raises
    ------
    InputFileError
        Unreadable file, unsafe zip member, zip too large, or no KML inside.
    """
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as err:
        raise InputFileError(f"{path}: cannot read ({err.strerror or err})") from err
    if data.startswith(b"PK"):
        data = _kml_from_zip(path)
    return decode_bytes(data, str(path))


def _kml_from_zip(path: Path) -> bytes:
    try:
        with zipfile.ZipFile(path) as archive:
            members = check_zip(archive, str(path))  # paths, sizes and ratios before anything is read
            kml = [i for i in members if i.filename.lower().endswith(".kml") and "/" not in i.filename]
            chosen = next((i for i in kml if i.filename.lower() == "doc.kml"), kml[0] if kml else None)
            if chosen is None:
                raise InputFileError(f"{path}: the KMZ holds no .kml file at its top level (expected doc.kml)")
            with archive.open(chosen) as handle:
                data = handle.read(MAX_UNZIPPED_BYTES + 1)
            if len(data) > MAX_UNZIPPED_BYTES:
                raise InputFileError(f"{path}: refused: doc.kml is larger than {MAX_UNZIPPED_BYTES // 2**20} MB")
            return data
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError, ValueError) as err:
        raise InputFileError(f"{path}: not a readable KMZ/zip file ({err})") from err


def _local(tag: object) -> str:
    return str(tag).rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _child(elem: ET.Element, *names: str) -> ET.Element | None:
    for name in names:
        found = next((c for c in elem if _local(c.tag) == name), None)
        if found is None:
            return None
        elem = found
    return elem


def _own(mark: ET.Element) -> Iterator[ET.Element]:
    """Yield *mark*'s descendants outside any nested Placemark: each element is visited once in a file."""
    stack = list(reversed(mark))
    while stack:
        elem = stack.pop()
        if _local(elem.tag) == "Placemark":
            continue
        yield elem
        stack.extend(reversed(elem))


def _text_of(elem: ET.Element | None) -> str:
    return "".join(elem.itertext()).strip() if elem is not None else ""


def import_kml(path: str | Path, gazetteer: Gazetteer | None = None) -> ImportResult:
    """Import the placemarks of a KML or KMZ file.

    Raises
    ------
    InputFileError
        The file is unreadable, unsafe or not XML.

    Examples
    --------
    >>> import tempfile, os
    >>> p = os.path.join(tempfile.mkdtemp(), "a.kml")
    >>> _ = open(p, "w").write('<kml xmlns="http://www.opengis.net/kml/2.2"><Document><Placemark>'
    ...     '<name>Shelling</name><TimeStamp><when>2012-09</when></TimeStamp>'
    ...     '<Point><coordinates>36.72,34.72,0</coordinates></Point></Placemark></Document></kml>')
    >>> r = import_kml(p)
    >>> r.incidents[["title", "lon", "date_precision"]].values.tolist()
    [['Shelling', 36.72, 'month']]
    """
    path = Path(path)
    text = read_kml_text(path)
    if _FORBIDDEN.search(text):
        raise InputFileError(f"{path}: refused: the XML declares a DOCTYPE or entities; remove them")
    root = parse_xml(text, str(path))  # limits on depth and element count
    if _local(root.tag) != "kml" and not any(_local(e.tag) == "Placemark" for e in root.iter()):
        raise InputFileError(f"{path}: not KML (root element <{_local(root.tag)}>)")
    placemarks = [e for e in root.iter() if _local(e.tag) == "Placemark"]
    records, bad = [], []
    for number, mark in enumerate(placemarks, 1):
        record, problem = _placemark(mark)
        if problem:
            bad.append((number, problem))
            continue
        record["_row"] = number
        records.append(record)
    rejects = reject_rows(str(path), [b[0] for b in bad], "geometry", "", [b[1] for b in bad])
    frame = pd.DataFrame(records) if records else pd.DataFrame({"_row": pd.Series([], dtype=int)})
    if "date_start" not in frame.columns:
        frame["date_start"] = ""
    return build_result(
        frame, file=str(path), fmt="kml", rows_in=len(placemarks), gazetteer=gazetteer, pre_rejects=rejects
    )


def _placemark(mark: ET.Element) -> tuple[dict[str, Any], str]:
    record: dict[str, Any] = {"title": _text_of(_child(mark, "name")), "summary": _text_of(_child(mark, "description"))}
    when = _text_of(_child(mark, "TimeStamp", "when"))
    begin, end = _text_of(_child(mark, "TimeSpan", "begin")), _text_of(_child(mark, "TimeSpan", "end"))
    record["date_start"] = (when or begin)[:10] if len(when or begin) > 10 else (when or begin)
    record["date_end"] = end[:10] if len(end) > 10 else end
    for elem in _own(mark):
        tag = _local(elem.tag)
        if tag == "Data":
            key, value = elem.get("name", ""), _text_of(_child(elem, "value"))
        elif tag == "SimpleData":
            key, value = elem.get("name", ""), _text_of(elem)
        else:
            continue
        name = SYNONYMS.get(key.strip().lower(), key.strip().lower())
        if name in (*COLUMNS, "place_context", "source", "source_url") and value:
            record[name] = value
    for name in ("sources", "figures"):
        if name in record:
            record[name] = _json_list(record[name])
    if "sources" not in record and (record.get("source") or record.get("source_url")):
        record["sources"] = [
            {
                "publisher": record.get("source", ""),
                "title": "",
                "date": None,
                "url": record.get("source_url", ""),
                "quote": "",
                "via": None,
            }
        ]
    geoms = [e for e in _own(mark) if _local(e.tag) in ("Point", "LineString", "Polygon")]
    if not geoms:
        return record, ""
    shapes = []
    for geom in geoms:
        kind = _local(geom.tag)
        if kind == "Polygon":
            ring = _child(geom, "outerBoundaryIs", "LinearRing", "coordinates")
            coords = _coords(_text_of(ring))
        else:
            coords = _coords(_text_of(_child(geom, "coordinates")))
        if coords is None:
            return record, f"invalid geometry: <{kind}> coordinates are not 'lon,lat[,alt]' numbers; fix them"
        try:
            shapes.append(
                shapely.Point(coords[0])
                if kind == "Point"
                else shapely.Polygon(coords)
                if kind == "Polygon"
                else shapely.LineString(coords)
            )
        except (ValueError, shapely.errors.GEOSException) as err:
            return record, f"invalid geometry: <{kind}> {err}"
    geom = shapes[0] if len(shapes) == 1 else shapely.GeometryCollection(shapes)
    if geom.is_empty or not geom.is_valid:
        return record, f"invalid geometry: {shapely.is_valid_reason(geom)}; fix the placemark's shape"
    if geom.geom_type == "Point":
        record["lon"], record["lat"] = geom.x, geom.y
    else:
        point = geom.representative_point()
        record["lon"], record["lat"] = point.x, point.y
        record["_flag"] = (
            f"representative point: a {geom.geom_type} was placed at its representative point "
            f"({point.x:.5f}, {point.y:.5f}); give a Point for an exact location"
        )
    return record, ""


def _coords(text: str) -> list[tuple[float, float]] | None:
    out = []
    for token in text.split():
        parts = token.split(",")
        try:
            lon, lat = float(parts[0]), float(parts[1])
        except (ValueError, IndexError):
            return None
        if not (abs(lon) < 1e9 and abs(lat) < 1e9):
            return None
        out.append((lon, lat))
    return out or None
