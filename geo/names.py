"""Normalization of Syrian place names in Latin and Arabic script.

Two keys are computed for every name:

``normalize_name``
    folds case, diacritics, apostrophes and ayn/hamza marks, the Arabic
    article in all its Latin forms, type words ("village", "suburb", "حي"),
    the ``-iyah``/``-iyeh``/``-ieh`` endings, ``ou``/``oo``/``o`` and
    ``ei``/``ay`` spellings, doubled letters and the Latin forms of the
    generic words of place names (Tell/Tel/Tall/Tal, Jebel/Jabal, Kfar/Kafr,
    Khirbet/Khirbat, Wady/Wadi). Two spellings of one name that differ only
    in these respects get the same key.

``phonetic_key``
    a consonant skeleton of the normalized key: it also merges spellings that
    differ in unstressed vowels or semi-vowels (Sonobar / Sanobar / Snobar,
    Baniyas / Banyas / Banias). It is coarser, so matches on it score lower.

Both functions are pure and cached.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

__all__ = [
    "MAX_NAME_LENGTH",
    "admin_kind_hint",
    "clean_text",
    "distinctive_part",
    "has_arabic",
    "normalize_name",
    "phonetic_key",
    "split_context",
    "trigrams",
    "word_forms",
]

#: Names longer than this are refused by the gazetteer (no place name is).
MAX_NAME_LENGTH = 200

_ARABIC_RE = re.compile(r"[\u0600-\u06FF\u0750-\u077F\uFB50-\uFDFF\uFE70-\uFEFF]")
_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
_MARKS = "'’‘`´ʿʾʼʻ′″\"“”ˈ"
_MARKS_RE = re.compile(f"[{re.escape(_MARKS)}]")
_SEPARATORS_RE = re.compile(r"[^\w\s]|_", re.UNICODE)
_SPACES_RE = re.compile(r"\s+")

# The Arabic article as reporters transliterate it (sun letters assimilated).
_ARTICLES = frozenset("al el il ul ad ed ash esh as es az ez at et ath adh an en ar er l".split())
# Type words that reporters and conflict datasets put around a name.
_TYPE_WORDS = frozenset(
    """town village city suburb neighbourhood neighborhood neighbourhoods district
    districts subdistrict sub-district camp area quarter governorate province muhafazah
    mohafaza nahiya nahiyah mintaqa municipality hamlet farm farms region
    hay hai hayy qaryat""".split()
)
# Type words that only count in front of a name ("Hai al-Qusour").
_LEADING_ONLY = frozenset({"hay", "hai", "hayy", "qaryat"})
_ARABIC_TYPE_WORDS = frozenset(
    {
        "حي",
        "قرية",
        "قريه",
        "بلدة",
        "بلده",
        "مدينة",
        "مدينه",
        "ناحية",
        "ناحيه",
        "منطقة",
        "منطقه",
        "مخيم",
        "محافظة",
        "محافظه",
    }
)
# An assimilated article glued to a later word: "Deir Ezzor", "Ras Alain" is left alone.
_GLUED_ARTICLE_RE = re.compile(r"^[ae]([dnrstz])(?=\1[a-z]{2,})")
_ENDING_RE = re.compile(r"(?:iyyah|iyyeh|iyah|iyeh|iyya|iyye|iya|iye|ieh|eyah|eyeh|eyya|eya|iah|ia)$")
_FINAL_A_RE = re.compile(r"(?:ah|eh|a|e)$")
_DOUBLE_RE = re.compile(r"(.)\1+")
_LATIN_VOWEL_FOLDS = (
    ("oo", "u"),
    ("ou", "u"),
    ("aw", "u"),
    ("ow", "u"),
    ("o", "u"),
    ("ei", "ay"),
    ("ai", "ay"),
    ("ey", "ay"),
)
_DIGRAPHS = (
    ("kh", "x"),
    ("sh", "$"),
    ("ch", "$"),
    ("th", "t"),
    ("dh", "d"),
    ("gh", "g"),
    ("ph", "f"),
    ("dj", "j"),
    ("ck", "k"),
    ("q", "k"),
    ("c", "k"),
)
_VOWELS_RE = re.compile(r"[aeiouyw]")
_ARABIC_FOLDS = str.maketrans(
    {
        "ة": "ه",
        "ى": "ي",
        "ی": "ي",
        "ك": "ك",
        "ک": "ك",
        "ٱ": "ا",
        "إ": "ا",
        "أ": "ا",
        "آ": "ا",
        "ؤ": "و",
        "ئ": "ي",
        "ء": "",
        "ـ": "",
    }
)


def has_arabic(text: str) -> bool:
    """Return True if *text* contains Arabic script.

    Examples
    --------
    >>> has_arabic("جبلة"), has_arabic("Jableh")
    (True, False)
    """
    return bool(_ARABIC_RE.search(text))


def clean_text(text: object) -> str:
    r"""Return *text* as a string without control or bidi characters, spaces folded.

    Examples
    --------
    >>> clean_text("  Baba\tAmr\u200f ")
    'Baba Amr'
    """
    if text is None:
        return ""
    value = str(text)
    if not value.isascii():  # ASCII text is its own NFC form
        value = unicodedata.normalize("NFC", value)
    value = _CONTROL_RE.sub(" ", value)
    return _SPACES_RE.sub(" ", value).strip()


def _strip_marks(text: str) -> str:
    if text.isascii():  # no combining marks, and NFKD leaves it as it is
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")


# The generic words of Syrian place names (one Arabic word each: تل، جبل، كفر، خربة، وادي)
# in the Latin forms publishers write them, after the folds above: one form each.
_GENERIC_WORD_FORMS = {
    "tel": "tal",
    "til": "tal",
    "jebel": "jabal",
    "jbel": "jabal",
    "jabel": "jabal",
    "jebal": "jabal",
    "kfar": "kafr",
    "kefr": "kafr",
    "kfr": "kafr",
    "kafar": "kafr",
    "khirbet": "khirbat",
    "kherbet": "khirbat",
    "kherbat": "khirbat",
    "khirbit": "khirbat",
    "khurbat": "khirbat",
    "wady": "wadi",
}


#: Normalized words that begin many place names ("Tal ...", "Khirbat ...", "Abu ..."): the
#: part after them is what tells one name from another.
GENERIC_WORDS = frozenset(
    """tal jabal kafr khirbat ayn dayr abu um bir ras wadi marj qasr nahr jisr shaykh bayt bab
    mazraat mazraa tala suq hamam sahl qalat""".split()
)


@lru_cache(maxsize=100_000)
def _fold_word(word: str) -> str:
    """Fold one word of a name (words recur across names: computed once each)."""
    return _fold_arabic_word(word) if has_arabic(word) else _fold_latin_word(word)


def _fold_latin_word(word: str) -> str:
    if len(word) > 3:
        word = _ENDING_RE.sub("iya", word)
        if not word.endswith("iya"):
            word = _FINAL_A_RE.sub("a", word)
    for old, new in _LATIN_VOWEL_FOLDS:
        word = word.replace(old, new)
    word = _DOUBLE_RE.sub(r"\1", word)
    return _GENERIC_WORD_FORMS.get(word, word)


def _fold_arabic_word(word: str) -> str:
    word = word.translate(_ARABIC_FOLDS)
    if word.startswith("ال") and len(word) > 3:
        word = word[2:]
    return _DOUBLE_RE.sub(r"\1", word)


# "Damascus countryside", "Damascus suburbs", "Rural Damascus", "Reef Damascus" all name
# Rif Dimashq, not Damascus: these words are kept, as one leading "rif".
_RIF_TRAILING = frozenset({"countryside", "suburbs"})
_RIF_LEADING = frozenset({"rural", "reef", "rif", "rief"})


def _rif_form(words: list[str]) -> list[str]:
    if len(words) > 1 and words[-1] in _RIF_TRAILING:
        return ["rif", *words[:-1]]
    if len(words) > 1 and words[0] in _RIF_LEADING:
        return ["rif", *words[1:]]
    return words


def _drop_type_words(words: list[str]) -> list[str]:
    kept = list(words)
    while len(kept) > 1 and (kept[0] in _LEADING_ONLY or kept[0] in _ARABIC_TYPE_WORDS):
        kept.pop(0)
    while len(kept) > 1 and kept[-1] in _TYPE_WORDS and kept[-1] not in _LEADING_ONLY:
        kept.pop()
    return kept


def _name_words(text: str) -> list[str]:
    """Return the words :func:`normalize_name` starts from: case folded, marks dropped, separators as spaces.

    Each step works character by character, so the words of "A B" are those
    of "A" followed by those of "B".
    """
    value = clean_text(text).casefold()
    value = _MARKS_RE.sub("", value)
    value = _strip_marks(value)
    value = _SEPARATORS_RE.sub(" ", value)
    return value.split()


def word_forms(text: str) -> set[str]:
    """Return every word the normalized key of *text*, or of a longer name holding it, can contain.

    A key's words are folded words of the name (an assimilated article
    dropped or not) and "rif": a key whose words are not all in
    ``word_forms(a) | word_forms(b)`` is not the key of "a b". The gazetteer
    uses it to skip lookups that cannot succeed.

    Examples
    --------
    >>> sorted(word_forms("Eastern Ghouta"))
    ['eastern', 'ghuta', 'rif']
    >>> set(normalize_name("Eastern al-Ghouta").split()) <= word_forms("Eastern") | word_forms("al-Ghouta")
    True
    """
    forms = {"rif"}
    for word in _name_words(text):
        forms.add(_fold_word(word))
        forms.add(_fold_word(_GLUED_ARTICLE_RE.sub("", word)))
    forms.discard("")
    return forms


@lru_cache(maxsize=200_000)
def normalize_name(text: str) -> str:
    """Return the normalized key of a place name.

    Parameters
    ----------
    text : str
        A place name in Latin or Arabic script, as a reporter wrote it.

    Returns
    -------
    str
        The key: lower-case words separated by single spaces; ``""`` when
        nothing of a name is left (punctuation, digits only).

    Examples
    --------
    >>> normalize_name("Al-Qusour") == normalize_name("al-Qusoor") == normalize_name("al Qusur")
    True
    >>> normalize_name("Deir ez-Zor") == normalize_name("Dayr az Zawr")
    True
    >>> normalize_name("Duma town"), normalize_name("Al-Mukhtareyah")
    ('duma', 'mukhtariya')
    >>> normalize_name("حي الدعتور")
    'دعتور'
    >>> normalize_name("Damascus countryside") == normalize_name("Rural Damascus") == "rif damascus"
    True
    """
    words = [w for w in _name_words(text) if not w.isdigit()]
    words = _rif_form(_drop_type_words(words))
    words = [w for w in words if w not in ("the",)] or words
    if len(words) > 1:
        words = [w for w in words if w not in _ARTICLES] or words[-1:]
        words = words[:1] + [_GLUED_ARTICLE_RE.sub("", w) for w in words[1:]]
    folded = [_fold_word(w) for w in words]
    return " ".join(w for w in folded if w)


def distinctive_part(key: str) -> str:
    """Return a normalized key without its leading generic words (all of it if nothing else is left).

    Examples
    --------
    >>> distinctive_part("khirbat amu"), distinctive_part("tal"), distinctive_part("abu kamal")
    ('amu', 'tal', 'kamal')
    """
    words = key.split()
    start = 0
    while start < len(words) - 1 and words[start] in GENERIC_WORDS:
        start += 1
    return " ".join(words[start:])


@lru_cache(maxsize=200_000)
def phonetic_key(text: str) -> str:
    """Return the consonant skeleton of a place name (coarser than the normalized key).

    Arabic-script names keep their normalized key: Arabic spelling does not
    vary in vowels the way transliterations do.

    Examples
    --------
    >>> phonetic_key("Sonobar") == phonetic_key("Sanobar") == phonetic_key("al-Snobar")
    True
    >>> phonetic_key("Baniyas") == phonetic_key("Banyas") == phonetic_key("Banias")
    True
    >>> phonetic_key("Jisr al-Shughur") == phonetic_key("Jisser ash-Shughour")
    True
    """
    key = normalize_name(text)
    if not key or has_arabic(key):
        return key
    words = []
    for word in key.split():
        for old, new in _DIGRAPHS:
            word = word.replace(old, new)
        head, rest = word[0], word[1:]
        if head in "aeiouy":
            head = "a"
        skeleton = _DOUBLE_RE.sub(r"\1", head + _VOWELS_RE.sub("", rest))
        words.append(skeleton)
    return " ".join(words)


_ADMIN_HINTS = (
    ("governorate", frozenset({"governorate", "province", "muhafazah", "mohafaza", "محافظة", "محافظه"})),
    ("subdistrict", frozenset({"subdistrict", "sub-district", "nahiya", "nahiyah", "ناحية", "ناحيه"})),
    ("district", frozenset({"district", "mintaqa", "منطقة", "منطقه"})),
)


_HINT_RE = re.compile("govern|provin|muhaf|mohaf|distr|nahi|minta|محافظ|ناحي|منطق")


def admin_kind_hint(text: str) -> str | None:
    """Return the admin kind a name asks for by its type word, if any.

    Examples
    --------
    >>> admin_kind_hint("Latakia Governorate"), admin_kind_hint("Jableh District"), admin_kind_hint("Jableh")
    ('governorate', 'district', None)
    """
    folded = text.casefold()
    if not _HINT_RE.search(folded):
        return None
    words = set(_SEPARATORS_RE.sub(" ", clean_text(folded)).split())
    for kind, markers in _ADMIN_HINTS:
        if words & markers:
            return kind
    return None


def trigrams(key: str) -> set[str]:
    """Return the character trigrams of a normalized key, padded with spaces.

    Examples
    --------
    >>> sorted(trigrams("homs"))
    ['  h', ' ho', 'hom', 'ms ', 'oms']
    """
    padded = f"  {key} "
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


def split_context(text: str) -> tuple[str, list[str]]:
    """Split "al-Qusour, Baniyas" or "al-Qusour (Baniyas)" into a name and its context.

    Returns
    -------
    tuple
        The name and a list of context names, most specific first.

    Examples
    --------
    >>> split_context("al-Qusour, Baniyas, Tartus")
    ('al-Qusour', ['Baniyas', 'Tartus'])
    >>> split_context("Jobar (Homs)")
    ('Jobar', ['Homs'])
    >>> split_context("Baba Amr")
    ('Baba Amr', [])
    """
    value = clean_text(text)
    context: list[str] = []
    if "(" not in value and "," not in value and "،" not in value:
        return value, context
    match = re.fullmatch(r"(.+?)\s*\(([^()]+)\)\s*(.*)", value)
    if match:
        value = f"{match.group(1)} {match.group(3)}".strip()
        inner = match.group(2).strip()
        if inner.casefold() in _TYPE_WORDS:
            value = f"{value} {inner}"  # "Hmeimim (village)": a type word, not a context
        else:
            context.append(inner)
    parts = [p.strip() for p in re.split(r"[,،]", value)]
    parts = [p for p in parts if p]
    if not parts:
        return "", context
    return parts[0], parts[1:] + context
