"""``python -m layers``: import incident files, export maps, animations and data, density rasters."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from geo.errors import IncidentMapError
from layers.cli import density_cmd, export_cmd, import_cmd

COMMANDS = (import_cmd, export_cmd, density_cmd)


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser with one sub-command per module in COMMANDS."""
    parser = argparse.ArgumentParser(prog="python -m layers", description=__doc__)
    subparsers = parser.add_subparsers(dest="command", required=True)
    for module in COMMANDS:
        module.add_parser(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line and return its exit code."""
    args = build_parser().parse_args(argv)
    try:
        return int(args.run(args))
    except IncidentMapError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
