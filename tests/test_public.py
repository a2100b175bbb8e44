import json

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from geo.places import geodesic_km
from layers.export.public import (
    _FROM_GRID,
    _TO_GRID,
    REDACTED_QUOTE,
    apply_public,
    coarsen_lonlat,
    is_quote_safe,
    to_public,
)
from layers.incidents import to_incident_frame
from tests.export_fixtures import synthetic_incidents


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    rows=st.lists(
        st.tuples(st.floats(35.6, 42.3), st.floats(32.4, 37.3), st.booleans(), st.integers(0, 10**6)),
        min_size=1,
        max_size=15,
    ),
    grid_km=st.sampled_from([0.5, 1.0, 5.0]),
    mode=st.sampled_from(["withhold", "redact"]),
)
def test_public_mode_leaks_nothing_sensitive(rows, grid_km, mode):
    frame = to_incident_frame(
        pd.DataFrame(
            {
                "id": [f"r{i}" for i in range(len(rows))],
                "title": [f"TITLE{i}X{r[3]}" for i, r in enumerate(rows)],
                "summary": [f"SUMMARY{i}X{r[3]}" for i, r in enumerate(rows)],
                "lon": [r[0] for r in rows],
                "lat": [r[1] for r in rows],
                "date_start": "2025-03-07",
                "sensitive": [r[2] for r in rows],
                "sources": [
                    [{"publisher": "P", "url": "https://e.org", "quote": f"QUOTE{i}X{r[3]} by Ali Hassan"}]
                    for i, r in enumerate(rows)
                ],
            }
        )
    )
    table = apply_public(frame, grid_km=grid_km, sensitive=mode, secret=b"k" * 32)
    out, report = table
    back = {public: original for original, public in table.id_map.items()}
    assert not set(out["id"]) & set(frame["id"])  # ids are replaced
    original_ids = [back[i] for i in out["id"]]
    text = json.dumps(out.drop(columns="geometry").astype(str).to_dict("records"))
    exact = {(round(r[0], 9), round(r[1], 9)) for r in rows if r[2]}
    for i, r in enumerate(rows):
        if r[2]:
            for field in ("TITLE", "SUMMARY", "QUOTE"):
                assert f"{field}{i}X{r[3]}" not in text
    assert "Ali Hassan" not in text  # every quote names a person: all redacted
    assert not exact & {(round(a, 9), round(b, 9)) for a, b in zip(out["lon"], out["lat"], strict=True)}
    # Every point is a grid-cell centre within half a cell diagonal of its original.
    originals = frame.set_index("id")
    x, y = _TO_GRID.transform(out["lon"].to_numpy(), out["lat"].to_numpy())
    size = grid_km * 1000
    for v in (np.asarray(x), np.asarray(y)):
        frac = (v / size) % 1
        assert np.allclose(frac, 0.5, atol=1e-6)
    ox, oy = _TO_GRID.transform(
        originals.loc[original_ids, "lon"].to_numpy(), originals.loc[original_ids, "lat"].to_numpy()
    )
    assert np.all(np.hypot(np.asarray(x) - ox, np.asarray(y) - oy) <= size * np.sqrt(2) / 2 + 1e-6)
    ground = geodesic_km(out["lon"], out["lat"], originals.loc[original_ids, "lon"], originals.loc[original_ids, "lat"])
    assert np.all(ground <= grid_km * np.sqrt(2) / 2 * 1.003)
    assert report.withheld == (sum(r[2] for r in rows) if mode == "withhold" else 0)


def test_coarsened_points_are_cell_centres():
    lon, lat = coarsen_lonlat([36.1, 40.2], [35.2, 35.3], 5.0)
    x, y = _TO_GRID.transform(lon, lat)
    assert np.allclose(np.asarray(x) / 5000 % 1, 0.5, atol=1e-6)
    assert np.allclose(np.asarray(y) / 5000 % 1, 0.5, atol=1e-6)
    back = _FROM_GRID.transform(x, y)
    assert np.allclose(back[0], lon)


@pytest.mark.parametrize(
    ("quote", "safe"),
    [
        ("Two members of the Syrian Defense Ministry were killed.", True),
        ("On March 7, fighters entered the village.", True),
        ("Her brother Ali Hassan was taken.", False),
        ("Abu Omar said the men came at night.", False),
        ("Residents of Al-Rusafa. The convoy arrived.", True),
    ],
)
def test_quote_redactor(quote, safe):
    assert is_quote_safe(quote) is safe


def test_quotes_with_names_are_redacted_and_counted():
    gdf = synthetic_incidents(5)
    gdf.at[gdf.index[0], "sources"] = [{"publisher": "X", "quote": "Witness Ahmed Khalil said so.", "url": "u"}]
    out, report = to_public(gdf, grid_km=1.0)
    assert REDACTED_QUOTE in json.dumps(out["sources"].tolist())
    assert report.redacted_quotes >= 1


def test_public_off_keeps_everything():
    gdf = synthetic_incidents(10)
    out, report = apply_public(gdf, public_safe=False)
    assert len(out) == len(gdf)
    assert report.public_safe is False
    assert np.allclose(out["lon"], gdf["lon"])
