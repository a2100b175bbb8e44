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
decides.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process

from geo.errors import PlaceNotFoundError
from geo.names import (
    MAX_NAME_LENGTH,
    admin_kind_hint,
    clean_text,
    normalize_name,
    phonetic_key,
    split_context,
    trigrams,
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

#: The columns :meth:`Gazetteer.resolve_many` (and ``python -m geo geocode``) add to a table.
MATCH_COLUMNS = (
    "lat",
    "lon",
    "place_id",
    "match_name",
    "match_score",
    "match_method",
    "geo_precision",
    "ambiguous",
    "candidates",
    "reason",
)
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
        names = zip(self._places["name_en"], self._places["name_ar"], self._places["alt_names"], strict=True)
        for pos, (name_en, name_ar, alt) in enumerate(names):
            for name in (name_en, name_ar, *str(alt).split(";")):
                self._index_name(name, pos)
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

    def add_alias(self, alias: str, place_id: str) -> None:
        """Make *alias* resolve to *place_id* (a user's own spelling).

        Raises
        ------
        PlaceNotFoundError
            *place_id* is not in the gazetteer.
        """
        pos = self._position(place_id)
        for key in {clean_text(alias).casefold(), normalize_name(alias)}:
            if key:
                self._alias.setdefault(key, set()).add(pos)

    @property
    def places(self) -> pd.DataFrame:
        """The place table (a copy)."""
        return self._places.copy()

    def __len__(self) -> int:
        return len(self._places)

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
        """Return (key index, ratio 0–100) of the keys most similar to *key*."""
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

    def _stages(self, name: str) -> Iterable[tuple[str, dict[int, float]]]:
        """Yield (method, {place position: score}) for each stage that finds something."""
        folded, key = name.casefold(), normalize_name(name)
        hits = self._alias.get(folded) or self._alias.get(key)
        if hits:
            yield "alias", dict.fromkeys(hits, 1.0)
        # Spellings that differ only in what normalization folds carry no
        # information: every place sharing the key is a candidate, and the
        # one written exactly so scores 1.0 but does not hide the others.
        same = dict.fromkeys(self._norm.get(key, ()), SCORES["normalized"])
        same.update(dict.fromkeys(self._exact.get(folded, ()), SCORES["exact"]))
        if same:
            yield "normalized", same
        # Approximate matches: same consonant skeleton (phonetic) or a close spelling
        # (fuzzy), ranked together by similarity so a skeleton never hides a closer name.
        phonetic: dict[int, float] = {}
        for pos in self._phon.get(phonetic_key(name), ()):
            ratio = max(fuzz.ratio(key, k) for k in self._pos_keys[pos])
            if ratio >= 60:
                phonetic[pos] = ratio
        fuzzy: dict[int, float] = {}
        if not phonetic or max(phonetic.values()) < 95:
            threshold = 90.0 if len(key) <= 5 else 85.0
            for i, ratio in self._fuzzy(key, limit=10):
                if ratio >= threshold:
                    for pos in self._key_places[i]:
                        fuzzy[pos] = max(fuzzy.get(pos, 0.0), ratio)
        scored = {p: round(0.85 * r / 100, 3) for p, r in fuzzy.items()}
        for pos, ratio in phonetic.items():
            scored[pos] = max(scored.get(pos, 0.0), round(0.85 * ratio / 100 + 0.05, 3))
        if scored:
            best = max(scored, key=lambda p: scored[p])
            yield ("phonetic" if best in phonetic else "fuzzy"), scored

    def _context_positions(self, context: str | Sequence[str]) -> list[set[int]]:
        contexts = [context] if isinstance(context, str) else list(context)
        out = []
        for ctx in contexts:
            ctx = clean_text(ctx)
            if ctx in self._pos:
                out.append({self._pos[ctx]})
                continue
            found: set[int] = set()
            for _, hits in self._stages(ctx):
                found = set(hits)
                break
            if not found:
                raise PlaceNotFoundError(f"context {ctx!r} is not in the gazetteer")
            out.append(found)
        return out

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
        dist = geodesic_km(self._lon[pos], self._lat[pos], self._lon[ctx], self._lat[ctx])
        return bool(dist <= radius)

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
        if not settlements or len(settlements) == len(scored):
            return scored
        keep = dict(scored)
        for area in [p for p in scored if self._kind[p] in ADMIN_KINDS]:
            if any(self._is_within(s, area) for s in settlements):
                del keep[area]
        return keep

    def _candidate(self, pos: int, score: float) -> Candidate:
        row = self._rows[pos]
        return Candidate(
            place_id=str(row["id"]),
            name=str(row["name_en"]),
            admin1=str(row["admin1"]),
            kind=str(row["kind"]),
            lon=float(row["lon"]),
            lat=float(row["lat"]),
            score=score,
        )

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
            A place name in any usual spelling or in Arabic script; a context
            may follow after a comma or in brackets: "al-Qusour, Baniyas".
        within : str or sequence of str, optional
            A governorate, district, city or place id that holds the place.
        near : (lon, lat), optional
            A point; the candidate nearest to it is chosen.

        Returns
        -------
        Match
            Never raises for bad names: an unresolved match says why.

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
        """
        raw = "" if name is None else str(name)
        query = clean_text(raw)
        short = query if len(query) <= 80 else query[:77] + "..."
        if not query:
            return Match(query=raw, reason="empty name")
        if len(query) > MAX_NAME_LENGTH:
            return Match(
                query=short, reason=f"name is {len(query)} characters long; place names are at most {MAX_NAME_LENGTH}"
            )
        base, inline = split_context(query)
        if inline and within is None:
            # A name that itself holds a comma or brackets ("Deir Baalbeh (South)").
            whole = next(iter(self._stages(query)), None)
            if whole is not None and whole[0] in ("alias", "normalized"):
                return self._decide(query, whole[0], whole[1], near)
        if not _LETTER_RE.search(base):
            return Match(query=query, reason=f"{short!r} has no letters; a place name is expected")
        explicit = [within] if isinstance(within, str) else list(within or [])
        try:
            ctx_sets = self._context_positions(inline) if inline else []
        except PlaceNotFoundError as err:
            return Match(query=query, reason=f"{err}; write the context as a governorate, district or city")
        ctx_sets += self._context_positions(explicit) if explicit else []
        contexts = [*inline, *explicit]
        for method, scored in self._stages(base):
            if ctx_sets:
                scored = {
                    p: s for p, s in scored.items() if all(any(self._is_within(p, c) for c in cs) for cs in ctx_sets)
                }
                if not scored:
                    continue
            preferred = self._prefer_settlements(scored, admin_kind_hint(base))
            return self._decide(query, method, preferred, near, listed=scored)
        suggestions = tuple(self.suggest(base))
        if ctx_sets:
            reason = f"{short!r} is not in the gazetteer within {', '.join(contexts)}"
        else:
            reason = f"{short!r} is not in the gazetteer"
        hint = f"; closest: {', '.join(suggestions)}" if suggestions else "; no similar name"
        return Match(query=query, reason=reason + hint, suggestions=suggestions)

    def _decide(
        self,
        query: str,
        method: str,
        scored: dict[int, float],
        near: tuple[float, float] | None,
        listed: dict[int, float] | None = None,
    ) -> Match:
        """Choose among *scored*; *listed* (a superset) is what the match lists as candidates."""
        ranked = sorted(scored.items(), key=lambda kv: (-kv[1], self._ids[kv[0]]))
        shown = sorted((listed or scored).items(), key=lambda kv: (-kv[1], self._ids[kv[0]]))
        candidates = tuple(self._candidate(p, s) for p, s in shown)
        best = ranked[0][1]
        tie = 0.06 if method in ("alias", "normalized") else _TIE
        tied = [p for p, s in ranked if s >= best - tie]
        reason = None
        if len(tied) > 1 and near is not None:
            dist = geodesic_km(near[0], near[1], self._lon[tied], self._lat[tied])
            order = np.argsort(dist)
            tied = [tied[int(order[0])]]
            reason = f"chosen as nearest to ({near[0]}, {near[1]}): {float(dist[order[0]]):.1f} km"
        if len(tied) > 1:
            labels = ", ".join(self._candidate(p, 0.0).label() for p in tied)
            return Match(
                query=query,
                score=best,
                method=method,
                ambiguous=True,
                candidates=candidates,
                reason=f"{query!r} matches {len(tied)} places: {labels}; add a context "
                f'("{query}, <governorate or city>") or near=',
            )
        row = self._rows[tied[0]]
        if method == "normalized" and scored[tied[0]] >= SCORES["exact"]:
            method = "exact"
        return Match(
            query=query,
            place_id=str(row["id"]),
            name=str(row["name_en"]),
            lon=float(row["lon"]),
            lat=float(row["lat"]),
            score=float(scored[tied[0]]),
            method=method,
            geo_precision=geo_precision_of(row["kind"], float(row["coord_precision_m"]), row["source"]),
            coord_precision_m=int(row["coord_precision_m"]),
            source=str(row["source"]),
            admin1=str(row["admin1"]),
            kind=str(row["kind"]),
            candidates=candidates,
            reason=reason,
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

    def resolve_many(self, names: Iterable[object], contexts: Iterable[object] | None = None) -> pd.DataFrame:
        """Resolve a column of names (and optional contexts); repeated pairs are resolved once.

        Returns
        -------
        pandas.DataFrame
            One row per input, in order, with columns lat, lon, place_id,
            match_name, match_score, match_method, geo_precision, ambiguous,
            candidates, reason.
        """
        texts = ["" if n is None or (isinstance(n, float) and np.isnan(n)) else str(n) for n in names]
        ctxs = (
            [""] * len(texts)
            if contexts is None
            else ["" if c is None or (isinstance(c, float) and np.isnan(c)) else str(c) for c in contexts]
        )
        cache: dict[tuple[str, str], dict[str, object]] = {}
        rows = []
        for name, ctx in zip(texts, ctxs, strict=True):
            if (name, ctx) not in cache:
                try:
                    match = self.resolve(name, within=ctx or None)
                except PlaceNotFoundError as err:
                    match = Match(query=name, reason=str(err))
                cache[name, ctx] = {
                    "lat": match.lat,
                    "lon": match.lon,
                    "place_id": match.place_id,
                    "match_name": match.name,
                    "match_score": match.score,
                    "match_method": match.method,
                    "geo_precision": match.geo_precision,
                    "ambiguous": match.ambiguous,
                    "candidates": "; ".join(f"{c.place_id}: {c.label()}" for c in match.candidates)
                    if match.ambiguous
                    else "",
                    "reason": match.reason or "",
                }
            rows.append(cache[name, ctx])
        out = pd.DataFrame(rows, columns=list(MATCH_COLUMNS))
        out["geo_precision"] = out["geo_precision"].astype("Int64")
        out["ambiguous"] = out["ambiguous"].astype(bool)
        return out


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
    for path in (default_aliases if default_aliases.is_file() else None, aliases):
        if path is None:
            continue
        table = read_aliases(path, set(gaz.places["id"]) | set(joined))
        for alias, place_id in zip(table["alias"], table["place_id"], strict=True):
            gaz.add_alias(alias, joined.get(place_id, place_id))
    return gaz


def _table_digest(table: pd.DataFrame) -> str:
    """Return a digest of a place table's columns and rows, in order (for the cache key)."""
    import hashlib

    rows = pd.util.hash_pandas_object(table.astype(str), index=False).to_numpy().tobytes()
    return hashlib.sha256(repr(list(table.columns)).encode() + rows).hexdigest()
