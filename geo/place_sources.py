"""Importers that add places to the gazetteer from a user's files.

Four shapes are understood, detected from the file when not named:

``geonames``  a GeoNames country dump (``SY.txt``: 19 tab-separated columns, no header);
``ocha``      OCHA COD tables or GeoJSON (NAME_EN, NAME_AR, PCODE, LATITUDE/LONGITUDE or polygons);
``osm``       OpenStreetMap-style points (name, name:en, name:ar; HOTOSM's hot_* columns);
``table``     any CSV with a name and lat/lon columns.

Each returns a :class:`PlaceImport`: the places, in the gazetteer's columns,
and a rejects table naming every input row that was not imported and why.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from geo.errors import InputFileError, InvalidOptionError
from geo.names import clean_text
from geo.places import GEONAMES_ADMIN1, PLACE_COLUMNS, canonical_admin1
from geo.tables import decode_bytes, read_text_table

__all__ = ["FORMATS", "PlaceImport", "read_place_file"]

FORMATS = ("auto", "geonames", "ocha", "osm", "table")
#: Syria's bounding box with a small margin (lon_min, lat_min, lon_max, lat_max).
SYRIA_BOUNDS = (35.5, 32.2, 42.5, 37.5)
OCHA_ADMIN1 = {
    "SY01": "Damascus",
    "SY02": "Aleppo",
    "SY03": "Rif Dimashq",
    "SY04": "Homs",
    "SY05": "Hama",
    "SY06": "Latakia",
    "SY07": "Idlib",
    "SY08": "Al-Hasakah",
    "SY09": "Deir ez-Zor",
    "SY10": "Tartus",
    "SY11": "Raqqa",
    "SY12": "Daraa",
    "SY13": "As-Suwayda",
    "SY14": "Quneitra",
}
_GEONAMES_COLUMNS = (
    "geonameid",
    "name",
    "asciiname",
    "alternatenames",
    "latitude",
    "longitude",
    "feature_class",
    "feature_code",
    "country_code",
    "cc2",
    "admin1",
    "admin2",
    "admin3",
    "admin4",
    "population",
    "elevation",
    "dem",
    "timezone",
    "modified",
)
_GEONAMES_KINDS = {
    "ADM1": "governorate",
    "ADM2": "district",
    "ADM3": "subdistrict",
    "PPLC": "city",
    "PPLA": "city",
    "PPLA2": "town",
    "PPLX": "neighbourhood",
}
_OSM_KINDS = {
    "city": "city",
    "town": "town",
    "village": "village",
    "hamlet": "village",
    "isolated_dwelling": "village",
    "suburb": "neighbourhood",
    "quarter": "neighbourhood",
    "neighbourhood": "neighbourhood",
}
_LAT_NAMES = ("lat", "latitude", "y", "LATITUDE", "Latitude")
_LON_NAMES = ("lon", "lng", "long", "longitude", "x", "LONGITUDE", "Longitude")


@dataclass(frozen=True, slots=True)
class PlaceImport:
    """Places read from one file, and the rows that were not imported."""

    places: pd.DataFrame
    rejects: pd.DataFrame
    rows_in: int
    format: str

    def summary(self) -> dict[str, object]:
        """Return rows_in, imported, rejected and the count of each reason."""
        reasons = self.rejects["reason"].str.split(":").str[0].value_counts().to_dict()
        return {
            "format": self.format,
            "rows_in": self.rows_in,
            "imported": len(self.places),
            "rejected": len(self.rejects),
            "by_reason": reasons,
        }


def _first(df: pd.DataFrame, names: tuple[str, ...]) -> str | None:
    lower = {str(c).lower(): c for c in df.columns}
    for name in names:
        if name in df.columns:
            return name
        if name.lower() in lower:
            return str(lower[name.lower()])
    return None


def _finish(rows: pd.DataFrame, path: Path, fmt: str, rows_in: int) -> PlaceImport:
    """Check coordinates and names; split the rows into places and rejects."""
    lat = pd.to_numeric(rows["lat"], errors="coerce")
    lon = pd.to_numeric(rows["lon"], errors="coerce")
    reasons = pd.Series("", index=rows.index, dtype=object)
    reasons[rows["name_en"].map(clean_text).eq("") & rows["name_ar"].map(clean_text).eq("")] = "no name"
    bad_number = (lat.isna() | lon.isna() | ~np.isfinite(lat) | ~np.isfinite(lon)) & reasons.eq("")
    reasons[bad_number] = "coordinates missing or not numbers"
    out_of_range = (~lat.between(-90, 90) | ~lon.between(-180, 180)) & reasons.eq("")
    reasons[out_of_range] = "coordinates out of range"
    west, south, east, north = SYRIA_BOUNDS
    outside = (~lat.between(south, north) | ~lon.between(west, east)) & reasons.eq("")
    swapped = outside & lon.between(south, north) & lat.between(west, east)
    reasons[swapped] = "outside Syria: latitude and longitude look swapped"
    reasons[outside & ~swapped] = "outside Syria"
    reasons[rows["id"].duplicated() & reasons.eq("")] = "duplicate id"
    rejected = reasons.ne("")
    rejects = pd.DataFrame(
        {
            "file": str(path),
            "row": rows.loc[rejected, "_row"].astype(int),
            "name": rows.loc[rejected, "name_en"],
            "reason": reasons[rejected],
        }
    ).reset_index(drop=True)
    places = rows.loc[~rejected].copy()
    places["lat"], places["lon"] = lat[~rejected].astype(float), lon[~rejected].astype(float)
    places["origin"] = path.name
    for column in PLACE_COLUMNS:
        if column not in places.columns:
            places[column] = ""
    places = places[[*PLACE_COLUMNS, "origin"]].reset_index(drop=True)
    return PlaceImport(places=places, rejects=rejects, rows_in=rows_in, format=fmt)


def read_geonames_dump(path: Path, text: str | None = None, classes: tuple[str, ...] = ("P", "A", "S")) -> PlaceImport:
    """Read a GeoNames country dump (``SY.txt``); keeps feature *classes* (A: admin areas only).

    *text*, when given, is the dump's content (e.g. read from ``SY.zip``) and *path* only names it.
    """
    text = decode_bytes(path.read_bytes(), str(path)) if text is None else text
    try:
        df = pd.read_csv(
            io.StringIO(text),
            sep="\t",
            header=None,
            dtype=str,
            keep_default_na=False,
            quoting=3,
            names=list(_GEONAMES_COLUMNS),
            on_bad_lines="skip",
            engine="python",
        )
    except (pd.errors.ParserError, ValueError) as err:
        raise InputFileError(f"{path}: not a GeoNames dump ({err})") from err
    rows_in = len([line for line in text.splitlines() if line.strip()])
    df["_row"] = np.arange(1, len(df) + 1)
    fclass = df["feature_class"].str.upper()
    keep = fclass.isin(list(classes)) & (~fclass.eq("A") | df["feature_code"].str.startswith("ADM"))
    rejects = pd.DataFrame(
        {
            "file": str(path),
            "row": df.loc[~keep, "_row"],
            "name": df.loc[~keep, "name"],
            "reason": "not a populated place, admin area or site: feature "
            + df.loc[~keep, "feature_class"]
            + "."
            + df.loc[~keep, "feature_code"],
        }
    )
    df = df[keep]
    code = df["feature_code"].str.upper()
    rows = pd.DataFrame(
        {
            "_row": df["_row"],
            "id": "geonames:" + df["geonameid"],
            "name_en": df["name"],
            "name_ar": df["alternatenames"].map(
                lambda s: next((a for a in s.split(",") if re.search("[\u0600-\u06ff]", a)), "")
            ),
            "alt_names": (df["asciiname"] + "," + df["alternatenames"]).str.replace(",", ";"),
            "kind": np.where(df["feature_class"].str.upper().eq("S"), "site", code.map(_GEONAMES_KINDS).fillna("town")),
            "parent_id": "",
            "admin1": df["admin1"].map(GEONAMES_ADMIN1).fillna(""),
            "lat": df["latitude"],
            "lon": df["longitude"],
            "coord_precision_m": 1000,
            "source": "geonames:" + df["geonameid"],
            "notes": "GeoNames " + df["feature_code"],
        }
    )
    result = _finish(rows, path, "geonames", rows_in)
    return PlaceImport(result.places, pd.concat([rejects, result.rejects], ignore_index=True), rows_in, "geonames")


def _read_any(path: Path) -> pd.DataFrame:
    """Read a CSV/TSV as strings or a vector file as a GeoDataFrame."""
    import geopandas as gpd  # only for vector files: keeps the command line's start fast

    if path.suffix.lower() in (".geojson", ".json", ".gpkg", ".shp", ".kml"):
        try:
            return gpd.read_file(path)
        except Exception as err:  # pyogrio raises several unrelated types
            raise InputFileError(f"{path}: not a readable vector file ({err})") from err
    return read_text_table(path)


def _points(df: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """Return (lat, lon) from coordinate columns or, failing that, the geometry."""
    import geopandas as gpd

    lat_col, lon_col = _first(df, _LAT_NAMES), _first(df, _LON_NAMES)
    if lat_col and lon_col:
        return df[lat_col], df[lon_col]
    if isinstance(df, gpd.GeoDataFrame) and df.geometry is not None:
        geom = df.geometry
        if geom.crs is not None and not geom.crs.equals("EPSG:4326"):
            geom = geom.to_crs("EPSG:4326")
        # Centroids of areas in an equal-area CRS, not in degrees.
        points = gpd.GeoSeries(geom, crs="EPSG:4326").to_crs("EPSG:6933").centroid.to_crs("EPSG:4326")
        points = points.where(~geom.is_empty & geom.notna())
        return points.y, points.x
    raise InputFileError(f"no coordinates: need lat/lon columns or geometries (columns: {', '.join(df.columns)})")


def read_ocha(path: Path) -> PlaceImport:
    """Read an OCHA COD table or GeoJSON (NAME_EN, NAME_AR, PCODE or ADMn_PCODE)."""
    df = _read_any(path)
    name = _first(
        df,
        (
            "NAME_EN",
            "ADM4_EN",
            "ADM3_EN",
            "ADM2_EN",
            "ADM1_EN",
            "admin4Name_en",
            "admin3Name_en",
            "name_en",
            "location_name",
        ),
    )
    pcode = _first(
        df, ("PCODE", "ADM4_PCODE", "admin4Pcode", "ADM3_PCODE", "ADM2_PCODE", "ADM1_PCODE", "location_pcode")
    )
    if name is None or pcode is None:
        raise InputFileError(f"{path}: an OCHA table needs NAME_EN and PCODE columns")
    arabic = _first(df, ("NAME_AR", "ADM4_AR", "admin4Name_ar", "ADM3_AR", "ADM2_AR", "ADM1_AR", "name_ar"))
    lat, lon = _points(df)
    codes = df[pcode].astype(str)
    kind = np.select(
        [
            codes.str.fullmatch(r"SY\d\d"),
            codes.str.fullmatch(r"SY\d{4}"),
            codes.str.fullmatch(r"SY\d{6}"),
            codes.str.startswith("N"),
        ],
        ["governorate", "district", "subdistrict", "neighbourhood"],
        default="village",
    )
    precision = np.select(
        [kind == "governorate", kind == "district", kind == "subdistrict"], [50000, 15000, 5000], default=500
    )
    adm1 = _first(df, ("ADM1_PCODE", "adm1_pcode", "admin1Pcode"))
    admin1 = (df[adm1] if adm1 else codes.str[:4]).map(OCHA_ADMIN1).fillna("")
    alt = _first(df, ("NAM_EN_REF",))
    rows = pd.DataFrame(
        {
            "_row": np.arange(1, len(df) + 1),
            "id": "ocha:" + codes,
            "name_en": df[name].astype(str),
            "name_ar": df[arabic].astype(str) if arabic else "",
            "alt_names": df[alt].astype(str).where(df[alt].astype(str) != df[name].astype(str), "") if alt else "",
            "kind": kind,
            "parent_id": "",
            "admin1": admin1.to_numpy(),
            "lat": np.asarray(lat),
            "lon": np.asarray(lon),
            "coord_precision_m": precision,
            "source": "ocha:" + codes,
            "notes": "OCHA COD-AB",
        }
    )
    return _finish(rows, path, "ocha", len(df))


def read_osm_points(path: Path) -> PlaceImport:
    """Read OSM-style points: name, name:en, name:ar (or HOTOSM's hot_name columns)."""
    df = _read_any(path)
    name_local = _first(df, ("name", "hot_name"))
    name_en = _first(df, ("name:en", "name_en", "hot_name_en"))
    if name_local is None and name_en is None:
        raise InputFileError(f"{path}: OSM points need a name or name:en column")
    name_ar = _first(df, ("name:ar", "name_ar"))
    latin = _first(df, ("hot_name_latin", "name:ar-Latn", "int_name"))
    ident = _first(df, ("@id", "osm_id", "hot_id", "id"))
    place = _first(df, ("place", "hot_place"))
    local = df[name_local].astype(str) if name_local else pd.Series("", index=df.index)
    english = df[name_en].astype(str) if name_en else local
    arabic = df[name_ar].astype(str) if name_ar else local.where(local.str.contains("[\u0600-\u06ff]"), "")
    alts = [local] + ([df[latin].astype(str)] if latin else [])
    lat, lon = _points(df)
    ids = df[ident].astype(str) if ident else pd.Series(np.arange(1, len(df) + 1), index=df.index).astype(str)
    rows = pd.DataFrame(
        {
            "_row": np.arange(1, len(df) + 1),
            "id": "osm:" + ids,
            "name_en": english.where(english.str.strip() != "", local),
            "name_ar": arabic,
            "alt_names": pd.concat(alts, axis=1).agg(";".join, axis=1),
            "kind": df[place].astype(str).map(_OSM_KINDS).fillna("village") if place else "village",
            "parent_id": "",
            "admin1": df["adm1_pcode"].map(OCHA_ADMIN1).fillna("") if "adm1_pcode" in df else "",
            "lat": np.asarray(lat),
            "lon": np.asarray(lon),
            "coord_precision_m": 250,
            "source": "osm:" + ids,
            "notes": "OpenStreetMap (ODbL)",
        }
    )
    return _finish(rows, path, "osm", len(df))


def read_name_table(path: Path) -> PlaceImport:
    """Read any table with a name column and lat/lon columns."""
    df = _read_any(path)
    name = _first(df, ("name", "name_en", "place", "location", "NAME_EN"))
    if name is None:
        raise InputFileError(
            f"{path}: no name column (name, name_en, place or location); columns are: {', '.join(map(str, df.columns))}"
        )
    arabic = _first(df, ("name_ar", "NAME_AR", "arabic"))
    lat, lon = _points(df)
    precision = _first(df, ("coord_precision_m",))
    rows = pd.DataFrame(
        {
            "_row": np.arange(1, len(df) + 1),
            "id": f"{path.stem}:" + pd.Series(np.arange(1, len(df) + 1)).astype(str),
            "name_en": df[name].astype(str),
            "name_ar": df[arabic].astype(str) if arabic else "",
            "alt_names": "",
            "kind": "village",
            "parent_id": "",
            "admin1": df["admin1"].map(canonical_admin1) if "admin1" in df.columns else "",
            "lat": np.asarray(lat),
            "lon": np.asarray(lon),
            "coord_precision_m": pd.to_numeric(df[precision], errors="coerce").fillna(1000).to_numpy()
            if precision
            else 1000,
            "source": f"file:{path.name}",
            "notes": "",
        }
    )
    return _finish(rows, path, "table", len(df))


def _detect(path: Path) -> str:
    if path.suffix.lower() == ".txt":
        head = decode_bytes(path.read_bytes()[:4096], str(path)).splitlines()[:1]
        if head and head[0].count("\t") >= 17:
            return "geonames"
    df = _read_any(path)
    columns = {str(c).lower() for c in df.columns}
    if {"name_en", "pcode"} <= columns or (
        any(c.endswith("_pcode") and c.startswith("adm") for c in columns) and "hot_name" not in columns
    ):
        return "ocha"
    if {"name:en", "name:ar"} & columns or "hot_name" in columns or "@id" in columns:
        return "osm"
    return "table"


def read_place_file(path: str | Path, format: str = "auto") -> PlaceImport:
    """Read places from *path* in one of :data:`FORMATS`.

    Raises
    ------
    InvalidOptionError
        *format* is not one of :data:`FORMATS`.
    InputFileError
        The file is missing or not in the format.
    """
    path = Path(path)
    if format not in FORMATS:
        raise InvalidOptionError(f"{format!r} is not a valid place format, must be one of {', '.join(FORMATS)}")
    if not path.is_file():
        raise InputFileError(f"{path}: no such file")
    fmt = _detect(path) if format == "auto" else format
    reader = {"geonames": read_geonames_dump, "ocha": read_ocha, "osm": read_osm_points, "table": read_name_table}[fmt]
    return reader(path)
