"""Review render of the curated datasets: every site numbered and listed, with its precision circle.

The project's static export (``python -m layers export NAME --to png``) drops labels that would
overlap, which is right for readers but hides sites from a reviewer. This script draws, for each
curated dataset, every mapped site with a number, a circle of its place's ``coord_precision_m``,
the OCHA governorate and district outlines and Syria's land polygon, and lists number, place,
precision and record id beside the map, so that a person can check that each point is on land, in
its area and plausibly placed.

    python scripts/render_curated_review.py --out docs/renders

Writes ``<dataset>_review.png`` per dataset (about 150 dpi).
"""

from __future__ import annotations

import argparse
from pathlib import Path

import geopandas as gpd
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import shapely

from geo.admin import load_admin_areas
from geo.gazetteer import load_gazetteer
from geo.places import read_places
from layers.curated import list_curated, load_curated

LOCAL = "+proj=aeqd +lat_0=35 +lon_0=38 +units=m"  # Syria spans UTM 36/37: one azimuthal equidistant CRS


def render(name: str, out: Path) -> Path:
    """Draw one dataset's review map and return the PNG path."""
    gaz = load_gazetteer()
    places = read_places().set_index("id")
    gdf = load_curated(name, gaz)
    sites = gdf[~gdf["aggregate"].astype(bool) & gdf.geometry.notna() & ~gdf.geometry.is_empty].copy()
    sites["precision_m"] = [
        float(places.loc[p, "coord_precision_m"]) if p in places.index else 1000.0 for p in sites["place_id"]
    ]
    sites = sites.sort_values(["lat", "lon"], ascending=[False, True]).reset_index(drop=True)
    areas = load_admin_areas()
    table = areas.table
    admin = gpd.GeoDataFrame(table, geometry=list(areas.geometry), crs="EPSG:4326").to_crs(LOCAL)
    pts = sites.to_crs(LOCAL)
    circles = pts.geometry.buffer(pts["precision_m"].to_numpy())
    x0, y0, x1, y1 = shapely.total_bounds(list(circles.geometry)) if len(pts) else (0, 0, 1, 1)
    pad = max(x1 - x0, y1 - y0) * 0.08 + 5000
    fig, (ax, side) = plt.subplots(1, 2, figsize=(16, 10), gridspec_kw={"width_ratios": [3, 2]})
    admin[admin["level"] == 0].plot(ax=ax, color="#f3efe6", edgecolor="#444", linewidth=0.8)
    admin[admin["level"] == 2].boundary.plot(ax=ax, color="#999", linewidth=0.4)
    admin[admin["level"] == 1].boundary.plot(ax=ax, color="#555", linewidth=0.9)
    ax.set_facecolor("#dbe8f3")  # sea and abroad: everything outside Syria's land polygon
    gpd.GeoSeries(circles, crs=LOCAL).plot(ax=ax, facecolor="none", edgecolor="#c0392b", linewidth=0.6, alpha=0.6)
    ax.scatter(pts.geometry.x, pts.geometry.y, s=14, c="#c0392b", edgecolors="black", linewidths=0.4, zorder=5)
    lines = []
    for i, row in pts.iterrows():
        dx = 6 if i % 2 == 0 else -6
        ax.annotate(
            str(i + 1),
            (row.geometry.x, row.geometry.y),
            xytext=(dx, 4 - (i % 3) * 4),
            textcoords="offset points",
            fontsize=7,
            ha="left" if dx > 0 else "right",
            zorder=6,
            bbox={"boxstyle": "round,pad=0.1", "fc": "white", "ec": "none", "alpha": 0.8},
        )
        lines.append(f"{i + 1:>2}  {row['place_id']}  ±{row['precision_m'] / 1000:g} km  {row['id']}")
    ax.set_xlim(x0 - pad, x1 + pad)
    ax.set_ylim(y0 - pad, y1 + pad)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_xlabel("blue: outside Syria's OCHA land polygon (sea or abroad); lines: governorates and districts")
    ax.set_ylabel("")
    ax.set_title(f"{name}: {len(pts)} mapped site records (circles: place precision)", fontsize=11)
    side.axis("off")
    side.text(0, 1, "\n".join(lines), va="top", family="monospace", fontsize=7 if len(lines) < 45 else 6)
    fig.text(0.01, 0.01, f"Areas: {areas.attribution[:120]}…", fontsize=6)
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"{name}_review.png"
    fig.savefig(path, dpi=150, bbox_inches="tight")
    plt.close(fig)
    return path


def main() -> None:
    """Render the datasets named on the command line (default: all)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("docs/renders"))
    parser.add_argument("names", nargs="*", help="datasets (default: all curated)")
    args = parser.parse_args()
    for name in args.names or list_curated():
        print(render(name, args.out))


if __name__ == "__main__":
    main()
