"""Command-line interface of :mod:`geo`: one small module per command.

Each command module defines ``add_parser(subparsers)`` and ``run(args) -> int``.
The CLI only parses options and calls the library; errors of the project are
printed as one line on stderr with exit code 2.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from types import ModuleType

from geo.errors import IncidentMapError


def build_parser(prog: str, description: str | None, commands: Sequence[ModuleType]) -> argparse.ArgumentParser:
    """Return a parser with one sub-command per command module."""
    parser = argparse.ArgumentParser(prog=prog, description=description)
    subparsers = parser.add_subparsers(dest="command", required=True)
    for module in commands:
        module.add_parser(subparsers)
    return parser


def run(parser: argparse.ArgumentParser, argv: Sequence[str] | None = None) -> int:
    """Parse *argv*, run the chosen command and return its exit code.

    A project error is one line on stderr and exit code 2; output piped into
    ``head`` ends quietly.
    """
    args = parser.parse_args(argv)
    try:
        return int(args.run(args))
    except IncidentMapError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        sys.stderr.close()
        return 0
