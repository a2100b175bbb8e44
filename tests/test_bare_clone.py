"""A bare clone has no ../shared: the tests that read it skip with one line naming the path."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO, SHARED_ENV

# The test files that use the shared_data fixture (found, not listed, so new ones are covered).
SHARED_TEST_FILES = sorted(
    str(path.relative_to(REPO))
    for path in (REPO / "tests").rglob("test_*.py")
    if "shared_data" in path.read_text(encoding="utf-8")
)


def _pytest_shared(shared: Path, *files: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, SHARED_ENV: str(shared)}
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-m", "shared", "-q", "-rsfE", "-p", "no:cacheprovider", *files],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_without_shared_folder_every_shared_test_skips_naming_the_path(tmp_path: Path) -> None:
    assert len(SHARED_TEST_FILES) >= 4, SHARED_TEST_FILES
    empty = tmp_path / "no-shared-here"
    empty.mkdir()
    result = _pytest_shared(empty, *SHARED_TEST_FILES)
    out = result.stdout + result.stderr
    assert result.returncode == 0, out
    summary = out.strip().splitlines()[-1]
    assert re.search(r"\b\d+ skipped\b", summary), summary
    assert not re.search(r"passed|failed|error", summary), summary
    skips = [line for line in out.splitlines() if line.startswith("SKIPPED")]
    assert skips, out
    for line in skips:
        assert str(empty / "data") in line, line
        assert SHARED_ENV in line, line
    assert "Traceback" not in out


def test_incomplete_shared_folder_fails_in_one_line(tmp_path: Path) -> None:
    (tmp_path / "data" / "reference").mkdir(parents=True)
    result = _pytest_shared(tmp_path, "tests/test_geo_cli.py")
    out = result.stdout + result.stderr
    assert result.returncode == 1, out
    errors = [line for line in out.splitlines() if line.startswith("ERROR")]
    assert len(errors) == 1, out
    # The reason is printed once in the error's body; the short summary line ("ERROR tests/… -
    # Failed: …") repeats it in full when pytest does not truncate it (as on CI, where $CI is set).
    reason = [
        line
        for line in out.splitlines()
        if "lacks reference/places_reference.csv" in line and not line.startswith("ERROR ")
    ]
    assert len(reason) == 1, out
    assert reason[0].startswith(str(tmp_path / "data")), out
    assert "Traceback" not in out
    assert "FileNotFoundError" not in out
