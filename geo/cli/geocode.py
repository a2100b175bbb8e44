"""``python -m geo geocode IN.csv --column COL --out OUT.csv``: geocode a table."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from geo.cli.common import add_gazetteer_options, gazetteer_from_args
from geo.errors import DataSchemaError, InputFileError


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    """Register the ``geocode`` command."""
    parser = subparsers.add_parser("geocode", help="add coordinates to every row of a CSV")
    parser.add_argument("input", type=Path, help="input CSV (UTF-8, UTF-8 with BOM, UTF-16 or Windows-1256)")
    parser.add_argument("--column", required=True, help="the column holding place names")
    parser.add_argument("--context-column", help="a column holding a governorate/city for each row")
    parser.add_argument("--out", type=Path, required=True, help="output CSV")
    add_gazetteer_options(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Geocode every row, write them all, print a summary to stderr."""
    import pandas as pd

    from geo.tables import neutralize_formulas, read_text_table, write_csv_atomic

    table = read_text_table(args.input)
    for column in (args.column, args.context_column):
        if column and column not in table.columns:
            raise DataSchemaError(
                f"{args.input}: no column {column!r}; columns are: {', '.join(map(str, table.columns))}"
            )
    gaz = gazetteer_from_args(args)
    contexts = table[args.context_column] if args.context_column else None
    result = gaz.resolve_many(table[args.column], contexts)
    clash = [c for c in result.columns if c in table.columns]
    if clash:
        raise DataSchemaError(f"{args.input}: columns {', '.join(clash)} would be overwritten; rename them")
    # Matched names can come from a user's place file too: every text cell is neutralised.
    out = neutralize_formulas(pd.concat([table, result], axis=1))
    if args.out.resolve() == args.input.resolve():
        raise InputFileError(f"{args.out}: refusing to overwrite the input file")
    write_csv_atomic(out, args.out)
    resolved = int(result["place_id"].notna().sum())
    ambiguous = int(result["ambiguous"].sum())
    print(
        f"rows: {len(out)}, resolved: {resolved}, ambiguous: {ambiguous}, "
        f"unresolved: {len(out) - resolved - ambiguous}",
        file=sys.stderr,
    )
    return 0
