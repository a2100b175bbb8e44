"""Does a text name a private person? The rule public-safe mode uses on quotes, titles and summaries.

It fails closed: a text is *safe* only when no rule below finds a possible personal name.

1. **Normalise** (:func:`normalise`): NFKC; bidi controls and soft hyphens removed; zero-width
   characters, no-break spaces, newlines and runs of spaces become one space; Cyrillic and Greek
   letters that look Latin are read as Latin; accents are stripped for matching ("Àli" is "Ali").
   A letter of any other script than Latin or Arabic makes the text unsafe (it cannot be checked).
2. **Allowed phrases** are skipped: places (the gazetteer, English and Arabic names), publishers,
   and the actor list (armed groups, institutions, public figures; :data:`~layers.export.name_lists.ACTORS`).
3. **Latin script** — unsafe when a word is a known given name (any case: "ali hassan"; names that
   are also ordinary words, e.g. "said", only when capitalised); an honorific, kinship word or rank
   is followed by a word ("Abu Ahmad", "Colonel X"); two adjacent capitalised words are not both
   generic ("Kafr Nabl" passes only as a place); a capitalised word is followed by an age
   (", 34,") or follows "named"/"called"; an ``al-X`` particle follows a capitalised word; a
   capitalised word is the speaker of a verb of speech ("Shadi told"), follows a role word and a
   comma ("her fiance, Louay") or is followed by one (", a blogger"); a lone capitalised word
   follows a lower-case word that is not a preposition, an article or a verb taking places
   ("leave Noura alone"; not "in Nawa", "shelled Nawa").
4. **Arabic script** — unsafe when a word (without its clitics و ف ب ل) is a known given name;
   a marker word (أبو، أم، الشيخ، المدعو، الطفل، الشهيد، بن…) is followed by a word that is not
   reporting vocabulary; or two adjacent words are both outside the vocabulary of news and conflict
   reporting (:data:`~layers.export.name_lists.AR_VOCAB`, compared without ال and clitics); or a
   verb of speech (قال، قالت، أكد…) is followed by a word outside that vocabulary (its speaker).
   Allowed phrases match with a clitic on their first word ("ومصياف"). A given name that is also
   a vocabulary word (أسماء "names") counts only after a marker or verb of speech or before an
   unknown word.

Measured on a labelled set of English and Arabic quotes and event notes by
``bench/bench_redaction.py`` (recall of names, share of name-free texts blanked).

Examples
--------
>>> rules = NameRules.build(["Baniyas"])
>>> has_personal_name("Gunmen killed 12 civilians in Baniyas on Friday.", rules)
False
>>> has_personal_name("Her brother ali hassan was taken.", rules)
True
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from layers.export import name_lists as nl

__all__ = ["NameRules", "default_rules", "has_personal_name", "normalise"]

_CONFUSABLES = str.maketrans(
    "АВЕКМНОРСТХУЅІЈаеорсхуѕіјԁһӏΑΒΕΖΗΙΚΜΝΟΡΤΥΧοαν",
    "ABEKMHOPCTXYSIJaeopcxysijdhlABEZHIKMNOPTYXoav",
)
_DROP = dict.fromkeys(map(ord, "\u00ad\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u061c"))
_ZERO_WIDTH = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u180e\u034f]")
_ARABIC = re.compile("[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff]")
_AR_MARKS = re.compile("[\u064b-\u065f\u0670\u0640\u06d6-\u06ed]")
_TOKEN = re.compile(r"[^\W\d_](?:[^\W_]|['’\-](?=[^\W\d_]))*|\d+|[.!?;:,()\"“”«»\[\]/–—]")
_AL = re.compile(r"^(?:al|el|as|ash|ad|ar|az|at|an|adh|ath)-(.+)$", re.IGNORECASE)
_END = frozenset(".!?;:")
_INTRO = frozenset({"named", "called", "identified", "nicknamed", "aka", "surnamed"})
_AR_PREFIXES = ("وال", "بال", "فال", "كال", "لل", "ال", "وس", "س", "و", "ف", "ب", "ل", "ك")
_AR_SUFFIXES = ("هما", "هم", "هن", "ها", "كم", "نا", "ون", "ين", "ات", "ان", "وا", "ية", "يه", "ه", "ي", "ت", "ا")


def normalise(text: str) -> str:
    r"""Return *text* as the rule reads it (see the module docstring).

    Examples
    --------
    >>> normalise("Ali\u00a0\u200bHassan\n  said")
    'Ali Hassan said'
    >>> normalise("Аli Hаssan")  # Cyrillic А
    'Ali Hassan'
    """
    out = unicodedata.normalize("NFKC", str(text)).translate(_DROP).translate(_CONFUSABLES)
    out = _ZERO_WIDTH.sub(" ", out)
    return " ".join(out.split())


def _fold(word: str) -> str:
    """Strip accents from Latin letters (Arabic marks too)."""
    return "".join(c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c))


def _ar_norm(word: str) -> str:
    word = _AR_MARKS.sub("", _fold(word))  # hamza marks go with the accents: ئ → ي, أ → ا
    return word.translate(str.maketrans("أإآٱ", "اااا"))  # ى stays: على is not علي


def _ar_stems(word: str) -> set[str]:
    """Return the word and its forms without one prefix and/or one suffix (length ≥ 2)."""
    forms = {word}
    for p in _AR_PREFIXES:
        if word.startswith(p) and len(word) - len(p) >= 2:
            forms.add(word[len(p) :])
    for form in list(forms):
        for s in _AR_SUFFIXES:
            if form.endswith(s) and len(form) - len(s) >= 2:
                forms.add(form[: -len(s)])
    return forms


def _ar_clitic_forms(word: str) -> set[str]:
    forms = {word}
    for p in ("و", "ف", "ب", "ل"):
        if word.startswith(p) and len(word) > 2:
            forms.add(word[1:])
    return forms


def _ar_prefix_forms(word: str) -> set[str]:
    return {word} | ({word[2:]} if word.startswith("ال") and len(word) > 3 else set())


# Vocabulary words with their prefixes stripped (not their endings: a stem of a stem over-matches names).
_AR_VOCAB = frozenset(s for w in nl.AR_VOCAB for s in _ar_prefix_forms(_ar_norm(w)))
_AR_GIVEN = frozenset(_ar_norm(w) for w in nl.AR_GIVEN)
_AR_MARKERS = frozenset(_ar_norm(w) for w in nl.AR_MARKERS)
_GENERIC_LOWER = frozenset(w.lower() for w in nl.GENERIC_WORDS)
_HONORIFICS = frozenset(h.lower() for h in nl.HONORIFICS)
_AR_SPEECH = frozenset(_ar_norm(w) for w in nl.AR_SPEECH_VERBS)


def _key(word: str) -> str:
    """Return the matching key of a word: accents stripped, lower case, possessive and dots removed."""
    word = re.sub(r"['’]s$", "", _fold(word)).strip(".'’")
    return _ar_norm(word) if _ARABIC.search(word) else word.lower()


@dataclass(frozen=True, slots=True)
class NameRules:
    """Allowed phrases (places, publishers, actors) as key tuples, indexed by their first key."""

    phrases: dict[str, tuple[tuple[str, ...], ...]]

    @classmethod
    def build(cls, phrases: Iterable[str], *, with_actors: bool = True) -> NameRules:
        """Return the rules with *phrases* (and the actor list) allowed."""
        index: dict[str, set[tuple[str, ...]]] = {}
        for phrase in [*phrases, *(nl.ACTORS if with_actors else ())]:
            keys = tuple(_key(t) for t in _TOKEN.findall(normalise(phrase)) if t[0].isalpha())
            if keys:
                index.setdefault(keys[0], set()).add(keys)
        return cls({k: tuple(sorted(v, key=len, reverse=True)) for k, v in index.items()})

    def extend(self, phrases: Iterable[str]) -> NameRules:
        """Return these rules with more allowed phrases."""
        more = NameRules.build(phrases, with_actors=False).phrases
        merged = {
            k: tuple(sorted({*self.phrases.get(k, ()), *more.get(k, ())}, key=len, reverse=True))
            for k in {*self.phrases, *more}
        }
        return NameRules(merged)


def _allowed_mask(keys: list[str], rules: NameRules) -> list[bool]:
    """Mark the words inside an allowed phrase (longest match first); a lone given name is never allowed."""
    allowed = [False] * len(keys)
    i = 0
    while i < len(keys):
        # An Arabic word may carry a clitic (و ف ب ل: "ومصياف" is "and Masyaf").
        firsts = _ar_clitic_forms(keys[i]) if _ARABIC.search(keys[i]) else {keys[i]}
        candidates = [(f, p) for f in firsts for p in rules.phrases.get(f, ())]
        for first, phrase in sorted(candidates, key=lambda fp: len(fp[1]), reverse=True):
            n = len(phrase)
            if (first, *keys[i + 1 : i + n]) == phrase and not (n == 1 and _is_given(first, first)):
                allowed[i : i + n] = [True] * n
                i += n - 1
                break
        i += 1
    return allowed


def _is_given(key: str, word: str) -> bool:
    if _ARABIC.search(key):
        return bool(_ar_clitic_forms(key) & _AR_GIVEN)
    base = key.split("-")[-1] if key.startswith(("abd-", "abdel-", "abdul-", "abu-")) else key
    if key in nl.GIVEN_LATIN or base in nl.GIVEN_LATIN:
        return word[:1].isupper() or key not in nl.AMBIGUOUS_LOWER
    return False


def _latin_flags(word: str, key: str) -> tuple[bool, bool]:
    """(capitalised and not generic, generic)."""
    folded = _fold(word)
    m = _AL.match(folded)
    if m:
        rest = m.group(1)
        return rest[:1].isupper() and rest.lower() not in _GENERIC_LOWER, False
    cap = folded[:1].isupper()
    generic = key in _GENERIC_LOWER or (folded.isupper() and 1 < len(folded) <= 5 and key not in nl.GIVEN_LATIN)
    return cap and not generic, generic


@functools.lru_cache(maxsize=1)
def default_rules() -> NameRules:
    """Rules with the curated gazetteer's place names (English, Arabic, alternatives) and the actors."""
    import csv

    path = Path(__file__).resolve().parents[2] / "data" / "gazetteer" / "places.csv"
    names: list[str] = []
    if path.is_file():
        with path.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                names += [row.get("name_en") or "", row.get("name_ar") or ""]
                names += (row.get("alt_names") or "").split(";")
    return NameRules.build([n for n in names if n.strip()])


def has_personal_name(text: str, rules: NameRules | None = None) -> bool:
    """Return whether *text* may name a private person (fail closed; see the module docstring)."""
    rules = rules or default_rules()
    norm = normalise(text)
    if not norm:
        return False
    for ch in norm:
        if ch.isalpha() and not (_ARABIC.match(ch) or "LATIN" in unicodedata.name(_fold(ch)[:1] or ch, "")):
            return True  # a script the rule cannot read
    tokens = _TOKEN.findall(norm)
    words = [(i, t) for i, t in enumerate(tokens) if t[0].isalpha()]
    keys = [_key(t) for _, t in words]
    allowed = _allowed_mask(keys, rules)
    for n, ((pos, word), key) in enumerate(zip(words, keys, strict=True)):
        if allowed[n]:
            continue
        nxt = words[n + 1] if n + 1 < len(words) else None
        adjacent = nxt is not None and nxt[0] == pos + 1  # no punctuation between
        nxt_free = adjacent and not allowed[n + 1]
        if _is_given(key, word):
            if not (_ARABIC.search(word) and _ar_word_too(key)):
                return True
            prev_key = keys[n - 1] if n and words[n - 1][0] == pos - 1 and not allowed[n - 1] else ""
            cue = bool(prev_key) and bool(_ar_clitic_forms(prev_key) & (_AR_MARKERS | _AR_SPEECH))
            if cue or (nxt_free and _ar_unknown(keys[n + 1])):
                return True  # "قالت أسماء", "أسماء خليل": a name that is also a word, with a cue
        if _ARABIC.search(word):
            if _arabic_flags(key, keys[n + 1] if nxt_free else None):
                return True
            if nxt_free and _ar_clitic_forms(key) & _AR_SPEECH and _ar_unknown(keys[n + 1]):
                return True  # "قالت سهيلة": the speaker of a verb of speech
            continue
        namey, _generic = _latin_flags(word, key)
        if key in _HONORIFICS and word[:1].isupper() and _honorific_before_name(tokens, pos):
            return True
        if (key in _INTRO or key in nl.ROLES) and nxt_free and nxt is not None and _latin_flags(nxt[1], keys[n + 1])[0]:
            return True
        if key in nl.ROLES and tokens[pos + 1 : pos + 2] == [","] and n + 1 < len(words) and not allowed[n + 1]:
            if words[n + 1][0] == pos + 2 and _latin_flags(words[n + 1][1], keys[n + 1])[0]:
                return True  # apposition after a role: "her fiance, Louay,"
        if not namey:
            continue
        if nxt_free and nxt is not None and _latin_flags(nxt[1], keys[n + 1])[0]:
            return True
        if adjacent and nxt is not None and keys[n + 1] in nl.SPEECH_VERBS and not word.endswith("s"):
            return True  # the speaker of a verb of speech: "Shadi told reporters"
        before = tokens[pos - 1] if pos else ""
        if before[:1].islower() and before.lower() not in _NOT_BEFORE_NAME and not _starts_word(nxt, pos):
            return True  # a lone capitalised word after a verb or object: "leave Noura alone", "killed Ali"
        after = tokens[pos + 1 : pos + 4]
        if len(after) == 3 and after[0] == "," and after[1].lower() in ("a", "an") and _key(after[2]) in nl.ROLES:
            return True  # apposition with a role: "al-Mallohi, a blogger"
        if len(after) >= 2 and after[0] == "," and after[1].isdigit() and len(after[1]) <= 3 and int(after[1]) < 110:
            return True
    return False


#: Words after which a lone capitalised word is most often a place, a group or a thing, not a person.
_NOT_BEFORE_NAME = frozenset(
    """
in near at from to into onto outside inside around towards toward across through of the a an by on over under
between along off via within beyond behind against past until since during for with without upon like
shelled shelling shell shells attacked attack attacks hit hits struck strike strikes targeted targeting bombed
bombarded stormed besieged entered captured recaptured seized reached fled raided overran controlled visited
""".split()
)


def _starts_word(nxt: tuple[int, str] | None, pos: int) -> bool:
    """Return whether the next word, right after this one, is capitalised (a two-word name, handled above)."""
    return nxt is not None and nxt[0] == pos + 1 and nxt[1][:1].isupper()


def _honorific_before_name(tokens: list[str], pos: int) -> bool:
    """Return whether an honorific is followed (after an optional dot) by a capitalised word."""
    rest = tokens[pos + 1 : pos + 3]
    if rest[:1] == ["."]:
        rest = rest[1:]
    return bool(rest) and rest[0][:1].isupper() and rest[0][0].isalpha()


def _ar_word_too(key: str) -> bool:
    """Return whether an Arabic given name is also reporting vocabulary (أسماء "names", آمنة "safe")."""
    return any(f in _AR_VOCAB for f in _ar_clitic_forms(key) | _ar_prefix_forms(key))


def _ar_unknown(key: str) -> bool:
    """Return whether an Arabic word is neither reporting vocabulary nor a marker word."""
    return bool(_ARABIC.search(key)) and not (_ar_stems(key) & _AR_VOCAB) and not (_ar_clitic_forms(key) & _AR_MARKERS)


def _arabic_flags(key: str, next_key: str | None) -> bool:
    """Arabic rules for one word and the next (None when punctuation or an allowed phrase follows)."""
    marker = bool(_ar_clitic_forms(key) & _AR_MARKERS)
    known = bool(_ar_stems(key) & _AR_VOCAB)
    if next_key is None or not _ARABIC.search(next_key):
        return False
    next_known = bool(_ar_stems(next_key) & _AR_VOCAB)
    if marker and (not next_known or _is_given(next_key, next_key)):
        return True
    return not known and not next_known and not marker
