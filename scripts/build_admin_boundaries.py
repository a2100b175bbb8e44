"""Build data/gazetteer/ocha_admin_boundaries.geojson from OCHA COD-AB (CC BY-IGO).

Reads the sub-district (admin3) polygons of the OCHA COD-AB Syria boundaries
(../shared/data/ocha_cod_ab_syr_2016, see its SOURCES.md), simplifies them as one
coverage (shared edges stay shared, no gaps or overlaps appear), and dissolves the
result into districts (admin2), governorates (admin1) and the country (admin0),
so the levels nest exactly: a point inside a sub-district is inside its district
and governorate. Coordinates are rounded to 5 decimals (about 1 m).

Usage: python scripts/build_admin_boundaries.py [SHARED_DATA_DIR]
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import geopandas as gpd
import shapely

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "data" / "gazetteer" / "ocha_admin_boundaries.geojson"
#: Simplification tolerance in degrees (about 100 m); the error is stated in the file.
TOLERANCE_DEG = 0.001


def build(shared_data: Path) -> dict:
    """Return the FeatureCollection of the four levels built from *shared_data*."""
    src = shared_data / "ocha_cod_ab_syr_2016"
    adm3 = gpd.read_file(src / "syr_admin3.geojson")
    adm2 = gpd.read_file(src / "syr_admin2.geojson")
    adm1 = gpd.read_file(src / "syr_admin1.geojson")
    adm3["geometry"] = shapely.coverage_simplify(shapely.make_valid(adm3.geometry.values), TOLERANCE_DEG)
    levels = []
    rows3 = adm3[["PCODE", "NAME_EN", "NAME_AR", "ADM2_PCODE", "ADM1_PCODE", "geometry"]].rename(
        columns={"ADM2_PCODE": "parent_pcode"}
    )
    rows3["level"] = 3
    levels.append(rows3)
    d2 = adm3.dissolve(by="ADM2_PCODE", as_index=False)[["ADM2_PCODE", "geometry"]]
    d2 = d2.merge(adm2[["PCODE", "NAME_EN", "NAME_AR", "ADM1_PCODE"]], left_on="ADM2_PCODE", right_on="PCODE")
    d2 = d2.drop(columns="ADM2_PCODE")
    d2["parent_pcode"] = d2["ADM1_PCODE"]
    d2["level"] = 2
    levels.append(d2)
    d1 = adm3.dissolve(by="ADM1_PCODE", as_index=False)[["ADM1_PCODE", "geometry"]]
    d1 = d1.merge(adm1[["PCODE", "NAME_EN", "NAME_AR"]], left_on="ADM1_PCODE", right_on="PCODE")
    d1["parent_pcode"] = "SY"
    d1["level"] = 1
    levels.append(d1)
    d0 = gpd.GeoDataFrame(
        {
            "PCODE": ["SY"],
            "NAME_EN": ["Syrian Arab Republic"],
            "NAME_AR": ["الجمهورية العربية السورية"],
            "ADM1_PCODE": [""],
            "parent_pcode": [""],
            "level": [0],
        },
        geometry=[shapely.union_all(adm3.geometry.values)],
        crs=adm3.crs,
    )
    levels.append(d0)
    features = []
    for frame in levels:
        for row in frame.itertuples(index=False):
            geom = shapely.set_precision(row.geometry, 1e-5)
            features.append(
                {
                    "type": "Feature",
                    "properties": {
                        "pcode": row.PCODE,
                        "level": int(row.level),
                        "name_en": row.NAME_EN,
                        "name_ar": row.NAME_AR,
                        "parent_pcode": row.parent_pcode,
                        "adm1_pcode": row.ADM1_PCODE or (row.PCODE if row.level == 1 else ""),
                    },
                    "geometry": json.loads(shapely.to_geojson(geom)),
                }
            )
    return {
        "type": "FeatureCollection",
        "name": "ocha_admin_boundaries",
        "attribution": (
            "OCHA Common Operational Datasets, Syrian Arab Republic administrative boundaries (COD-AB), "
            "via HDX, CC BY-IGO. Simplified as one coverage with a tolerance of 0.001 degrees (about "
            "100 m) and dissolved from the sub-districts."
        ),
        "licence": "CC BY-IGO 3.0",
        "source_url": "https://data.humdata.org/dataset/syrian-arab-republic-administrative-boundaries-populated-places",
        "simplify_tolerance_deg": TOLERANCE_DEG,
        "features": features,
    }


def main() -> None:
    """Write the shipped file and say how big it is."""
    shared = Path(sys.argv[1]) if len(sys.argv) > 1 else REPO.parent / "shared" / "data"
    data = build(shared)
    OUT.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"{OUT.relative_to(REPO)}: {len(data['features'])} areas, {OUT.stat().st_size / 1e6:.2f} MB")


if __name__ == "__main__":
    main()
