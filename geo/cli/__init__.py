"""Command-line interface of :mod:`geo`: one small module per command.

Each command module defines ``add_parser(subparsers)`` and ``run(args) -> int``.
The CLI only parses options and calls the library; errors of the project are
printed as one line on stderr with exit code 2.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Iterator, Sequence
from types import ModuleType

from geo.errors import IncidentMapError


class LazyChoices:
    """``choices=`` for argparse read from ``module.attribute`` only when a value is checked or help shown.

    Building the parser then imports no heavy library: a command loads matplotlib, rasterio or
    pandas only when it runs (or checks an option that needs them).
    """

    def __init__(self, module: str, attribute: str) -> None:
        self._module, self._attribute = module, attribute

    def _values(self) -> Sequence[str]:
        return tuple(getattr(importlib.import_module(self._module), self._attribute))

    def __iter__(self) -> Iterator[str]:
        return iter(self._values())

    def __contains__(self, value: object) -> bool:
        return value in self._values()

    def __len__(self) -> int:
        return len(self._values())


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
