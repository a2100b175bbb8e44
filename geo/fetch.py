"""Fetched gazetteer sources in the user folder (filled in by ``python -m geo gazetteer fetch``)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd


def fetched_tables() -> list[tuple[object, tuple[Path, ...], str, pd.DataFrame]]:
    """Return (source, files, date, table) for each fetched source in use: none yet."""
    return []


def fetched_files() -> list[Path]:
    """Return the files of the fetched sources in use: none yet."""
    return []
