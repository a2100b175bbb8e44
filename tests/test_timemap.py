"""TimeMap (Forensic Architecture) export and import: schema validation and the round trip."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from geo.gazetteer import load_gazetteer
from layers.curated import load_curated
from layers.export.timemap import export_timemap, validate_timemap
from layers.importers import detect_format, import_file
from tests.conftest import REPO

FIELDS = [
    "id",
    "title",
    "event_type",
    "date_start",
    "date_end",
    "date_precision",
    "place_reported",
    "geo_precision",
    "admin1",
    "deaths_low",
    "deaths_best",
    "deaths_high",
    "injured",
    "missing_or_abducted",
    "perpetrator_reported",
    "victim_group_reported",
    "campaign",
    "summary",
    "confidence",
    "sensitive",
    "aggregate",
    "sources",
    "figures",
]


@pytest.fixture(scope="module")
def curated() -> pd.DataFrame:
    return load_curated("massacres_2012_2013", load_gazetteer(include_geonames=False))


def test_export_validates_against_timemap_schemas(curated: pd.DataFrame, tmp_path: Path) -> None:
    result = export_timemap(curated, tmp_path, public_safe=False)
    assert validate_timemap(tmp_path) == []
    events = json.loads((tmp_path / "events.json").read_text(encoding="utf-8"))
    sources = json.loads((tmp_path / "sources.json").read_text(encoding="utf-8"))
    assert len(events) == len(curated) == result.metadata["incidents"]
    assert all(isinstance(e["latitude"], str) and isinstance(e["associations"], list) for e in events)
    assert all(s in sources for e in events for s in e["sources"])
    houla = next(e for e in events if "Houla" in e["location"] or "Houla" in e["title"])
    assert houla["date"] == "05/25/2012"  # TimeMap's default MM/DD/YYYY


def test_validator_finds_what_timemap_would_drop(curated: pd.DataFrame, tmp_path: Path) -> None:
    export_timemap(curated, tmp_path, public_safe=False)
    events = json.loads((tmp_path / "events.json").read_text(encoding="utf-8"))
    del events[0]["description"]
    events[1]["date"] = "2012-05-25"
    events[2]["witness"] = "x"
    events[3]["sources"] = ["no-such-source"]
    (tmp_path / "events.json").write_text(json.dumps(events), encoding="utf-8")
    problems = "\n".join(validate_timemap(tmp_path))
    assert "'description' is required" in problems
    assert "is not MM/DD/YYYY" in problems
    assert "'witness' is not allowed" in problems
    assert "no source 'no-such-source'" in problems


def test_round_trip_gives_the_same_records(curated: pd.DataFrame, tmp_path: Path) -> None:
    export_timemap(curated, tmp_path, public_safe=False)
    path = tmp_path / "events.json"
    assert detect_format(path) == "timemap"
    back = import_file(path)
    assert back.rejected == 0
    before = curated.set_index("id").sort_index()
    after = back.incidents.set_index("id").sort_index()
    assert list(after.index) == list(before.index)
    for column in FIELDS[1:]:
        left, right = before[column], after[column]
        if column in ("sources", "figures"):
            norm = [[{k: (str(v) if v is not None else None) for k, v in d.items()} for d in x] for x in left]
            assert norm == [[{k: (str(v) if v is not None else None) for k, v in d.items()} for d in x] for x in right]
        else:
            pd.testing.assert_series_equal(left, right, check_names=False, check_dtype=False)
    assert (after["lat"] - before["lat"]).abs().max() < 1e-6


def test_public_export_withholds_sensitive_and_coarsens(curated: pd.DataFrame, tmp_path: Path) -> None:
    export_timemap(curated, tmp_path)
    events = json.loads((tmp_path / "events.json").read_text(encoding="utf-8"))
    assert all(e["sensitive"] != "True" for e in events)
    assert json.loads((tmp_path / "metadata.json").read_text(encoding="utf-8"))["public_safe"] is True


def test_cli_export_to_timemap(tmp_path: Path) -> None:
    out = tmp_path / "tm"
    run = subprocess.run(
        [sys.executable, "-m", "layers", "export", "massacres_2012_2013", "--to", "timemap", "--out", str(out)],
        capture_output=True,
        text=True,
        cwd=REPO,
        check=True,
    )
    assert json.loads(run.stdout)["format"] == "timemap"
    assert validate_timemap(out) == []
