"""Tests for layers.spread: space–time table, spread estimate, chart."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from pyproj import Geod

from geo.corridors import load_corridors
from geo.errors import DataSchemaError
from layers.spread import NOT_ENOUGH, estimate_spread, to_spacetime_chart, to_spacetime_table

GEOD = Geod(ellps="WGS84")


@pytest.fixture(scope="module")
def corridors():
    return load_corridors()


def _points_on(corridor, chainage_km):
    """Points on a corridor at given chainages (walking the vertex geodesics)."""
    lons = [v.lon for v in corridor.vertices]
    lats = [v.lat for v in corridor.vertices]
    cum = corridor.vertex_chainage_km
    out = []
    for c in chainage_km:
        i = min(np.searchsorted(cum, c, side="right") - 1, len(cum) - 2)
        az, _, _ = GEOD.inv(lons[i], lats[i], lons[i + 1], lats[i + 1])
        lon, lat, _ = GEOD.fwd(lons[i], lats[i], az, (c - cum[i]) * 1000)
        out.append((lon, lat))
    return np.array(out)


def _wave(corridors, speed_km_per_day, precision="day", n=12, ref="M5"):
    chain = np.linspace(10, 250, n)
    t0 = pd.Timestamp("2025-03-06", tz="UTC")
    start = [(t0 + pd.Timedelta(days=c / speed_km_per_day)).floor("D") for c in chain]
    pts = _points_on(corridors[ref], chain)
    return pd.DataFrame(
        {
            "id": [f"i{k}" for k in range(n)],
            "title": "synthetic",
            "date_start": start,
            "date_end": pd.NaT,
            "date_precision": precision,
            "place_reported": [f"p{k}" for k in range(n)],
            "lon": pts[:, 0],
            "lat": pts[:, 1],
            "deaths_low": 1,
            "deaths_best": 2,
            "deaths_high": 3,
            "aggregate": False,
        }
    )


@pytest.mark.parametrize(("speed", "direction"), [(20.0, "increasing chainage"), (-8.0, "decreasing chainage")])
def test_synthetic_wave_speed_recovered(corridors, speed, direction):
    df = _wave(corridors, abs(speed))
    if speed < 0:  # run the wave the other way
        df["date_start"] = df["date_start"].iloc[::-1].to_numpy()
    table = to_spacetime_table(df, "M5", 5, corridors)
    est = estimate_spread(table, "M5")
    assert est.status == "ok"
    assert est.direction == direction
    assert est.n_points == len(df)
    assert est.speed_km_per_day == pytest.approx(speed, rel=0.10)
    assert est.ci90_low_km_per_day <= est.speed_km_per_day <= est.ci90_high_km_per_day
    assert est.speed_km_per_hour == pytest.approx(est.speed_km_per_day / 24)


def test_coarser_dates_widen_the_interval(corridors):
    day = estimate_spread(to_spacetime_table(_wave(corridors, 20.0), "M5", 5, corridors))
    week = estimate_spread(to_spacetime_table(_wave(corridors, 20.0, "week"), "M5", 5, corridors))
    assert (week.ci90_high_km_per_day - week.ci90_low_km_per_day) > (day.ci90_high_km_per_day - day.ci90_low_km_per_day)


def test_not_enough_timed_points(corridors):
    df = _wave(corridors, 20.0, n=5)
    two = estimate_spread(to_spacetime_table(df.iloc[:2], "M5", 5, corridors))
    assert two.status == NOT_ENOUGH
    assert np.isnan(two.speed_km_per_day)
    years = df.assign(date_precision="year")
    assert estimate_spread(to_spacetime_table(years, "M5", 5, corridors)).status == NOT_ENOUGH
    same_day = df.assign(date_start=pd.Timestamp("2025-03-07", tz="UTC"))
    assert estimate_spread(to_spacetime_table(same_day, "M5", 5, corridors)).status == NOT_ENOUGH


def test_table_skips_aggregates_far_points_and_handles_dates(corridors):
    df = _wave(corridors, 20.0, n=4)
    df.loc[0, "aggregate"] = True
    df.loc[1, ["lon", "lat"]] = [40.15, 35.333333]  # Deir ez-Zor, far from the M5
    df["date_start"] = ["2025-03-07", "2025-03-08T10:00:00+02:00", "2025-03-09", None]
    df.loc[2, "date_end"] = "2025-03-10"
    table = to_spacetime_table(df, "M5", 5, corridors)
    assert table["id"].tolist() == ["i2", "i3"]  # NaT sorts last
    assert table.loc[0, "time_end"] == pd.Timestamp("2025-03-11", tz="UTC")
    assert table.loc[0, "deaths_range"] == "1–3"
    assert str(table["time_start"].dt.tz) == "UTC"
    with pytest.raises(DataSchemaError, match="date_precision"):
        to_spacetime_table(df.drop(columns="date_precision"), "M5", 5, corridors)


def test_chart_renders(corridors):
    table = to_spacetime_table(_wave(corridors, 20.0), "M5", 5, corridors)
    est = estimate_spread(table, "M5")
    spec = to_spacetime_chart(table, est, "M5, March 2025").to_json()
    assert "chainage_km" in spec
    assert "increasing chainage" in spec
    assert "M5, March 2025" in spec
