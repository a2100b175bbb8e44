"""The gazetteer: Syrian place names in any spelling or script to sourced points.

Resolution is a cascade; the first stage that finds a place decides:

1. ``alias``      a user's own spelling, from an aliases table;
2. ``exact``      the name as written (case and spaces aside);
3. ``normalized`` the key of :func:`geo.names.normalize_name`;
4. ``phonetic``   the consonant skeleton of :func:`geo.names.phonetic_key`;
5. ``fuzzy``      rapidfuzz similarity over the normalized keys, on the few
   names that share the most character trigrams with the query.

Several places at the best score make the result *ambiguous*: no point, every
candidate listed, until a context (``within=``, ``near=`` or "name, context")
decides. Every match has a status (:data:`geo.types.MATCH_STATUSES`): an
approximate match is ``resolved`` only above the calibrated thresholds of
:mod:`geo.match_policy`, otherwise ``review``. A context that names an admin
area is tested by the area's polygon (:mod:`geo.context`, :mod:`geo.admin`);
free text ("city of Ariha, south of Idlib", "Damascus - Jobar", "between A
and B") is cut into parts by :func:`geo.context.parse_location`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
from rapidfuzz import fuzz, process

from geo import match_policy as policy
from geo.context import lookup_area, parse_location
from geo.errors import PlaceNotFoundError
from geo.lazy import pd
from geo.match_table import MATCH_COLUMNS, match_table
from geo.names import (
    MAX_NAME_LENGTH,
    admin_kind_hint,
    clean_text,
    distinctive_part,
    has_arabic,
    normalize_name,
    phonetic_key,
    trigrams,
    word_forms,
)
from geo.places import (
    ADMIN_KINDS,
    DATA_DIR,
    geo_precision_of,
    geodesic_km,
    read_aliases,
)
from geo.types import Candidate, Match

__all__ = ["MATCH_COLUMNS", "Gazetteer", "load_gazetteer"]

SCORES = {"alias": 1.0, "exact": 1.0, "normalized": 0.95}
#: Radius (km) within which a place counts as "within" a context place of this kind.
CONTEXT_RADIUS_KM = {
    "governorate": 0.0,
    "district": 40.0,
    "subdistrict": 20.0,
    "city": 20.0,
    "town": 10.0,
    "village": 5.0,
    "neighbourhood": 3.0,
    "site": 5.0,
}
_TIE = 0.02
_LETTER_RE = re.compile(r"[^\W\d_]")
_FUZZY_POOL = 40
_OCHA_AREA_RE = re.compile(r"ocha:(SY\d{2}(?:\d{2}(?:\d{2})?)?)\b")
_DIRECTIONS = ("eastern", "western", "northern", "southern")
_COAST_DEG = 0.06
_MAX_LISTED = 12
#: Places sharing an Arabic name farther apart than this are distinct places, not one place twice.
_HOMONYM_KM = 5.0
#: An alternate name less similar than this (0-100) to every own name of its place is foreign to it ...
_FOREIGN_RATIO = 60.0
#: ... and so is one less similar than this whose consonant skeleton is none of the own names'.
_FOREIGN_RATIO_SKELETON = 70.0
#: The mean Earth radius (km) and the largest relative gap between great-circle and WGS84 geodesic distances.
_EARTH_KM = 6371.0088
_SPHERE_ERR = 0.006
_QUALIFIER_RE = re.compile(r"\s*\([^)]*\)\s*$")
#: The similarity (0-100) at which the fuzzy stage takes a name of more than five letters.
_FUZZY_MIN = 85.0
_COMPOUND_RE = re.compile(r"[,،()]|\s[-–—]\s|^between\s", re.IGNORECASE)
#: A context test: ("area", level, P-code) or ("place", position).
ContextTest = tuple[Any, ...]


def _short(text: str) -> str:
    return text if len(text) <= 80 else text[:77] + "..."


def _join(*notes: str | None) -> str | None:
    kept = [n for n in notes if n]
    return "; ".join(kept) if kept else None


class Gazetteer:
    """An index of places that resolves names to :class:`geo.types.Match` objects.

    Parameters
    ----------
    places : pandas.DataFrame
        A place table (see :mod:`geo.places`).
    aliases : pandas.DataFrame, optional
        Columns alias and place_id.

    Examples
    --------
    >>> gaz = load_gazetteer(include_geonames=False)
    >>> m = gaz.resolve("Sunbar")
    >>> m.place_id, m.method
    ('sonobar_latakia', 'phonetic')
    >>> gaz.resolve("al-Qusour").ambiguous
    True
    >>> gaz.resolve("al-Qusour, Baniyas").place_id
    'al_qusour_baniyas'
    """

    def __init__(self, places: pd.DataFrame, aliases: pd.DataFrame | None = None) -> None:
        #: Digest of everything :func:`load_gazetteer` built this object from (sources, code, options,
        #: alias files), so that work derived from it can be cached on disk; None when it was made
        #: another way or changed since (:meth:`add_alias`).
        self.fingerprint: str | None = None
        self._places = places.reset_index(drop=True)
        self._pos = {pid: i for i, pid in enumerate(self._places["id"])}
        self._lon = self._places["lon"].to_numpy(dtype=float)
        self._lat = self._places["lat"].to_numpy(dtype=float)
        self._kind = self._places["kind"].to_numpy(dtype=object)
        self._admin1 = self._places["admin1"].to_numpy(dtype=object)
        self._parent = [self._pos.get(p) for p in self._places["parent_id"]]
        self._rows: list[dict[str, Any]] = self._places.to_dict("records")
        self._ids = [str(r["id"]) for r in self._rows]
        self._pos_keys: list[Any] = [set() for _ in self._rows]
        self._exact: dict[str, Any] = {}
        self._norm: dict[str, Any] = {}
        self._phon: dict[str, Any] = {}
        self._alias: dict[str, set[int]] = {}
        origins = self._places["origin"] if "origin" in self._places else pd.Series("curated", index=self._places.index)
        #: (position, key) of alternate names unlike the place's own names (a neighbour's, a former name).
        self._foreign: set[tuple[int, str]] = set()
        self._origin = origins.astype(str).to_numpy(dtype=object)
        #: The number sets of the names of places whose names hold a number ("6 Tishrin").
        self._numbers: dict[int, set[frozenset[str]]] = {}
        #: The normalized key of each place's own Arabic name ("" when it has none).
        self._ar_key = [normalize_name(a) if has_arabic(str(a)) else "" for a in self._places["name_ar"]]
        names = zip(self._places["name_en"], self._places["name_ar"], self._places["alt_names"], origins, strict=True)
        for pos, (name_en, name_ar, alt, origin) in enumerate(names):
            own = (name_en, name_ar, *str(alt).split(";"))
            for name in own:
                self._index_name(name, pos)
            numbered = {policy.numbers_in(n) for n in own if clean_text(n)}
            if numbered - {frozenset()}:
                self._numbers[pos] = numbered
            if origin != "curated":
                self._mark_foreign_alternates(pos, str(name_en), str(name_ar), str(alt).split(";"))
        # Place rows that stand for an OCHA admin area (their id or source cites its P-code).
        self._area_of: dict[int, tuple[int, str]] = {}
        for pos, row in enumerate(self._rows):
            if row["kind"] in ADMIN_KINDS:
                found = _OCHA_AREA_RE.search(f"{row['id']} {row['source']}")
                if found:
                    pcode = found.group(1)
                    self._area_of[pos] = ((len(pcode) - 2) // 2, pcode)
        self._gov_admin1 = {pc: str(self._admin1[p]) for p, (lvl, pc) in self._area_of.items() if lvl == 1}
        self._pcode_cols = {
            level: self._places[f"adm{level}_pcode"].fillna("").astype(str).to_numpy()
            for level in (1, 2, 3)
            if f"adm{level}_pcode" in self._places
        }
        self._in_area: dict[tuple[int, str], bool] = {}
        self._located: dict[int, list[str | None]] = {}
        self._fuzzy_memo: dict[str, list[tuple[int, float]]] = {}
        self._cand_base: dict[int, tuple[str, str, str, str, float, float]] = {}
        self._memo: dict[tuple[str, tuple[str, ...], tuple[float, float] | None], Match] = {}
        #: The tests of each context text (a handful of governorates recur in every file).
        self._ctx_memo: dict[tuple[str, bool], list[ContextTest] | None] = {}
        # Tuples, not sets: fewer objects for the garbage collector to walk in a large index.
        self._norm = {k: tuple(sorted(v)) for k, v in self._norm.items()}
        self._exact = {k: tuple(sorted(v)) for k, v in self._exact.items()}
        self._phon = {k: tuple(sorted(v)) for k, v in self._phon.items()}
        self._pos_keys = [tuple(sorted(v)) for v in self._pos_keys]
        self._keys = sorted(self._norm)
        self._key_places = [sorted(self._norm[k]) for k in self._keys]
        postings: dict[str, list[int]] = {}
        for i, key in enumerate(self._keys):
            for gram in trigrams(key):
                postings.setdefault(gram, []).append(i)
        self._grams = {g: np.asarray(v, dtype=np.int32) for g, v in postings.items()}
        if aliases is not None:
            for alias, place_id in zip(aliases["alias"], aliases["place_id"], strict=True):
                self.add_alias(alias, place_id)

    # -- building ---------------------------------------------------------
    def _index_name(self, name: str, pos: int) -> None:
        name = clean_text(name)
        if not name:
            return
        self._exact.setdefault(name.casefold(), set()).add(pos)
        key = normalize_name(name)
        if key:
            self._pos_keys[pos].add(key)
            self._norm.setdefault(key, set()).add(pos)
            self._phon.setdefault(phonetic_key(name), set()).add(pos)

    def _mark_foreign_alternates(self, pos: int, name_en: str, name_ar: str, alternates: list[str]) -> None:
        """Mark alternate names that resemble none of the place's own names in the same script."""
        own = [normalize_name(n) for n in (name_en, name_ar) if clean_text(n)]
        for alt in alternates:
            key = normalize_name(alt)
            if not key or key in own:
                continue
            same_script = [k for k in own if has_arabic(k) == has_arabic(key)]
            if not same_script:
                continue
            closest = max(fuzz.ratio(key, k) for k in same_script)
            # Unlike every own name, or only half like it with other consonants ("Ma`ratah" is
            # an alternate of Mari` but the skeleton of another village, Ma'rata).
            skeletons = {phonetic_key(k) for k in same_script}
            if closest < _FOREIGN_RATIO or (closest < _FOREIGN_RATIO_SKELETON and phonetic_key(key) not in skeletons):
                self._foreign.add((pos, key))
        # A key that is also one of the place's own names is never foreign.
        for key in own:
            self._foreign.discard((pos, key))

    def add_alias(self, alias: str, place_id: str) -> None:
        """Make *alias* resolve to *place_id* (a user's own spelling).

        Raises
        ------
        PlaceNotFoundError
            *place_id* is not in the gazetteer.
        """
        pos = self._position(place_id)
        self.fingerprint = None  # no longer what load_gazetteer built
        self._memo.clear()
        self._ctx_memo.clear()
        for key in {clean_text(alias).casefold(), normalize_name(alias)}:
            if key:
                self._alias.setdefault(key, set()).add(pos)

    def __getstate__(self) -> dict[str, Any]:
        # The place table is pickled on its own and read back on first use: resolving
        # names needs only the index, so a gazetteer read from the disk cache answers
        # without importing pandas (geo.lazy).
        import pickle

        state = dict(self.__dict__)
        state["_places"] = None
        state["_places_pickle"] = pickle.dumps(self._table(), protocol=pickle.HIGHEST_PROTOCOL)
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)

    def _table(self) -> pd.DataFrame:
        if self._places is None:
            import pickle

            self._places = pickle.loads(self.__dict__.pop("_places_pickle"))
        return self._places

    @property
    def places(self) -> pd.DataFrame:
        """The place table (a copy)."""
        return self._table().copy()

    def __len__(self) -> int:
        return len(self._rows)

    def _position(self, place_id: str) -> int:
        try:
            return self._pos[place_id]
        except KeyError:
            raise PlaceNotFoundError(f"no place with id {place_id!r} in the gazetteer") from None

    def get(self, place_id: str) -> dict[str, object]:
        """Return the row of *place_id* as a dict.

        Raises
        ------
        PlaceNotFoundError
            *place_id* is not in the gazetteer.
        """
        return dict(self._rows[self._position(place_id)])

    def ancestors(self, place_id: str) -> list[str]:
        """Return the ids of a place's parents, nearest first."""
        out: list[str] = []
        pos = self._parent[self._position(place_id)]
        while pos is not None and len(out) < 10:
            out.append(self._ids[pos])
            pos = self._parent[pos]
        return out

    # -- matching ---------------------------------------------------------
    def _fuzzy(self, key: str, limit: int) -> list[tuple[int, float]]:
        """Return (key index, ratio 0–100) of the keys most similar to *key* (memoised per key)."""
        found = self._fuzzy_memo.get(key)
        if found is None:
            if len(self._fuzzy_memo) > 50_000:
                self._fuzzy_memo.clear()
            found = self._fuzzy_memo[key] = self._fuzzy_search(key, 15)
        return found[:limit]

    def _fuzzy_search(self, key: str, limit: int) -> list[tuple[int, float]]:
        lists = [self._grams[g] for g in trigrams(key) if g in self._grams]
        if not lists:
            return []
        counts = np.bincount(np.concatenate(lists), minlength=len(self._keys))
        # A one- or two-letter typo loses at most a few trigrams: look only near the best overlap.
        pool = np.flatnonzero(counts >= max(1, int(counts.max()) - 4))
        if len(pool) > _FUZZY_POOL:
            pool = pool[np.argpartition(-counts[pool], _FUZZY_POOL - 1)[:_FUZZY_POOL]]
        choices = [self._keys[int(i)] for i in pool]
        found = [(s, int(pool[j])) for _, s, j in process.extract(key, choices, scorer=fuzz.ratio, limit=limit)]
        return [(i, float(score)) for score, i in found]

    def _stages(self, name: str) -> Iterable[tuple[str, dict[int, float], dict[int, str]]]:
        """Yield (method, {place position: score}, {position: the key it matched by}) per stage that finds something."""
        folded, key = name.casefold(), normalize_name(name)
        hits = self._alias.get(folded) or self._alias.get(key)
        if hits:
            yield "alias", dict.fromkeys(hits, 1.0), {}
        # Spellings that differ only in what normalization folds carry no
        # information: every place sharing the key is a candidate, and the
        # one written exactly so scores 1.0 but does not hide the others.
        same = dict.fromkeys(self._norm.get(key, ()), SCORES["normalized"])
        same.update(dict.fromkeys(self._exact.get(folded, ()), SCORES["exact"]))
        if same:
            yield "normalized", same, dict.fromkeys(same, key)
        # Approximate matches: same consonant skeleton (phonetic) or a close spelling
        # (fuzzy), ranked together by similarity so a skeleton never hides a closer name.
        phonetic: dict[int, float] = {}
        via: dict[int, str] = {}
        for pos in self._phon.get(phonetic_key(name), ()):
            ratio, best = max((fuzz.ratio(key, k), k) for k in self._pos_keys[pos])
            if ratio >= 60:
                phonetic[pos] = ratio
                via[pos] = best
        fuzzy: dict[int, float] = {}
        if not phonetic or max(phonetic.values()) < 95:
            threshold = 90.0 if len(key) <= 5 else _FUZZY_MIN
            for i, ratio in self._fuzzy(key, limit=10):
                if ratio >= threshold:
                    for pos in self._key_places[i]:
                        if ratio > fuzzy.get(pos, 0.0):
                            fuzzy[pos] = ratio
                            if pos not in phonetic or ratio > phonetic[pos]:
                                via[pos] = self._keys[i]
        scored = {p: round(0.85 * r / 100, 3) for p, r in fuzzy.items()}
        for pos, ratio in phonetic.items():
            scored[pos] = max(scored.get(pos, 0.0), round(0.85 * ratio / 100 + 0.05, 3))
        if scored:
            best = max(scored, key=lambda p: scored[p])
            yield ("phonetic" if best in phonetic else "fuzzy"), scored, via

    # -- contexts ---------------------------------------------------------
    def _context_tests(self, ctx: str, prefer_place: bool = False) -> list[ContextTest] | None:
        """Return the tests a context stands for (an area's polygon, or a place), None when unknown.

        A context naming an admin area is that area ("Hama" = Hama governorate);
        with *prefer_place* (ACLED's "City - Neighbourhood") a settlement of the
        name comes first. Memoised per text (callers never change the list).
        """
        memo_key = (ctx, prefer_place)
        if memo_key in self._ctx_memo:
            return self._ctx_memo[memo_key]
        found = self._ctx_memo[memo_key] = self._find_context_tests(ctx, prefer_place)
        return found

    def _find_context_tests(self, ctx: str, prefer_place: bool) -> list[ContextTest] | None:
        ctx = clean_text(ctx)
        if not ctx:
            return None
        if ctx in self._pos:
            pos = self._pos[ctx]
            return [("area", *self._area_of[pos])] if pos in self._area_of else [("place", pos)]
        areas = [("area", level, pcode) for level, pcode in lookup_area(ctx)]
        if areas and not prefer_place:
            return areas
        found: list[ContextTest] = []
        for method, hits, _ in self._stages(ctx):
            best = max(hits.values())
            if method in policy.APPROXIMATE_METHODS and best < policy.RESOLVE_MIN[method]:
                break
            tied = [p for p, s in hits.items() if s >= best - 0.06]
            if prefer_place:
                settled = [p for p in tied if self._kind[p] in ("city", "town")]
                tied = settled or tied
            for pos in tied:
                found.append(("area", *self._area_of[pos]) if pos in self._area_of else ("place", pos))
            break
        if prefer_place and not any(t[0] == "place" for t in found) and areas:
            return areas
        return found or (areas or None)

    def _in_admin_area(self, pos: int, level: int, pcode: str) -> bool:
        """Return True when place *pos* lies in the admin area (its P-code column, else the polygon)."""
        anc = self._parent[pos]
        while anc is not None:
            if self._area_of.get(anc) == (level, pcode):
                return True
            anc = self._parent[anc]
        if str(self._rows[pos]["source"]).startswith("parent:"):
            # An unsourced place sits at its parent's point: its parents say where it is, not the point.
            gov = self._gov_admin1.get(pcode)
            return bool(level == 1 and gov and self._admin1[pos] == gov)
        column = self._pcode_cols.get(level)
        if column is not None and column[pos]:
            return bool(column[pos] == pcode)
        located = self._located_at(level)[pos]
        if located is not None:
            return located == pcode
        # A coast or border point just outside every simplified polygon: the governorate is the
        # place's own admin1 when the gazetteer knows it, else the nearest area within ~6 km.
        gov = self._gov_admin1.get(pcode)
        if level == 1 and gov and self._admin1[pos]:
            return bool(self._admin1[pos] == gov)
        key = (pos, pcode)
        inside = self._in_area.get(key)
        if inside is None:
            import shapely

            from geo.admin import load_admin_areas

            areas = load_admin_areas()
            idx, tree = areas._levels[level]
            nearest = tree.query_nearest(shapely.Point(self._lon[pos], self._lat[pos]), max_distance=_COAST_DEG)
            inside = bool(len(nearest) and str(areas.table["pcode"].iloc[idx[nearest[0]]]) == pcode)
            self._in_area[key] = inside
        return inside

    def _located_at(self, level: int) -> list[str | None]:
        """Return the P-code of the admin area of *level* holding each place's point (computed once)."""
        found = self._located.get(level)
        if found is None:
            from geo.admin import load_admin_areas

            found = self._located[level] = load_admin_areas().locate(self._lon, self._lat, level)
        return found

    def _passes(self, pos: int, tests: list[ContextTest]) -> bool:
        for test in tests:
            if test[0] == "area":
                if self._in_admin_area(pos, test[1], test[2]):
                    return True
            elif self._is_within(pos, test[1]):
                return True
        return False

    def _is_within(self, pos: int, ctx: int) -> bool:
        if pos == ctx:
            return False
        anc = self._parent[pos]
        while anc is not None:
            if anc == ctx:
                return True
            anc = self._parent[anc]
        kind = self._kind[ctx]
        if kind == "governorate":
            return bool(self._admin1[pos] == self._admin1[ctx])
        radius = CONTEXT_RADIUS_KM.get(kind, 5.0)
        return not self._farther_than(pos, ctx, radius)

    def _farther_than(self, a: int, b: int, km: float) -> bool:
        """Return True when places *a* and *b* are more than *km* apart on the WGS84 ellipsoid.

        A great-circle distance is within 0.6 % of the geodesic one; only
        when it is that close to *km* is the geodesic (pyproj) computed, so
        the answer is the geodesic's and most pairs cost a few float operations.
        """
        lon1, lat1, lon2, lat2 = (math.radians(v) for v in (self._lon[a], self._lat[a], self._lon[b], self._lat[b]))
        h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
        sphere = 2 * _EARTH_KM * math.asin(min(1.0, math.sqrt(h)))
        if sphere > km * (1 + _SPHERE_ERR) + 1e-6:
            return True
        if sphere < km * (1 - _SPHERE_ERR) - 1e-6:
            return False
        return bool(float(geodesic_km(self._lon[a], self._lat[a], self._lon[b], self._lat[b])) > km)

    def _prefer_settlements(self, scored: dict[int, float], hint: str | None) -> dict[int, float]:
        """Drop admin areas that contain a settlement candidate of the same name.

        When the query asks for an admin kind ("Jableh District"), keep the
        candidates of that kind instead.
        """
        if hint is not None:
            wanted = {p: s for p, s in scored.items() if self._kind[p] == hint}
            if wanted:
                return wanted
        settlements = [p for p in scored if self._kind[p] not in ADMIN_KINDS]
        if not settlements:
            # Only areas: a governorate and its same-named centre district ("Rural Damascus") are the governorate.
            areas = [p for p in scored if p in self._area_of]
            inner = {
                b
                for b in areas
                for a in areas
                if a != b and self._area_of[b][1].startswith(self._area_of[a][1]) and scored[a] >= scored[b] - 0.06
            }
            return {p: s for p, s in scored.items() if p not in inner} or scored
        if len(settlements) == len(scored):
            return scored
        keep = dict(scored)
        for area in [p for p in scored if self._kind[p] in ADMIN_KINDS]:
            if any(self._is_within(s, area) for s in settlements):
                del keep[area]
        return keep

    def _candidate(self, pos: int, score: float) -> Candidate:
        base = self._cand_base.get(pos)
        if base is None:
            row = self._rows[pos]
            base = self._cand_base[pos] = (
                str(row["id"]),
                str(row["name_en"]),
                str(row["admin1"]),
                str(row["kind"]),
                float(row["lon"]),
                float(row["lat"]),
            )
        return Candidate(*base, score)

    def suggest(self, name: str, limit: int = 5) -> list[str]:
        """Return up to *limit* "did you mean" labels for *name*, most similar first."""
        key = normalize_name(clean_text(name)[:MAX_NAME_LENGTH])
        labels: list[str] = []
        for i, ratio in self._fuzzy(key, limit=limit * 3) if key else []:
            if ratio < 50:
                continue
            for pos in self._key_places[i]:
                label = self._candidate(pos, 0.0).label()
                if label not in labels:
                    labels.append(label)
        return labels[:limit]

    def resolve(
        self,
        name: str,
        within: str | Sequence[str] | None = None,
        near: tuple[float, float] | None = None,
    ) -> Match:
        """Resolve one place name.

        Parameters
        ----------
        name : str
            A place name in any usual spelling or in Arabic script, or a
            location as real files write it: "al-Qusour, Baniyas", "Obin (Al
            Younisiya)", "city of Ariha, south of Idlib", "Damascus - Jobar",
            "between Saraqib and Ariha".
        within : str or sequence of str, optional
            A governorate, district, sub-district (tested by its polygon), or a
            city or place id (tested by a distance sized by its kind).
        near : (lon, lat), optional
            A point; the candidate nearest to it is chosen.

        Returns
        -------
        Match
            Never raises for bad names: an unresolved match says why. Its
            ``status`` says whether it may be placed (see :mod:`geo.match_policy`).

        Raises
        ------
        PlaceNotFoundError
            The *context* itself (``within``) is not in the gazetteer.

        Examples
        --------
        >>> gaz = load_gazetteer(include_geonames=False)
        >>> gaz.resolve("al-Qusour", within="Deir ez-Zor").place_id
        'al_qusur_deir_ez_zor'
        >>> gaz.resolve("بانياس").name
        'Baniyas'
        >>> gaz.resolve("Springfield").resolved
        False
        >>> gaz.resolve("Damascus").place_id, gaz.resolve("Damascus countryside").place_id
        ('damascus', 'gov_rif_dimashq')
        """
        raw = "" if name is None else str(name)
        memo_key = (raw, (within,) if isinstance(within, str) else tuple(within or ()), near)
        found = self._memo.get(memo_key)
        if found is None:
            found = self._resolve(raw, within, near)
            if len(self._memo) > 100_000:
                self._memo.clear()
            self._memo[memo_key] = found
        return found

    def _resolve(self, raw: str, within: str | Sequence[str] | None, near: tuple[float, float] | None) -> Match:
        query = clean_text(raw)
        if not query:
            return Match(query=raw, reason="empty name")
        if len(query) > MAX_NAME_LENGTH:
            return Match(
                query=_short(query),
                reason=f"name is {len(query)} characters long; place names are at most {MAX_NAME_LENGTH}",
            )
        tests: list[list[ContextTest]] = []
        for ctx in [within] if isinstance(within, str) else list(within or []):
            found = self._context_tests(ctx)
            if found is None:
                raise PlaceNotFoundError(f"context {clean_text(ctx)!r} is not in the gazetteer")
            tests.append(found)
        if _COMPOUND_RE.search(query):
            # A name that itself holds a comma, brackets or a dash ("Deir Baalbeh (South)").
            whole = self._match(query, query, tests, near, whole_only=True)
            if whole is not None:
                return whole
        form = parse_location(query)
        if form.between:
            return self._between(query, form.between, tests, near)
        if form.city_part:
            return self._city_part(query, form.city_part, tests, near)
        within_names = [clean_text(w) for w in ([within] if isinstance(within, str) else list(within or []))]
        return self._parts(query, form.parts, tests, near, within_names)

    def _parts(
        self,
        query: str,
        parts: tuple[tuple[str, str], ...],
        tests: list[list[ContextTest]],
        near: Any,
        within_names: list[str],
    ) -> Match:
        """Try the name parts in order within every known context part; keep the first that finds a place."""
        if not parts:
            return Match(query=query, reason=f"{_short(query)!r} holds no place name")
        known = {i: self._context_tests(text) for i, (text, _) in enumerate(parts) if i > 0}
        order = [0] + [i for i, t in known.items() if t is None and parts[i][1] == "name"]
        first: Match | None = None
        for i in order:
            ctx = [t for j, t in known.items() if j != i and t is not None]
            named = [parts[j][0] for j, t in known.items() if j != i and t is not None]
            match = self._match(parts[i][0], query, tests + ctx, near, within_text=", ".join(named + within_names))
            if match.status != "unresolved":
                ignored = [parts[j][0] for j, t in known.items() if j != i and t is None]
                notes = []
                if i > 0:
                    notes.append(f"found as {parts[i][0]!r} (the part {parts[0][0]!r} is not in the gazetteer)")
                if ignored:
                    notes.append(f"not a known place, ignored as context: {', '.join(map(repr, ignored))}")
                return replace(match, reason=_join(match.reason, "; ".join(notes))) if notes else match
            first = first or match
        return first if first is not None else Match(query=query, reason="no place name")

    def _between(self, query: str, pair: tuple[str, str], tests: list[list[ContextTest]], near: Any) -> Match:
        """Resolve "between A and B": a review match with both places, the first found as the guess."""
        found = [m for m in (self._match(p, p, tests, near) for p in pair) if m.place_id is not None]
        if not found:
            return Match(
                query=query, reason=f"{_short(query)!r}: neither {pair[0]!r} nor {pair[1]!r} is in the gazetteer"
            )
        guess = found[0]
        cands = tuple(self._candidate(self._pos[m.place_id], m.score) for m in found if m.place_id is not None)
        return replace(
            guess,
            query=query,
            status="review",
            candidates=cands,
            reason=f"{_short(query)!r} lies between two places ({', '.join(c.label() for c in cands)}): "
            "not placed; choose one or place it by hand",
        )

    def _city_part(self, query: str, pair: tuple[str, str], tests: list[list[ContextTest]], near: Any) -> Match:
        """ACLED's "City - Neighbourhood": the neighbourhood within the city, else the city at geo_precision 3."""
        city, part = pair
        ctx = self._context_tests(city, prefer_place=True)
        if ctx is None:
            return self._match(part, query, tests, near)
        match = self._match(part, query, [*tests, ctx], near)
        if match.status != "unresolved":
            return match
        town = self._match(city, city, tests, near)
        if town.status != "resolved":
            return match
        return replace(
            town,
            query=query,
            geo_precision=3,
            reason=f"{part!r} is not in the gazetteer within {city}; placed at {town.name} (geo_precision 3)",
        )

    def _match(
        self,
        base: str,
        query: str,
        tests: list[list[ContextTest]],
        near: Any,
        whole_only: bool = False,
        within_text: str = "",
    ) -> Match:
        """Resolve one name part within the context tests (all must pass)."""
        if not _LETTER_RE.search(base):
            return Match(query=query, reason=f"{_short(base)!r} has no letters; a place name is expected")
        hint = admin_kind_hint(base)
        for method, scored, via in self._stages(base):
            if whole_only and method not in ("alias", "normalized"):
                return None  # type: ignore[return-value]
            if tests:
                scored = {p: s for p, s in scored.items() if all(self._passes(p, t) for t in tests)}
                if not scored:
                    continue
            scored, number_note = self._same_numbers(scored, base)
            preferred = self._prefer_settlements(scored, hint)
            match = self._decide(query, base, method, preferred, near, listed=scored, via=via, in_context=bool(tests))
            if match.resolved and number_note:
                return replace(match, status="review", reason=_join(match.reason, f"review: {number_note}"))
            if match.resolved and method != "alias":
                match = self._with_homonyms(match, query, base, method, scored, near, tests)
            if match.resolved and method in ("exact", "normalized") and near is None:
                match = self._alternate_yields(match, base, tests)
            directed = [p for p in self._directed(base, tests) if p not in preferred]
            if match.resolved and directed:
                # "Ghouta" names a village in Homs and is written for Eastern Ghouta: a person decides.
                others = tuple(self._candidate(p, 0.8) for p in directed)
                names = ", ".join(c.label() for c in others)
                return replace(
                    match,
                    status="review",
                    candidates=(*match.candidates, *others),
                    reason=_join(match.reason, f"{base!r} is also written for {names}; a person decides"),
                )
            return match
        if whole_only:
            return None  # type: ignore[return-value]
        key = normalize_name(base)
        if key.startswith("rif ") and len(key) > 4:
            # "Idlib countryside": no place is named so; the governorate is meant.
            gov = self._match(f"{key[4:]} governorate", query, tests, near)
            if gov.status != "unresolved" and gov.kind == "governorate":
                return replace(gov, reason=_join(gov.reason, f"{base!r} read as the governorate {gov.name}"))
        directed = self._directed(base, tests)
        if directed:
            # "Ghouta" is written for Eastern Ghouta; a person decides.
            match = self._decide(query, base, "normalized", dict.fromkeys(directed, 0.8), near)
            if match.place_id is not None:
                return replace(match, status="review", reason=f"did you mean {match.name}?")
            return match
        suggestions = tuple(self.suggest(base))
        reason = f"{_short(base)!r} is not in the gazetteer"
        if tests:
            reason += f" within {within_text or 'the context given'}"
        hint_text = f"; closest: {', '.join(suggestions)}" if suggestions else "; no similar name"
        return Match(query=query, reason=reason + hint_text, suggestions=suggestions)

    def _same_numbers(self, scored: dict[int, float], base: str) -> tuple[dict[int, float], str | None]:
        """Keep the places whose names carry the query's numbers ("Tishrin 6" is not "Tishrin").

        Normalization drops numbers, so "Tishrin", "6 Tishrin" and "Tishrin 6"
        share a key. Returns the places that fit and, when none does, all of
        them with a note (such a match is never placed).
        """
        wanted = policy.numbers_in(base)
        if not wanted and not any(p in self._numbers for p in scored):
            return scored, None
        fits = {p: s for p, s in scored.items() if wanted in self._numbers.get(p, {frozenset()})}
        if fits:
            return fits, None
        shown = " ".join(sorted(wanted)) if wanted else "no number"
        return scored, f"{base!r} has {shown}; no name of the place found has the same"

    def _with_homonyms(
        self,
        match: Match,
        query: str,
        base: str,
        method: str,
        scored: dict[int, float],
        near: tuple[float, float] | None,
        tests: list[list[ContextTest]],
    ) -> Match:
        """Make a resolved match ambiguous when other places (> 5 km away) share its Arabic name.

        Latin spellings of one Arabic name vary by publisher ("Tell Ghazal",
        "Tall Ghazal"): settlements written alike in Arabic and spelled close
        to the query in Latin (similarity >= 85, the fuzzy stage's bar), in the same context, are
        same-named places that the Latin key may not join.
        """
        pos = self._pos[str(match.place_id)]
        key = self._ar_key[pos]
        if not key or self._kind[pos] in ADMIN_KINDS:
            return match
        numbers, query_key = policy.numbers_in(base), normalize_name(base)
        others = [
            p
            for p in self._norm.get(key, ())
            if p != pos
            and self._ar_key[p] == key
            and (
                has_arabic(query_key)
                or fuzz.ratio(query_key, normalize_name(str(self._rows[p]["name_en"]))) >= _FUZZY_MIN
            )
            and self._kind[p] not in ADMIN_KINDS
            and numbers in self._numbers.get(p, {frozenset()})
            and not self._is_within(p, pos)
            and not self._is_within(pos, p)
            and self._farther_than(p, pos, _HOMONYM_KM)
            and all(self._passes(p, t) for t in tests)
        ]
        if not others:
            return match
        tied = {pos: match.score, **dict.fromkeys(others, match.score)}
        found = self._decide(query, base, method, tied, near, listed={**scored, **tied}, in_context=bool(tests))
        arabic = str(self._rows[pos]["name_ar"])
        note = f"{len(others) + 1} places are written {arabic} in Arabic"
        return replace(found, reason=_join(found.reason, note))

    def _own_keys(self, pos: int) -> tuple[str, ...]:
        """Return the normalized keys of a place's own names (English and Arabic, not alternates)."""
        name = str(self._rows[pos]["name_en"])
        bare = _QUALIFIER_RE.sub("", name)  # "Al-Qusour (Baniyas)" is named Al-Qusour
        return tuple(k for k in {normalize_name(name), normalize_name(bare), self._ar_key[pos]} if k)

    def _alternate_yields(self, match: Match, base: str, tests: list[list[ContextTest]]) -> Match:
        """Send to review a match found through a source's alternate name when another place is *named* so.

        "Sfira" is an alternate of As-Safira and, spelled "Sefira", the own name
        of a village 17 km away: an alternate name is weaker evidence than a
        place's own name spelled almost the same.
        """
        pos = self._pos[str(match.place_id)]
        key = normalize_name(base)
        if self._origin[pos] == "curated" or key in self._own_keys(pos):
            return match  # curated alternates are sourced spellings of the place
        skeleton = phonetic_key(base)
        rivals = [
            p
            for p in self._phon.get(skeleton, ())
            if p != pos
            and any(phonetic_key(k) == skeleton and fuzz.ratio(key, k) >= 80 for k in self._own_keys(p))
            and self._farther_than(p, pos, _HOMONYM_KM)
            and all(self._passes(p, t) for t in tests)
        ]
        if not rivals:
            return match
        others = tuple(self._candidate(p, round(match.score - 0.05, 3)) for p in rivals)
        labels = ", ".join(c.label() for c in others)
        return replace(
            match,
            status="review",
            candidates=(match.candidates[0], *others, *match.candidates[1:]),
            reason=_join(
                match.reason, f"review: {base!r} is an alternate name of {match.name} and the own name of {labels}"
            ),
        )

    def _directed(self, base: str, tests: Sequence[Any]) -> list[int]:
        """Places named "Eastern/Western/... *base*" that pass the context *tests* ("Ghouta" → Eastern Ghouta)."""
        known = self.__dict__.get("_direction_keys")
        if known is None:
            # The words of the few keys that begin with a direction ("eastern ghuta").
            heads = {normalize_name(d) for d in _DIRECTIONS}
            keys = [k.split() for k in self._keys if k.split()[0] in heads]
            known = self._direction_keys = (keys, set().union(*(word_forms(d) for d in _DIRECTIONS)))
        keys, direction_forms = known
        # A key whose words cannot all come out of "<direction> base" is not that name's key: it
        # is not looked up (the same answer without normalizing four new names per name asked).
        forms = word_forms(base) | direction_forms
        if not any(all(w in forms for w in words) for words in keys):
            return []
        found = [p for d in _DIRECTIONS for p in self._norm.get(normalize_name(f"{d} {base}"), ())]
        return list(dict.fromkeys(p for p in found if all(self._passes(p, t) for t in tests)))

    def _decide(
        self,
        query: str,
        base: str,
        method: str,
        scored: dict[int, float],
        near: tuple[float, float] | None,
        listed: dict[int, float] | None = None,
        via: dict[int, str] | None = None,
        in_context: bool = False,
    ) -> Match:
        """Choose among *scored* and give the match its status; *listed* (a superset) is what it lists."""
        ranked = sorted(scored.items(), key=lambda kv: (-kv[1], self._ids[kv[0]]))
        best = ranked[0][1]
        tie = 0.06 if method in ("alias", "normalized") else _TIE
        tied = [p for p, s in ranked if s >= best - tie]
        others = sorted(
            ((p, s) for p, s in (listed or scored).items() if p not in tied),
            key=lambda kv: (-kv[1], self._ids[kv[0]]),
        )
        reason = None
        if len(tied) > 1 and near is not None:
            dist = geodesic_km(near[0], near[1], self._lon[tied], self._lat[tied])
            order = np.argsort(dist)
            tied = [tied[int(order[0])]]
            reason = f"chosen as nearest to ({near[1]}, {near[0]}) LAT,LON: {float(dist[order[0]]):.1f} km"
        if len(tied) > 1:
            candidates = tuple(self._candidate(p, scored[p]) for p in tied)
            labels = ", ".join(c.label() for c in candidates)
            shown = min(len(others), _MAX_LISTED)
            weaker = f"; {shown} weaker candidates also listed" if shown else ""
            return Match(
                query=query,
                score=best,
                method=method,
                ambiguous=True,
                candidates=candidates + tuple(self._candidate(p, s) for p, s in others[:_MAX_LISTED]),
                reason=f"{_short(query)!r} matches {len(tied)} places equally well: {labels}{weaker}; "
                f'add a context ("{_short(query)}, <governorate or city>") or near=',
            )
        pos = tied[0]
        score = float(scored[pos])
        if method == "normalized" and score >= SCORES["exact"]:
            method = "exact"
        rest = [(p, s) for p, s in ranked if p != pos] + [(p, s) for p, s in others if p not in scored]
        candidates = (self._candidate(pos, score), *(self._candidate(p, s) for p, s in rest[:_MAX_LISTED]))
        status, why = "resolved", None
        if method in policy.APPROXIMATE_METHODS:
            if score < policy.REVIEW_MIN[method]:
                closest = tuple(c.label() for c in candidates[:5])
                return Match(
                    query=query,
                    reason=f"{_short(base)!r} is not in the gazetteer; closest: {', '.join(closest)}",
                    suggestions=closest,
                )
            close = [p for p, s in rest if s >= score - policy.CLOSE_RUNNER_UP and p in scored]
            own = policy.letters(distinctive_part(normalize_name(base)))
            if own <= policy.SHORT_NAME_LETTERS:
                status, why = "review", f"a name of {own} distinctive letters found by spelling similarity only"
            elif score < (floor := (policy.RESOLVE_MIN_IN_CONTEXT if in_context else policy.RESOLVE_MIN)[method]):
                status = "review"
                why = (
                    f"{method} matches are never placed on their own (calibrated)"
                    if floor >= 1.0
                    else f"{method} similarity {score:.2f} is below {floor:.2f}"
                )
            elif close and reason is None:
                status, why = (
                    "review",
                    f"another place is spelled almost as close: {self._candidate(close[0], 0).label()}",
                )
        key = (via or {}).get(pos)
        if status == "resolved" and key is not None and (pos, key) in self._foreign:
            status, why = "review", f"found only through an alternate name ({key!r}) of {self._rows[pos]['name_en']}"
        row = self._rows[pos]
        return Match(
            query=query,
            place_id=str(row["id"]),
            name=str(row["name_en"]),
            lon=float(row["lon"]),
            lat=float(row["lat"]),
            score=score,
            method=method,
            geo_precision=geo_precision_of(row["kind"], float(row["coord_precision_m"]), row["source"]),
            coord_precision_m=int(row["coord_precision_m"]),
            source=str(row["source"]),
            admin1=str(row["admin1"]),
            kind=str(row["kind"]),
            candidates=candidates,
            reason=_join(reason, f"review: {why}" if why else None),
            status=status,
        )

    def resolve_corridor(self, name: str) -> str:
        """Return the ref (M1, M4, M5) of a highway named in any usual form.

        Raises
        ------
        CorridorNotFoundError
            The name matches no corridor; the message lists the valid ones.

        Examples
        --------
        >>> load_gazetteer(include_geonames=False).resolve_corridor("Latakia–Aleppo highway")
        'M4'
        """
        from geo.corridors import resolve_corridor

        return resolve_corridor(name)

    def resolve_many(
        self, names: Iterable[object], contexts: Iterable[object] | None = None, min_status: str = "resolved"
    ) -> pd.DataFrame:
        """Resolve a column of names (and optional contexts); repeated pairs are resolved once.

        Parameters
        ----------
        min_status : {"resolved", "review"}
            What gets lat, lon, place_id and geo_precision: resolved matches
            only (the default), or review best guesses too.

        Returns
        -------
        pandas.DataFrame
            One row per input, in order, with the columns of
            :data:`geo.match_table.MATCH_COLUMNS` (``status`` among them;
            ``candidates`` lists review and ambiguous candidates, best first).
        """
        return match_table(lambda n, c: self.resolve(n, within=c), names, contexts, min_status)


def load_gazetteer(
    places: str | Path | None = None,
    *,
    include_geonames: bool = True,
    extra: Sequence[pd.DataFrame] = (),
    aliases: str | Path | None = None,
    cache: bool = True,
) -> Gazetteer:
    """Build the gazetteer from the curated table, every other source and extra place tables.

    Sources are merged in priority order, curated rows winning and duplicates
    joined into one place (:mod:`geo.build`, :mod:`geo.merge`); the result, index
    included, is cached on disk per data and code version (:mod:`geo.cache`).

    Parameters
    ----------
    places : path, optional
        The curated table; ``data/gazetteer/places.csv`` by default.
    include_geonames : bool
        Merge the other sources: the embedded OCHA, OpenStreetMap and GeoNames
        files and whatever ``python -m geo gazetteer fetch`` stored. False: the
        curated table only.
    extra : sequence of DataFrame
        Place tables from :mod:`geo.place_sources` importers, merged last, in order.
    aliases : path, optional
        A user's aliases table; ``data/gazetteer/aliases.csv`` is always read.
        An alias may name the id of a place that was joined into another.
    cache : bool
        Use the disk cache (read and write).
    """
    from geo.build import build_place_table, source_files, source_tables
    from geo.cache import cache_key, cached

    files = source_files(places, include_geonames=include_geonames)
    extra_keys = [str(include_geonames)] + [_table_digest(e) for e in extra]

    def build() -> tuple[Gazetteer, dict[str, str]]:
        tables = [t for _, t in source_tables(places, include_geonames=include_geonames)]
        table, joined = build_place_table(tables, extra)
        return Gazetteer(table), joined

    key = cache_key(files, extra_keys)
    gaz, joined = cached(key, build) if cache else build()
    default_aliases = DATA_DIR / "aliases.csv"
    alias_files = [p for p in (default_aliases if default_aliases.is_file() else None, aliases) if p is not None]
    for path in alias_files:
        table = read_aliases(path, set(gaz.places["id"]) | set(joined))
        for alias, place_id in zip(table["alias"], table["place_id"], strict=True):
            gaz.add_alias(alias, joined.get(place_id, place_id))
    gaz.fingerprint = cache_key(alias_files, [key])
    return gaz


def _table_digest(table: pd.DataFrame) -> str:
    """Return a digest of a place table's columns and rows, in order (for the cache key)."""
    import hashlib

    rows = pd.util.hash_pandas_object(table.astype(str), index=False).to_numpy().tobytes()
    return hashlib.sha256(repr(list(table.columns)).encode() + rows).hexdigest()
