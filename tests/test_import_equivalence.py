"""The importers' answers on realistic samples are the golden ones (issue 13: speed without change).

The golden tables in ``tests/fixtures/import_golden/`` were written by the importers before they
were vectorised (``python -m tests.import_samples``); every sample must import to exactly the
same incidents (every column, its dtype, the geometry), rejects, flags and summary.
"""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
import pytest

from geo.gazetteer import Gazetteer
from tests.conftest import tiny_places
from tests.import_samples import SAMPLES, import_sample, read_golden


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    """The synthetic gazetteer the samples with place names are geocoded with."""
    return Gazetteer(tiny_places())


def _table(text: str) -> pd.DataFrame:
    return pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)


@pytest.mark.parametrize("name", list(SAMPLES))
def test_import_gives_the_golden_answers(name: str, tmp_path: Path, gazetteer: Gazetteer) -> None:
    got, want = import_sample(name, tmp_path, gazetteer), read_golden(name)
    assert got["summary"] == want["summary"]
    assert got["dtypes"] == want["dtypes"]
    for key in ("incidents", "rejects", "flagged"):
        pd.testing.assert_frame_equal(_table(got[key]), _table(want[key]), obj=f"{name} {key}")
        assert got[key] == want[key], f"{name} {key}: same cells, different text"
