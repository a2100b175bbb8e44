"""``python -m layers export DATASET --to FORMAT --out FILE``: maps, animations, stories and data files.

DATASET is a curated dataset name, ``all`` (every curated dataset) or a file
(``.gpkg`` from the store; other formats through the importers). Exports are
public-safe unless ``--no-public`` is given. Prints a JSON summary.
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

FORMATS = ("png", "svg", "pdf", "gif", "mp4", "html", "csv", "geojson", "kml", "gpkg", "timemap")


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    """Register the ``export`` command."""
    parser = subparsers.add_parser("export", help="export a dataset as a map, animation, story PDF or data file")
    parser.add_argument("dataset", metavar="DATASET", help="curated dataset name, 'all', or a .gpkg/.csv/… file")
    parser.add_argument("--to", required=True, choices=FORMATS, help="output format")
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


def load_dataset(name: str) -> tuple[gpd.GeoDataFrame, object]:
    """Return the incidents named by *name* and the curated gazetteer (for labels)."""
    from geo.gazetteer import load_gazetteer
    from layers.curated import list_curated, load_all_curated, load_curated

    gazetteer = load_gazetteer(include_geonames=False)
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
    """Load, export, print the summary; return 0."""
    from geo.corridors import load_corridors

    gdf, gazetteer = load_dataset(args.dataset)
    places = gazetteer.places  # type: ignore[attr-defined]
    grid = args.grid_km if args.grid_km > 0 else None
    common = {"public_safe": args.public, "grid_km": grid, "sensitive": args.sensitive}
    from layers.export.common import filter_incidents as in_period

    title = args.title or dataset_title(args.dataset, in_period(gdf, args.start, args.end))
    fmt = args.to
    if args.story and fmt not in ("pdf", "html"):
        raise InvalidOptionError(f"--story writes a PDF or an HTML file; use --to pdf or --to html (not {fmt!r})")
    if args.story and fmt == "html":
        from layers.export.public import apply_public
        from layers.export.story import load_story
        from layers.standalone import story_to_html

        story = load_story(args.story)
        safe, _report = apply_public(gdf, public_safe=args.public, grid_km=grid, sensitive=args.sensitive)
        out = story_to_html(story, safe, args.out, public_safe=args.public)
        print(
            json.dumps(
                {"out": str(out), "story": story.name, "steps": len(story.steps), "public_safe": bool(args.public)},
                ensure_ascii=False,
                indent=2,
            )
        )
        return 0
    if args.story:
        from layers.export.story import load_story, story_to_pdf

        result = story_to_pdf(
            load_story(args.story),
            gdf,
            args.out,
            preset=args.preset or "a4_landscape",
            corridors=load_corridors(),
            places=places,
            **common,
        )
    elif fmt in ("png", "svg", "pdf"):
        from layers.export.static import render_map

        _check_suffix(args.out, fmt)
        result = render_map(
            gdf,
            args.out,
            title=title,
            subtitle=args.subtitle,
            preset=args.preset or "a4_landscape",
            dpi=args.dpi,
            start=args.start,
            end=args.end,
            places=places,
            corridors=load_corridors(),
            tiles=args.tiles,
            geotiff=args.geotiff,
            hillshade=args.hillshade,
            **common,
        )
    elif fmt in ("gif", "mp4"):
        from layers.export.animate import render_animation

        _check_suffix(args.out, fmt)
        result = render_animation(
            gdf,
            args.out,
            title=title,
            subtitle=args.subtitle,
            preset=args.preset or "slide_16_9",
            dpi=args.dpi or 72,
            start=args.start,
            end=args.end,
            step=args.step,
            frames=args.frames,
            places=places,
            mode="window" if args.window else "cumulative",
            window_steps=args.window or 4,
            fps=args.fps,
            corridors=load_corridors(),
            **common,
        )
    elif fmt == "html":
        from layers.export.common import ExportResult, filter_incidents
        from layers.standalone import to_standalone_html

        to_standalone_html(filter_incidents(gdf, args.start, args.end), args.out, title=title, public_safe=args.public)
        result = ExportResult(Path(args.out), {"public_safe": args.public})
    elif fmt == "timemap":
        from layers.export.timemap import export_timemap

        result = export_timemap(
            gdf, args.out, start=args.start, end=args.end, title=title, allowlist=_allowlist(places), **common
        )
    else:
        from layers.export.data import export_data

        allow = list(places["name_en"].astype(str)) + [a for v in places["alt_names"].fillna("") for a in v.split(";")]
        result = export_data(
            gdf, args.out, fmt=fmt, start=args.start, end=args.end, title=title, allowlist=allow, **common
        )
    summary: dict[str, Any] = {
        "out": str(result.path),
        "format": fmt,
        **{
            k: result.metadata.get(k)
            for k in (
                "incidents",
                "public_safe",
                "sensitive_withheld",
                "sensitive_redacted",
                "quotes_redacted",
                "coarsening_grid_km",
            )
            if k in result.metadata
        },
    }
    print(json.dumps(summary, ensure_ascii=False, indent=2))
    return 0


def _allowlist(places: Any) -> list[str]:
    """Place names that are not personal names (kept by the public-safe quote check)."""
    return list(places["name_en"].astype(str)) + [a for v in places["alt_names"].fillna("") for a in v.split(";")]


def _check_suffix(out: str, fmt: str) -> None:
    if Path(out).suffix.lower() != f".{fmt}":
        raise InvalidOptionError(f"--out {out!r} must end in .{fmt} for --to {fmt}")
