"""``python -m geo resolve NAME``: resolve one place name and print the result."""

from __future__ import annotations

import argparse
import json

from geo.cli.common import add_gazetteer_options, gazetteer_from_args, parse_lat_lon


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    """Register the ``resolve`` command."""
    parser = subparsers.add_parser("resolve", help="resolve a place name to a sourced point")
    parser.add_argument("name", help='a place name, optionally with context: "al-Qusour, Baniyas"')
    parser.add_argument("--within", help="a governorate, district, city or place id that holds the place")
    parser.add_argument(
        "--near",
        type=parse_lat_lon,
        metavar="LAT,LON",
        help="choose the candidate nearest to this point (latitude first)",
    )
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    add_gazetteer_options(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Print the match and its status; exit 0 when resolved, 1 otherwise (review, ambiguous, unresolved)."""
    gaz = gazetteer_from_args(args)
    match = gaz.resolve(args.name, within=args.within, near=args.near)
    if args.json:
        print(json.dumps(match.to_dict(), ensure_ascii=False, indent=2))
    elif match.place_id is not None:
        label = "resolved" if match.resolved else "review (best guess, not placed until accepted)"
        print(f"{label}: {match.name} ({match.admin1}) [{match.place_id}]")
        print(
            f"  lat {match.lat:.6f}  lon {match.lon:.6f}  ±{match.coord_precision_m} m  "
            f"geo_precision {match.geo_precision}"
        )
        print(f"  score {match.score:.2f} by {match.method}; source: {match.source}")
        if match.reason:
            print(f"  {match.reason}")
        for cand in match.candidates[1:] if not match.resolved else ():
            print(f"  or {cand.place_id}: {cand.label()}  lat {cand.lat:.5f} lon {cand.lon:.5f}")
    else:
        print(f"{match.status}: {match.reason}")
        for cand in match.candidates if match.ambiguous else ():
            print(f"  {cand.place_id}: {cand.label()}  lat {cand.lat:.5f} lon {cand.lon:.5f}")
    return 0 if match.resolved else 1
