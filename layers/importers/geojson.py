"""GeoJSON FeatureCollections of incidents (properties named as in the model).

* Point features give lon/lat directly (GeoJSON order is lon, lat).
* Other geometry types are imported at their representative point (a point
  guaranteed inside the shape) and flagged.
* Invalid geometry (bad coordinates, self-intersecting polygons, empty
  shapes) rejects the feature; a feature without geometry is geocoded from
  ``place_reported`` like a CSV row.
* ``sources`` / ``figures`` may be JSON arrays or JSON text.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd
import shapely
from shapely.geometry import shape

from geo.errors import DataSchemaError, InputFileError
from geo.gazetteer import Gazetteer
from layers.importers._build import ImportResult, build_result, reject_rows
from layers.importers.tabular import MAX_JSON_DEPTH, SYNONYMS, _json_list, json_depth
from layers.incidents import COLUMNS

__all__ = ["MAX_BYTES", "import_geojson", "stage_features"]

MAX_BYTES = 200 * 1024 * 1024


def import_geojson(path: str | Path, gazetteer: Gazetteer | None = None) -> ImportResult:
    """Import a GeoJSON FeatureCollection (or a single Feature).

    Raises
    ------
    InputFileError
        The file cannot be read or is not JSON.
    DataSchemaError
        The JSON is not a Feature or FeatureCollection.

    Examples
    --------
    >>> import tempfile, os, json
    >>> p = os.path.join(tempfile.mkdtemp(), "a.geojson")
    >>> f = {"type": "Feature", "geometry": {"type": "Point", "coordinates": [35.92, 35.35]},
    ...      "properties": {"id": "x-1", "date_start": "2025-03", "deaths_best": 3}}
    >>> _ = open(p, "w").write(json.dumps({"type": "FeatureCollection", "features": [f]}))
    >>> r = import_geojson(p)
    >>> r.incidents[["id", "lon", "lat", "date_precision"]].values.tolist()
    [['x-1', 35.92, 35.35, 'month']]
    """
    path = Path(path)
    try:
        if path.stat().st_size > MAX_BYTES:
            raise InputFileError(f"{path}: larger than {MAX_BYTES // 2**20} MB; split the file")
        data = json.loads(path.read_bytes().decode("utf-8-sig"))
    except OSError as err:
        raise InputFileError(f"{path}: cannot read ({err.strerror or err})") from err
    except (UnicodeDecodeError, ValueError, RecursionError) as err:
        raise InputFileError(f"{path}: not JSON text ({str(err)[:120]}); save it as GeoJSON in UTF-8") from err
    if isinstance(data, dict) and data.get("type") == "Feature":
        features: list[Any] = [data]
    elif isinstance(data, dict) and data.get("type") == "FeatureCollection" and isinstance(data.get("features"), list):
        features = data["features"]
    else:
        raise DataSchemaError(
            f"{path}: not a GeoJSON Feature or FeatureCollection (top-level 'type' is "
            f"{data.get('type') if isinstance(data, dict) else type(data).__name__!r})"
        )
    raw, rejects = stage_features(features, str(path))
    return build_result(
        raw, file=str(path), fmt="geojson", rows_in=len(features), gazetteer=gazetteer, pre_rejects=rejects
    )


def stage_features(features: list[Any], file: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Turn features into a staging table plus rejects for broken features."""
    records, bad = [], []
    for number, feature in enumerate(features, 1):
        if not isinstance(feature, dict) or not isinstance(feature.get("properties") or {}, dict):
            bad.append((number, "", "invalid feature: not a GeoJSON Feature object with properties"))
            continue
        record = _properties(feature.get("properties") or {})
        record["_row"] = number
        geometry = feature.get("geometry")
        if geometry is not None:
            point, problem, flag = _point_of(geometry)
            if problem:
                bad.append((number, json.dumps(geometry)[:200], f"invalid geometry: {problem}; fix or remove it"))
                continue
            record["lon"], record["lat"], record["_flag"] = point[0], point[1], flag
        records.append(record)
    rejects = reject_rows(file, [b[0] for b in bad], "geometry", [b[1] for b in bad], [b[2] for b in bad])
    frame = pd.DataFrame(records) if records else pd.DataFrame({"_row": pd.Series([], dtype=int)})
    if "date_start" not in frame.columns:
        frame["date_start"] = ""
    return frame, rejects


def _properties(props: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in props.items():
        name = SYNONYMS.get(str(key).strip().lower(), str(key).strip().lower())
        if name not in (*COLUMNS, "place_context", "source", "source_url") or name in out:
            continue
        if name in ("sources", "figures") and json_depth(value) > MAX_JSON_DEPTH:
            out["_reject"] = f"nested too deeply: {name} nests JSON more than {MAX_JSON_DEPTH} levels; flatten it"
            out[name] = []
        elif name in ("sources", "figures"):
            out[name] = [v for v in value if isinstance(v, dict)] if isinstance(value, list) else _json_list(value)
        elif isinstance(value, (dict, list)):
            out[name] = json.dumps(value, ensure_ascii=False)
        else:
            out[name] = value
    if "sources" not in out and (out.get("source") or out.get("source_url")):
        out["sources"] = [
            {
                "publisher": str(out.get("source") or ""),
                "title": "",
                "date": None,
                "url": str(out.get("source_url") or ""),
                "quote": "",
                "via": None,
            }
        ]
    out.pop("geometry", None)
    return out


def _point_of(geometry: Any) -> tuple[tuple[float, float], str, str]:
    """Return ((lon, lat), problem, flag) for a GeoJSON geometry object."""
    try:
        geom = shape(geometry)
    except Exception as err:  # shapely raises several types for malformed input
        return (0.0, 0.0), f"{type(err).__name__}: {str(err)[:120]}", ""
    if geom.is_empty:
        return (0.0, 0.0), "empty geometry", ""
    coords = shapely.get_coordinates(geom)
    if not bool(pd.notna(coords).all()) or not bool((abs(coords) < 1e9).all()):
        return (0.0, 0.0), "non-finite coordinates", ""
    if not geom.is_valid:
        return (0.0, 0.0), shapely.is_valid_reason(geom), ""
    if geom.geom_type == "Point":
        return (float(geom.x), float(geom.y)), "", ""
    point = geom.representative_point()
    return (
        (float(point.x), float(point.y)),
        "",
        (
            f"representative point: a {geom.geom_type} was placed at its representative point "
            f"({point.x:.5f}, {point.y:.5f}); give a Point for an exact location"
        ),
    )
