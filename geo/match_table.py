"""A column of names to a table of matches (``Gazetteer.resolve_many``, ``python -m geo geocode``)."""

from __future__ import annotations

from collections.abc import Callable, Iterable

import numpy as np

from geo.errors import PlaceNotFoundError
from geo.lazy import pd
from geo.types import MATCH_STATUSES, Match

__all__ = ["MATCH_COLUMNS", "MIN_STATUSES", "match_table", "output_columns"]

#: The columns :meth:`geo.gazetteer.Gazetteer.resolve_many` returns (``geocode`` prefixes them).
MATCH_COLUMNS = (
    "lat",
    "lon",
    "place_id",
    "match_name",
    "match_score",
    "match_method",
    "geo_precision",
    "status",
    "ambiguous",
    "candidates",
    "reason",
)
#: What gets coordinates: ``resolved`` only (the default), or ``review`` best guesses too.
MIN_STATUSES = ("resolved", "review")


def output_columns(prefix: str = "match_") -> dict[str, str]:
    """Return {match column: output column} with *prefix* (``match_name`` stays ``match_name``).

    Examples
    --------
    >>> output_columns()["lat"], output_columns()["match_name"], output_columns("gaz_")["status"]
    ('match_lat', 'match_name', 'gaz_status')
    """
    return {c: prefix + c.removeprefix("match_") for c in MATCH_COLUMNS}


def _text(value: object) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    return str(value)


def _row(match: Match, min_status: str) -> dict[str, object]:
    placed = match.status == "resolved" or (match.status == "review" and min_status == "review")
    listed = match.status in ("review", "ambiguous")
    return {
        "lat": match.lat if placed else None,
        "lon": match.lon if placed else None,
        "place_id": match.place_id if placed else None,
        "match_name": match.name,
        "match_score": match.score,
        "match_method": match.method,
        "geo_precision": match.geo_precision if placed else None,
        "status": match.status,
        "ambiguous": match.ambiguous,
        "candidates": "; ".join(f"{c.place_id}: {c.label()}" for c in match.candidates) if listed else "",
        "reason": match.reason or "",
    }


def match_table(
    resolve: Callable[[str, str | None], Match],
    names: Iterable[object],
    contexts: Iterable[object] | None = None,
    min_status: str = "resolved",
) -> pd.DataFrame:
    """Resolve every (name, context) pair once and return one row per input, in order.

    A ``review`` row gets coordinates only when *min_status* is ``review``;
    its candidates (best guess first) are listed either way.
    """
    if min_status not in MIN_STATUSES:
        raise ValueError(f"min_status must be one of {', '.join(MIN_STATUSES)}, not {min_status!r}")
    texts = [_text(n) for n in names]
    ctxs = [""] * len(texts) if contexts is None else [_text(c) for c in contexts]
    # Each distinct pair is resolved and turned into a row once; the output repeats them by position.
    seen: dict[tuple[str, str], int] = {}
    rows: list[dict[str, object]] = []
    codes = np.empty(len(texts), dtype=np.intp)
    for i, pair in enumerate(zip(texts, ctxs, strict=True)):
        j = seen.get(pair)
        if j is None:
            name, ctx = pair
            try:
                match = resolve(name, ctx or None)
            except PlaceNotFoundError as err:
                match = Match(query=name, reason=str(err))
            j = seen[pair] = len(rows)
            rows.append(_row(match, min_status))
        codes[i] = j
    distinct = pd.DataFrame(rows, columns=list(MATCH_COLUMNS))
    distinct["geo_precision"] = distinct["geo_precision"].astype("Int64")
    distinct["ambiguous"] = distinct["ambiguous"].astype(bool)
    distinct["status"] = pd.Categorical(distinct["status"], categories=list(MATCH_STATUSES)).astype(str)
    if len(rows) == len(texts):
        return distinct
    return distinct.take(codes).reset_index(drop=True)
