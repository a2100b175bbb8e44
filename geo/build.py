"""Build the gazetteer's place table from every source, in priority order.

Order (earlier wins, see :mod:`geo.merge`): the curated ``places.csv``, the
embedded sources of :data:`geo.sources.EMBEDDED_SOURCES` (OCHA admin units, OCHA
neighbourhoods, OSM communities, then GeoNames), the fetched sources of
:mod:`geo.fetch` (OCHA populated places before the GeoNames dump), then a user's
extra tables. Every place then gets its governorate, district and sub-district
P-codes from the OCHA polygons (:func:`geo.admin.locate`) where no source gave
them, and a place with no parent gets the admin unit that holds it as parent.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from geo.lazy import pd
from geo.merge import join_places
from geo.places import ADMIN_KINDS, DATA_DIR, read_places
from geo.sources import CURATED, EMBEDDED_SOURCES, PlaceSource, complete_columns, read_source

#: How far (degrees, about 1 km) outside the simplified polygons a point still takes the nearest area's P-codes.
NEAR_DEG = 0.01

__all__ = ["NEAR_DEG", "SourceUse", "build_place_table", "source_files", "source_tables"]


@dataclass(frozen=True, slots=True)
class SourceUse:
    """One source as used in a build: what it is, its files and how many rows it gave."""

    source: PlaceSource
    files: tuple[Path, ...]
    rows: int
    date: str = ""


def source_files(places: str | Path | None = None, *, include_geonames: bool = True) -> list[Path]:
    """Return the files a build reads (for the cache key), without reading them."""
    from geo.fetch import fetched_files

    # The admin polygons (geo.admin) give P-codes and parents.
    files = [Path(places) if places is not None else CURATED.path, DATA_DIR / "ocha_admin_boundaries.geojson"]
    if include_geonames:
        files += [s.path for s in EMBEDDED_SOURCES] + fetched_files()
    return files


def source_tables(
    places: str | Path | None = None, *, include_geonames: bool = True
) -> list[tuple[SourceUse, pd.DataFrame]]:
    """Return (use, table) for the curated table and, unless curated-only, every other source available."""
    from geo.fetch import fetched_tables

    curated_path = Path(places) if places is not None else CURATED.path
    curated = complete_columns(read_places(curated_path), CURATED)
    out = [(SourceUse(CURATED, (curated_path,), len(curated)), curated)]
    if not include_geonames:
        return out
    for source in EMBEDDED_SOURCES:
        table = read_source(source)
        out.append((SourceUse(source, (source.path,), len(table)), table))
    for source, files, date, table in fetched_tables():
        out.append((SourceUse(source, files, len(table), date), complete_columns(table, source)))
    # The OCHA populated places (P-coded) rank above GeoNames: move them before the GeoNames tables.
    out.sort(key=lambda item: 1 if item[0].source.origin == "geonames" else 0)
    return out


def build_place_table(
    tables: Sequence[pd.DataFrame], extra: Sequence[pd.DataFrame] = ()
) -> tuple[pd.DataFrame, dict[str, str]]:
    """Merge *tables* (priority order) and a user's *extra* tables; fill P-codes and parents.

    Returns the place table and the map {joined id: id of the place it was joined into}.
    """
    merged, joined = join_places([*tables, *(complete_columns(e) for e in extra)])
    _fill_admin_codes(merged)
    _link_parents(merged)
    return merged, joined


def _fill_admin_codes(table: pd.DataFrame) -> None:
    """Give every place its admin1–3 P-codes: its own (admin rows), else the polygons holding its point."""
    from geo.admin import load_admin_areas, locate

    for level, column in ((1, "adm1_pcode"), (2, "adm2_pcode"), (3, "adm3_pcode")):
        code = table["pcode"].astype(str)
        own = table["kind"].isin(ADMIN_KINDS) & code.str.fullmatch(r"SY\d{2,6}") & (code.str.len() >= 2 + 2 * level)
        table.loc[own & table[column].eq(""), column] = code.str[: 2 + 2 * level]
        missing = table[column].eq("") & ~(table["kind"].isin(ADMIN_KINDS) & (code.str.len() < 2 + 2 * level))
        if missing.any():
            found = locate(table.loc[missing, "lon"].to_numpy(), table.loc[missing, "lat"].to_numpy(), level)
            table.loc[missing, column] = [f or "" for f in found]
        outside = missing & table[column].eq("")
        if outside.any():
            # A coast or border point just outside the simplified polygons (≤ ~1 km): the nearest area.
            near = load_admin_areas().nearest(
                table.loc[outside, "lon"].to_numpy(), table.loc[outside, "lat"].to_numpy(), level, NEAR_DEG
            )
            table.loc[outside, column] = [f or "" for f in near]


def _link_parents(table: pd.DataFrame) -> None:
    """Give every place the most specific admin unit that holds it as parent.

    A place with no parent gets its sub-district (else district, else
    governorate). A place whose parent is an admin unit that also holds a more
    specific unit holding the place (a curated town whose parent is its district)
    gets that unit inserted between them: the old parent stays an ancestor.
    """
    admin_id: dict[str, str] = {}
    for kind, pcode, pid in zip(table["kind"], table["pcode"], table["id"], strict=True):
        if kind in ADMIN_KINDS and pcode:
            admin_id.setdefault(pcode, pid)
    pcode_of = {pid: pcode for pcode, pid in admin_id.items()}
    parents = []
    for row in table[["id", "kind", "parent_id", "adm1_pcode", "adm2_pcode", "adm3_pcode"]].itertuples(index=False):
        chain = {"governorate": (), "district": (row.adm1_pcode,), "subdistrict": (row.adm2_pcode, row.adm1_pcode)}.get(
            row.kind, (row.adm3_pcode, row.adm2_pcode, row.adm1_pcode)
        )
        chain = tuple(c for c in chain if c and c in admin_id and admin_id[c] != row.id)
        parent = row.parent_id
        if not parent:
            parent = admin_id[chain[0]] if chain else ""
        elif parent in pcode_of and pcode_of[parent] in chain:
            parent = admin_id[chain[0]]
        parents.append(parent)
    table["parent_id"] = parents
