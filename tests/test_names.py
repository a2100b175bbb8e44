"""Normalization keys: spellings of one name meet, different names stay apart."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from geo.names import clean_text, normalize_name, phonetic_key, split_context

SAME_NORMALIZED = [
    ("al-Qusour", "Al-Qusoor", "al Qusur", "Al‑Qusour"),
    ("Deir ez-Zor", "Deir el-Zor", "Dayr az Zawr", "Deir Ezzor"),
    ("Jisr al-Shughur", "Jisr ash Shughur", "Jisr ash-Shughur", "JISR AL SHUGHUR"),
    ("Tartus", "Tartous", "Ţarţūs"),
    ("Al-Mukhtareyah", "Al-Mukhtariya", "Al-Mukhtariyah", "al Mukhtariyeh"),
    ("Duma town", "Duma", "Duma village"),
    ("Hai al-Qusour", "al-Qusour neighbourhood", "al-Qusour"),
    ("Ma'arat al-Nu'man", "Maʿarat al-Nuʿman", "Ma’arat an-Nu’man"),
    ("Darayya", "Daraya"),
    ("جبلة", "جبله", "جَبْلَة"),
    ("حي القصور", "القصور", "قصور"),
    ("إدلب", "ادلب", "أدلب"),
    ("حماة", "حماه"),
]
SAME_PHONETIC = [
    ("Sonobar", "Sanobar", "al-Snobar", "Sonobor", "Snoubar", "al-Sanawbar"),
    ("Baniyas", "Banyas", "Banias"),
    ("Homs", "Hims"),
    ("Idlib", "Edlib", "Idleb"),
    ("Tremseh", "Treimsa", "Taramsah"),
]
DIFFERENT = [("Homs", "Hama"), ("Baniyas", "Barabshbo"), ("Jableh", "Jobar"), ("Daraa", "Douma")]


@pytest.mark.parametrize("spellings", SAME_NORMALIZED)
def test_spellings_share_the_normalized_key(spellings: tuple[str, ...]) -> None:
    keys = {normalize_name(s) for s in spellings}
    assert len(keys) == 1, keys


@pytest.mark.parametrize("spellings", SAME_PHONETIC)
def test_spellings_share_the_phonetic_key(spellings: tuple[str, ...]) -> None:
    keys = {phonetic_key(s) for s in spellings}
    assert len(keys) == 1, keys


@pytest.mark.parametrize(("a", "b"), DIFFERENT)
def test_different_names_keep_different_keys(a: str, b: str) -> None:
    assert phonetic_key(a) != phonetic_key(b)


@pytest.mark.parametrize("text", ["", " ", "---", "'", "\x00\x01", "12 34"])
def test_names_without_letters_normalize_to_empty(text: str) -> None:
    assert normalize_name(text) == ""


def test_article_alone_is_kept() -> None:
    # "al" on its own is a (strange) name, not an article to strip to nothing.
    assert normalize_name("Al") == "al"


def test_clean_text_removes_bidi_and_control_characters() -> None:
    assert clean_text("\u202bبانياس\u202c\n") == "بانياس"


def test_split_context_forms() -> None:
    assert split_context("Al-Mukhtareyah, Latakia") == ("Al-Mukhtareyah", ["Latakia"])
    assert split_context("القصور، بانياس") == ("القصور", ["بانياس"])
    assert split_context(",,,") == ("", [])


@given(st.text(max_size=300))
def test_keys_never_fail_and_are_idempotent_on_any_text(text: str) -> None:
    key = normalize_name(text)
    assert isinstance(key, str)
    assert isinstance(phonetic_key(text), str)
    assert key == key.strip()
