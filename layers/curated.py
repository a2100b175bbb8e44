"""Curated incident datasets: ``data/incidents/<name>.yaml`` to incident tables.

Places are resolved through the gazetteer: ``place_reported`` with
``place_context`` as ``within=``. A site record must resolve to exactly one
place (and to the YAML's ``place_id`` when it carries one). Aggregate
records name regions ("Syrian coast", "Latakia, Tartus and Hama", "northern
Lattakia province") that are no single gazetteer place: their name is split
into parts (on commas and "and"), each part resolved, regional words
("northern", "province", "countryside"…) dropped, and the known regions of
:data:`REGIONS` expanded to governorates. An aggregate keeps ``admin1`` (the
governorates it covers, joined with "; ") and, when it names one place,
that place's ``place_id``/lat/lon, but never a point on the map.

Any bad record (unresolved place, bad date, toll order, a toll without a
matching figure, no source with a url…) raises :class:`DataSchemaError`
naming the file, the incident id and the field: curated data must be clean.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd

from geo.data_files import DATA_DIR as EMBEDDED_DATA
from geo.errors import DataSchemaError, InputFileError, PlaceNotFoundError
from geo.gazetteer import Gazetteer
from geo.places import ADMIN1_NAMES, canonical_admin1
from layers.importers._build import build_result
from layers.incidents import COLUMNS, to_incident_frame
from layers.safe_yaml import load_yaml
from layers.validation import check_curated_sources, check_sources, concat_issues

__all__ = [
    "CURATED_DIR",
    "REGIONS",
    "curated_titles",
    "list_curated",
    "load_all_curated",
    "load_curated",
    "resolve_curated_place",
]

CURATED_DIR = EMBEDDED_DATA / "incidents"
#: Region names used by aggregates, as governorates.
REGIONS = {"syria": ADMIN1_NAMES, "syrian coast": ("Latakia", "Tartus")}
_REGIONAL_WORDS = re.compile(
    r"\b(northern|southern|eastern|western|central|rural|countryside|province|"
    r"governorate|region)\b",
    re.IGNORECASE,
)


def list_curated(directory: str | Path | None = None) -> list[str]:
    """Return the names of the curated datasets (YAML file stems), sorted.

    Examples
    --------
    >>> "coast_march_2025" in list_curated()
    True
    """
    return sorted(p.stem for p in Path(directory or CURATED_DIR).glob("*.yaml"))


def resolve_curated_place(place: str, context: str | None, aggregate: bool, gazetteer: Gazetteer) -> dict[str, Any]:
    """Resolve a curated record's place; aggregates may name a region.

    Returns
    -------
    dict
        place_id, lon, lat, geo_precision, admin1 (None where unknown) and
        ``error`` ("" when resolved).

    Examples
    --------
    >>> from geo.gazetteer import load_gazetteer
    >>> gaz = load_gazetteer(include_geonames=False)
    >>> resolve_curated_place("Al-Qusour", "Baniyas", False, gaz)["place_id"]
    'al_qusour_baniyas'
    >>> resolve_curated_place("Latakia and Tartus", "Syria", True, gaz)["admin1"]
    'Latakia; Tartus'
    """
    context = (context or "").strip()
    within = None if context.lower() in REGIONS else context or None
    try:
        match = gazetteer.resolve(place, within=within)
    except PlaceNotFoundError as err:
        return {"error": f"unresolved place: {err}"}
    if match.resolved:
        return {
            "place_id": match.place_id,
            "lon": match.lon,
            "lat": match.lat,
            "geo_precision": match.geo_precision,
            "admin1": match.admin1,
            "error": "",
        }
    if not aggregate:
        kind = "ambiguous place" if match.ambiguous else "unresolved place"
        return {"error": f"{kind}: {match.reason}"}
    parts = [p.strip() for p in re.split(r",|\band\b", place) if p.strip()]
    admin1: list[str] = []
    ids = []
    for part in parts:
        if part.lower() in REGIONS:
            admin1 += REGIONS[part.lower()]
            continue
        bare = _REGIONAL_WORDS.sub(" ", part).strip()
        gov = canonical_admin1(bare)
        if gov:
            admin1.append(gov)
            continue
        sub = gazetteer.resolve(bare, within=within)
        if not sub.resolved:
            return {"error": f"unresolved place: part {part!r} of aggregate place {place!r}: {sub.reason}"}
        admin1.append(str(sub.admin1))
        ids.append(sub)
    single = ids[0] if len(ids) == 1 and len(parts) == 1 else None
    return {
        "place_id": single.place_id if single else None,
        "lon": single.lon if single else None,
        "lat": single.lat if single else None,
        "geo_precision": 3,
        "admin1": "; ".join(dict.fromkeys(admin1)),
        "error": "",
    }


def curated_titles(directory: str | Path | None = None) -> dict[str, str]:
    """Return each curated dataset's title by name: what a reader sees instead of the file name.

    Examples
    --------
    >>> curated_titles()["massacres_2012_2013"]
    'Massacres of 2012–2013'
    """
    folder = Path(directory or CURATED_DIR)
    titles = {}
    for name in list_curated(directory):
        title = " ".join(str(_read_yaml(folder / f"{name}.yaml").get("title") or "").split())
        titles[name] = title or name
    return titles


def _read_yaml(path: Path) -> dict[str, Any]:
    data = load_yaml(path)
    if not isinstance(data, dict) or not isinstance(data.get("incidents"), list):
        raise DataSchemaError(f"{path}: expected a mapping with an 'incidents' list (see data/incidents/README.md)")
    if data.get("dataset") != path.stem:
        raise DataSchemaError(
            f"{path}: field 'dataset' is {data.get('dataset')!r}; it must equal the file stem {path.stem!r}"
        )
    return data


def _value(v: object) -> object:
    """YAML may read unquoted dates as date objects and years as ints; keep them as text."""
    if v is None or isinstance(v, (bool, list, dict, float)):
        return v
    return str(v)


_LAYERS_DIR = Path(__file__).resolve().parent


def load_curated(name_or_path: str | Path, gazetteer: Gazetteer, *, cache: bool = True) -> gpd.GeoDataFrame:
    """Load one curated dataset as an incident table.

    The table is cached on disk (:mod:`geo.cache`, prefix ``curated-NAME``) under a key made of
    the YAML file, every file of the embedded data, the code of ``geo/`` and ``layers/`` and the
    gazetteer's :attr:`~geo.gazetteer.Gazetteer.fingerprint`; a gazetteer without one (built by
    hand, or given an alias since) is never cached against. A dataset with problems is never
    cached: it raises every time.

    Parameters
    ----------
    name_or_path : str or path
        A dataset name from :func:`list_curated`, or a YAML path.
    gazetteer : Gazetteer
        Resolves every ``place_reported``.
    cache : bool
        Use the disk cache (read and write).

    Raises
    ------
    InputFileError
        No such dataset.
    DataSchemaError
        A record breaks the rules; the message names file, id, row and field.

    Examples
    --------
    >>> from geo.gazetteer import load_gazetteer
    >>> gdf = load_curated("rg_campaign_2011_2012", load_gazetteer(include_geonames=False))
    >>> gdf.loc[gdf["id"] == "rg-baba-amr-2012", "place_id"].item()
    'baba_amr_homs'
    """
    path = Path(name_or_path)
    if path.suffix.lower() not in (".yaml", ".yml"):
        path = CURATED_DIR / f"{name_or_path}.yaml"
    if not path.is_file():
        raise InputFileError(f"{path}: no such curated dataset; choose one of {', '.join(list_curated())}")
    fingerprint = getattr(gazetteer, "fingerprint", None)
    if not (cache and fingerprint):
        return _load_curated(path, gazetteer)
    from geo.cache import cache_key, cached

    inputs = [path, *sorted(p for p in EMBEDDED_DATA.rglob("*") if p.is_file())]
    code = sorted(p for p in _LAYERS_DIR.rglob("*.py"))
    key = cache_key([*inputs, *code], [fingerprint, str(path.resolve())])
    return cached(key, lambda: _load_curated(path, gazetteer), prefix=f"curated-{path.stem}")


def _load_curated(path: Path, gazetteer: Gazetteer) -> gpd.GeoDataFrame:
    data = _read_yaml(path)
    records, problems = [], []
    for number, item in enumerate(data["incidents"], 1):
        if not isinstance(item, dict):
            problems.append(f"{path}, row {number}: not a mapping of incident fields")
            continue
        record = {k: _value(v) for k, v in item.items()}
        record["_row"], record["dataset"] = number, data["dataset"]
        record.setdefault("campaign", data.get("campaign"))
        record["campaign"] = record["campaign"] or data.get("campaign")
        aggregate = bool(item.get("aggregate"))
        found = resolve_curated_place(
            str(item.get("place_reported") or ""), item.get("place_context"), aggregate, gazetteer
        )
        where = f"{path}, id {item.get('id')!r} (row {number}), field 'place_reported'"
        if found["error"]:
            problems.append(f"{where}: {found['error']}")
            continue
        if item.get("place_id") and item["place_id"] != found["place_id"]:
            problems.append(
                f"{where}: the YAML says place_id {item['place_id']!r} but the gazetteer resolves "
                f"it to {found['place_id']!r}; fix place_context or place_id"
            )
            continue
        for key in ("place_id", "lon", "lat", "geo_precision", "admin1"):
            record[key] = found[key]
        record["aggregate"] = aggregate
        for key in ("sources", "figures"):
            record[key] = [d for d in item.get(key) or [] if isinstance(d, dict)]
        records.append(record)
    raw = pd.DataFrame(records) if records else pd.DataFrame({"_row": pd.Series([], dtype=int)})
    result = build_result(raw, file=str(path), fmt="curated", rows_in=len(records), gazetteer=gazetteer)
    problems += [f"{path}, row {r.row}, field '{r.field}': {r.reason}" for r in result.rejects.itertuples()]
    gdf = result.incidents
    staged = gdf.assign(_row=raw.loc[raw["id"].isin(gdf["id"]), "_row"].to_numpy()) if len(gdf) else gdf
    if len(staged):
        extra = concat_issues(
            [check_sources(staged, str(path), required=True), check_curated_sources(staged, str(path))]
        )
        problems += [f"{path}, id {r.id!r} (row {r.row}), field '{r.field}': {r.reason}" for r in extra.itertuples()]
    if problems:
        more = f" (and {len(problems) - 5} more)" if len(problems) > 5 else ""
        raise DataSchemaError("; ".join(problems[:5]) + more)
    return to_incident_frame(gdf[list(COLUMNS)])


def load_all_curated(gazetteer: Gazetteer, directory: str | Path | None = None) -> gpd.GeoDataFrame:
    """Load every curated dataset into one table; ids must be unique across them.

    Raises
    ------
    DataSchemaError
        A dataset is bad, or an id appears in two datasets.
    """
    frames = [
        load_curated(Path(directory or CURATED_DIR) / f"{name}.yaml", gazetteer) for name in list_curated(directory)
    ]
    gdf = to_incident_frame(pd.concat(frames, ignore_index=True)) if frames else to_incident_frame(pd.DataFrame())
    dup = gdf["id"][gdf["id"].duplicated()]
    if len(dup):
        first = dup.iloc[0]
        sets = ", ".join(gdf.loc[gdf["id"] == first, "dataset"])
        raise DataSchemaError(f"incident id {first!r} is used in more than one place ({sets}); ids must be unique")
    return gdf
