"""Issue 17, lower findings: header cells, bidi controls, NUL bytes, server paths in messages."""

from __future__ import annotations

import csv
import tempfile
from pathlib import Path

import pandas as pd
import pytest

from geo.errors import ExportError, StoreError
from geo.safety import scrub_paths, strip_bidi
from geo.tables import neutralize_formulas
from layers.app_state import md_text
from layers.export.data import export_data
from layers.incidents import to_incident_frame
from layers.render.payload import _text
from layers.store import save_gpkg
from layers.timeline import FilterSpec, filter_incidents
from tests.export_fixtures import synthetic_incidents

RLO, PDF = "\u202e", "\u202c"


def test_header_cells_are_neutralised_like_data_cells(tmp_path: Path) -> None:
    table = pd.DataFrame({'=HYPERLINK("http://evil.invalid")': ["=1+1"], "+sum": [1], "plain": ["ok"]})
    out = neutralize_formulas(table)
    assert out.columns.tolist() == ['\'=HYPERLINK("http://evil.invalid")', "'+sum", "plain"]
    assert out.iloc[0, 0] == "'=1+1"
    incidents = synthetic_incidents(3).assign(**{"@witness_notes": ["a", "b", "c"]})
    path = tmp_path / "x.csv"
    export_data(incidents, path, fmt="csv", public_safe=False)
    with path.open(encoding="utf-8") as handle:
        header = next(csv.reader(handle))
    assert not any(cell.startswith(("=", "+", "-", "@")) for cell in header), header


def test_geocode_output_header_is_neutralised(tmp_path: Path) -> None:
    from geo.cli import geocode

    source = tmp_path / "in.csv"
    source.write_text("name,\"=cmd|' /C calc'!A0\"\nHoms,x\n", encoding="utf-8")
    out = tmp_path / "out.csv"
    import argparse

    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command", required=True)
    geocode.add_parser(sub)
    args = parser.parse_args(["geocode", str(source), "--column", "name", "--out", str(out)])
    args.run(args)
    header = next(csv.reader(out.open(encoding="utf-8")))
    assert "'=cmd|' /C calc'!A0" in header
    assert not any(cell.startswith("=") for cell in header)


def test_bidi_override_is_removed_from_labels_and_matched_by_filters() -> None:
    reversed_text = RLO + "secrof noitisoppo" + PDF  # shows as "opposition forces"
    table = to_incident_frame(
        synthetic_incidents(2).assign(perpetrator_reported=["opposition" + "\u2067" + " forces", reversed_text])
    )
    assert filter_incidents(table, FilterSpec(perpetrator="opposition forces"))["id"].tolist() == ["t-0"]
    assert filter_incidents(table, FilterSpec(perpetrator="secrof"))["id"].tolist() == ["t-1"]
    assert _text(table["perpetrator_reported"]).tolist() == ["opposition forces", "secrof noitisoppo"]
    assert md_text(reversed_text) == "secrof noitisoppo"  # what it really says, in the app's markdown
    assert strip_bidi("\u200fحمص\u200e") == "حمص"


def test_nul_bytes_are_refused_with_a_reason(tmp_path: Path) -> None:
    table = synthetic_incidents(3)
    table.loc[1, "title"] = "Shelling\x00 of the market"
    with pytest.raises(StoreError, match=r"d\.gpkg: record 't-1', field 'title' holds the control character U\+0000"):
        save_gpkg(to_incident_frame(table), tmp_path / "d.gpkg")
    assert not (tmp_path / "d.gpkg").exists()
    with pytest.raises(ExportError, match=r"x\.kml: record 't-1', field 'title' holds the control character U\+0000"):
        export_data(table, tmp_path / "x.kml", fmt="kml", public_safe=False)
    table.loc[1, "title"] = "bell\x07"
    with pytest.raises(ExportError, match=r"U\+0007"):
        export_data(table, tmp_path / "x.kml", fmt="kml", public_safe=False)


def test_server_folders_are_left_out_of_messages() -> None:
    tmp = tempfile.gettempdir()
    message = f"{tmp}/tmpab12cd/evil.kml: not KML; see {Path.home()}/.syria_map/places.csv"
    scrubbed = scrub_paths(message)
    assert scrubbed == "evil.kml: not KML; see places.csv"
    assert scrub_paths("/srv/x/upload.csv: bad", ["/srv/x"]) == "upload.csv: bad"


def test_bidi_controls_are_removed_from_popup_source_fields_and_time_labels(tmp_path: Path) -> None:
    """Source publisher, date, title, URL and quote in every popup; the time label of points and grid maps."""
    from geo.safety import BIDI_CONTROLS
    from layers.render.aggregate import to_grid_payload
    from layers.render.payload import to_payload
    from layers.standalone import to_standalone_html

    LRI, PDI = "\u2066", "\u2069"
    source = {
        "publisher": RLO + "eriW tseT" + PDF,
        "title": LRI + "Shelling" + PDI + " report",
        "date": "\u200f2025-03",
        "url": "https://example.org/" + RLO + "gpj.exe",
        "quote": "They said " + RLO + "nwod" + PDF + " twice.",
    }
    frame = synthetic_incidents(4).assign(sensitive=False, aggregate=False, sources=[[source]] * 4)
    table = to_incident_frame(frame)
    payload = to_payload(table, time_label=RLO + "4202 yraunaJ" + PDF)
    assert payload["sources"][0] == [
        ["eriW tseT", "2025-03", "Shelling report", "https://example.org/gpj.exe", "They said nwod twice."]
    ]
    assert payload["timeLabel"] == "4202 yraunaJ"
    grid = to_grid_payload(table, time_label="\u202bMarch\u202c 2024")
    assert grid["timeLabel"] == "March 2024"
    out = tmp_path / "map.html"
    to_standalone_html(table, out, title=RLO + "title" + PDF, public_safe=False)
    page = out.read_text(encoding="utf-8")
    assert "eriW tseT" in page
    assert "Shelling report" in page
    assert BIDI_CONTROLS.search(page) is None
