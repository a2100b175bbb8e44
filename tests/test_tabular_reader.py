"""The CSV reader's pyarrow path gives what Python's csv module gives, row numbers and rejects included."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from geo.errors import InputFileError
from layers.importers import tabular

# Tokens that make CSV hard: separators, quotes (doubled, stray, unbalanced), line breaks of
# every kind, empty and whitespace-only lines, a BOM-like mark, non-ASCII text.
TOKENS = ["a", "bc", "é", "جبلة", ",", ";", "\t", '"', '""', "\n", "\r\n", "\r", " ", "\n\n", "  \n", "1.5", "x,y"]


def _slow(path: Path) -> tuple[pd.DataFrame, pd.DataFrame, int]:
    """Read *path* with Python's csv module only (the reference)."""
    text, sep = tabular._read_text(path)
    header, numbers, rows, rejects = tabular._records(text, sep, path)
    return tabular.frame_from_records(header, numbers, rows, path), rejects, len(rows) + len(rejects)


def _same(path: Path) -> None:
    try:
        want = _slow(path)
    except InputFileError as err:
        with pytest.raises(InputFileError, match=re.escape(str(err))):
            tabular.read_csv_frame(path)
        return
    got = tabular.read_csv_frame(path)
    pd.testing.assert_frame_equal(got[0], want[0])
    assert got[0].attrs["headers"] == want[0].attrs["headers"]
    pd.testing.assert_frame_equal(got[1].reset_index(drop=True), want[1].reset_index(drop=True), check_dtype=False)
    assert got[2] == want[2]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    header=st.lists(st.sampled_from(["date", "place", "lat", "lon", "notes", '"a,b"', "x"]), min_size=1, max_size=5),
    body=st.lists(st.sampled_from(TOKENS), max_size=60),
)
def test_any_text_reads_the_same_either_way(header: list[str], body: list[str]) -> None:
    names = list(dict.fromkeys(header))
    text = ",".join(names) + "\n" + "".join(body)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "t.csv"
        path.write_text(text, encoding="utf-8", newline="")
        _same(path)


@pytest.mark.parametrize(
    "text",
    [
        'id,notes\n1,"said ""no"", then left"\n2,"two\nlines"\n3,plain\n',
        "id,notes\r\n1,a\r\n2,b\r\n",
        "id,notes\n1,a\n\n2,b\n",  # an empty line: row numbers count it (csv path)
        "id,notes\n1,a\n   \n2,b\n",  # a whitespace-only line
        "id,notes\n1,a,extra\n2,b\n",  # a malformed row
        'id,notes\n1,"unbalanced\n2,b\n',
        "id;notes\n1;a\n2;b\n\n\n",  # trailing empty lines
        "\ufeffid,notes\n1,a\n",
    ],
)
def test_awkward_files_read_the_same_either_way(text: str, tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text(text, encoding="utf-8", newline="")
    _same(path)


def test_the_usual_file_takes_the_pyarrow_path(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text('id,notes\n1,"a, b"\n2,c\n', encoding="utf-8")
    text, sep = tabular._read_text(path)
    frame = tabular._arrow_frame(text, sep, path)
    assert frame is not None
    assert frame["notes"].tolist() == ["a, b", "c"]
    assert frame["_fields"].tolist() == ["1\x1ea, b", "2\x1ec"]
