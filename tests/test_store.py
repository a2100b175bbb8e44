"""GeoPackage store: lossless round-trip, metadata, atomic writes."""

from __future__ import annotations

import threading
from pathlib import Path

import pandas as pd
import pyogrio
import pytest

from geo.errors import StoreError
from layers import store
from layers.incidents import COLUMNS, to_incident_frame
from layers.store import load_gpkg, load_gpkg_metadata, save_gpkg
from tests.conftest import REPO


def sample() -> pd.DataFrame:
    return to_incident_frame(
        pd.DataFrame(
            {
                "id": ["a-1", "a-2", "agg-1"],
                "dataset": ["mine"] * 3,
                "title": ["مجزرة الحولة", "Shelling of Baba Amr", "Regional total"],
                "event_type": ["massacre", "shelling/airstrike", "other"],
                "date_start": pd.to_datetime(["2012-05-25", "2012-02-01", "2025-03-06"], utc=True),
                "date_end": pd.to_datetime(["2012-05-25", "2012-02-29", "2025-03-10"], utc=True),
                "date_precision": ["day", "month", "day"],
                "place_reported": ["الحولة", "Baba Amr", "Syrian coast"],
                "place_id": ["houla", None, None],
                "lat": [34.88, 34.71, None],
                "lon": [36.53, 36.69, None],
                "geo_precision": [2, None, 3],
                "admin1": ["Homs", "Homs", "Latakia; Tartus"],
                "corridor": ["M5", None, None],
                "chainage_km": [12.5, None, None],
                "deaths_low": [92, None, 745],
                "deaths_best": [108, None, 1383],
                "deaths_high": [108, None, None],
                "injured": [None, 0, None],
                "missing_or_abducted": [None, None, 3],
                "perpetrator_reported": ["shabbiha (as reported by OHCHR)", None, ""],
                "summary": ['سطر أول\nline two, with "quotes"', None, "x"],
                "confidence": ["fair", None, "contested"],
                "sensitive": [True, False, False],
                "aggregate": [False, False, True],
                "sources": [
                    [
                        {
                            "publisher": "OHCHR",
                            "title": "تقرير",
                            "date": "2012-05-29",
                            "url": "https://x/1",
                            "quote": "“108”",
                            "via": None,
                        }
                    ],
                    [],
                    [{"publisher": "SOHR", "url": ""}],
                ],
                "figures": [[{"measure": "deaths", "value": 108, "qualifier": "exact", "publisher": "OHCHR"}], [], []],
            }
        )
    )


def test_round_trip_every_field(tmp_path: Path) -> None:
    gdf = sample()
    path = save_gpkg(gdf, tmp_path / "d.gpkg", title="عنوان", public_safe=True)
    back = load_gpkg(path)
    assert list(back.columns) == [*COLUMNS, "geometry"]
    for column in COLUMNS:
        assert back[column].dtype == gdf[column].dtype, column
        for got, want in zip(back[column], gdf[column], strict=True):
            assert (pd.isna(got) and pd.isna(want)) if not isinstance(want, list) and pd.isna(want) else got == want, (
                column,
                got,
                want,
            )
    assert back.geometry.isna().tolist() == [False, False, True]
    assert back.geometry.iloc[0].equals(gdf.geometry.iloc[0])
    assert str(back.crs) == "EPSG:4326"
    meta = load_gpkg_metadata(path)
    assert (meta.title, meta.public_safe) == ("عنوان", True)
    assert meta.created.endswith("+00:00")
    assert back.attrs["metadata"]["title"] == "عنوان"


def test_extra_columns_survive(tmp_path: Path) -> None:
    gdf = sample().assign(note=["x", "y", "z"])
    assert load_gpkg(save_gpkg(gdf, tmp_path / "d.gpkg"))["note"].tolist() == ["x", "y", "z"]


def test_empty_table_round_trips(tmp_path: Path) -> None:
    back = load_gpkg(save_gpkg(sample().iloc[:0], tmp_path / "e.gpkg"))
    assert len(back) == 0
    assert back["date_start"].dt.tz is not None


def test_failed_write_leaves_previous_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = save_gpkg(sample(), tmp_path / "d.gpkg", title="first")
    before = path.read_bytes()

    def broken(flat: object, meta: object, target: Path) -> None:
        pyogrio.write_dataframe(flat, target, layer="incidents", driver="GPKG")
        raise OSError("disk full (simulated)")

    monkeypatch.setattr(store, "_write", broken)
    with pytest.raises(StoreError, match="previous file is unchanged"):
        save_gpkg(sample().iloc[:1], path, title="second")
    assert path.read_bytes() == before
    assert load_gpkg_metadata(path).title == "first"
    assert [p.name for p in tmp_path.iterdir()] == ["d.gpkg"]


def test_concurrent_saves_leave_a_whole_file(tmp_path: Path) -> None:
    path = tmp_path / "d.gpkg"
    gdf = sample()
    errors: list[BaseException] = []

    def save(i: int) -> None:
        try:
            save_gpkg(gdf.iloc[: 1 + i % 3], path, title=f"writer {i}")
        except BaseException as err:  # collected and asserted below
            errors.append(err)

    threads = [threading.Thread(target=save, args=(i,)) for i in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    back = load_gpkg(path)
    assert 1 <= len(back) <= 3
    assert load_gpkg_metadata(path).title.startswith("writer ")
    assert [p.name for p in tmp_path.iterdir()] == ["d.gpkg"]


def test_missing_or_foreign_file(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="no such dataset"):
        load_gpkg(tmp_path / "none.gpkg")
    bogus = tmp_path / "bogus.gpkg"
    bogus.write_text("not a geopackage")
    with pytest.raises(StoreError, match="not a readable"):
        load_gpkg(bogus)


def test_a_killed_writer_leaves_the_previous_file(tmp_path: Path) -> None:
    """A process killed (SIGKILL) in the middle of a save: the named file is the previous one, whole.

    The writer is a real ``save_gpkg`` in another process. So that the kill lands mid-save however
    loaded the machine is (a race against a large write failed under load), the writer reports
    once the incidents layer is in its temporary file and waits there, before the metadata layer
    and the rename; the test checks that file is beside the target, then kills the process.
    """
    import signal
    import subprocess
    import sys

    path = save_gpkg(sample(), tmp_path / "d.gpkg", title="first")
    before = path.read_bytes()
    writer = (
        "import sys, time, numpy as np, pandas as pd, pyogrio\n"
        "from layers import store\n"
        "from layers.incidents import to_incident_frame\n"
        "real_write = pyogrio.write_dataframe\n"
        "def write_then_wait(df, target, **kwargs):\n"
        "    real_write(df, target, **kwargs)\n"
        "    if kwargs.get('layer') == store.LAYER:\n"
        "        print(target, flush=True)\n"
        "        time.sleep(600)\n"
        "pyogrio.write_dataframe = write_then_wait\n"
        "n = 2_000\n"
        "df = to_incident_frame(pd.DataFrame({'id': [f'k{i}' for i in range(n)], 'title': 'x' * 200,\n"
        "    'lon': np.linspace(36, 41, n), 'lat': np.linspace(33, 37, n), 'date_start': '2013-01-01'}))\n"
        "store.save_gpkg(df, sys.argv[1], title='second')\n"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", writer, str(path)], cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    try:
        assert proc.stdout is not None
        partial = Path(proc.stdout.readline().decode().strip())
        assert partial.parent == tmp_path, f"the writer stopped before its file: {partial!r}"
        assert partial.name != path.name, f"the writer wrote {path} in place"
        assert partial.is_file(), f"no temporary file {partial} beside {path}"
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.kill()
        _, err = proc.communicate(timeout=30)
    assert proc.returncode == -signal.SIGKILL, err.decode(errors="replace")[-2000:]
    assert path.read_bytes() == before
    assert load_gpkg_metadata(path).title == "first"
    assert len(load_gpkg(path)) == len(sample())
