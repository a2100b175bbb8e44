"""``python -m layers density DATASET --bandwidth-km KM --out density.tif``: an incident density GeoTIFF.

DATASET is a curated dataset name, ``all`` (every curated dataset) or a
``.gpkg`` from the store; with ``--store URL|FILE.gpkg`` a dataset of that store (``all``:
every one). The raster is a Gaussian kernel density (or a grid
count with ``--kernel none``) in the equal-area CRS of
:data:`layers.raster.DENSITY_CRS`. Prints a JSON summary: the output, grid,
CRS, the incidents used and excluded (aggregates, unlocated, no deaths_best),
the total weight and the raster's sum. Public-safe unless ``--no-public``: the density
of :func:`layers.export.formats.public_density` (sensitive incidents withheld, points
coarsened to ``--grid-km``, cells no finer than that grid).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TYPE_CHECKING

from geo.cli import LazyChoices
from geo.errors import InputFileError
from layers.cli.export_cmd import add_store_argument, load_from_store

if TYPE_CHECKING:
    import geopandas as gpd

_DENSITY = "layers.raster.density"


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    """Register the ``density`` command."""
    parser = subparsers.add_parser("density", help="write an incident density GeoTIFF (kernel density or counts)")
    parser.add_argument("dataset", metavar="DATASET", help="curated dataset name, 'all', or a .gpkg file")
    add_store_argument(parser)
    parser.add_argument(
        "--bandwidth-km", type=float, required=True, metavar="KM", help="standard deviation of the Gaussian kernel, km"
    )
    parser.add_argument(
        "--weight",
        choices=LazyChoices(_DENSITY, "WEIGHTS"),
        metavar="WEIGHT",
        default="deaths",
        help="%(choices)s: weigh incidents by deaths_best (default) or count them",
    )
    parser.add_argument("--cell-km", type=float, metavar="KM", help="cell size, km (default: bandwidth / 4)")
    parser.add_argument(
        "--kernel",
        choices=LazyChoices(_DENSITY, "KERNELS"),
        metavar="KERNEL",
        default="gaussian",
        help="%(choices)s (default gaussian); 'none' = plain grid counts",
    )
    parser.add_argument(
        "--units",
        choices=LazyChoices(_DENSITY, "UNITS"),
        metavar="UNITS",
        default="per_cell",
        help="%(choices)s: weight per cell (default) or per km²",
    )
    parser.add_argument("--out", required=True, metavar="density.tif", help="GeoTIFF to write (replaced)")
    parser.add_argument(
        "--public",
        dest="public",
        action="store_true",
        default=True,
        help="public-safe (default): sensitive incidents withheld, points coarsened, cells no finer than the grid",
    )
    parser.add_argument("--no-public", dest="public", action="store_false", help="exact points, every incident")
    parser.add_argument("--grid-km", type=float, default=1.0, help="public-safe coarsening grid in km (default 1)")
    parser.set_defaults(run=run)


def load_dataset(name: str, store: str | None = None) -> gpd.GeoDataFrame:
    """Return the incidents of a curated dataset, of all of them, of a stored .gpkg, or of *store*."""
    from layers.curated import list_curated

    if store:
        return load_from_store(store, name)

    if name == "all" or name in list_curated():
        from geo.gazetteer import load_gazetteer
        from layers.curated import load_all_curated, load_curated

        gazetteer = load_gazetteer(include_geonames=False)
        return load_all_curated(gazetteer) if name == "all" else load_curated(name, gazetteer)
    path = Path(name)
    if path.suffix.lower() == ".gpkg":
        from layers.store import load_gpkg

        return load_gpkg(path)
    raise InputFileError(
        f"{name!r} is not a curated dataset ({', '.join(list_curated())}), 'all', or a .gpkg file; "
        "import other files first with `python -m layers import`"
    )


def run(args: argparse.Namespace) -> int:
    """Load, compute, write, print the summary; return 0."""
    import numpy as np

    from layers.export.formats import public_density
    from layers.raster.density import write_geotiff

    gdf = load_dataset(args.dataset, args.store)
    raster = public_density(
        gdf,
        bandwidth_km=args.bandwidth_km,
        weight=args.weight,
        cell_km=args.cell_km,
        kernel=args.kernel,
        units=args.units,
        public_safe=args.public,
        grid_km=args.grid_km if args.grid_km > 0 else None,
    )
    versions = dict(gdf.attrs.get("versions") or {})
    if versions:  # the store's dataset versions the raster was made from, in its tags
        from dataclasses import replace

        raster = replace(raster, tags={**raster.tags, "dataset_versions": json.dumps(versions, ensure_ascii=False)})
    out = write_geotiff(raster, args.out)
    summary = {
        "out": str(out),
        "dataset": args.dataset,
        "rows": len(gdf),
        "public_safe": bool(args.public),
        **dict(raster.tags),
        "shape": list(raster.array.shape),
        "raster_sum": float(raster.array.sum(dtype=np.float64)),
        "description": raster.description,
    }
    print(json.dumps(summary, ensure_ascii=False, indent=2))
    return 0
