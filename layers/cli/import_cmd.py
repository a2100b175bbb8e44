"""``python -m layers import IN --out OUT.gpkg``: import a file into a GeoPackage.

Prints a JSON summary (rows_in, imported, rejected, flagged, by_reason) and
exits 0 whenever the file was read, even if every row was rejected.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from geo.cli import LazyChoices
from geo.cli.common import add_gazetteer_options, gazetteer_from_args

#: Formats whose rows always carry coordinates: no gazetteer is loaded for them.
_NO_GEOCODING = ("acled", "ucdp")


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    """Register the ``import`` command."""
    parser = subparsers.add_parser("import", help="import an incident file (CSV, Excel, ACLED, UCDP, GeoJSON, KML)")
    parser.add_argument("input", metavar="IN", help="the file to import")
    parser.add_argument(
        "--format",
        choices=LazyChoices("layers.importers", "FORMATS"),
        metavar="FORMAT",
        default="auto",
        help="input format: %(choices)s (default: detect)",
    )
    parser.add_argument("--out", required=True, metavar="OUT.gpkg", help="GeoPackage to write (replaced)")
    parser.add_argument("--rejects", metavar="REJECTS.csv", help="write rejected rows here (UTF-8 CSV)")
    parser.add_argument("--title", default="", help="dataset title stored in the GeoPackage")
    add_gazetteer_options(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Import, save, print the summary; return 0."""
    from geo.tables import neutralize_formulas, write_csv_atomic
    from layers.importers import detect_format, import_file
    from layers.store import save_gpkg

    fmt = detect_format(args.input) if args.format == "auto" else args.format
    gazetteer = None if fmt in _NO_GEOCODING else gazetteer_from_args(args)
    result = import_file(args.input, format=fmt, gazetteer=gazetteer)
    save_gpkg(result.incidents, args.out, title=args.title or Path(args.input).stem)
    if args.rejects:
        write_csv_atomic(neutralize_formulas(result.rejects), args.rejects)
    summary = result.summary()
    summary["out"] = str(args.out)
    print(json.dumps(summary, ensure_ascii=False, indent=2))
    return 0
