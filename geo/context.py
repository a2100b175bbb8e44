"""Contexts of a place name: admin areas by name, and the parts of free-text locations.

A context ("Hama", "Rural Damascus", "Idleb Governorate", "ريف دمشق") is
first looked up as an OCHA admin area (:mod:`geo.admin`): a governorate,
district or sub-district, whose *polygon* then holds the candidates. When a
name is the name of areas of several levels ("Hama" is a governorate, a
district and a sub-district), the largest wins unless a type word asks for
another level ("Hama District"). Only a context that names no area is
resolved as a place, tested by distance (see
:data:`geo.gazetteer.CONTEXT_RADIUS_KM`).

Free text as real files write it is cut into parts by :func:`parse_location`:

>>> parse_location("city of Ariha, south of Idlib").parts
(('Ariha', 'name'), ('Idlib', 'context'))
>>> parse_location("Damascus - Jobar").city_part
('Damascus', 'Jobar')
>>> parse_location("between Saraqib and Ariha").between
('Saraqib', 'Ariha')
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from geo.names import admin_kind_hint, clean_text, normalize_name, split_context

__all__ = ["AREA_LEVELS", "LocationParts", "area_names", "lookup_area", "parse_location", "strip_relation"]

#: Admin kinds by OCHA level.
AREA_LEVELS = {1: "governorate", 2: "district", 3: "subdistrict"}
_LEVEL_OF_KIND = {kind: level for level, kind in AREA_LEVELS.items()}

# Spellings of governorates that real files use besides the OCHA and curated ones.
_EXTRA_AREA_NAMES = {
    "SY01": "Damascus City;Dimashq;Damascus Governorate;Sham",
    "SY02": "Halab;Aleppo Governorate",
    "SY03": "Rif Dimashq;Rif Damascus;Reef Damascus;Damascus Countryside;Damascus suburbs;Rural Damascus Governorate;"
    "Rif-Dimashq;Rif Dimashq Governorate;ريف دمشق",
    "SY04": "Hims",
    "SY05": "Hamah;Hamah Governorate;Hamaa",
    "SY06": "Latakia;Lattakia;Al-Ladhiqiyah;Al Ladhiqiyah;Lattaquie",
    "SY07": "Idlib;Idleb;Edlib",
    "SY08": "Al-Hasakah;Al Hasakeh;Hasakah;Hasakeh;Hassakeh;Al Hasakah;Hasaka",
    "SY09": "Deir ez-Zor;Deir ez Zor;Deir ez-Zour;Dayr az Zawr;Deir el-Zor;Deir Ezzor;Deir al-Zor",
    "SY10": "Tartus;Tartous;Tartouss",
    "SY11": "Raqqa;Ar-Raqqah;Al-Raqqa;Raqqah;Rakka",
    "SY12": "Daraa;Dar'a;Deraa;Dara;Deraa Governorate",
    "SY13": "As-Suwayda;Suwayda;Sweida;As Suwayda;Al-Suwayda;Sweida Governorate",
    "SY14": "Quneitra;Al-Qunaytirah;Qunaytirah;Kuneitra",
}

# "south of Idlib", "the southern countryside of Idlib", "outskirts of Hama", "near Homs":
# the place named is a context, not the place itself.
_RELATION_RE = re.compile(
    r"^(?:the\s+)?(?:(?:north|south|east|west|northern|southern|eastern|western|north-?east(?:ern)?|"
    r"north-?west(?:ern)?|south-?east(?:ern)?|south-?west(?:ern)?)\s+)?"
    r"(?:(?:countryside|outskirts|vicinity|suburbs|outside|edge|countryside)\s+of|"
    r"(?:north|south|east|west|northeast|northwest|southeast|southwest)\s+of|near|around|outside|in)\s+(.+)$",
    re.IGNORECASE,
)
# "city of Ariha", "the town of Saraqib": the place itself.
_KIND_OF_RE = re.compile(r"^(?:the\s+)?(?:city|town|village|neighbourhood|neighborhood|area|camp)\s+of\s+(.+)$", re.I)
_BETWEEN_RE = re.compile(r"^\s*between\s+(.+?)\s+and\s+(.+?)\s*$", re.IGNORECASE)
_CITY_PART_RE = re.compile(r"^(.+?)\s+[-–—]\s+(.+)$")
# Anything parse_location cuts at; a plain name has none of it.
_SPECIAL_RE = re.compile(r"[,،()–—]|\s-\s|\b(?:of|in|near|around|outside|between)\b", re.IGNORECASE)
_IN_RE = re.compile(r"\s+in\s+(?=(?:the\s+)?\w)", re.IGNORECASE)


def strip_relation(text: str) -> tuple[str, bool]:
    """Return (place, is_relation): "south of Idlib" is ("Idlib", True), "city of Ariha" ("Ariha", False).

    Examples
    --------
    >>> strip_relation("the southern countryside of Idlib"), strip_relation("town of Saraqib")
    (('Idlib', True), ('Saraqib', False))
    """
    value = clean_text(text)
    kind = _KIND_OF_RE.match(value)
    if kind:
        return kind.group(1).strip(), False
    rel = _RELATION_RE.match(value)
    if rel:
        return rel.group(1).strip(), True
    return value, False


@dataclass(frozen=True)
class LocationParts:
    """A location string cut into parts: ``(text, "name" | "context")`` in order, or a special form."""

    parts: tuple[tuple[str, str], ...]
    city_part: tuple[str, str] | None = None
    between: tuple[str, str] | None = None


def parse_location(text: str) -> LocationParts:
    """Cut a free-text location into names and contexts (see the module docstring).

    The first part is always a name; a part after it written as a relation
    ("south of Idlib", "in the countryside of Hama") is only a context.

    Examples
    --------
    >>> parse_location("Marayan, Jabal al-Zawiya in the southern countryside of Idlib").parts
    (('Marayan', 'name'), ('Jabal al-Zawiya', 'name'), ('Idlib', 'context'))
    >>> parse_location("Obin (Al Younisiya)").parts
    (('Obin', 'name'), ('Al Younisiya', 'name'))
    """
    value = clean_text(text)
    if not _SPECIAL_RE.search(value):
        return LocationParts(parts=((value, "name"),))
    between = _BETWEEN_RE.match(value)
    if between:
        return LocationParts(parts=(), between=(between.group(1).strip(), between.group(2).strip()))
    if "," not in value and "(" not in value and "،" not in value:
        city = _CITY_PART_RE.match(value)
        if city:
            return LocationParts(parts=(), city_part=(city.group(1).strip(), city.group(2).strip()))
    base, contexts = split_context(value)
    pieces: list[tuple[str, bool]] = []  # (text, written after "in")
    for piece in [base, *contexts]:
        split = _IN_RE.split(piece)
        pieces += [(split[0], False)] + [(p, True) for p in split[1:]]
    parts: list[tuple[str, str]] = []
    for i, (piece, after_in) in enumerate(pieces):
        place, relation = strip_relation(piece)
        if place:
            parts.append((place, "context" if i > 0 and (relation or after_in) else "name"))
    return LocationParts(parts=tuple(parts))


@lru_cache(maxsize=1)
def area_names() -> dict[str, tuple[tuple[int, str], ...]]:
    """Return normalized area name → ((level, P-code), ...) for the shipped admin areas."""
    from geo.admin import load_admin_areas

    table = load_admin_areas().table
    found: dict[str, set[tuple[int, str]]] = {}

    def add(name: str, level: int, pcode: str) -> None:
        key = normalize_name(name)
        if key:
            found.setdefault(key, set()).add((level, pcode))

    for row in table.itertuples():
        if int(row.level) < 1:
            continue
        add(str(row.name_en), int(row.level), str(row.pcode))
        add(str(row.name_ar), int(row.level), str(row.pcode))
        # OCHA writes a district by its centre: "مركز حماة" (Hama centre) is Hama District.
        if str(row.name_ar).startswith("مركز "):
            add(str(row.name_ar)[5:], int(row.level), str(row.pcode))
    for pcode, names in _EXTRA_AREA_NAMES.items():
        for name in names.split(";"):
            add(name, 1, pcode)
    return {k: tuple(sorted(v)) for k, v in found.items()}


def lookup_area(text: str) -> list[tuple[int, str]]:
    """Return the admin areas (level, P-code) a context names, the ones meant first; [] when none.

    The largest level the name holds is meant, unless the text asks for a
    kind ("Hama District"); an area name with "countryside" ("Idlib
    countryside") means the governorate when no area is named so.

    Examples
    --------
    >>> lookup_area("Hama"), lookup_area("Hama District"), lookup_area("Damascus countryside")
    ([(1, 'SY05')], [(2, 'SY0501')], [(1, 'SY03')])
    >>> lookup_area("Jableh")
    [(2, 'SY0602')]
    >>> lookup_area("Springfield")
    []
    """
    place, _ = strip_relation(text)
    names = area_names()
    key = normalize_name(place)
    hits = list(names.get(key, ()))
    if not hits and key.startswith("rif "):
        hits = [h for h in names.get(key[4:], ()) if h[0] == 1]
    if not hits:
        return []
    hint = admin_kind_hint(place)
    if hint in _LEVEL_OF_KIND:
        wanted = [h for h in hits if h[0] == _LEVEL_OF_KIND[hint]]
        if wanted:
            return wanted
    top = min(level for level, _ in hits)
    return [h for h in hits if h[0] == top]
