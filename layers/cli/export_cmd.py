"""``python -m layers export DATASET --to FORMAT --out FILE``: maps, animations, stories and data files.

DATASET is a curated dataset name, ``all`` (every curated dataset) or a file
(``.gpkg`` from the store; other formats through the importers); with ``--store URL|FILE.gpkg``
it is a dataset of that store (``all``: every one), read read-only, and the export's metadata
states the dataset's version (``dataset_versions``). Exports are public-safe unless
``--no-public`` is given. Prints a JSON summary.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from geo.cli import LazyChoices
from geo.errors import InputFileError, InvalidOptionError

if TYPE_CHECKING:
    import geopandas as gpd


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    """Register the ``export`` command."""
    parser = subparsers.add_parser("export", help="export a dataset as a map, animation, story PDF or data file")
    parser.add_argument("dataset", metavar="DATASET", help="curated dataset name, 'all', or a .gpkg/.csv/… file")
    add_store_argument(parser)
    parser.add_argument(
        "--to",
        required=True,
        choices=LazyChoices("layers.export.formats", "FORMATS"),
        metavar="FORMAT",
        help="output format: %(choices)s",
    )
    parser.add_argument(
        "--out", required=True, metavar="FILE", help="file to write (replaced); a folder for --to timemap"
    )
    parser.add_argument("--start", help="first day (YYYY-MM-DD) of incidents to include")
    parser.add_argument("--end", help="last day (YYYY-MM-DD) of incidents to include")
    parser.add_argument("--title", default="", help="map or file title")
    parser.add_argument("--subtitle", default="", help="map subtitle")
    parser.add_argument(
        "--preset",
        default=None,
        choices=LazyChoices("layers.export.cartography", "PRESETS"),
        metavar="PRESET",
        help="page preset for maps and animations: %(choices)s",
    )
    parser.add_argument(
        "--public",
        dest="public",
        action="store_true",
        default=True,
        help="public-safe mode (default): withhold sensitive incidents, redact quotes, coarsen",
    )
    parser.add_argument("--no-public", dest="public", action="store_false", help="full details and exact points")
    parser.add_argument(
        "--sensitive",
        choices=("withhold", "redact"),
        default="withhold",
        help="in public-safe mode, drop sensitive incidents (default) or redact them",
    )
    parser.add_argument("--grid-km", type=float, default=1.0, help="public-safe coarsening grid in km (default 1)")
    parser.add_argument(
        "--story",
        help="with --to pdf: this story, one page per step; with --to html: one offline file stepping through it",
    )
    parser.add_argument("--dpi", type=int, help="raster dpi (PNG default: the preset's; GIF/MP4 default 72)")
    parser.add_argument("--fps", type=float, default=4.0, help="animation frames per second")
    parser.add_argument(
        "--step",
        choices=("day", "week", "month"),
        default=None,
        help="one animation frame per … (default: the finest step that keeps the animation within 20 s)",
    )
    parser.add_argument("--frames", type=int, help="animation: this many equal periods instead of --step")
    parser.add_argument(
        "--window", type=int, default=0, help="animation: show only the last N steps (moving window); 0 = cumulative"
    )
    parser.add_argument("--tiles", action="store_true", help="try OpenStreetMap tiles (falls back to offline)")
    parser.add_argument(
        "--raster", "--geotiff", dest="geotiff", metavar="FILE.tif", help="a GeoTIFF (any CRS) to draw under the map"
    )
    parser.add_argument("--hillshade", action="store_true", help="draw the --raster DEM as a hillshade")
    parser.set_defaults(run=run)


def add_store_argument(parser: argparse.ArgumentParser) -> None:
    """Add ``--store``: DATASET is then a dataset of that PostGIS or GeoPackage store."""
    parser.add_argument(
        "--store",
        metavar="STORE",
        help="read DATASET ('all': every dataset) from this store: a postgresql://… URL or a .gpkg file",
    )


def load_from_store(target: str, name: str) -> gpd.GeoDataFrame:
    """Return dataset *name* (``all``: every dataset) of the store at *target*, opened read-only.

    ``attrs["versions"]`` holds each dataset's version (written into the export's metadata)
    and ``attrs["store_titles"]`` their titles; the row versions are left out.

    Raises
    ------
    InputFileError
        The store holds no dataset *name* (the message lists those it holds).
    StoreError
        The store cannot be opened or read.
    """
    from layers.store import open_store

    store = open_store(target, read_only=True)
    try:
        listed = store.datasets()
        names = listed["name"].astype(str).tolist()
        if name != "all" and name not in names:
            raise InputFileError(f"no dataset {name!r} in {store!r}; it holds: {', '.join(names) or 'none'}")
        gdf = store.load(None if name == "all" else name)
    finally:
        store.close()
    attrs = dict(gdf.attrs)
    gdf = gdf.drop(columns="row_version", errors="ignore")
    gdf.attrs.update(attrs)
    gdf.attrs["store_titles"] = dict(zip(names, listed["title"].astype(str), strict=True))
    return gdf


def load_dataset(name: str, store: str | None = None) -> tuple[gpd.GeoDataFrame, object]:
    """Return the incidents named by *name* (in *store* when given) and the curated gazetteer (for labels)."""
    from geo.gazetteer import load_gazetteer
    from layers.curated import list_curated, load_all_curated, load_curated

    gazetteer = load_gazetteer(include_geonames=False)
    if store:
        return load_from_store(store, name), gazetteer
    path = Path(name)
    if name == "all":
        return load_all_curated(gazetteer), gazetteer
    if name in list_curated():
        return load_curated(name, gazetteer), gazetteer
    if path.is_file():
        if path.suffix.lower() == ".gpkg":
            from layers.store import load_gpkg

            return load_gpkg(path), gazetteer
        try:
            from layers.importers import import_file
        except ImportError as err:
            raise InputFileError(f"{name}: importing this format needs layers.importers") from err
        return import_file(path, gazetteer=load_gazetteer()).incidents, gazetteer
    raise InputFileError(f"{name!r} is not a curated dataset ({', '.join(list_curated())}), 'all', or a file")


def dataset_title(name: str, gdf: Any) -> str:
    """Return a title for an export: a curated dataset's own title, never a file name or path.

    ``all`` is "Incidents in the curated datasets, FIRST–LAST" (years); a file is titled by
    its datasets' names.
    """
    import yaml

    from layers.curated import CURATED_DIR, list_curated

    store_title = dict(getattr(gdf, "attrs", {}).get("store_titles") or {}).get(name, "")
    if store_title.strip() and store_title != name:
        return store_title.strip()
    if name in list_curated():
        try:
            data = yaml.safe_load((CURATED_DIR / f"{name}.yaml").read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError):
            data = None
        if isinstance(data, dict) and str(data.get("title") or "").strip():
            return str(data["title"]).strip()
    years = gdf["date_start"].dropna().dt.year if len(gdf) and "date_start" in gdf else []
    span = f", {min(years)}–{max(years)}" if len(years) and min(years) != max(years) else ""
    if name == "all":
        return f"Incidents in the curated datasets{span}"
    datasets = sorted(set(gdf["dataset"].dropna().astype(str))) if len(gdf) and "dataset" in gdf else []
    return f"Incidents: {', '.join(datasets[:3])}{span}" if datasets else f"Incidents{span}"


def run(args: argparse.Namespace) -> int:
    """Load, export through :func:`layers.export.formats.export_file`, print the summary; return 0."""
    from geo.corridors import load_corridors
    from layers.export.formats import export_file

    gdf, gazetteer = load_dataset(args.dataset, args.store)
    places = gazetteer.places  # type: ignore[attr-defined]
    grid = args.grid_km if args.grid_km > 0 else None
    from layers.export.common import filter_incidents as in_period

    title = args.title or dataset_title(args.dataset, in_period(gdf, args.start, args.end))
    fmt = args.to
    if args.story and fmt not in ("pdf", "html"):
        raise InvalidOptionError(f"--story writes a PDF or an HTML file; use --to pdf or --to html (not {fmt!r})")
    story = None
    if args.story:
        from layers.export.story import load_story

        story = load_story(args.story)
    elif fmt in ("png", "svg", "pdf", "gif", "mp4"):
        _check_suffix(args.out, fmt)
    result = export_file(
        gdf,
        args.out,
        fmt,
        public_safe=args.public,
        grid_km=grid,
        sensitive=args.sensitive,
        allowlist=_allowlist(places),
        story=story,
        title=title,
        subtitle=args.subtitle,
        preset=args.preset or ("slide_16_9" if fmt in ("gif", "mp4") else "a4_landscape"),
        dpi=args.dpi or (72 if fmt in ("gif", "mp4") else None),
        start=args.start,
        end=args.end,
        places=places,
        corridors=load_corridors(),
        tiles=args.tiles,
        geotiff=args.geotiff,
        hillshade=args.hillshade,
        step=args.step if fmt in ("gif", "mp4") else None,
        frames=args.frames,
        mode="window" if args.window else "cumulative",
        window_steps=args.window or 4,
        fps=args.fps,
    )
    summary: dict[str, Any] = {
        "out": str(result.path),
        "format": fmt,
        **({"story": story.name, "steps": len(story.steps)} if story is not None else {}),
        **{
            k: result.metadata.get(k)
            for k in (
                "incidents",
                "public_safe",
                "sensitive_withheld",
                "sensitive_redacted",
                "quotes_redacted",
                "texts_redacted",
                "columns_dropped",
                "coarsening_grid_km",
            )
            if k in result.metadata
        },
    }
    print(json.dumps(summary, ensure_ascii=False, indent=2))
    return 0


def _allowlist(places: Any) -> list[str]:
    """Place names, English and Arabic, that are not personal names (kept by the public-safe name check)."""
    names = list(places["name_en"].astype(str)) + [a for v in places["alt_names"].fillna("") for a in v.split(";")]
    names += list(places["name_ar"].fillna("").astype(str))
    return [n for n in names if n.strip()]


def _check_suffix(out: str, fmt: str) -> None:
    if Path(out).suffix.lower() != f".{fmt}":
        raise InvalidOptionError(f"--out {out!r} must end in .{fmt} for --to {fmt}")
