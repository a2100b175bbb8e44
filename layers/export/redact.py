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
_AR_PERSON_VERBS = frozenset(_ar_norm(w) for w in (*nl.AR_PERSON_VERBS, *nl.AR_PERSON_NOUNS))
_AR_KIN = frozenset(_ar_norm(w) for w in nl.AR_KIN)
# "النار على X", "القبض على X": nouns whose preposition introduces the person acted on.
_AR_TARGETS = frozenset(_ar_norm(w) for w in ("النار", "الرصاص", "القبض", "الاعتداء"))
_AR_PREPS = frozenset(_ar_norm(w) for w in ("على", "عن", "مع", "إلى", "الى"))


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


def _allowed_mask(keys: list[str], rules: NameRules, words: list[tuple[int, str]] | None = None) -> list[bool]:
    """Mark the words inside an allowed phrase (longest match first); a lone given name is never allowed.

    With *words* (token position and text of each key), a short phrase (one or two words) is not
    allowed where a person cue is next to it: a marker, honorific, kinship or role word or a verb
    of speech right before it, a verb of speech right after it, or (Latin script, one word) a
    capitalised word right after it. A village named like a person (GeoNames has many) must not
    hide "her cousin Tamim", "قالت سهيلة" or "Nidal Farhat".
    """
    allowed = [False] * len(keys)
    i = 0
    while i < len(keys):
        # An Arabic word may carry a clitic (و ف ب ل: "ومصياف" is "and Masyaf").
        firsts = _ar_clitic_forms(keys[i]) if _ARABIC.search(keys[i]) else {keys[i]}
        candidates = [(f, p) for f in firsts for p in rules.phrases.get(f, ())]
        for first, phrase in sorted(candidates, key=lambda fp: len(fp[1]), reverse=True):
            n = len(phrase)
            if (first, *keys[i + 1 : i + n]) != phrase or (n == 1 and _is_given(first, first)):
                continue
            if words is not None and n <= 3 and _person_cue_around(keys, words, i, n, rules):
                continue
            if words is not None and n == 2 and _kunya(phrase) and not _place_word_before(keys, words, i):
                continue  # "أبو عمر", "Abu Hassan": villages in GeoNames, names far more often
            allowed[i : i + n] = [True] * n
            i += n - 1
            break
        i += 1
    return allowed


#: English words right before a person's name: verbs of speech and verbs done to a person.
_LATIN_PERSON_CUES = nl.SPEECH_VERBS | frozenset(
    "killed shot arrested detained abducted kidnapped released freed buried executed murdered tortured"
    " beat beaten saw met married named identified".split()
)


def _kunya(phrase: tuple[str, ...]) -> bool:
    """Return whether a two-word phrase is an honorific or marker and a given name ("ابو عمر", "abu hassan")."""
    first, second = phrase
    marker = first in _HONORIFICS or bool(_ARABIC.search(first) and _ar_clitic_forms(first) & _AR_MARKERS)
    return marker and _is_given(second, second.capitalize())


#: Words right before a place name ("في أبو كمال", "in Abu Kamal", "village of ...").
_PLACE_BEFORE = frozenset(
    {_ar_norm(w) for w in "في قرية بلدة مدينة ريف قرب بلدات قرى منطقة ناحية حي مخيم إلى الى من نحو باتجاه".split()}
    | set("in near at from to into outside village town city of towards toward around district".split())
)


def _place_word_before(keys: list[str], words: list[tuple[int, str]], i: int) -> bool:
    """Return whether the word right before keys[i] (clitics stripped) introduces a place."""
    return bool(i and words[i - 1][0] == words[i][0] - 1 and _ar_clitic_forms(keys[i - 1]) & _PLACE_BEFORE) or bool(
        i and words[i - 1][0] == words[i][0] - 1 and keys[i - 1] in _PLACE_BEFORE
    )


def _person_cue_around(keys: list[str], words: list[tuple[int, str]], i: int, n: int, rules: NameRules) -> bool:
    """Return whether the phrase keys[i:i+n] has a person cue right before or after it (see above)."""
    arabic = bool(_ARABIC.search(keys[i]))
    if i and words[i - 1][0] == words[i][0] - 1:
        prev = keys[i - 1]
        if arabic and _ar_clitic_forms(prev) & _AR_MARKERS:
            return True
        if arabic and _ar_clitic_forms(prev) & _AR_SPEECH and not _ar_definite(keys[i]):
            return True  # "قالت سهيلة" (not "قال الهلال الأحمر": an institution speaks too)
        if not arabic and (prev in _HONORIFICS or prev in nl.ROLES or prev in _INTRO or prev in _LATIN_PERSON_CUES):
            return True
    j = i + n
    if j < len(keys) and words[j][0] == words[j - 1][0] + 1:
        nxt_key, nxt_word = keys[j], words[j][1]
        if arabic:
            return bool(_ar_clitic_forms(nxt_key) & _AR_SPEECH)
        if nxt_key in nl.SPEECH_VERBS:
            return True
        if n == 1 and nxt_word[:1].isupper() and nxt_key not in rules.phrases and _latin_flags(nxt_word, nxt_key)[0]:
            return True
    return False


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
    allowed = _allowed_mask(keys, rules, words)
    cue_at = -9  # the last Arabic person cue (a verb or noun of what is done to a person, a marker)
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
            prev = [
                keys[m] if m >= 0 and words[m][0] == words[m + 1][0] - 1 and not allowed[m] else ""
                for m in (n - 1, n - 2)
            ]
            if prev[0] == "" or n < 2:
                prev[1] = ""
            after = n + 2 if nxt_free else n + 1
            after_key = keys[after] if after < len(keys) and words[after][0] == words[after - 1][0] + 1 else ""
            near = n - cue_at <= 3
            if _arabic_flags(key, keys[n + 1] if nxt_free else None, prev[0], prev[1], after_key, near):
                return True
            if _ar_clitic_forms(key) & (_AR_PERSON_VERBS | _AR_MARKERS):
                cue_at = n
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
    return (
        bool(_ARABIC.search(key))
        and not (_ar_stems(key) & _AR_VOCAB)
        and not (_ar_clitic_forms(key) & _AR_MARKERS)
        and not _ar_word_shape(key)
    )


_AR_PLURAL = re.compile("^(?:[وفبل])?.{4,}(?:ون|ين|ات)$")
_AR_IMPERFECT_PLURAL = re.compile("^(?:[وفل])?(?:س)?[يت].{2,}(?:ون|وا)$")


def _ar_word_shape(key: str) -> bool:
    """Return whether an Arabic word has the shape of a plural or a conjugated verb, not of a name.

    Sound plurals of six letters or more (مزارعين، مستلزمات، محتجون) and present-tense plural verbs
    (يعملون، تتحدثون) are not given names; names of that length end in ...الدين, kept as names.

    >>> _ar_word_shape("مزارعين"), _ar_word_shape("يعملون"), _ar_word_shape("حسين"), _ar_word_shape("عزالدين")
    (True, True, False, False)
    """
    if key.endswith("الدين") or bool(_ar_clitic_forms(key) & _AR_GIVEN):
        return False
    return bool(_AR_PLURAL.match(key) or _AR_IMPERFECT_PLURAL.match(key))


def _ar_definite(key: str) -> bool:
    """Return whether an Arabic word carries the article (ال، وال، بال، فال، لل), which a given name does not."""
    return key.startswith(("ال", "وال", "بال", "فال", "كال", "لل")) and not (_ar_clitic_forms(key) & _AR_GIVEN)


def _arabic_flags(
    key: str, next_key: str | None, prev: str = "", prev2: str = "", after: str = "", cue_seen: bool = False
) -> bool:
    """Arabic rules for one word and its neighbours.

    *next_key*: the next word (None when punctuation or an allowed phrase follows); *prev*, *prev2*:
    the two before it, *after*: the one after the pair ("" when punctuation or an allowed phrase is
    between); *cue_seen*: a verb or noun of what is done to a person, or a marker, came at most three words before.

    An unknown word counts as a name only with a cue (fail closed where a name may be): a marker
    before it, a verb of speech or a verb or noun of what is done to a person (قتل، اعتقلت، أفرج عن،
    مقتل، جثة…) right before it, or a kinship word right after it or the pair ("X وزوجته", "X بن Y").
    Two unknown words side by side (a given name and a family name) need only such a cue up to three
    words before ("اعتقلت دورية أمنية مجاهد قنوت").

    >>> _arabic_flags("نقطة", "طبية", "افتتاح")  # no cue: two unknown words of an ordinary phrase
    False
    >>> _arabic_flags("ميار", None, "اصيب")  # "أصيب ميار": the person a verb was done to
    True
    """
    if not _ARABIC.search(key):
        return False
    marker = bool(_ar_clitic_forms(key) & _AR_MARKERS)
    known = bool(_ar_stems(key) & _AR_VOCAB) or _ar_word_shape(key)
    free = not known and not marker and not _ar_definite(key)
    cue_before = bool(prev) and bool(_ar_clitic_forms(prev) & (_AR_PERSON_VERBS | _AR_SPEECH | _AR_MARKERS))
    if not cue_before and prev and _AR_IMPERFECT_PLURAL.match(prev):
        cue_before = True  # "أن يتركوا نورة": a plural verb and its object
    if not cue_before and prev2 and (prev in _AR_PREPS or _ar_definite(prev)):
        # "أطلق النار على نبيلة", "أوقفت الميليشيا نديم"
        cue_before = bool(_ar_clitic_forms(prev2) & (_AR_PERSON_VERBS | _AR_TARGETS))
    if next_key is None or not _ARABIC.search(next_key):
        return free and cue_before
    next_known = bool(_ar_stems(next_key) & _AR_VOCAB) or _ar_word_shape(next_key)
    if marker and (not next_known or _is_given(next_key, next_key)):
        return True
    kin_after = bool(_ar_clitic_forms(next_key) & _AR_KIN) or (bool(after) and bool(_ar_clitic_forms(after) & _AR_KIN))
    if free and (cue_before or bool(_ar_clitic_forms(next_key) & _AR_KIN)):
        return True  # "اختطف مسلحون ... شادي", "نبيلة وابنتها"
    # Two unknown words read as a name when a cue is next to them (the first never has the article:
    # a noun and its adjective, "الطريق السريع"; a given name never starts with ال).
    return free and not next_known and (kin_after or cue_seen)
