"""``python -m geo gazetteer fetch geonames|ocha`` and ``python -m geo gazetteer list``."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    """Register the ``gazetteer`` command and its ``fetch`` and ``list`` sub-commands."""
    parser = subparsers.add_parser("gazetteer", help="the gazetteer's sources: fetch more, list those in use")
    commands = parser.add_subparsers(dest="gazetteer_command", required=True)
    fetch = commands.add_parser(
        "fetch",
        help="download a bigger source into the user folder (used by every later start)",
        description="Download a source, check it, and make it the copy in use. A failed, partial or "
        "damaged download leaves the previous copy in place. URLs: the options, else "
        "$SYRIA_MAP_GEONAMES_URL / $SYRIA_MAP_GEONAMES_ALTERNATES_URL / $SYRIA_MAP_OCHA_URL, else the defaults.",
    )
    fetch.add_argument("source", choices=["geonames", "ocha"], help="geonames: SY.zip + alternate names; ocha: HDX")
    fetch.add_argument("--url", help="URL of the main file (GeoNames SY.zip, or the OCHA GeoJSON/CSV/HDX record)")
    fetch.add_argument("--alternates-url", help="URL of the GeoNames alternate names SY.zip")
    fetch.add_argument("--sha256", help="expected SHA-256 of the main file; a different download is refused")
    fetch.add_argument("--timeout", type=float, default=60.0, metavar="SECONDS", help="per network step (60)")
    fetch.set_defaults(run=run_fetch)
    listing = commands.add_parser("list", help="the sources in use: files, rows, dates, licences")
    listing.add_argument("--json", action="store_true", help="print JSON")
    listing.set_defaults(run=run_list)


def run_fetch(args: argparse.Namespace) -> int:
    """Fetch one source and print what was stored."""
    from geo.fetch import fetch_source

    urls = {"dump": args.url, "alternates": args.alternates_url} if args.source == "geonames" else {"places": args.url}
    entry = fetch_source(args.source, urls, sha256=args.sha256, timeout_s=args.timeout)
    print(f"fetched {args.source}: {entry['rows']:,} places, {entry['licence']} ({entry['attribution']})")
    for label, info in entry["files"].items():
        print(f"  {label}: {info['url']}  {info['bytes']:,} bytes  sha256 {info['sha256']}")
    return 0


def run_list(args: argparse.Namespace) -> int:
    """Print every source: in use or not, rows, date, licence; then the merged total."""
    from geo.build import source_tables
    from geo.fetch import fetched_status
    from geo.gazetteer import load_gazetteer

    rows: list[dict[str, Any]] = []
    for use, _ in source_tables():
        rows.append(
            {
                "name": use.source.name,
                "files": [str(f) for f in use.files],
                "rows": use.rows,
                "date": use.date or "embedded",
                "licence": use.source.licence,
                "attribution": use.source.attribution,
                "in_use": True,
            }
        )
    for status in fetched_status():
        if status["problem"]:
            rows.append(
                {
                    "name": status["name"],
                    "files": [],
                    "rows": status.get("rows", 0),
                    "date": status.get("fetched_at", ""),
                    "licence": status.get("licence", ""),
                    "in_use": False,
                    "problem": status["problem"],
                }
            )
    total = len(load_gazetteer())
    if args.json:
        print(json.dumps({"sources": rows, "places": total}, ensure_ascii=False, indent=2))
        return 0
    for row in rows:
        state = "in use" if row["in_use"] else f"NOT USED: {row['problem']}"
        print(f"{row['name']:<20} {row['rows']:>7,} rows  {row['date']:<26} {row['licence']}  [{state}]")
        for path in row["files"]:
            print(f"{'':<22}{path}")
    print(f"{total:,} places after merging (duplicates across sources joined)", file=sys.stdout)
    return 0
