"""``python -m layers import``: JSON summary, outputs and exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from layers.__main__ import main
from layers.store import load_gpkg

FIXTURES = Path(__file__).resolve().parent / "fixtures"
REPO = Path(__file__).resolve().parents[1]


def test_import_acled(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out, rejects = tmp_path / "out.gpkg", tmp_path / "rejects.csv"
    code = main(["import", str(FIXTURES / "acled.csv"), "--out", str(out), "--rejects", str(rejects)])
    summary = json.loads(capsys.readouterr().out)
    assert code == 0
    assert {k: summary[k] for k in ("rows_in", "imported", "rejected", "flagged")} == {
        "rows_in": 7,
        "imported": 4,
        "rejected": 3,
        "flagged": 2,
    }
    assert sum(summary["by_reason"].values()) == 3
    assert len(load_gpkg(out)) == 4
    assert len(pd.read_csv(rejects)) == 3


def test_import_geojson_with_format_option(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out.gpkg"
    code = main(
        ["import", str(FIXTURES / "incidents.geojson"), "--format", "geojson", "--out", str(out), "--no-geonames"]
    )
    summary = json.loads(capsys.readouterr().out)
    assert code == 0
    assert summary["rows_in"] == summary["imported"] + summary["rejected"]


def test_unreadable_file_exits_2_with_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["import", str(tmp_path / "missing.csv"), "--out", str(tmp_path / "o.gpkg"), "--format", "acled"])
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith("error: ")
    assert err.count("\n") == 1
    assert not (tmp_path / "o.gpkg").exists()


def test_module_entry_point(tmp_path: Path) -> None:
    bad = tmp_path / "x.csv"
    bad.write_text("foo,bar\n1,2\n", encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "layers", "import", str(bad), "--format", "acled", "--out", str(tmp_path / "o.gpkg")],
        capture_output=True,
        text=True,
        cwd=REPO,
        check=False,
    )
    assert proc.returncode == 2
    assert "not an ACLED export" in proc.stderr
