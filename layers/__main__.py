"""``python -m layers``: import incident files, export maps, animations and data, density rasters, spread."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from geo import cli
from layers.cli import density_cmd, export_cmd, history_cmd, import_cmd, spread_cmd

COMMANDS = (import_cmd, export_cmd, density_cmd, spread_cmd, history_cmd)


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser with one sub-command per module in COMMANDS."""
    return cli.build_parser("python -m layers", __doc__, COMMANDS)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line and return its exit code."""
    return cli.run(build_parser(), argv)


if __name__ == "__main__":
    sys.exit(main())
