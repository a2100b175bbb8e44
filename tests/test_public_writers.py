"""Public-safe mode is applied before EVERY writer: one hostile table through every registered format.

Also: the standalone and story HTML payloads equal the public table, public ids cannot be
brute-forced back to the exact point, derived columns are recomputed, extra columns dropped,
the app's downloads go through the same entry point, and the installation key is private.
"""

from __future__ import annotations

import argparse
import ast
import hashlib
import json
import re
import stat
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from geo.corridors import load_corridors, locate_on
from layers.export.formats import FORMATS, WRITERS, export_file, public_density
from layers.export.public import PUBLIC_COLUMNS, REDACTED_QUOTE, apply_public
from layers.export.public_ids import KEY_FILE, installation_secret
from layers.incidents import to_incident_frame
from layers.render.payload import to_payload

REPO = Path(__file__).resolve().parents[1]
# Made-up test values, not facts. Exact points with many decimals so that they can be searched for.
EXACT = [(36.123457, 35.234568), (35.987654, 35.456789), (36.765432, 34.876543)]
SECRET_TITLE = "SENSITIVETITLEQX"
WITNESS = "WITNESSLISTVALUEQX"
NAME = "Ali Hassan"


def hostile() -> pd.DataFrame:
    frame = to_incident_frame(
        pd.DataFrame(
            {
                "id": ["acled-1f2e3d4c5b6a", "acled-aaaabbbbcccc", "acled-999988887777"],
                "title": [SECRET_TITLE, "Shelling of a village", "Raid on a market"],
                "event_type": "other",
                "date_start": ["2025-03-07", "2025-03-08", "2025-03-09"],
                "date_precision": "day",
                "place_reported": ["Secret hamlet", "Jableh", "Baniyas"],
                "place_id": ["SECRETPLACEID", "", ""],
                "lon": [p[0] for p in EXACT],
                "lat": [p[1] for p in EXACT],
                "geo_precision": 1,
                "deaths_best": [3, 5, 7],
                "summary": ["SENSITIVESUMMARYQX", f"Witnesses said {NAME} was among the dead.", "Two civilians died."],
                "sensitive": [True, False, False],
                "sources": [
                    [{"publisher": "Wire", "title": "t", "url": "https://e.org/1", "quote": "SENSITIVEQUOTEQX"}],
                    [
                        {
                            "publisher": "Wire",
                            "title": "t",
                            "url": "https://e.org/2",
                            "quote": f"My son {NAME} was shot.",
                        }
                    ],
                    [{"publisher": "Wire", "title": "t", "url": "https://e.org/3", "quote": "Gunmen came at night."}],
                ],
                "figures": [
                    [],
                    [{"measure": "deaths", "value": 5, "qualifier": "exact", "publisher": "Wire", "quote": "x"}],
                    [
                        {
                            "measure": "deaths",
                            "value": 7,
                            "qualifier": "at least",
                            "publisher": "Wire",
                            "quote": "Among the dead was fatima\u00a0al-Khatib.",
                        }
                    ],
                ],
            }
        )
    )
    frame["witness_names"] = WITNESS
    frame["raster_value"] = 1234.5678
    return frame


def _forbidden(frame: pd.DataFrame) -> list[str]:
    return [
        SECRET_TITLE,
        "SENSITIVESUMMARYQX",
        "SENSITIVEQUOTEQX",
        "SECRETPLACEID",
        WITNESS,
        NAME,
        "al-Khatib",
        "1234.5678",
        *frame["id"],
        *(f"{lon:.5f}" for lon, _ in EXACT),
        *(f"{lat:.5f}" for _, lat in EXACT),
    ]


def test_registry_covers_the_cli_and_the_app():
    from layers.cli.export_cmd import add_parser

    parser = argparse.ArgumentParser()
    add_parser(parser.add_subparsers())
    to = next(a for a in parser._subparsers._group_actions[0].choices["export"]._actions if a.dest == "to")
    assert set(WRITERS) == set(FORMATS) == set(to.choices)


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_writes_only_the_public_table(tmp_path, fmt):
    gdf = hostile()
    out = tmp_path / f"x.{fmt}"
    result = export_file(gdf, out, fmt, title="Test", dpi=30, frames=2, fps=2, step="day")
    assert result.metadata.get("public_safe") is True
    files = sorted(out.iterdir()) if out.is_dir() else [out]  # TimeMap writes a folder of JSON files
    data = b"".join(f.read_bytes() for f in files)
    text = data.decode("utf-8", errors="ignore") + data.decode("latin-1")
    for marker in _forbidden(gdf):
        assert marker not in text, f"{fmt}: {marker!r} leaked"
    assert set(result.metadata["columns_dropped"]) == {"witness_names", "raster_value"}


def test_not_public_is_explicit_and_keeps_everything(tmp_path):
    gdf = hostile()
    out = export_file(gdf, tmp_path / "x.csv", "csv", public_safe=False).path
    text = out.read_text(encoding="utf-8")
    assert SECRET_TITLE in text
    assert WITNESS in text
    assert "acled-1f2e3d4c5b6a" in text


def _payload(page: str) -> dict:
    start = page.index("IncidentLayer.create(")
    start = page.index("{", page.index(",", start))
    return json.JSONDecoder().raw_decode(page[start:])[0]


def _same_as_public(page: str, frame: pd.DataFrame) -> None:
    got = _payload(page)
    want = to_payload(frame, public_safe=True)
    for key in ("n", "ids", "lat", "lon", "info", "S", "sources"):
        assert got[key] == want[key], key


def test_standalone_html_payload_is_the_public_table(tmp_path):
    gdf = hostile()
    page = export_file(gdf, tmp_path / "m.html", "html").path.read_text(encoding="utf-8")
    frame = apply_public(gdf).frame
    _same_as_public(page, frame)
    assert len(frame) == 2
    assert SECRET_TITLE not in page
    assert NAME not in page
    assert "\\u003c" not in json.dumps(_payload(page)["ids"])
    assert REDACTED_QUOTE in json.dumps(_payload(page)["sources"])


def test_story_html_payload_is_the_public_table_and_highlights_follow_ids(tmp_path):
    from layers.export.story import Story, StoryStep, StoryView

    gdf = hostile()
    view = StoryView(36.3, 35.2, 9)
    story = Story("t", "T", "", (), (StoryStep("c", "2025-03-01", "2025-03-31", view, ("acled-999988887777",)),))
    page = export_file(gdf, tmp_path / "s.html", "html", story=story).path.read_text(encoding="utf-8")
    table = apply_public(gdf)
    _same_as_public(page, table.frame)
    payload = _payload(page)
    assert [payload["ids"][i] for i in payload["h"]] == table.ids(["acled-999988887777"])


@pytest.mark.parametrize("module", ["app.py", "layers/cli/export_cmd.py", "layers/cli/density_cmd.py"])
def test_app_and_cli_reach_writers_only_through_the_single_entry_point(module):
    """The app's downloads and the CLI never call a writer themselves: export_file or public_density."""
    tree = ast.parse((REPO / module).read_text(encoding="utf-8"))
    called = {
        n.func.id if isinstance(n.func, ast.Name) else getattr(n.func, "attr", "")
        for n in ast.walk(tree)
        if isinstance(n, ast.Call)
    }
    writers = {
        "render_map",
        "render_animation",
        "story_to_pdf",
        "story_to_html",
        "to_standalone_html",
        "export_data",
    }
    assert not called & writers
    assert called & {"export_file", "public_density"}


def test_public_ids_resist_brute_force_over_the_cell():
    """Without an id column the importers' id is a SHA-1 of every field: try every 10 m point of the cell."""
    from layers.importers._build import row_digests

    def stable_ids(frame: pd.DataFrame, prefix: str) -> pd.Series:
        return prefix + "-" + row_digests(frame).str.slice(0, 12)

    raw = pd.DataFrame(
        {
            "date_start": ["2025-03-07"],
            "date_end": [""],
            "place_reported": ["Jableh"],
            "lat": ["35.361234"],
            "lon": ["35.925678"],
            "title": ["Shelling"],
            "event_type": ["other"],
        }
    )
    real = stable_ids(raw, "acled").iloc[0]
    gdf = to_incident_frame(raw.assign(id=real, lat=35.361234, lon=35.925678, sources=[[]]))
    public = apply_public(gdf, secret=b"s" * 32).frame
    plon, plat = float(public["lon"].iloc[0]), float(public["lat"].iloc[0])
    # 10 m steps (1e-4 degree ~ 9-11 m) over ±0.0075° around the public point: covers its 1 km cell.
    steps = np.round(np.arange(-0.0075, 0.0076, 0.0001), 4)
    lats = [f"{plat + d:.6f}" for d in steps]
    lats.append("35.361234")  # the true value is among the candidates
    cand = pd.DataFrame(
        [(a, b) for a in lats for b in [f"{plon + d:.6f}" for d in steps] + ["35.925678"]], columns=["lat", "lon"]
    )
    cand = cand.assign(
        **{k: raw[k].iloc[0] for k in ("date_start", "date_end", "place_reported", "title", "event_type")}
    )
    tried = set(stable_ids(cand[list(raw.columns)], "acled"))
    assert real in tried  # the brute force does find the stored id…
    pid = public["id"].iloc[0]
    assert pid not in tried  # …but the public id is none of them
    keys = (
        cand["date_start"]
        + "|"
        + cand["date_end"]
        + "|"
        + cand["place_reported"]
        + "|"
        + cand["lat"]
        + "|"
        + cand["lon"]
    )
    digest = pid.removeprefix("p-")
    for algo in ("sha1", "sha256", "md5"):
        assert not any(hashlib.new(algo, k.encode()).hexdigest().startswith(digest[:12]) for k in keys[:2000])


def test_installation_key_is_private_and_stable(tmp_path, monkeypatch):
    monkeypatch.setenv("SYRIA_MAP_HOME", str(tmp_path / "home"))
    key = installation_secret()
    path = tmp_path / "home" / KEY_FILE
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert installation_secret() == key
    assert len(key) == 32
    first = apply_public(hostile()).frame["id"].tolist()
    assert apply_public(hostile()).frame["id"].tolist() == first  # same installation, same public ids
    monkeypatch.setenv("SYRIA_MAP_HOME", str(tmp_path / "other"))
    assert not set(apply_public(hostile()).frame["id"]) & set(first)


def test_derived_columns_recomputed_and_extras_dropped():
    corridor = load_corridors()["M1"]
    a, b = corridor.vertices[1], corridor.vertices[2]
    lon, lat = (a.lon + b.lon) / 2 + 0.003, (a.lat + b.lat) / 2 + 0.002
    gdf = hostile().iloc[[1]].copy()
    gdf["lon"], gdf["lat"] = lon, lat
    gdf = gdf.set_geometry(gpd_points(lon, lat))
    gdf["corridor"] = "M1"
    gdf["chainage_km"] = float(locate_on(corridor, [lon], [lat])["chainage_km"].iloc[0])
    table = apply_public(gdf, grid_km=5.0)
    out = table.frame
    expected = float(locate_on(corridor, out["lon"].to_numpy(), out["lat"].to_numpy())["chainage_km"].iloc[0])
    assert out["chainage_km"].iloc[0] == pytest.approx(expected, abs=1e-9)
    assert out["chainage_km"].iloc[0] != pytest.approx(gdf["chainage_km"].iloc[0], abs=1e-6)
    assert list(out.columns[:-1]) == [c for c in PUBLIC_COLUMNS if c in out.columns]
    assert "witness_names" not in out
    assert "raster_value" not in out
    assert set(table.report.dropped_columns) == {"witness_names", "raster_value"}


def gpd_points(lon: float, lat: float):
    import geopandas as gpd

    return gpd.GeoSeries(gpd.points_from_xy([lon], [lat]), crs="EPSG:4326")


def test_redact_mode_drops_ids_and_place_ids_of_sensitive_records():
    out = apply_public(hostile(), sensitive="redact").frame
    row = out.iloc[0]
    assert row["place_id"] == ""
    assert row["place_reported"] == ""
    assert row["id"].startswith("p-")
    assert "acled-1f2e3d4c5b6a" not in out["id"].tolist()
    assert not re.search("SENSITIVE", json.dumps(out.drop(columns="geometry").astype(str).to_dict("records")))


def test_public_density_uses_coarsened_points_and_cells_no_finer_than_the_grid():
    gdf = hostile()
    gdf.loc[0, "sensitive"] = False
    fine = public_density(gdf, bandwidth_km=1.0, weight="count", grid_km=2.0, cell_km=0.25)
    assert float(fine.tags["cell_km"]) == 2.0
    from layers.raster.density import density_raster

    coarse = apply_public(gdf, grid_km=2.0).frame
    expected = density_raster(coarse, bandwidth_km=1.0, weight="count", cell_km=2.0)
    assert np.array_equal(fine.array, expected.array)
    exact = density_raster(gdf, bandwidth_km=1.0, weight="count", cell_km=2.0)
    assert not np.array_equal(fine.array, exact.array) or fine.transform == exact.transform
