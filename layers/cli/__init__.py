"""Command-line interface of :mod:`layers`: one small module per command.

Each command module defines ``add_parser(subparsers)`` and ``run(args) -> int``.
The CLI only parses options and calls the library; errors of the project are
printed as one line on stderr with exit code 2.
"""
