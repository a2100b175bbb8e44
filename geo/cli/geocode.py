"""``python -m geo geocode IN.csv --column COL --out OUT.csv``: geocode a table.

The added columns carry a prefix (``match_`` by default: ``match_lat``,
``match_lon``, ``match_place_id``, ``match_name``, ``match_status``, ...), so a
file with its own ``latitude``/``longitude``/``geo_precision`` (an ACLED
export) geocodes as it is; no input column is ever overwritten.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from geo.cli import LazyChoices
from geo.cli.common import add_gazetteer_options, gazetteer_from_args
from geo.errors import DataSchemaError, InputFileError
from geo.types import MATCH_STATUSES


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    """Register the ``geocode`` command."""
    parser = subparsers.add_parser("geocode", help="add coordinates to every row of a CSV")
    parser.add_argument("input", type=Path, help="input CSV (UTF-8, UTF-8 with BOM, UTF-16 or Windows-1256)")
    parser.add_argument("--column", required=True, help="the column holding place names")
    parser.add_argument("--context-column", help="a column holding a governorate/city for each row")
    parser.add_argument("--out", type=Path, required=True, help="output CSV")
    parser.add_argument(
        "--prefix",
        default="match_",
        help="prefix of the added columns (default match_: match_lat, match_lon, match_status, ...)",
    )
    parser.add_argument(
        "--min-status",
        choices=LazyChoices("geo.match_table", "MIN_STATUSES"),
        metavar="STATUS",
        default="resolved",
        help="which matches get coordinates: resolved only (default), or review best guesses too",
    )
    add_gazetteer_options(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Geocode every row, write them all, print a summary to stderr."""
    import pandas as pd

    from geo.match_table import output_columns
    from geo.tables import neutralize_formulas, read_text_table, write_csv_atomic

    table = read_text_table(args.input)
    for column in (args.column, args.context_column):
        if column and column not in table.columns:
            raise DataSchemaError(
                f"{args.input}: no column {column!r}; columns are: {', '.join(map(str, table.columns))}"
            )
    gaz = gazetteer_from_args(args)
    contexts = table[args.context_column] if args.context_column else None
    names = output_columns(args.prefix)
    clash = [c for c in names.values() if c in table.columns]
    if clash:
        raise DataSchemaError(f"{args.input}: columns {', '.join(clash)} would be overwritten; choose another --prefix")
    result = gaz.resolve_many(table[args.column], contexts, min_status=args.min_status).rename(columns=names)
    # Matched names can come from a user's place file too: every text cell is neutralised.
    out = neutralize_formulas(pd.concat([table, result], axis=1))
    if args.out.resolve() == args.input.resolve():
        raise InputFileError(f"{args.out}: refusing to overwrite the input file")
    write_csv_atomic(out, args.out)
    counts = result[names["status"]].value_counts()
    placed = int(result[names["lat"]].notna().sum())
    per_status = ", ".join(f"{status}: {int(counts.get(status, 0))}" for status in MATCH_STATUSES)
    print(
        f"rows: {len(out)}, {per_status}; with coordinates: {placed} (--min-status {args.min_status})", file=sys.stderr
    )
    return 0
