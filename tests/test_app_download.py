"""The app's download path: the public-safe HTML it offers carries exactly the public table."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import streamlit  # noqa: TID251 (the test drives app.py itself and catches its download)

from layers.export.public import _TO_GRID, apply_public

REPO = Path(__file__).resolve().parents[1]


def _payload(page: str) -> dict:
    start = page.index("IncidentLayer.create(")
    start = page.index("{", page.index(",", start))
    return json.JSONDecoder().raw_decode(page[start:])[0]


def test_app_public_html_download_is_the_public_table(tmp_path, monkeypatch):
    from streamlit.testing.v1 import AppTest  # noqa: TID251

    from geo.gazetteer import load_gazetteer
    from layers.curated import load_all_curated

    monkeypatch.setenv("SYRIA_MAP_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("SYRIA_MAP_DATASETS", raising=False)
    captured: dict[str, bytes] = {}

    def download_button(label, data, file_name=None, **_kw):
        captured[str(file_name)] = data
        return False

    monkeypatch.setattr(streamlit, "download_button", download_button)
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=180)
    at.run()
    assert not at.exception
    next(s for s in at.sidebar.selectbox if s.label == "Format").set_value("html")
    at.run()
    public_box = next(c for c in at.sidebar.checkbox if c.label.startswith("Public-safe (withhold"))
    assert public_box.value is True  # public-safe is the default
    next(b for b in at.sidebar.button if b.label == "Prepare the file").click()
    at.run()
    assert not at.exception
    page = captured["incidents.html"].decode("utf-8")
    payload = _payload(page)
    assert payload["n"] > 0

    curated = load_all_curated(load_gazetteer(include_geonames=False))
    table = apply_public(curated)  # same installation key (SYRIA_MAP_HOME) as the app
    public = table.frame.set_index("id")
    assert set(payload["ids"]) <= set(public.index)  # public ids only, never stored ones
    assert not set(payload["ids"]) & set(curated["id"])
    sensitive = table.ids(curated.loc[curated["sensitive"].astype(bool), "id"])
    assert sensitive  # the curated data has sensitive records…
    assert not set(payload["ids"]) & set(sensitive)  # …and none is in the download
    for title in curated.loc[curated["sensitive"].astype(bool), "title"]:
        assert json.dumps(title)[1:-1] not in page
    rows = public.loc[payload["ids"]]
    assert np.allclose(payload["lon"], rows["lon"].round(5), atol=1e-5)
    assert np.allclose(payload["lat"], rows["lat"].round(5), atol=1e-5)
    x, y = _TO_GRID.transform(np.asarray(payload["lon"]), np.asarray(payload["lat"]))
    assert np.allclose(np.asarray(x) / 1000 % 1, 0.5, atol=0.02)  # 1 km cell centres (5-decimal rounding)
    assert np.allclose(np.asarray(y) / 1000 % 1, 0.5, atol=0.02)
    # The quotes are those of the public table made with the app's allowed place names.
    gaz = load_gazetteer()
    names = [*gaz.places["name_en"].astype(str), *gaz.places["name_ar"].fillna("").astype(str)]
    names += [a for v in gaz.places["alt_names"].fillna("") for a in str(v).split(";")]
    quoted = apply_public(curated, allowlist=[n for n in names if n.strip()]).frame.set_index("id")
    for k, pid in enumerate(payload["ids"]):
        got = [src[4] for src in payload["sources"][payload["info"]["src"][k]]]
        assert got == [str(src.get("quote") or "") for src in quoted.loc[pid, "sources"]], pid


if __name__ == "__main__":  # pragma: no cover
    pytest.main([__file__, "-q"])
