"""``python -m geo``: resolve place names, geocode tables, measure along corridors."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from geo.cli import corridor, geocode, resolve
from geo.errors import IncidentMapError

COMMANDS = (resolve, geocode, corridor)


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser with one sub-command per module in COMMANDS."""
    parser = argparse.ArgumentParser(prog="python -m geo", description=__doc__)
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
    except BrokenPipeError:  # output piped into `head`
        sys.stderr.close()
        return 0


if __name__ == "__main__":
    sys.exit(main())
