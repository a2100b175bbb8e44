"""The app's state: links round-trip, bad parameters fall back, review choices are kept."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from geo.gazetteer import Gazetteer, load_gazetteer
from layers.app_state import AppState, apply_review, date_span, from_query, timeline_freq

DATASETS = ["coast_march_2025", "massacres_2012_2013", "rg_campaign_2011_2012"]
_names = st.text(
    alphabet=st.characters(blacklist_characters="|", blacklist_categories=("Cs", "Cc")), min_size=1, max_size=12
)


@given(
    datasets=st.lists(st.sampled_from(DATASETS), min_size=1, unique=True),
    campaigns=st.lists(_names.map(str.strip).filter(bool), max_size=3, unique=True),
    min_deaths=st.integers(0, 10_000),
    corridor=st.sampled_from(["", "M1", "M4", "M5"]),
    max_km=st.integers(1, 50),
    basemap=st.sampled_from(["osm", "light", "satellite", "blank"]),
    start=st.dates(dt.date(2011, 1, 1), dt.date(2025, 12, 31)),
    detail=st.sampled_from(["auto", "points", "cells"]),
)
def test_every_state_round_trips_through_the_link(
    datasets, campaigns, min_deaths, corridor, max_km, basemap, start, detail
) -> None:
    state = AppState(
        datasets=tuple(datasets),
        campaigns=tuple(campaigns),
        min_deaths=min_deaths,
        corridor=corridor,
        max_km=max_km if corridor else 5,
        basemap=basemap,
        start=start,
        end=start + dt.timedelta(days=3),
        view=(35.1, 36.2, 9),
        detail=detail,
    )
    assert from_query(state.to_query(), DATASETS) == state


def test_bad_parameters_fall_back_to_defaults() -> None:
    state = from_query(
        {
            "ds": "nope",
            "min": "-5",
            "km": "999",
            "corr": "M9",
            "start": "yesterday",
            "base": "<script>",
            "view": "91,0,3",
            "step": "year",
            "detail": "<b>",
        },
        DATASETS,
    )
    assert state.datasets == tuple(DATASETS)
    assert state.min_deaths == 0
    assert state.corridor == ""
    assert state.start is None
    assert state.basemap == "osm"
    assert state.view is None
    assert state.step == "day"
    assert state.detail == "auto"


def test_filter_window_includes_the_end_day() -> None:
    spec = AppState(start=dt.date(2025, 3, 7), end=dt.date(2025, 3, 7)).filter_spec()
    assert spec.end - spec.start == pd.Timedelta(days=1)


def test_date_span_of_an_empty_table_is_today() -> None:
    first, last = date_span(pd.DataFrame())
    assert first == last == dt.date.today()
    assert timeline_freq(first, last) == "D"


def test_review_choices_become_aliases_and_places(tmp_path: Path) -> None:
    gaz: Gazetteer = load_gazetteer(include_geonames=False)
    edited = pd.DataFrame(
        {
            "value": ["Snawbar al-Jableh", "Hamlet X", ""],
            "place_id": ["sonobar_latakia", "", ""],
            "lat": [None, 35.2, None],
            "lon": [None, 36.1, None],
        }
    )
    assert apply_review(edited, gaz, tmp_path) == 2
    assert gaz.resolve("Snawbar al-Jableh").place_id == "sonobar_latakia"
    aliases = pd.read_csv(tmp_path / "aliases.csv")
    assert aliases["place_id"].tolist() == ["sonobar_latakia"]
    again = load_gazetteer(include_geonames=False, aliases=tmp_path / "aliases.csv")
    assert again.resolve("snawbar al jableh").method == "alias"
    places = pd.read_csv(tmp_path / "places.csv")
    assert places["name"].tolist() == ["Hamlet X"]


def test_detail_records_show_only_web_links_and_honest_dates():
    from layers.app_state import detail_records
    from layers.incidents import to_incident_frame

    table = to_incident_frame(
        pd.DataFrame(
            {
                "id": ["a"],
                "title": ["t"],
                "date_start": ["2025-03-07"],
                "lon": [35.9],
                "lat": [35.2],
                "sources": [
                    [
                        {"publisher": "P", "url": "javascript:alert(1)"},
                        {"publisher": "Q", "url": "https://example.org/r"},
                        {"publisher": "R", "url": "data:text/html,<script>alert(1)</script>"},
                    ]
                ],
            }
        )
    )
    (record,) = detail_records(table)
    assert record["sources"]["url"].tolist() == ["", "https://example.org/r", ""]
    assert record["sources"]["not_a_web_link"].tolist()[0] == "javascript:alert(1)"  # kept, as text
    assert record["when"].startswith("2025-03-07")
    assert "nan" not in record["when"]


@given(st.text(st.characters(blacklist_categories=("Cs", "Cc")) | st.sampled_from(" \t\n"), max_size=200))
def test_markdown_text_renders_as_typed(text):
    """Every markdown-active character is escaped: the rendered text equals the input.

    NUL and other control characters aside, which CommonMark replaces.
    """
    import markdown_it

    from layers.app_state import md_text

    rendered = markdown_it.MarkdownIt("commonmark").renderInline(md_text(text))
    expected = " ".join(text.split())
    import html

    assert html.unescape(rendered) == expected


@pytest.mark.parametrize(
    ("params", "notice"),
    [
        ({"view": "35,36,inf"}, "map view is not a valid"),
        ({"view": "nan,nan,nan"}, "map view is not a valid"),
        ({"view": "1e400,36,5"}, "map view is not a valid"),
        ({"ds": "gone_dataset"}, "dataset 'gone_dataset' is not available"),
        ({"base": "<script>"}, "base='<script>' is not an option"),
        ({"start": "2025-13-45"}, "start date is not a date"),
    ],
)
def test_stale_or_broken_links_open_with_a_notice(params: dict, notice: str) -> None:
    from layers.app_state import from_query

    state = from_query(params, ["a", "b"])
    assert any(notice in n for n in state.notices), state.notices
    assert state.to_query().get("view") is None or "inf" not in state.to_query()["view"]


def test_values_no_longer_offered_are_left_out_with_a_notice() -> None:
    from layers.app_state import from_query

    state = from_query({"camp": "Old campaign|Kept", "type": "zzz", "conf": "fair|nope"}, ["a"])
    state = state.within({"campaign": ["Kept"], "event_type": ["massacre"], "confidence": ["fair"]})
    assert (state.campaigns, state.event_types, state.confidence) == (("Kept",), (), ("fair",))
    assert len(state.notices) == 3
    assert "notices" not in state.to_query()
