"""``syria-map app``: run the Streamlit app (the packaged ``app.py``) from any directory.

Streamlit reads ``.streamlit/config.toml`` from the working directory only, so the project's
settings (no raw table downloads, error details, upload size) are passed as command-line flags.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tomllib
from pathlib import Path

from geo.data_files import project_file
from geo.errors import InputFileError


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    """Register the ``app`` command."""
    parser = subparsers.add_parser("app", help="run the map app in the browser (streamlit)")
    parser.add_argument("--port", type=int, help="port to listen on (default: streamlit's, 8501)")
    parser.add_argument(
        "streamlit_args",
        nargs=argparse.REMAINDER,
        metavar="...",
        help="further `streamlit run` options after --, e.g. syria-map app -- --server.headless true",
    )
    parser.set_defaults(run=run)


def config_flags(config: Path) -> list[str]:
    """Return ``streamlit run`` flags (``--section.key value``) for every setting in *config*."""
    flags: list[str] = []
    for section, values in tomllib.loads(config.read_text(encoding="utf-8")).items():
        for key, value in values.items():
            text = str(value).lower() if isinstance(value, bool) else str(value)
            flags += [f"--{section}.{key}", text]
    return flags


def streamlit_command(port: int | None = None, extra: list[str] | None = None) -> list[str]:
    """Return the command line that runs the app with the project's settings."""
    app = project_file("app.py")
    if not app.is_file():
        raise InputFileError(f"{app} is missing: reinstall the package (pip install .)")
    settings = config_flags(project_file(".streamlit/config.toml"))
    command = [sys.executable, "-m", "streamlit", "run", str(app), *settings]
    if port is not None:
        command += ["--server.port", str(port)]
    return command + [arg for arg in (extra or []) if arg != "--"]


def run(args: argparse.Namespace) -> int:
    """Run streamlit until it stops; return its exit code."""
    try:
        return subprocess.call(streamlit_command(args.port, args.streamlit_args))
    except KeyboardInterrupt:
        return 130
