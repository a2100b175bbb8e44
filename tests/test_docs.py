"""Documentation keeps up with the code: columns, commands and files are all described."""

from __future__ import annotations

import pytest

from geo.__main__ import build_parser
from geo.places import PLACE_COLUMNS
from tests.conftest import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")
GAZ_README = (REPO / "data" / "gazetteer" / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("column", PLACE_COLUMNS)
def test_every_place_column_is_documented(column: str) -> None:
    assert f"`{column}`" in GAZ_README


@pytest.mark.parametrize(
    "column",
    [
        "lat",
        "lon",
        "place_id",
        "match_name",
        "match_score",
        "match_method",
        "geo_precision",
        "ambiguous",
        "candidates",
        "reason",
    ],
)
def test_geocode_output_columns_are_documented(column: str) -> None:
    assert column in README


def test_every_geo_command_is_in_the_readme() -> None:
    parser = build_parser()
    commands = next(a for a in parser._actions if a.dest == "command").choices
    for name in commands:
        assert f"python -m geo {name}" in README, name


def test_readme_has_the_two_setup_commands() -> None:
    assert "python -m pip install -r requirements.txt && python -m streamlit run app.py" in README
    assert "bash scripts/test.sh" in README
    assert "scripts/test.sh" in (REPO / ".ci" / "run").read_text(encoding="utf-8")


def test_every_layers_command_is_in_the_readme() -> None:
    from layers.__main__ import build_parser as build_layers_parser

    parser = build_layers_parser()
    commands = next(a for a in parser._actions if a.dest == "command").choices
    for name in commands:
        assert f"python -m layers {name}" in README, name
