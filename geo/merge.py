"""Merging place tables from several sources into one gazetteer table.

The rule (documented in ``data/gazetteer/README.md``):

1. Tables are merged in priority order; the curated table comes first and wins.
2. A row of a later table is **joined** to an earlier place (one place, several
   sources) when both are of the same kind group — each admin level is its own
   group, settlements (city, town, village, neighbourhood) one group, sites
   another — and either

   - they share an identifier: an id, a P-code, or a citation in ``source``
     (``geonames:170063``, ``osm:node/…``, ``ocha:SY0603``; not the anchors a
     ``derived`` point cites), or
   - one's *principal* name key (the ``normalize_name`` of ``name_en`` or
     ``name_ar`` — GeoNames: ``name_en`` only, its alternate names being
     unordered; curated rows: also their vetted ``alt_names``) is one of the
     other's names, and they lie within :data:`JOIN_KM` of each other (the
     larger distance of the two kinds).

   Rows of one table are never joined to each other: a source that lists two
   places means two places.
3. The place keeps the earlier row's id, names, kind and point; the joined row
   adds its names to ``alt_names``, its Arabic name when the place had none, its
   P-codes where the place had none, its citation to ``source``, its file to
   ``source_file``, its licence to ``licence`` and its id to ``joined_ids``.
4. An alternate name that is the principal name of a *different* place (a
   settlement's or a site's name for settlements and sites, the same admin level
   for admin units) within :data:`FOREIGN_ALT_KM` is dropped from non-curated rows
   (GeoNames lists "Abu Hardub" among Hajīn's names; Abu Hardub is a town 25 km
   away), and the row's ``notes`` say so.
5. Parents: a joined id used as ``parent_id`` is replaced by the id of the place
   it was joined into.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

import numpy as np

from geo.lazy import pd
from geo.names import normalize_name
from geo.places import geodesic_km

__all__ = ["FOREIGN_ALT_KM", "JOIN_KM", "join_places"]

#: How close (km) two same-named rows must be to be one place, by kind.
JOIN_KM = {
    "governorate": 100.0,
    "district": 40.0,
    "subdistrict": 20.0,
    "city": 10.0,
    "town": 6.0,
    "village": 4.0,
    "neighbourhood": 2.0,
    "site": 1.5,
}
#: Within this distance an alternate name that is another place's own name is dropped.
FOREIGN_ALT_KM = 30.0
#: normalize_name, remembered: a merge asks for the same names many times.
_key = lru_cache(maxsize=200_000)(normalize_name)
_GROUP = {"city": "settlement", "town": "settlement", "village": "settlement", "neighbourhood": "settlement"}


def _group(kind: str) -> str:
    return _GROUP.get(kind, kind)


def _split(text: object) -> list[str]:
    return [s.strip() for s in str(text or "").split(";") if s.strip()]


def _identifiers(row: dict) -> set[str]:
    ids = {str(row["id"])}
    if row.get("pcode"):
        ids.add(f"ocha:{row['pcode']}")
    cited = _split(row.get("source"))
    # A derived point cites its anchors, which are other places: not identifiers of this one.
    if not (cited and cited[0].startswith("derived")):
        ids.update(c for c in cited if c.split(":", 1)[0] in ("geonames", "osm", "ocha"))
    return ids


def _all_names(row: dict) -> set[str]:
    names = [row["name_en"], row["name_ar"], *_split(row["alt_names"])]
    return {k for k in (_key(str(n)) for n in names if n) if k}


def _principal(row: dict) -> set[str]:
    # GeoNames alternate names are unordered: its "Arabic name" is only the first Arabic one, not principal.
    names = [row["name_en"]] if row.get("origin") == "geonames" else [row["name_en"], row["name_ar"]]
    if row.get("origin") == "curated":
        names += _split(row["alt_names"])
    return {k for k in (_key(str(n)) for n in names if n) if k}


def _add(target: dict, field: str, values: Sequence[str]) -> None:
    """Append *values* to a ``;``-list field, skipping ones already there (case-insensitive)."""
    have = _split(target[field])
    folded = {h.casefold() for h in have}
    for value in values:
        value = str(value).replace(";", " ").strip()
        if value and value.casefold() not in folded:
            have.append(value)
            folded.add(value.casefold())
    target[field] = ";".join(have)


def _note(target: dict, text: str) -> None:
    notes = str(target.get("notes") or "")
    target["notes"] = f"{notes}; {text}" if notes else text


def _join(target: dict, row: dict) -> None:
    names = [row["name_en"], row["name_ar"], *_split(row["alt_names"])]
    own = {str(target["name_en"]).casefold(), str(target["name_ar"]).casefold()}
    _add(target, "alt_names", [n for n in names if str(n).casefold() not in own])
    if not target["name_ar"] and row["name_ar"]:
        target["name_ar"] = row["name_ar"]
        _note(target, f"Arabic name from {row['id']}")
    for column in ("pcode", "adm1_pcode", "adm2_pcode", "adm3_pcode"):
        if not target.get(column) and row.get(column):
            target[column] = row[column]
    cited = [c.strip() for c in str(target["source"]).split(";")]
    target["source"] = "; ".join([*cited, *(c for c in _split(row["source"]) if c not in cited)])
    _add(target, "source_file", _split(row["source_file"]))
    _add(target, "licence", _split(row["licence"]))
    _add(target, "joined_ids", [row["id"], *_split(row.get("joined_ids"))])


class _Index:
    """The places merged so far, looked up by identifier and by (group, principal name)."""

    def __init__(self) -> None:
        self.rows: list[dict] = []
        self.by_id: dict[tuple[str, str], int] = {}
        self.by_name: dict[tuple[str, str], list[int]] = {}
        self.by_alt: dict[tuple[str, str], list[int]] = {}
        self.principal: list[set[str]] = []

    def register(self, pos: int, row: dict) -> None:
        group = _group(row["kind"])
        for ident in _identifiers(row):
            self.by_id.setdefault((group, ident), pos)
        keys = _principal(row)
        self.principal[pos] |= keys
        for key in keys:
            self.by_name.setdefault((group, key), []).append(pos)
        for key in _all_names(row) - keys:
            self.by_alt.setdefault((group, key), []).append(pos)

    def find(self, row: dict) -> int | None:
        group = _group(row["kind"])
        for ident in sorted(_identifiers(row)):
            if (group, ident) in self.by_id:
                return self.by_id[group, ident]
        own = _principal(row)
        near = {p for k in own for p in self.by_name.get((group, k), ())}
        # One's own name among the other's alternates (either way round) counts too.
        near |= {p for k in own for p in self.by_alt.get((group, k), ())}
        near |= {p for k in _all_names(row) - own for p in self.by_name.get((group, k), ())}
        return self._nearest(row, sorted(near))

    def _nearest(self, row: dict, near: list[int]) -> int | None:
        if not near:
            return None
        lon = np.array([self.rows[p]["lon"] for p in near], dtype=float)
        lat = np.array([self.rows[p]["lat"] for p in near], dtype=float)
        dist = geodesic_km(row["lon"], row["lat"], lon, lat)
        limit = np.array([max(JOIN_KM.get(row["kind"], 2.0), JOIN_KM.get(self.rows[p]["kind"], 2.0)) for p in near])
        ok = np.flatnonzero(dist <= limit)
        return near[int(ok[np.argmin(dist[ok])])] if len(ok) else None


def join_places(tables: Sequence[pd.DataFrame]) -> tuple[pd.DataFrame, dict[str, str]]:
    """Merge place tables (highest priority first) into one; return it and {joined id: place id}.

    Every table has the columns of :func:`geo.sources.complete_columns`.

    Examples
    --------
    >>> from geo.sources import complete_columns
    >>> a = complete_columns(pd.DataFrame({"id": ["homs"], "name_en": ["Homs"], "kind": ["city"],
    ...     "lat": [34.73], "lon": [36.71], "source": ["x"], "origin": ["curated"]}))
    >>> b = complete_columns(pd.DataFrame({"id": ["geonames:1", "geonames:2"], "name_en": ["Hims", "Homs"],
    ...     "kind": ["town", "town"], "lat": [34.72, 36.0], "lon": [36.72, 38.0],
    ...     "source": ["geonames:1", "geonames:2"], "origin": ["geonames", "geonames"]}))
    >>> b.loc[0, "alt_names"] = "Homs"
    >>> merged, joined = join_places([a, b])
    >>> list(merged["id"]), joined
    (['homs', 'geonames:2'], {'geonames:1': 'homs'})
    >>> merged.loc[0, "alt_names"]
    'Hims'
    """
    index = _Index()
    joined: dict[str, str] = {}
    for table in tables:
        fresh: list[int] = []
        for row in table.to_dict("records"):
            pos = index.find(row) if index.rows else None
            if pos is None:
                index.rows.append(dict(row))
                index.principal.append(set())
                fresh.append(len(index.rows) - 1)
                continue
            _join(index.rows[pos], row)
            joined[str(row["id"])] = str(index.rows[pos]["id"])
            for extra_id in _split(row.get("joined_ids")):
                joined[extra_id] = str(index.rows[pos]["id"])
            index.register(pos, row)
        for pos in fresh:
            index.register(pos, index.rows[pos])
    _drop_foreign_alt_names(index)
    out = pd.DataFrame(index.rows, columns=list(tables[0].columns))
    out["parent_id"] = out["parent_id"].map(lambda p: joined.get(p, p))
    return out, joined


def _name_group(kind: str) -> str:
    """Settlements and sites share names (a village and the region named after it): one group here."""
    return "place" if _group(kind) in ("settlement", "site") else kind


def _drop_foreign_alt_names(index: _Index) -> None:
    """Rule 4: drop a non-curated alternate name that is a nearby different place's own name."""
    owners: dict[tuple[str, str], list[int]] = {}
    for pos, keys in enumerate(index.principal):
        for key in keys:
            owners.setdefault((_name_group(index.rows[pos]["kind"]), key), []).append(pos)
    for pos, row in enumerate(index.rows):
        group, mine = _name_group(row["kind"]), index.principal[pos]
        keep, dropped = [], []
        for alt in _split(row["alt_names"]):
            key = _key(alt)
            # A homonym (a place with this place's own name) is not "a different place's name".
            others = [p for p in owners.get((group, key), ()) if p != pos and not index.principal[p] & mine]
            if key in mine or not others:
                keep.append(alt)
                continue
            dist = geodesic_km(
                row["lon"],
                row["lat"],
                [index.rows[p]["lon"] for p in others],
                [index.rows[p]["lat"] for p in others],
            )
            if bool((dist <= FOREIGN_ALT_KM).any()):
                dropped.append(alt)
            else:
                keep.append(alt)
        if dropped:
            row["alt_names"] = ";".join(keep)
            _note(row, f"alt names dropped as another nearby place's own name: {', '.join(dropped)}")
