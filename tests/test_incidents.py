"""Tests for layers.incidents: dtypes, partial dates, flat round-trip."""

from __future__ import annotations

import pandas as pd
import pytest

from layers.incidents import COLUMNS, empty_incidents, from_flat, parse_partial_dates, to_flat, to_incident_frame


@pytest.mark.parametrize(
    ("text", "precision", "start", "end", "expected_precision"),
    [
        ("2025-03-07", "", "2025-03-07", "2025-03-07", "day"),
        ("2012-09", "", "2012-09-01", "2012-09-30", "month"),
        ("March 2025", "", "2025-03-01", "2025-03-31", "month"),
        ("7 March 2025", "", "2025-03-07", "2025-03-07", "day"),
        ("March 7, 2025", "", "2025-03-07", "2025-03-07", "day"),
        ("2011", "", "2011-01-01", "2011-12-31", "year"),
        ("2025-03-07", "week", "2025-03-07", "2025-03-13", "week"),
        ("2025-03-15", "month", "2025-03-01", "2025-03-31", "month"),
        ("2012-09", "day", "2012-09-01", "2012-09-30", "month"),
        ("2024-02", "", "2024-02-01", "2024-02-29", "month"),
        ("2012-05-25 00:00:00.000", "", "2012-05-25", "2012-05-25", "day"),
        ("25/05/2012", "", "2012-05-25", "2012-05-25", "day"),
    ],
)
def test_partial_dates(text: str, precision: str, start: str, end: str, expected_precision: str) -> None:
    out = parse_partial_dates(pd.Series([text]), precision=pd.Series([precision]))
    assert out["error"].iloc[0] == ""
    assert out["date_start"].iloc[0] == pd.Timestamp(start, tz="UTC")
    assert out["date_end"].iloc[0] == pd.Timestamp(end, tz="UTC")
    assert out["date_precision"].iloc[0] == expected_precision


def test_explicit_end_is_kept_and_partial_end_widened() -> None:
    out = parse_partial_dates(pd.Series(["2012-03"]), pd.Series(["2012-05"]), pd.Series(["month"]))
    assert out["date_end"].iloc[0] == pd.Timestamp("2012-05-31", tz="UTC")


@pytest.mark.parametrize(
    ("text", "end", "kind"),
    [
        ("", "", "missing date"),
        ("yesterday", "", "unparseable date"),
        ("2025-02-30", "", "impossible date"),
        ("2025-13-01", "", "impossible date"),
        ("03/04/2025", "", "ambiguous date"),
        ("2025-03-09", "2025-03-07", "end before start"),
    ],
)
def test_bad_dates(text: str, end: str, kind: str) -> None:
    out = parse_partial_dates(pd.Series([text]), pd.Series([end]))
    assert out["error"].iloc[0].startswith(kind)
    assert pd.isna(out["date_start"].iloc[0])


def test_dayfirst_reads_numeric_dates() -> None:
    out = parse_partial_dates(pd.Series(["03/04/2025"]), dayfirst=True)
    assert out["date_start"].iloc[0] == pd.Timestamp("2025-04-03", tz="UTC")


def test_empty_frame_has_every_column_typed() -> None:
    gdf = empty_incidents()
    assert tuple(c for c in gdf.columns if c != "geometry") == COLUMNS
    assert str(gdf.crs) == "EPSG:4326"
    assert gdf["deaths_best"].dtype.name == "Int64"
    assert gdf["aggregate"].dtype == bool


def test_aggregate_and_unlocated_rows_have_no_point() -> None:
    gdf = to_incident_frame(
        pd.DataFrame(
            {
                "id": ["a", "b", "c"],
                "lon": [35.9, 35.9, None],
                "lat": [35.3, 35.3, None],
                "aggregate": [False, True, False],
            }
        )
    )
    assert gdf.geometry.isna().tolist() == [False, True, True]
    assert gdf.geometry.iloc[0].x == 35.9  # (lon, lat) order


def test_flat_round_trip() -> None:
    gdf = to_incident_frame(
        pd.DataFrame(
            {
                "id": ["a"],
                "title": ["مجزرة الحولة"],
                "date_start": [pd.Timestamp("2012-05-25", tz="UTC")],
                "deaths_best": [108],
                "injured": [None],
                "sensitive": [True],
                "sources": [[{"publisher": "OHCHR", "url": "https://x", "quote": "«108»"}]],
            }
        )
    )
    back = from_flat(to_flat(gdf))
    assert back["title"].iloc[0] == "مجزرة الحولة"
    assert back["sources"].iloc[0] == gdf["sources"].iloc[0]
    assert back["date_start"].iloc[0] == gdf["date_start"].iloc[0]
    assert pd.isna(back["injured"].iloc[0])
    assert bool(back["sensitive"].iloc[0])
