"""Tests of the folium renderers: offline assets, the incident map payload, escaping."""

from __future__ import annotations

import json
import re

import folium  # noqa: TID251 - tests of the renderer build folium maps to compare
import pandas as pd
import pytest

from geo.corridors import load_corridors
from geo.errors import InvalidOptionError
from layers.folium_map import incident_map, match_map, to_offline
from layers.incidents import to_incident_frame
from layers.render.assets import CDN_FILES, VENDOR_DIR
from layers.render.incident_map import km_markers
from layers.render.payload import to_payload

XSS = "<img src=x onerror=alert(1)>"
EXTERNAL = re.compile(r'<(?:script[^>]*\bsrc|link[^>]*\bhref)="(https?:)?//', re.IGNORECASE)


@pytest.fixture
def incidents() -> pd.DataFrame:
    return to_incident_frame(
        pd.DataFrame(
            {
                "id": ["a", "b", "c", "agg"],
                "title": [XSS, "Village raid", "Site", "Total"],
                "campaign": ["C1", "C2", "C1", "C1"],
                "date_start": ["2025-03-06", "2025-03-07", "2012-05-25", "2025-03-06"],
                "date_precision": ["day", "week", "day", "month"],
                "place_reported": ["Alpha", "Beta", "Gamma", "Syria"],
                "lon": [36.0, 36.2, 36.5, 38.0],
                "lat": [35.5, 35.1, 34.9, 35.0],
                "geo_precision": [1, 2, 3, 3],
                "deaths_low": [5, None, 100, 1000],
                "deaths_best": [10, None, 108, 1500],
                "summary": ["s1", "secret summary", "s3", "s4"],
                "sensitive": [False, True, False, False],
                "aggregate": [False, False, False, True],
                "sources": [
                    [{"publisher": "P<b>", "title": "T", "url": "https://example.org/a", "quote": "q1"}],
                    [{"publisher": "P2", "title": "T2", "url": "javascript:alert(1)", "quote": "private quote"}],
                    [],
                    [],
                ],
            }
        )
    )


def test_every_folium_cdn_url_has_a_vendored_copy():
    assert all((VENDOR_DIR / path).is_file() for path in CDN_FILES.values())
    manifest = json.loads((VENDOR_DIR / "MANIFEST.json").read_text(encoding="utf-8"))
    assert {row["file"] for row in manifest} >= set(CDN_FILES.values())
    assert all(row["licence"] and len(row["sha256"]) == 64 for row in manifest)


def test_offline_map_has_no_external_script_or_style(incidents):
    page = incident_map(incidents, corridors=load_corridors()).get_root().render()
    assert not EXTERNAL.search(page)
    assert "tile.openstreetmap.org" in page  # tiles stay online; the "Blank" base layer needs none
    plain = to_offline(match_map_fixture()).get_root().render()
    assert not EXTERNAL.search(plain)


def match_map_fixture() -> folium.Map:
    fmap = folium.Map()
    folium.Marker([35.0, 36.0], icon=folium.Icon(color="red")).add_to(fmap)  # needs the icon fonts
    return fmap


def test_online_map_uses_cdn_links(incidents):
    assert EXTERNAL.search(incident_map(incidents, offline_assets=False).get_root().render())


def test_data_is_escaped_in_the_page(incidents):
    page = incident_map(incidents).get_root().render()
    assert XSS not in page
    assert "\\u003cimg src=x onerror=alert(1)\\u003e" in page
    assert "P\\u003cb\\u003e" in page


def test_payload_leaves_out_aggregates_and_bad_urls(incidents):
    payload = to_payload(incidents)
    assert payload["ids"] == ["a", "b", "c"]
    assert payload["p"] == [1, 2, 3]
    assert payload["r"][0] < payload["r"][2]
    assert payload["sources"][payload["info"]["src"][1]][0][3] == ""  # javascript: URL dropped
    assert "1 aggregate" in payload["note"]


def test_public_safe_withholds_sensitive_details(incidents):
    page = incident_map(incidents, public_safe=True).get_root().render()
    assert "secret summary" not in page
    assert "private quote" not in page
    full = incident_map(incidents, public_safe=False).get_root().render()
    assert "secret summary" in full
    assert "private quote" in full


def test_map_controls_layers_and_label(incidents):
    page = (
        incident_map(
            incidents, corridors=load_corridors(), time_label="6–7 March 2025", basemap="osm", highlight_ids=["a"]
        )
        .get_root()
        .render()
    )
    for text in (
        "L.control.fullscreen",
        "L.Control.MiniMap",
        "L.Control.Measure",
        "L.control.layers",
        "Satellite (Esri World Imagery)",
        "Light (CartoDB Positron)",
        "Blank (no background)",
        '"Offline"',
        "OfflineBase.create(",
        "M4 25 km",
        '"timeLabel":"6–7 March 2025"',
        '"h":[0]',
        "L.control.scale",
    ):
        assert text in page, text


def test_bad_options_raise(incidents):
    with pytest.raises(InvalidOptionError, match="osm, light, satellite, offline, blank"):
        incident_map(incidents, basemap="dark")
    with pytest.raises(InvalidOptionError, match="campaign, dataset"):
        incident_map(incidents, colour_by="colour")


def test_km_markers_every_25_km():
    marks = km_markers(load_corridors()["M4"])
    assert marks["km"].diff().dropna().eq(25).all()
    assert len(marks) >= 10


def test_match_map_still_works():
    from geo.types import Match

    fmap = match_map(
        Match(
            query="x",
            place_id="p",
            name="<b>X</b>",
            lon=36.0,
            lat=35.0,
            coord_precision_m=500,
            source="test",
            geo_precision=2,
        )
    )
    assert "&lt;b&gt;X&lt;/b&gt;" in fmap.get_root().render()


def test_clustered_map_sets_max_zoom_for_every_base_layer():
    """Leaflet.markercluster throws 'Map has no maxZoom specified' without it (blank base)."""
    import numpy as np
    from streamlit_folium import _get_map_string  # noqa: TID251 - the app's renderer must see maxZoom too

    from layers.folium_map import incident_map
    from layers.incidents import to_incident_frame

    n = 600
    gdf = to_incident_frame(
        pd.DataFrame(
            {
                "id": [f"i{k}" for k in range(n)],
                "lon": np.linspace(36, 40, n),
                "lat": np.linspace(33, 36, n),
                "deaths_best": 1,
            }
        )
    )
    fmap = incident_map(gdf, basemap="blank", cluster_threshold=500)
    for page in (fmap.get_root().render(), _get_map_string(fmap)):  # standalone and inside streamlit-folium
        options = re.search(r"L\.map\((.*?)\);", page, re.DOTALL)
        assert options
        assert '"maxZoom": 19' in options.group(1)


def test_offline_base_layer_is_light_and_sourced(incidents):
    """The Offline base: coast, borders, rivers, admin lines and bilingual city labels, within the page budget."""
    from layers.render.offline_base import OFFLINE_ATTRIBUTION, offline_payload

    data = offline_payload()
    for key in ("land", "borders", "rivers", "adm1", "adm2"):
        assert len(data[key]) > 5, key
    names = {c[2]: c for c in data["cities"]}
    assert {"Latakia", "Tartus", "Homs", "Damascus", "Aleppo"} <= set(names)
    assert names["Homs"][3] == "حمص"
    assert all(29.5 <= c[0] <= 39.5 and 32 <= c[1] <= 45 for c in data["cities"])
    assert "OCHA" in OFFLINE_ATTRIBUTION
    assert "GSHHG" in OFFLINE_ATTRIBUTION
    with_base = incident_map(incidents, basemap="offline").get_root().render()
    without = incident_map(incidents, basemap="blank").get_root().render()
    added = len(with_base.encode()) - len(without.encode())
    # Base64 in the app's data URLs; the standalone export inlines it as text (a third smaller).
    assert 0 < added <= 1_500_000, added
    assert "L.Control.MiniMap" not in with_base  # the mini map would ask for web tiles


def test_chainage_labels_by_zoom(incidents):
    """Every 25 km label is marked close-zoom only, every 100 km label shows at any zoom."""
    page = incident_map(incidents, corridors=load_corridors(), basemap="blank").get_root().render()
    assert 'km-label km-wide\\"\\u003eM4 100 km' in page
    assert 'km-label km-close\\"\\u003eM4 25 km' in page
    assert "IncidentLayer.kmByZoom(" in page


def test_first_view_is_padded_clear_of_the_controls(incidents):
    from layers.render.incident_map import FIT_PADDING

    page = incident_map(incidents, basemap="blank").get_root().render()
    assert f'"paddingBottomRight": {list(FIT_PADDING[1])}'.replace(" ", "") in page.replace(" ", "")
    assert FIT_PADDING[1][1] >= 90  # the ▶ time control sits at the bottom left
