"""``syria-map``: every command of ``python -m geo`` and ``python -m layers``, plus ``app``."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from geo import cli
from geo.__main__ import COMMANDS as GEO_COMMANDS
from layers.__main__ import COMMANDS as LAYERS_COMMANDS
from layers.cli import app_cmd

COMMANDS = (*GEO_COMMANDS, *LAYERS_COMMANDS, app_cmd)


def build_parser() -> argparse.ArgumentParser:
    """Return the parser: resolve, geocode, corridor, import, export, density, app."""
    return cli.build_parser("syria-map", __doc__, COMMANDS)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line and return its exit code."""
    return cli.run(build_parser(), argv)


if __name__ == "__main__":
    sys.exit(main())
