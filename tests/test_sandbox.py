"""Budgeted parsing (layers.importers.sandbox): ordinary files parse as in process; bombs are refused.

The crafted files are made here, small; the budgets in the bomb tests are lowered so the tests
stay quick, and the time and memory bounds asserted are generous (the machine is shared).
"""

from __future__ import annotations

import contextlib
import random
import resource
import threading
import time
import zipfile
import zlib
from pathlib import Path

import pandas as pd
import pytest

from geo.errors import InputFileError, ParseBudgetError
from layers.importers import UnmappedColumnsError, import_file, sandbox
from layers.importers.sandbox import ParseBudget, import_file_budgeted

FIXTURES = Path(__file__).parent / "fixtures"
SMALL = ParseBudget(seconds=6, memory_mb=150, file_mb=50)


@pytest.fixture(params=["forked", "zygote"])
def mode(request: pytest.FixtureRequest):
    """Run a test once forking the test process (CLI) and once through the zygote (app server)."""
    if request.param == "forked":
        yield request.param
        return
    release = threading.Event()
    waiter = threading.Thread(target=release.wait)
    waiter.start()  # a live thread: the sandbox must not fork this process
    try:
        yield request.param
    finally:
        release.set()
        waiter.join()


@pytest.fixture(scope="module", autouse=True)
def _stop_zygote():
    yield
    sandbox.stop_zygote()


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


@pytest.mark.parametrize("name", ["plain.csv", "acled.csv", "incidents.kml", "incidents.geojson", "records.json"])
def test_ordinary_file_parses_as_in_process(name: str, mode: str, tiny_gazetteer) -> None:
    path = FIXTURES / name
    _same(import_file_budgeted(path, gazetteer=tiny_gazetteer), import_file(path, gazetteer=tiny_gazetteer))


def test_project_errors_come_back_with_their_class_and_fields(tmp_path: Path, mode: str) -> None:
    path = tmp_path / "odd.csv"
    path.write_text("when,where,what\n2024-01-02,Idlib,x\n", encoding="utf-8")
    with pytest.raises(UnmappedColumnsError) as caught:
        import_file_budgeted(path)
    assert caught.value.headers == ["when", "where", "what"]
    with pytest.raises(UnmappedColumnsError) as direct:
        import_file(path)
    assert str(caught.value) == str(direct.value)


def test_file_over_the_size_budget_is_refused_before_parsing(tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    path.write_bytes(b"date,place\n" + b"2024-01-02,Idlib\n" * 70_000)
    with pytest.raises(ParseBudgetError, match=r"big\.csv: refused: 1 MB, more than the 1 MB parse budget"):
        import_file_budgeted(path, budget=ParseBudget(file_mb=1))


def _wide_csv(path: Path, columns: int = 200_000, rows: int = 16) -> Path:
    with path.open("w", encoding="utf-8") as handle:
        handle.write("date,place,lat,lon," + ",".join(f"c{i}" for i in range(columns)) + "\n")
        for _ in range(rows):
            handle.write("2024-01-02,Idlib,35.9,36.6," + ",".join(["abc"] * columns) + "\n")
    return path


def _bomb_xlsx(path: Path, rows: int = 200_000, columns: int = 6) -> Path:
    """A workbook of 1.2 M numeric cells: within the zip limits (ratio < 200), heavy to parse."""
    rng = random.Random(17)
    body = "".join(
        f'<row r="{r}">' + "".join(f"<c><v>{rng.randrange(10**9)}</v></c>" for _ in range(columns)) + "</row>"
        for r in range(1, rows + 1)
    )
    sheet = (
        '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
        f'spreadsheetml/2006/main"><sheetData>{body}</sheetData></worksheet>'
    )
    ns = "http://schemas.openxmlformats.org"
    parts = {
        "[Content_Types].xml": f'<?xml version="1.0"?><Types xmlns="{ns}/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.'
        'spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType='
        '"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>',
        "_rels/.rels": f'<?xml version="1.0"?><Relationships xmlns="{ns}/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{ns}/officeDocument/2006/relationships/officeDocument" '
        'Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": f'<?xml version="1.0"?><workbook xmlns="{ns}/spreadsheetml/2006/main" '
        f'xmlns:r="{ns}/officeDocument/2006/relationships"><sheets><sheet name="S" sheetId="1" r:id="rId1"/>'
        "</sheets></workbook>",
        "xl/_rels/workbook.xml.rels": f'<?xml version="1.0"?><Relationships xmlns="{ns}/package/2006/'
        f'relationships"><Relationship Id="rId1" Type="{ns}/officeDocument/2006/relationships/worksheet" '
        'Target="worksheets/sheet1.xml"/></Relationships>',
        "xl/worksheets/sheet1.xml": sheet,
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
    info = zipfile.ZipFile(path).getinfo("xl/worksheets/sheet1.xml")
    assert info.file_size / info.compress_size < 200  # the zip check alone would let it through
    assert zlib  # (deflate is what the ratio is about)
    return path


class _Ticker:
    """Ticks in this process while a bomb is parsed: the largest gap says whether it stayed responsive."""

    def __init__(self) -> None:
        self.stop = threading.Event()
        self.gap = 0.0
        self.thread = threading.Thread(target=self.run)

    def run(self) -> None:
        last = time.monotonic()
        while not self.stop.wait(0.05):
            now = time.monotonic()
            self.gap, last = max(self.gap, now - last), now

    def __enter__(self) -> _Ticker:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.thread.join()


@pytest.mark.parametrize("make", [_wide_csv, _bomb_xlsx], ids=["wide-csv", "xlsx-cells"])
def test_bomb_is_refused_within_its_budget_and_the_server_stays_responsive(tmp_path: Path, make) -> None:
    path = make(tmp_path / ("bomb.xlsx" if make is _bomb_xlsx else "bomb.csv"))
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t0 = time.monotonic()
    with _Ticker() as ticker, pytest.raises(ParseBudgetError) as caught:  # a live thread: the zygote is used
        import_file_budgeted(path, budget=SMALL)
    elapsed = time.monotonic() - t0
    message = str(caught.value)
    assert message.startswith(f"{path.name}: refused: parsing exceeded the 6 s / 150 MB parse budget")
    assert str(tmp_path) not in message
    assert elapsed < SMALL.seconds + 20  # refused by its budget, not after the whole parse
    assert ticker.gap < 2.0  # this process kept running while the child parsed
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert grown_mb < 100  # the memory went to the child, not to the server


def test_deeply_nested_geojson_is_a_message(tmp_path: Path, mode: str) -> None:
    path = tmp_path / "deep.geojson"
    depth = 200_000
    path.write_text('{"type": "FeatureCollection", "features": ' + "[" * depth + "]" * depth + "}", encoding="utf-8")
    with pytest.raises(InputFileError, match=r"deep\.geojson"):
        import_file_budgeted(path, budget=SMALL)


def test_a_stuck_parser_is_stopped_at_the_wall_clock(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A child that waits instead of computing (no CPU limit reached) is killed at the deadline."""
    import layers.importers

    monkeypatch.setattr(layers.importers, "import_file", lambda *a, **k: time.sleep(60))  # inherited by the fork
    t0 = time.monotonic()
    with pytest.raises(ParseBudgetError, match=r"exceeded the 1 s / 150 MB parse budget \(time\)"):
        import_file_budgeted(FIXTURES / "plain.csv", budget=ParseBudget(seconds=1, memory_mb=150))
    assert time.monotonic() - t0 < 10
    with contextlib.suppress(ChildProcessError):
        sandbox._reap()
