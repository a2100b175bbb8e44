"""Every upload is parsed in a child process under a memory, CPU and wall-clock budget.

The child must compute exactly what the in-process import computes with the same gazetteer
and options (forked and freshly started children alike), and a parser that hangs or eats
memory must end with a message naming the file and the budget exceeded.
"""

from __future__ import annotations

import time
from pathlib import Path

import pandas as pd
import pytest

from geo.errors import InputFileError, ParseBudgetError
from geo.gazetteer import Gazetteer
from layers.importers import UnmappedColumnsError, import_file
from layers.importers.preview import table_headers
from layers.importers.sandbox import ParseBudget, call_budgeted, import_file_budgeted
from tests.conftest import tiny_places

pytestmark = pytest.mark.skipif(not hasattr(__import__("os"), "fork"), reason="the sandbox needs os.fork (POSIX)")

#: Places only the tiny test gazetteer has (Sonobar is "sonobar_t" there, "sonobar_latakia" in the real one).
CSV = (
    "date,place,title,deaths\n"
    "2024-01-02,Sonobar,Shelling near the school,3\n"
    '2024-01-03,"al-Qusur, Beta",Raid on the market,1\n'
    "2024-01-04,Beta,Airstrike,\n"
    "2024-01-05,Nowhere-at-all,Unknown place,2\n"
    "0202-03-07,Beta,Year typo,1\n"
)


def _write(tmp_path: Path, text: str = CSV, name: str = "upload.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _same(a, b) -> None:
    pd.testing.assert_frame_equal(a.incidents, b.incidents)
    pd.testing.assert_frame_equal(a.rejects, b.rejects)
    pd.testing.assert_frame_equal(a.flagged, b.flagged)
    assert (a.rows_in, a.format, a.by_reason, a.mapping, a.date_order) == (
        b.rows_in,
        b.format,
        b.by_reason,
        b.mapping,
        b.date_order,
    )


@pytest.mark.parametrize("mode", ["fork", "helper", "spawn"])
def test_sandboxed_import_equals_in_process_import_with_the_callers_gazetteer(tmp_path: Path, mode: str) -> None:
    path = _write(tmp_path)
    gaz = Gazetteer(tiny_places())
    here = import_file(path, gazetteer=gaz)
    there = import_file_budgeted(path, gazetteer=gaz, mode=mode)
    _same(here, there)
    assert "sonobar_t" in set(there.incidents["place_id"])  # the tiny gazetteer's id, not the real one's
    assert there.rejected >= 1  # the unknown place and the year typo are rejects, not a failed import


@pytest.mark.parametrize("mode", ["fork", "helper", "spawn"])
def test_options_reach_the_child(tmp_path: Path, mode: str) -> None:
    path = _write(tmp_path, "when,where,what\n03/04/2024,Beta,Shelling\n", "odd.csv")
    gaz = Gazetteer(tiny_places())
    columns = {"date": "when", "place": "where", "title": "what"}
    here = import_file(path, gazetteer=gaz, columns=columns, dayfirst=True)
    there = import_file_budgeted(path, gazetteer=gaz, columns=columns, dayfirst=True, mode=mode)
    _same(here, there)
    assert str(there.incidents["date_start"].iloc[0])[:10] == "2024-04-03"


@pytest.mark.parametrize("mode", ["fork", "helper", "spawn"])
def test_project_errors_come_back_with_their_class_and_fields(tmp_path: Path, mode: str) -> None:
    path = _write(tmp_path, "alpha,beta\n1,2\n", "cols.csv")
    with pytest.raises(UnmappedColumnsError) as caught:
        import_file_budgeted(path, gazetteer=Gazetteer(tiny_places()), mode=mode)
    assert list(caught.value.headers) == ["alpha", "beta"]


def _hang(path: str) -> None:
    """A parser that never returns and uses no CPU (only the wall clock can stop it)."""
    while True:
        time.sleep(1)


def _spin(path: str) -> None:
    """A parser stuck in a loop (CPU time)."""
    while True:
        pass


def _hog(path: str) -> bytes:
    """A parser that asks for far more memory than the budget."""
    return bytes(3 * 2**30)


@pytest.mark.parametrize("mode", ["fork", "helper", "spawn"])
def test_a_hanging_parser_is_stopped_by_the_wall_clock(tmp_path: Path, mode: str) -> None:
    path = _write(tmp_path, name="stuck.kml")
    started = time.monotonic()
    with pytest.raises(
        ParseBudgetError, match=r"stuck\.kml: refused: parsing exceeded the 2 s / 256 MB parse budget \(time\)"
    ):
        call_budgeted(_hang, (str(path),), label=path.name, budget=ParseBudget(seconds=2, memory_mb=256), mode=mode)
    assert time.monotonic() - started < 60  # generous: 2 s budget + grace, on a loaded machine


def test_a_spinning_parser_is_stopped(tmp_path: Path) -> None:
    path = _write(tmp_path, name="spin.csv")
    started = time.monotonic()
    with pytest.raises(ParseBudgetError, match=r"spin\.csv: refused: parsing exceeded the 1 s / 256 MB parse budget"):
        call_budgeted(_spin, (str(path),), label=path.name, budget=ParseBudget(seconds=1, memory_mb=256))
    assert time.monotonic() - started < 60


@pytest.mark.parametrize("mode", ["fork", "helper", "spawn"])
def test_a_parser_over_the_memory_budget_is_refused(tmp_path: Path, mode: str) -> None:
    path = _write(tmp_path, name="big.xlsx")
    with pytest.raises(
        ParseBudgetError, match=r"big\.xlsx: refused: parsing exceeded the 30 s / 256 MB parse budget \(memory"
    ):
        call_budgeted(_hog, (str(path),), label=path.name, budget=ParseBudget(seconds=30, memory_mb=256), mode=mode)


def test_a_file_over_the_size_budget_is_refused_before_parsing(tmp_path: Path) -> None:
    path = tmp_path / "huge.csv"
    with path.open("wb") as handle:
        handle.truncate(3 * 2**20)
    with pytest.raises(ParseBudgetError, match=r"huge\.csv: refused: 3 MB, more than the 2 MB parse budget"):
        import_file_budgeted(path, budget=ParseBudget(file_mb=2))


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(InputFileError, match=r"gone\.csv: no such file"):
        import_file_budgeted(tmp_path / "gone.csv")


def test_a_real_wide_csv_over_the_memory_budget_is_refused(tmp_path: Path) -> None:
    """A crafted file, no test hook: 40,000 columns by 400 rows of one-byte cells (~32 MB)."""
    path = tmp_path / "wide.csv"
    header = ",".join(["date", "place", "lat", "lon", "title"] + [f"c{i}" for i in range(40_000)])
    row = ",".join(["2024-01-02", "Beta", "35.1", "36.7", "t"] + ["x"] * 40_000)
    path.write_text(header + "\n" + "\n".join([row] * 400) + "\n", encoding="utf-8")
    with pytest.raises(ParseBudgetError, match=r"wide\.csv: refused: parsing exceeded the 60 s / 64 MB parse budget"):
        import_file_budgeted(path, budget=ParseBudget(seconds=60, memory_mb=64))


def test_the_apps_header_read_is_budgeted_too(tmp_path: Path) -> None:
    """The app reads a table's headers (the whole table) before importing: under the same budget."""
    path = _write(tmp_path)
    headers, _ = call_budgeted(table_headers, (str(path), "csv"), label="upload.csv", path=path, mode="helper")
    assert headers == ["date", "place", "title", "deaths"]
    wide = tmp_path / "wide.csv"
    wide.write_text(",".join(f"c{i}" for i in range(40_000)) + "\n" + (",".join(["x"] * 40_000) + "\n") * 400)
    with pytest.raises(ParseBudgetError, match=r"wide\.csv: refused: parsing exceeded the 60 s / 64 MB parse budget"):
        call_budgeted(table_headers, (str(wide), "csv"), label="wide.csv", path=wide, budget=ParseBudget(memory_mb=64))
