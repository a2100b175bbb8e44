"""Name redaction: each leak named in issue 17, and what must not be blanked."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from layers.export.public import REDACTED_QUOTE, apply_public, is_quote_safe
from layers.export.redact import NameRules, has_personal_name, normalise
from layers.incidents import to_incident_frame


@pytest.mark.parametrize(
    ("case", "text"),
    [
        ("plain", "Her brother Ali Hassan was taken."),
        ("arabic script", "قال محمد الأحمد إن المسلحين دخلوا القرية."),
        ("arabic honorific", "قال أبو خالد إن الرجال اقتيدوا."),
        ("lowercase", "her brother ali hassan was taken."),
        ("lowercase unknown pair with known given name", "witnesses named him as mohammed darwish."),
        ("accented capital", "Élie Gerges was shot outside his shop."),
        ("cyrillic capitals", "Her brother \u0410li \u041dassan was taken."),
        ("fully cyrillic", "Хассан был убит"),
        ("no-break space", "Her brother Ali\u00a0Hassan was taken."),
        ("narrow no-break space", "Her brother Ali\u202fHassan was taken."),
        ("zero-width space", "Her brother Ali\u200bHassan was taken."),
        ("zero-width joiner", "Samer\u200dHaddad said so."),
        ("newline", "Her brother Ali\nHassan was taken."),
        ("two spaces", "Her brother Ali  Hassan was taken."),
        ("tab", "Her brother Kinan\tWassouf was taken."),
        ("soft hyphen inside", "Her brother Ha\u00adssan Darwish was taken."),
        ("bidi override", "Her brother \u202eAli Hassan\u202c was taken."),
        ("fullwidth letters", "Her brother Ａｌｉ Ｈａｓｓａｎ was taken."),
        ("honorific with dot", "Dr. Mansour said 40 wounded arrived."),
        ("age after a name", "Kinan, 34, said they came at night."),
        ("role before a single name", "The girl Sidra was shot by a sniper."),
    ],
)
def test_leak_cases_are_caught(case, text):
    assert has_personal_name(text), case
    assert not is_quote_safe(text), case


@pytest.mark.parametrize(
    "text",
    [
        "On 5 March 2025, Military Forces of Syria shelled Kafr Nabl, Idleb. 2 civilians were killed.",
        "On 3 May 2023, clashes broke out between Hayat Tahrir al-Sham and the Syrian National Army near Al-Bab.",
        "Unidentified Armed Group (Syria) attacked a checkpoint of General Security in Jableh. Fatalities unknown.",
        "The Syrian Observatory for Human Rights said the toll had risen to 1,500.",
        "Two members of the Syrian Defense Ministry were killed.",
        "Bashar al-Assad fled to Moscow, officials said.",
        "قتل ثلاثة مدنيين في قصف على بلدة في ريف إدلب.",
        "قالت وزارة الداخلية إنها فتحت تحقيقا في الانتهاكات.",
        "وثق المرصد السوري لحقوق الإنسان مقتل أكثر من ألف مدني.",
        "He said the men were taken at dawn.",  # "said" is not the name Said
    ],
)
def test_ordinary_notes_are_not_blanked(text):
    assert not has_personal_name(text), text


def test_arabic_fails_closed_on_unknown_word_pairs():
    """Two adjacent words outside the reporting vocabulary may be a name: redacted."""
    assert has_personal_name("قتل كنانة ورديان في القصف")


def test_places_publishers_and_actors_are_not_names():
    rules = NameRules.build(["Bustan Zahra", "Tishreen Gazette"])
    text = "Tishreen Gazette reported shelling on Bustan Zahra."
    assert not has_personal_name(text, rules)
    assert has_personal_name(text, NameRules.build([], with_actors=False))
    assert not has_personal_name("Hikmat al-Hijri called for calm.")  # on the actor list


def test_normalise_folds_spaces_and_confusables():
    assert normalise("Ali\u00a0\u200b\nHassan") == "Ali Hassan"
    assert normalise("\u0410li") == "Ali"


def test_figure_quotes_titles_and_summaries_are_redacted_too():
    frame = to_incident_frame(
        pd.DataFrame(
            {
                "id": ["a"],
                "title": ["Killing of Samer Haddad"],
                "summary": ["Witnesses said Samer Haddad was shot."],
                "lon": [36.0],
                "lat": [35.0],
                "date_start": ["2025-03-07"],
                "sources": [
                    [{"publisher": "Wire", "title": "Ali\u00a0Hassan speaks", "url": "https://e.org", "quote": "ok"}]
                ],
                "figures": [
                    [
                        {
                            "measure": "deaths",
                            "value": 1,
                            "qualifier": "exact",
                            "publisher": "Wire",
                            "quote": "قتل محمد الأحمد",
                        }
                    ]
                ],
            }
        )
    )
    out, report = apply_public(frame, secret=b"k" * 32)
    text = json.dumps(out.drop(columns="geometry").astype(str).to_dict("records"), ensure_ascii=False)
    for leak in ("Samer", "Haddad", "Hassan", "محمد"):
        assert leak not in text
    assert out["figures"].iloc[0][0]["quote"] == REDACTED_QUOTE
    assert out["figures"].iloc[0][0]["value"] == 1  # the figure itself stays
    assert report.redacted_quotes == 1
    assert report.texts_redacted == 3  # title, summary, source title


@pytest.mark.parametrize(
    "text",
    [
        "Shadi told reporters he escaped by climbing onto the roof.",  # speaker of a verb of speech
        "Her fiance, Louay, has been missing since 2014.",  # apposition after a role word
        "Tal al-Mallohi, a blogger, was detained in 2009.",  # apposition with a role word
        "قالت سهيلة إن المسلحين أخذوا الرجال.",  # the speaker of قالت
    ],
)
def test_second_pass_rules_catch_single_names_by_their_grammar(text):
    assert has_personal_name(text)


@pytest.mark.parametrize(
    "text",
    [
        "Residents said the electricity had been cut since the morning.",  # plural subject: not a name
        "قال نازح في مخيم إنهم تركوا كل شيء خلفهم.",  # a reporting noun after قال
        "امتد العنف إلى القدموس ومصياف.",  # an allowed place with the clitic و
    ],
)
def test_second_pass_rules_leave_reporting_text_alone(text):
    assert not has_personal_name(text, NameRules.build(["Qadmous", "القدموس", "مصياف"]))


def test_third_pass_rules():
    """Third-pass rules: lone capitalised objects, Arabic names that are also words, kinship suffixes.

    A lone capitalised object is a name, a place after a preposition or a place-taking verb is not;
    an Arabic name that is also a word counts only with a cue; kinship words carry suffixes.
    """
    assert has_personal_name("I begged them to leave Noura alone, her mother said.")
    assert not has_personal_name("Gunmen shelled Nawa and fighting spread to Jasim overnight.")
    assert not has_personal_name("نشر ناشطون قائمة بأسماء المفقودين.")  # أسماء: "names"
    assert has_personal_name("قالت أسماء إن المسلحين أخذوا زوجها.")  # after a verb of speech: a name
    assert has_personal_name("ما زال ابني قصي مفقودا.")  # "my son" + a word outside the vocabulary
