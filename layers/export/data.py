"""Data exports: CSV, GeoJSON, KML, GeoPackage — sources kept, metadata written with each.

Where the metadata record (:func:`layers.export.public.export_metadata`) goes:

* CSV: a companion ``<file>.meta.json`` (the CSV stays a plain table);
* GeoJSON: a top-level ``"metadata"`` member (a foreign member, RFC 7946 §6.1);
* KML: the Document's ``<ExtendedData>`` (one ``<Data>`` per key) and its description;
* GeoPackage: an ``export_metadata`` key/value table, next to the store's ``dataset_metadata``.
"""

from __future__ import annotations

import json
import math
import os
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import pyogrio

from geo.errors import ExportError, InvalidOptionError
from geo.safety import check_writable
from geo.tables import neutralize_formulas, write_csv_atomic
from layers.export.common import ExportResult, filter_incidents
from layers.export.public import apply_public, export_metadata
from layers.incidents import COLUMNS, to_flat
from layers.store import save_gpkg

__all__ = ["DATA_FORMATS", "export_data", "to_csv", "to_geojson", "to_gpkg", "to_kml"]

DATA_FORMATS = ("csv", "geojson", "kml", "gpkg")
KML_NS = "http://www.opengis.net/kml/2.2"


def _json_value(value: Any) -> Any:
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    return value


def _records(gdf: gpd.GeoDataFrame) -> list[dict[str, Any]]:
    columns = [c for c in gdf.columns if c != gdf.geometry.name]
    return [
        {c: _json_value(v) for c, v in zip(columns, row, strict=True)}
        for row in gdf[columns].itertuples(index=False, name=None)
    ]


def coordinate_decimals(grid_km: float | None) -> int:
    """Return the decimals of degrees a coordinate is written with: 6 (~0.1 m), fewer on a coarse grid.

    A point snapped to a *grid_km* cell is written to about a tenth of the cell, never finer.

    Examples
    --------
    >>> coordinate_decimals(None), coordinate_decimals(1.0), coordinate_decimals(5.0)
    (6, 3, 2)
    """
    if not grid_km or grid_km <= 0:
        return 6
    return int(min(6, max(0, math.ceil(-math.log10(grid_km / 111.32)))))


def _umask() -> int:
    try:  # Linux: read it without changing it (os.umask would race with other threads)
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def user_permissions(path: str | Path) -> None:
    """Give a written file the user's normal permissions (0666 minus the umask), not mkstemp's 0600."""
    os.chmod(path, 0o666 & ~_umask())


def _atomic_text(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        user_permissions(tmp)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def to_csv(gdf: gpd.GeoDataFrame, path: str | Path, metadata: dict[str, Any]) -> Path:
    """Write the flat table as UTF-8 CSV (formula cells neutralised) and ``<path>.meta.json``."""
    path = Path(path)
    flat = to_flat(gdf)
    extra = [c for c in gdf.columns if c not in flat.columns and c != gdf.geometry.name]
    flat = pd.concat([flat, pd.DataFrame(gdf[extra]).reset_index(drop=True)], axis=1) if extra else flat
    decimals = int(metadata.get("coordinate_decimals", 6))
    for column in ("lon", "lat"):
        if column in flat:
            flat[column] = pd.to_numeric(flat[column], errors="coerce").round(decimals)
    write_csv_atomic(neutralize_formulas(flat), path)
    user_permissions(path)
    _atomic_text(Path(f"{path}.meta.json"), json.dumps(metadata, ensure_ascii=False, indent=2))
    return path


def to_geojson(gdf: gpd.GeoDataFrame, path: str | Path, metadata: dict[str, Any]) -> Path:
    """Write an RFC 7946 FeatureCollection (lon, lat; null geometry for aggregates; sources as arrays)."""
    features = []
    decimals = int(metadata.get("coordinate_decimals", 6))
    for record, geom in zip(_records(gdf), gdf.geometry, strict=True):
        for key in ("lon", "lat"):
            if isinstance(record.get(key), float):
                record[key] = round(record[key], decimals)
        point = None
        if geom is not None and not geom.is_empty:
            point = {"type": "Point", "coordinates": [round(geom.x, decimals), round(geom.y, decimals)]}
        features.append({"type": "Feature", "id": record.get("id"), "geometry": point, "properties": record})
    collection = {"type": "FeatureCollection", "metadata": metadata, "features": features}
    _atomic_text(Path(path), json.dumps(collection, ensure_ascii=False, allow_nan=False))
    return Path(path)


def to_kml(gdf: gpd.GeoDataFrame, path: str | Path, metadata: dict[str, Any]) -> Path:
    """Write KML 2.2: one Placemark per incident with TimeSpan, escaped text and ExtendedData (sources as JSON)."""
    check_writable(to_flat(gdf), Path(path).name, xml=True, error=ExportError)  # XML cannot hold these
    ET.register_namespace("", KML_NS)
    decimals = int(metadata.get("coordinate_decimals", 6))

    def sub(parent: ET.Element, tag: str, text: str | None = None, **attrib: str) -> ET.Element:
        el = ET.SubElement(parent, f"{{{KML_NS}}}{tag}", attrib)
        if text is not None:
            el.text = text  # ElementTree escapes & < > and quotes
        return el

    root = ET.Element(f"{{{KML_NS}}}kml")
    doc = sub(root, "Document")
    sub(doc, "name", str(metadata.get("title") or "Incidents"))
    sub(doc, "description", "Export metadata: " + json.dumps(metadata, ensure_ascii=False))
    ext = sub(doc, "ExtendedData")
    for key, value in metadata.items():
        sub(
            sub(ext, "Data", name=str(key)),
            "value",
            json.dumps(value, ensure_ascii=False) if isinstance(value, dict | list) else str(value),
        )
    for record, geom in zip(_records(gdf), gdf.geometry, strict=True):
        mark = sub(doc, "Placemark", id=str(record.get("id", "")))
        sub(mark, "name", str(record.get("title") or ""))
        desc = str(record.get("summary") or "")
        pubs = ", ".join(str(s.get("publisher", "")) for s in record.get("sources") or [])
        sub(mark, "description", f"{desc}\n\nAs reported by: {pubs}" if pubs else desc)
        span = sub(mark, "TimeSpan")
        sub(span, "begin", str(record.get("date_start") or "")[:10])
        sub(span, "end", str(record.get("date_end") or "")[:10])
        data = sub(mark, "ExtendedData")
        for key in [c for c in record if c not in ("title", "summary")]:
            value = record[key]
            text = (
                json.dumps(value, ensure_ascii=False)
                if isinstance(value, list | dict)
                else ("" if value is None else str(value))
            )
            sub(sub(data, "Data", name=key), "value", text)
        if geom is not None and not geom.is_empty:
            sub(sub(mark, "Point"), "coordinates", f"{geom.x:.{decimals}f},{geom.y:.{decimals}f}")
    tree = ET.ElementTree(root)
    ET.indent(tree)
    _atomic_text(Path(path), '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode"))
    return Path(path)


def to_gpkg(gdf: gpd.GeoDataFrame, path: str | Path, metadata: dict[str, Any]) -> Path:
    """Write with :func:`layers.store.save_gpkg`, then add the ``export_metadata`` table; atomic."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".export.gpkg", dir=path.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    tmp.unlink()
    try:
        save_gpkg(gdf, tmp, title=str(metadata.get("title", "")), public_safe=bool(metadata.get("public_safe")))
        rows = pd.DataFrame(
            {
                "key": list(metadata),
                "value": [
                    json.dumps(v, ensure_ascii=False) if isinstance(v, dict | list) else ("" if v is None else str(v))
                    for v in metadata.values()
                ],
            }
        )
        pyogrio.write_dataframe(rows, tmp, layer="export_metadata", driver="GPKG")
        user_permissions(tmp)
        os.replace(tmp, path)
    except Exception as err:
        tmp.unlink(missing_ok=True)
        raise ExportError(f"{path}: could not write the GeoPackage ({type(err).__name__}: {err})") from err
    return path


_WRITERS = {"csv": to_csv, "geojson": to_geojson, "kml": to_kml, "gpkg": to_gpkg}


def export_data(
    gdf: gpd.GeoDataFrame,
    path: str | Path,
    *,
    fmt: str | None = None,
    start: object = None,
    end: object = None,
    public_safe: bool = True,
    grid_km: float | None = 1.0,
    sensitive: str = "withhold",
    title: str = "",
    allowlist: Any = (),
) -> ExportResult:
    """Export incidents as CSV, GeoJSON, KML or GeoPackage, public-safe by default.

    Parameters
    ----------
    fmt : str, optional
        One of :data:`DATA_FORMATS`; from the suffix of *path* when None (``.json`` is GeoJSON).
    start, end, public_safe, grid_km, sensitive
        Date filter and public-safe options (see :mod:`layers.export.public`).

    Examples
    --------
    >>> import tempfile, os
    >>> from layers.incidents import to_incident_frame
    >>> g = to_incident_frame(pd.DataFrame({"id": ["a"], "title": ["=HYPERLINK(1)"], "lon": [36.0], "lat": [35.0],
    ...                                     "date_start": ["2025-03-07"]}))
    >>> out = export_data(g, os.path.join(tempfile.mkdtemp(), "x.csv"))
    >>> out.metadata["public_safe"], open(out.path, encoding="utf-8").read().count("'=HYPERLINK")
    (True, 1)
    """
    path = Path(path)
    fmt = fmt or {"json": "geojson"}.get(path.suffix.lower().lstrip("."), path.suffix.lower().lstrip("."))
    if fmt not in _WRITERS:
        raise InvalidOptionError(f"{path.name}: {fmt!r} is not a valid format, must be one of {DATA_FORMATS}")
    chosen = filter_incidents(gdf, start, end)
    shown, report = apply_public(
        chosen, public_safe=public_safe, grid_km=grid_km, sensitive=sensitive, allowlist=allowlist
    )
    shown = shown[[c for c in (*COLUMNS, *[c for c in shown.columns if c not in COLUMNS])]]
    meta = export_metadata(
        report, fmt=fmt, title=title, count=len(shown), filters={"start": str(start or ""), "end": str(end or "")}
    )
    meta["coordinate_decimals"] = coordinate_decimals(grid_km if public_safe else None)
    _WRITERS[fmt](shown, path, meta)
    return ExportResult(path, meta)
