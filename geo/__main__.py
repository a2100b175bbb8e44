"""``python -m geo``: resolve place names, geocode tables, measure along corridors, manage gazetteer sources."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from geo import cli
from geo.cli import corridor, gazetteer, geocode, resolve

COMMANDS = (resolve, geocode, corridor, gazetteer)


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser with one sub-command per module in COMMANDS."""
    return cli.build_parser("python -m geo", __doc__, COMMANDS)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line and return its exit code."""
    return cli.run(build_parser(), argv)


if __name__ == "__main__":
    sys.exit(main())
