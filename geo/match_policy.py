"""When a match may be placed on a map: the thresholds of the match statuses.

Every match is one of :data:`geo.types.MATCH_STATUSES`. Names found as
written (``alias``, ``exact``, ``normalized``) resolve when one place fits.
Names found only by spelling similarity (``phonetic``, ``fuzzy``) resolve only
at a score at or above :data:`RESOLVE_MIN` (:data:`RESOLVE_MIN_IN_CONTEXT` when a
context holds the candidates) and when they have more than
:data:`SHORT_NAME_LETTERS` letters; between :data:`REVIEW_MIN` and the
resolve threshold they are ``review`` (a best guess, not placed); below it
they are ``unresolved`` with suggestions.

The thresholds were calibrated on labelled real spellings (IOM vs
OpenStreetMap names of the same communities, GeoNames vs OpenStreetMap, OCHA
neighbourhoods): ``python scripts/build_devset.py`` builds the set and
``python bench/bench_calibration.py`` prints precision within 5 km and
coverage per method and score band, and checks these values.
"""

from __future__ import annotations

import re

__all__ = [
    "APPROXIMATE_METHODS",
    "CLOSE_RUNNER_UP",
    "RESOLVE_MIN",
    "RESOLVE_MIN_IN_CONTEXT",
    "REVIEW_MIN",
    "SHORT_NAME_LETTERS",
    "letters",
    "numbers_in",
]

#: Methods that match by spelling similarity rather than by the name as written.
APPROXIMATE_METHODS = frozenset({"phonetic", "fuzzy"})
#: The lowest score at which an approximate match of a bare name is placed (``resolved``);
#: 1.0: never (no score band of the method reached the target precision).
RESOLVE_MIN = {"phonetic": 1.0, "fuzzy": 0.79}
#: The same within a context (a governorate, district or place that holds the candidates).
RESOLVE_MIN_IN_CONTEXT = {"phonetic": 1.0, "fuzzy": 0.79}
#: Below this score an approximate match is not even offered for review.
REVIEW_MIN = {"phonetic": 0.70, "fuzzy": 0.70}
#: A name of at most this many letters never resolves by spelling similarity alone.
SHORT_NAME_LETTERS = 5
#: An approximate match whose runner-up (another place) scores within this of it goes to review.
CLOSE_RUNNER_UP = 0.05

_LETTERS_RE = re.compile(r"[^\W\d_]")
_NUMBER_RE = re.compile(r"\d+")


def letters(text: str) -> int:
    """Return the number of letters in *text* (any script).

    Examples
    --------
    >>> letters("Al-Bab"), letters("تل 5")
    (5, 2)
    """
    return len(_LETTERS_RE.findall(text))


def numbers_in(text: str) -> frozenset[str]:
    """Return the numbers written in *text* (any digits), without leading zeros.

    A name's numbers tell places apart ("Tishrin 6" is not "Tishrin") although
    the normalized key drops them.

    Examples
    --------
    >>> sorted(numbers_in("Tishrin 06")), sorted(numbers_in("مخيم ٦")), numbers_in("Jableh")
    (['6'], ['6'], frozenset())
    """
    return frozenset(str(int(n)) for n in _NUMBER_RE.findall(text))
