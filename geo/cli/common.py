"""Options shared by the ``python -m geo`` commands."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from geo.gazetteer import Gazetteer


def parse_lat_lon(text: str) -> tuple[float, float]:
    """Parse "LAT,LON" (as people write it) into the core's (lon, lat) order."""
    try:
        lat_text, lon_text = text.split(",")
        lat, lon = float(lat_text), float(lon_text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not LAT,LON (e.g. 35.18,35.94)") from None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise argparse.ArgumentTypeError(f"{text!r} is out of range for LAT,LON")
    return lon, lat


def add_gazetteer_options(parser: argparse.ArgumentParser) -> None:
    """Add --gazetteer, --aliases and --no-geonames."""
    parser.add_argument(
        "--gazetteer",
        action="append",
        default=[],
        metavar="EXTRA_FILE",
        help="extra places: GeoNames dump, OCHA table/GeoJSON, OSM points or name/lat/lon CSV",
    )
    parser.add_argument("--aliases", metavar="CSV", help="your own spellings: columns alias,place_id")
    parser.add_argument("--no-geonames", action="store_true", help="use only the curated places (no GeoNames merge)")


def gazetteer_from_args(args: argparse.Namespace) -> Gazetteer:
    """Build the gazetteer the options describe."""
    from geo.gazetteer import load_gazetteer

    extra = []
    if args.gazetteer:
        from geo.place_sources import read_place_file  # pandas: only when extra files are given

        extra = [read_place_file(path).places for path in args.gazetteer]
    return load_gazetteer(include_geonames=not args.no_geonames, extra=extra, aliases=args.aliases)
