"""``python -m geo resolve`` and ``geocode`` as a user runs them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from geo.__main__ import main
from geo.match_table import output_columns
from geo.places import geodesic_km
from tests.conftest import REPO


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "geo", *args], capture_output=True, text=True, cwd=REPO, timeout=120, check=False
    )


def test_resolve_prints_place_with_source() -> None:
    result = run_cli("resolve", "Al-Mukhtareyah, Latakia")
    assert result.returncode == 0, result.stderr
    assert "mukhtariyah_latakia" in result.stdout
    assert "source:" in result.stdout


def test_resolve_json_with_within_and_near(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["resolve", "al-Qusour", "--within", "Deir ez-Zor", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["place_id"] == "al_qusur_deir_ez_zor"
    assert data["resolved"] is True
    assert main(["resolve", "al-Qusour", "--near", "35.18,35.94", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["place_id"] == "al_qusour_baniyas"


def test_resolve_ambiguous_lists_candidates_and_exits_1(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["resolve", "al-Qusour"]) == 1
    out = capsys.readouterr().out
    assert out.startswith("ambiguous:")
    assert "al_qusur_deir_ez_zor" in out
    assert "al_qusour_baniyas" in out


def test_resolve_unknown_context_is_one_line_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["resolve", "al-Qusour", "--within", "Atlantis"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error:")
    assert "Atlantis" in err


def test_bad_near_is_rejected_by_the_parser() -> None:
    result = run_cli("resolve", "Homs", "--near", "north")
    assert result.returncode == 2
    assert "LAT,LON" in result.stderr


def test_geocode_keeps_every_row_and_summarises(tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    src.write_text(
        'id,place,gov,note\n1,Sonobar,,=HYPERLINK("x")\n2,al-Qusour,,\n3,al-Qusour,Deir ez-Zor,\n'
        "4,Springfield,,\n5,,,\n6,جبلة,,\n",
        encoding="utf-8",
    )
    out = tmp_path / "out.csv"
    result = run_cli("geocode", str(src), "--column", "place", "--context-column", "gov", "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert "rows: 6, resolved: 3, review: 0, ambiguous: 1, unresolved: 2; with coordinates: 3" in result.stderr
    table = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert table["id"].tolist() == ["1", "2", "3", "4", "5", "6"]
    for column in output_columns().values():
        assert column in table.columns
    assert table.loc[0, "note"].startswith("'=")
    assert table.loc[2, "match_place_id"] == "al_qusur_deir_ez_zor"
    assert "al_qusour_baniyas" in table.loc[1, "match_candidates"]
    assert table.loc[3, "match_reason"].startswith("'Springfield' is not in the gazetteer")
    assert table.loc[5, "match_geo_precision"] == "2"
    assert table["match_status"].tolist() == [
        "resolved",
        "ambiguous",
        "resolved",
        "unresolved",
        "unresolved",
        "resolved",
    ]


def test_geocode_reads_windows_1256_and_uses_extra_gazetteer(tmp_path: Path, shared_data: Path) -> None:
    src = tmp_path / "in.csv"
    src.write_bytes("name\nالبندجي\nجبلة\n".encode("cp1256"))
    out = tmp_path / "out.csv"
    extra = shared_data / "hotosm_iom_matched_communities" / "iom_hotosm_validated_locations.csv"
    result = run_cli("geocode", str(src), "--column", "name", "--gazetteer", str(extra), "--out", str(out))
    assert result.returncode == 0, result.stderr
    table = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert table.loc[1, "match_place_id"] == "jableh"
    assert table.loc[0, "match_place_id"] == "osm:node/572574948"


def test_geocode_missing_column_names_the_columns(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "in.csv"
    src.write_text("a,b\n1,2\n", encoding="utf-8")
    assert main(["geocode", str(src), "--column", "place", "--out", str(tmp_path / "o.csv")]) == 2
    err = capsys.readouterr().err
    assert "no column 'place'" in err
    assert "a, b" in err


def test_geocode_neutralises_formulas_from_a_users_place_file(tmp_path: Path) -> None:
    """A matched name from a user's gazetteer file is data from outside too: no formula leaves."""
    places = tmp_path / "places.csv"
    places.write_text('name,lat,lon\n"=HYPERLINK(""http://evil.invalid"")",35.1,36.1\n', encoding="utf-8")
    src = tmp_path / "in.csv"
    src.write_text('place\n"=HYPERLINK(""http://evil.invalid"")"\n', encoding="utf-8")
    out = tmp_path / "out.csv"
    result = run_cli("geocode", str(src), "--column", "place", "--gazetteer", str(places), "--out", str(out))
    assert result.returncode == 0, result.stderr
    table = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert table.loc[0, "match_name"].startswith("'=HYPERLINK")
    assert table.loc[0, "place"].startswith("'=HYPERLINK")
    assert not any(cell.startswith(("=", "+", "@")) for cell in table.to_numpy().ravel())


def test_geocode_an_acled_export_as_is(tmp_path: Path) -> None:
    """An ACLED-shaped file has its own latitude, longitude and geo_precision: none is overwritten."""
    src = REPO / "tests" / "fixtures" / "acled_geocode.csv"  # ACLED columns; points from places.csv
    original = pd.read_csv(src, dtype=str, keep_default_na=False)
    out = tmp_path / "out.csv"
    result = run_cli(
        "geocode", str(src), "--column", "location", "--context-column", "admin1", "--out", str(out), "--no-geonames"
    )
    assert result.returncode == 0, result.stderr
    table = pd.read_csv(out, dtype=str, keep_default_na=False)
    for column in original.columns:
        assert table[column].tolist() == original[column].tolist()
    assert {"match_lat", "match_lon", "match_geo_precision", "match_status"} <= set(table.columns)
    by_location = dict(zip(table["location"], table["match_place_id"], strict=True))
    assert by_location["Damascus"] == "damascus"
    assert by_location["Damascus - Jobar"] == "jobar_damascus"
    assert by_location["Banyas"] == "baniyas"
    assert by_location["Ariha"] == "ariha"
    status = dict(zip(table["location"], table["match_status"], strict=True))
    assert status["Tarmala"] == "unresolved"
    assert "within Hama" in table.loc[table["location"] == "Tarmala", "match_reason"].iloc[0]
    # The publisher's point and ours agree where we placed one.
    placed = table[table["match_lat"] != ""]
    dist = geodesic_km(
        placed["longitude"].astype(float),
        placed["latitude"].astype(float),
        placed["match_lon"].astype(float),
        placed["match_lat"].astype(float),
    )
    assert float(dist.max()) < 5.0


def test_geocode_min_status_review_gives_best_guesses_coordinates(tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    src.write_text("place\nQurfazs\nBaniyas\n", encoding="utf-8")
    out = tmp_path / "out.csv"
    strict = run_cli("geocode", str(src), "--column", "place", "--out", str(out), "--no-geonames")
    assert strict.returncode == 0, strict.stderr
    table = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert table["match_status"].tolist() == ["review", "resolved"]
    assert table.loc[0, "match_lat"] == ""
    assert table.loc[0, "match_candidates"].startswith("qurfays: ")
    loose = run_cli(
        "geocode", str(src), "--column", "place", "--out", str(out), "--no-geonames", "--min-status", "review"
    )
    assert "with coordinates: 2" in loose.stderr
    table = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert table.loc[0, "match_place_id"] == "qurfays"


def test_geocode_prefix_and_clash(tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    src.write_text("place,match_lat\nBaniyas,1\n", encoding="utf-8")
    out = tmp_path / "out.csv"
    clash = run_cli("geocode", str(src), "--column", "place", "--out", str(out), "--no-geonames")
    assert clash.returncode != 0
    assert "match_lat" in clash.stderr
    assert "--prefix" in clash.stderr
    ok = run_cli("geocode", str(src), "--column", "place", "--out", str(out), "--no-geonames", "--prefix", "gaz_")
    assert ok.returncode == 0, ok.stderr
    table = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert table.loc[0, "match_lat"] == "1"
    assert table.loc[0, "gaz_place_id"] == "baniyas"


def test_resolve_echoes_near_in_the_order_typed(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["resolve", "al-Qusour", "--near", "35.33,40.14", "--no-geonames"]) == 0
    out = capsys.readouterr().out
    assert "(35.33, 40.14) LAT,LON" in out


def test_resolve_prints_review_with_its_best_guess(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["resolve", "Qurfazs", "--no-geonames"]) == 1
    out = capsys.readouterr().out
    assert out.startswith("review")
    assert "qurfays" in out
