"""The app's timeline: drawn under the map from the selection, the "loading details" notice replaced by it."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa

REPO = Path(__file__).resolve().parents[1]


def _chart(at) -> tuple[str, pa.Table]:
    charts = at.get("vega_lite_chart")
    assert len(charts) == 1
    proto = charts[0].proto
    assert len(proto.datasets) == 1
    table = pa.ipc.open_stream(proto.datasets[0].data.data).read_all()
    return proto.spec, table


def test_the_timeline_follows_the_map_and_counts_the_selection(tmp_path, monkeypatch, gazetteer):
    from streamlit.testing.v1 import AppTest  # noqa: TID251

    from layers.app_state import from_query
    from layers.curated import load_all_curated
    from layers.timeline import filter_incidents

    monkeypatch.setenv("SYRIA_MAP_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("SYRIA_MAP_DATASETS", raising=False)
    monkeypatch.delenv("SYRIA_MAP_PROFILE", raising=False)
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=180)
    at.run()
    assert not at.exception
    captions = [c.value for c in at.caption]
    assert not any("Loading details" in c for c in captions)  # replaced by the chart once it is ready
    spec, table = _chart(at)
    assert '"title": "Incidents"' in spec
    curated = load_all_curated(gazetteer)
    site_level = curated[~curated["aggregate"].astype(bool) & curated["date_start"].notna()]
    assert sum(table.column("value").to_pylist()) == len(site_level)
    assert set(table.column("window").to_pylist()) == {"current window"}

    slider = at.slider(key="dates")
    first, last = slider.value
    narrow = (first, first + (last - first) // 2)
    slider.set_value(narrow).run()
    assert not at.exception
    _, table = _chart(at)
    names = list(at.session_state["datasets"])
    spec = from_query({"ds": "|".join(names), "start": str(narrow[0]), "end": str(narrow[1])}, names).filter_spec()
    shown = filter_incidents(curated[curated["dataset"].isin(names)], spec)
    dated = shown[~shown["aggregate"].astype(bool) & shown["date_start"].notna()]
    assert sum(table.column("value").to_pylist()) == len(dated) < len(site_level)  # the new selection's
