"""Tests for layers.validation: messages name file, row and field."""

from __future__ import annotations

import pandas as pd
import pytest

from layers.validation import (
    check_curated_sources,
    check_duplicate_ids,
    check_sources,
    check_toll_order,
    check_vocabulary,
    is_in_syria,
    parse_coordinates,
    parse_tolls,
)


def frame(**columns: list[object]) -> pd.DataFrame:
    n = len(next(iter(columns.values())))
    return pd.DataFrame({"_row": range(1, n + 1), "id": [f"i{k}" for k in range(n)], **columns})


@pytest.mark.parametrize(
    ("value", "kind"), [("-1", "negative toll"), ("ten", "not a number"), ("2.5", "not a whole number")]
)
def test_bad_tolls_are_rejected_with_file_row_field(value: str, kind: str) -> None:
    tolls, issues = parse_tolls(frame(deaths_best=["3", value]), "in.csv")
    assert issues[["file", "row", "field", "severity"]].values.tolist() == [["in.csv", 2, "deaths_best", "reject"]]
    assert issues["reason"].iloc[0].startswith(kind)
    assert tolls["deaths_best"].tolist()[0] == 3


def test_thousands_separator_and_empty() -> None:
    tolls, issues = parse_tolls(frame(deaths_best=["1,200", ""]), "in.csv")
    assert issues.empty
    assert tolls["deaths_best"].iloc[0] == 1200
    assert pd.isna(tolls["deaths_best"].iloc[1])


def test_toll_order() -> None:
    df = frame(deaths_low=[1, 10, 5, None], deaths_best=[2, 5, None, None], deaths_high=[3, 20, 4, 1])
    issues = check_toll_order(df, "in.csv")
    assert sorted(issues["row"].tolist()) == [2, 3]


def test_coordinates_out_of_range_swapped_and_outside() -> None:
    df = frame(lon=["35.92", "200", "35.33", "2.35", "x", "36"], lat=["35.35", "35", "40.14", "48.85", "1", ""])
    lon, _lat, issues = parse_coordinates(df, "in.csv")
    kinds = dict(zip(issues["row"], issues["reason"].str.split(":").str[0], strict=True))
    assert kinds == {
        2: "coordinate out of range",
        3: "swapped coordinates",
        4: "outside Syria",
        5: "not a number",
        6: "missing coordinate",
    }
    assert set(issues.loc[issues["row"].isin([3, 4]), "severity"]) == {"flag"}
    assert "swap latitude and longitude" in issues.loc[issues["row"] == 3, "reason"].item()
    assert lon.iloc[0] == 35.92
    assert pd.isna(lon.iloc[1])


def test_bbox_includes_border_margin() -> None:
    # Kessab (on the Turkish border) and al-Bukamal (on the Iraqi border).
    assert is_in_syria(pd.Series([35.93, 40.92]), pd.Series([35.93, 34.45])).all()


def test_duplicate_ids() -> None:
    df = frame(sources=[[], [], []]).assign(id=["a", "b", "a"])
    assert check_duplicate_ids(df, "x")["row"].tolist() == [3]


def test_sources_required_or_flagged() -> None:
    df = frame(sources=[[{"publisher": "SNHR"}], []])
    assert check_sources(df, "x", required=True)[["row", "severity"]].values.tolist() == [[2, "reject"]]
    assert check_sources(df, "x", required=False)[["row", "severity"]].values.tolist() == [[2, "flag"]]


def test_curated_figures_must_back_tolls() -> None:
    src = [{"publisher": "SOHR", "url": "https://x"}]
    df = frame(
        sources=[src, src],
        figures=[
            [{"measure": "deaths", "value": 5, "publisher": "SOHR"}],
            [{"measure": "deaths", "value": 5, "publisher": "Other"}],
        ],
        deaths_low=[5, 5],
        deaths_best=[None, None],
        deaths_high=[None, None],
        injured=[None, None],
        missing_or_abducted=[None, None],
    )
    issues = check_curated_sources(df, "x.yaml")
    assert issues[["row", "field"]].values.tolist() == [[2, "deaths_low"]]


def test_vocabulary_flags_and_fixes() -> None:
    df = frame(event_type=["Massacre", "bombing"], confidence=["fair", "sure"])
    fixed, issues = check_vocabulary(df, "x")
    assert fixed["event_type"].tolist() == ["massacre", "other"]
    assert fixed["confidence"].iloc[0] == "fair"
    assert pd.isna(fixed["confidence"].iloc[1])
    assert set(issues["severity"]) == {"flag"}
