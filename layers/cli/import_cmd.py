"""``python -m layers import IN --out OUT.gpkg``: import a file into a GeoPackage (or ``--store URL``).

With ``--store postgresql://…`` the rows go into the shared PostGIS store as dataset
``--dataset`` (default: the file's name), replacing it in one transaction.

Prints a JSON summary (rows_in, imported, rejected, flagged, by_reason, by_flag,
the column mapping used and the day/month order) and exits 0 whenever the file
was read, even if every row was rejected. ``--columns date=incident_date,…``
says which column is which; ``--dayfirst`` / ``--monthfirst`` give the order of
numeric dates when no value settles it; ``--flags`` writes the flagged rows.
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
    target = parser.add_mutually_exclusive_group(required=True)
    target.add_argument("--out", metavar="OUT.gpkg", help="GeoPackage to write (replaced)")
    target.add_argument("--store", metavar="URL", help="a postgresql://… store (the dataset is replaced atomically)")
    parser.add_argument("--dataset", default="", help="dataset name in the --store (default: the file's name)")
    parser.add_argument("--rejects", metavar="REJECTS.csv", help="write rejected rows here (UTF-8 CSV)")
    parser.add_argument("--flags", metavar="FLAGS.csv", help="write imported rows with warnings here, with the reasons")
    parser.add_argument(
        "--columns",
        metavar="FIELD=COLUMN,…",
        help="which column is which, e.g. date=incident_date,place=location_name,lat=geo_latitude,lon=geo_longitude",
    )
    order = parser.add_mutually_exclusive_group()
    order.add_argument("--dayfirst", dest="dayfirst", action="store_const", const=True, help="03/04/2025 is 3 April")
    order.add_argument("--monthfirst", dest="dayfirst", action="store_const", const=False, help="03/04/2025 is 4 March")
    parser.add_argument("--title", default="", help="dataset title stored in the GeoPackage")
    add_gazetteer_options(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Import, save, print the summary; return 0."""
    from geo.tables import neutralize_formulas, write_csv_atomic
    from layers.importers import detect_format
    from layers.importers.sandbox import import_file_budgeted
    from layers.store import save_gpkg

    fmt = detect_format(args.input) if args.format == "auto" else args.format
    gazetteer = None if fmt in _NO_GEOCODING else gazetteer_from_args(args)
    result = import_file_budgeted(  # parsed in a child under the memory/time budget; writers stay here
        args.input, format=fmt, gazetteer=gazetteer, columns=args.columns, dayfirst=args.dayfirst, label=args.input
    )
    title = args.title or Path(args.input).stem
    if args.store:
        from layers.store import open_store

        store = open_store(args.store)
        try:
            store.save(
                result.incidents,
                args.dataset or Path(args.input).stem,
                title=title,
                source_file=Path(args.input).name,
            )
        finally:
            store.close()
    else:
        save_gpkg(result.incidents, args.out, title=title)
    if args.rejects:
        write_csv_atomic(neutralize_formulas(result.rejects), args.rejects)
    if args.flags:
        write_csv_atomic(neutralize_formulas(result.flagged), args.flags)
    summary = result.summary()
    summary["out"] = str(args.out) if args.out else f"{args.dataset or Path(args.input).stem} in the store"
    print(json.dumps(summary, ensure_ascii=False, indent=2))
    return 0
