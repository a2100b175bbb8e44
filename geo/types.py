"""Immutable value types shared across the core."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

__all__ = ["GEO_PRECISION", "MATCH_STATUSES", "Candidate", "Match"]

#: What the geo_precision levels mean (as in the incident model).
GEO_PRECISION = {
    1: "exact point (a site or a precisely known spot)",
    2: "near: a village, town or neighbourhood centre",
    3: "admin-area fallback: a district or governorate, or a place at its parent's point",
}

#: What a match's ``status`` means. Only ``resolved`` matches are placed on maps.
MATCH_STATUSES = {
    "resolved": "one place, on strong evidence: placed on maps",
    "review": "a best guess (place_id, lon, lat) with its candidates: not placed until a person accepts it",
    "ambiguous": "several places fit equally: no point, every candidate listed",
    "unresolved": "no place found: a reason and suggestions",
}


@dataclass(frozen=True, slots=True)
class Candidate:
    """One place a name might refer to."""

    place_id: str
    name: str
    admin1: str
    kind: str
    lon: float
    lat: float
    score: float

    def label(self) -> str:
        """Return "name (admin1)" — how a candidate is shown to a person."""
        return f"{self.name} ({self.admin1})" if self.admin1 else self.name


@dataclass(frozen=True, slots=True)
class Match:
    """The outcome of resolving one place name.

    A resolved match has ``place_id``, ``lon`` and ``lat``; an ambiguous or
    unresolved one has none of them and says why in ``reason``, with the
    candidates (ambiguous) or suggestions (unresolved) that a person can pick
    from. ``status`` is one of :data:`MATCH_STATUSES`; when not given it is
    derived (a point: ``resolved``; ``ambiguous``; else ``unresolved``). A
    ``review`` match carries its best guess's point but is not resolved.
    """

    query: str
    place_id: str | None = None
    name: str | None = None
    lon: float | None = None
    lat: float | None = None
    score: float = 0.0
    method: str = "none"
    geo_precision: int | None = None
    coord_precision_m: int | None = None
    source: str | None = None
    admin1: str | None = None
    kind: str | None = None
    ambiguous: bool = False
    candidates: tuple[Candidate, ...] = field(default_factory=tuple)
    suggestions: tuple[str, ...] = field(default_factory=tuple)
    reason: str | None = None
    status: str = ""

    def __post_init__(self) -> None:
        if not self.status:
            derived = "resolved" if self.place_id is not None else "ambiguous" if self.ambiguous else "unresolved"
            object.__setattr__(self, "status", derived)
        elif self.status not in MATCH_STATUSES:
            raise ValueError(f"unknown match status {self.status!r}")

    @property
    def resolved(self) -> bool:
        """True when the name was turned into one place with a point, on evidence strong enough to map it."""
        return self.status == "resolved"

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict (candidates as dicts)."""
        data = asdict(self)
        data["candidates"] = [asdict(c) for c in self.candidates]
        data["suggestions"] = list(self.suggestions)
        data["resolved"] = self.resolved
        return data
