"""Tests for layers.spread: space–time table, spread estimate, chart."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from pyproj import Geod

from geo.corridors import load_corridors
from geo.errors import DataSchemaError
from layers.spread import (
    NOT_ENOUGH,
    analyse_spread,
    estimate_spread,
    follows_road,
    select_onsets,
    to_road_chart,
    to_spacetime_chart,
    to_spacetime_table,
)

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
    est = estimate_spread(select_onsets(table, None).onsets, "M5")
    assert est.status == "one front"
    assert est.direction == direction
    assert est.n_sites == len(df)
    assert est.p_value < 0.01
    assert est.speed_km_per_day == pytest.approx(speed, rel=0.10)
    front = est.fronts[0]
    assert front.ci90_low_km_per_day <= abs(est.speed_km_per_day) <= front.ci90_high_km_per_day
    assert "km/day" in est.sentence()


def test_coarser_dates_widen_the_interval(corridors):
    def width(precision):
        table = to_spacetime_table(_wave(corridors, 20.0, precision, n=16), "M5", 5, corridors)
        front = estimate_spread(select_onsets(table, None).onsets).fronts[0]
        return front.ci90_high_km_per_day - front.ci90_low_km_per_day

    assert width("week") > width("day")


def test_not_enough_timed_sites(corridors):
    df = _wave(corridors, 20.0, n=5)
    three = estimate_spread(to_spacetime_table(df.iloc[:3], "M5", 5, corridors))
    assert three.status == NOT_ENOUGH
    assert np.isnan(three.speed_km_per_day)
    assert "at least 4" in three.sentence()
    years = to_spacetime_table(df.assign(date_precision="year"), "M5", 5, corridors)
    assert estimate_spread(select_onsets(years, None).onsets).status == NOT_ENOUGH


def test_same_day_onsets_are_simultaneous_and_get_no_speed(corridors):
    df = _wave(corridors, 20.0, n=8).assign(date_start=pd.Timestamp("2025-03-07", tz="UTC"))
    est = estimate_spread(to_spacetime_table(df, "M5", 5, corridors), "M5")
    assert est.status == "simultaneous"
    assert est.n_ordered_pairs == 0
    assert np.isnan(est.speed_km_per_day)
    assert "consistent with a simultaneous onset within the dates' precision (8 sites, p = 1.00)" in est.sentence()
    assert "no speed is given" in est.sentence()


def _simultaneous_draw(rng, delay_hours):
    n = int(rng.integers(5, 16))
    x = rng.uniform(0, 200, n)
    onset = pd.Timestamp("2025-03-07", tz="UTC") + pd.Timedelta(hours=float(rng.uniform(0, 24)))
    reported = [(onset + pd.Timedelta(hours=float(h))).floor("D") for h in rng.exponential(delay_hours, n)]
    return pd.DataFrame(
        {"chainage_km": x, "time_start": reported, "time_end": [r + pd.Timedelta(days=1) for r in reported]}
    )


@pytest.mark.parametrize("delay_hours", [6.0, 30.0])
def test_simultaneous_onset_is_reported_as_simultaneous(delay_hours):
    """A common onset, each site reported on the day its first killing was seen: no false speed."""
    rng = np.random.default_rng(int(delay_hours))
    draws = 200
    false_speed = sum(
        estimate_spread(_simultaneous_draw(rng, delay_hours), n_perm=199, n_boot=10, seed=k).ordered
        for k in range(draws)
    )
    assert false_speed / draws <= 0.05


def test_two_fronts_from_a_middle_point_are_detected():
    x = np.array([10.0, 30, 50, 70, 90, 110, 130, 150, 170, 190])
    centre = 100.0
    start = pd.Timestamp("2025-03-01", tz="UTC")
    times = [start + pd.Timedelta(days=abs(c - centre) / 15) for c in x]
    days = [t.floor("D") for t in times]
    onsets = pd.DataFrame({"chainage_km": x, "time_start": days, "time_end": [d + pd.Timedelta(days=1) for d in days]})
    est = estimate_spread(onsets, "M5")
    assert est.status == "two fronts"
    assert est.direction == "outward"
    assert abs(est.centre_km - centre) <= 20
    assert {f.direction for f in est.fronts} == {"increasing chainage", "decreasing chainage"}
    for front in est.fronts:
        assert front.speed_km_per_day == pytest.approx(15, rel=0.35)
    assert "two fronts that spread out from km" in est.sentence()
    # The one-front fit alone would have averaged it away.
    assert abs(est.tau) > 0.5


def test_onsets_keep_the_first_killing_per_place_and_say_what_was_left_out(corridors):
    df = _wave(corridors, 20.0, n=6).assign(event_type="massacre", place_id=[f"p{k}" for k in range(6)])
    later = df.iloc[[0]].assign(id="later", date_start=df["date_start"].iloc[0] + pd.Timedelta(days=3))
    ambush = df.iloc[[1]].assign(id="ambush", event_type="clash", date_start=pd.Timestamp("2025-03-01", tz="UTC"))
    table = to_spacetime_table(pd.concat([df, later, ambush], ignore_index=True), "M5", 5, corridors)
    sel = select_onsets(table)
    assert sorted(sel.used_ids) == sorted(df["id"])
    reasons = dict(zip(sel.left_out["id"], sel.left_out["reason"], strict=True))
    assert reasons == {"later": "not the first record at its place", "ambush": "event type clash not selected"}
    assert "6 place(s)" in sel.summary()
    # Choosing clashes too makes the ambush its place's onset.
    assert "ambush" in select_onsets(table, ("massacre", "clash")).used_ids


@pytest.fixture(scope="module")
def settlements(gazetteer):
    places = gazetteer.places
    return places[places["kind"].isin(["village", "town", "city"])]


def test_uniform_villages_do_not_follow_the_road(corridors, settlements):
    rng = np.random.default_rng(7)
    western = settlements[settlements["lon"] < 37.5]
    findings = 0
    draws = 100
    for k in range(draws):
        sample = western.iloc[rng.choice(len(western), 8, replace=False)]
        findings += follows_road(
            sample, settlements, ("M1", "M4", "M5"), corridors=corridors, n_draws=999, seed=k
        ).follows
    assert findings / draws <= 0.05


def test_villages_near_the_road_follow_it(corridors, settlements):
    from layers.spread.road import distance_to_roads

    d = distance_to_roads(settlements["lon"], settlements["lat"], ("M5",), corridors)
    near = settlements[d <= 5].head(10)
    assert len(near) >= 8
    test = follows_road(near, settlements, ("M5",), corridors=corridors)
    assert test.follows
    assert test.share_near == 1.0
    assert test.expected_share < 0.6
    assert test.ratio > 1.5
    assert "times the share expected" in test.sentence()
    assert "share" in to_road_chart(test).to_json()


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


def test_chart_marks_each_interval(corridors):
    table = to_spacetime_table(_wave(corridors, 20.0, "week"), "M5", 5, corridors)
    est = estimate_spread(table, "M5")
    spec = to_spacetime_chart(table, est, "M5, March 2025").to_dict()
    assert spec["mark"]["type"] == "rule"
    assert spec["encoding"]["x2"]["field"] == "time_end"
    assert "M5, March 2025" in str(spec["title"])
    assert "km/day" in str(spec["title"])


def test_curated_march_2025_answers(gazetteer):
    from layers.curated import load_curated

    incidents = load_curated("coast_march_2025", gazetteer)
    for road in ("M1", "M4"):
        result = analyse_spread(incidents, road, within_km=10, settlements=gazetteer.places)
        words = result.sentences()
        assert words[0].startswith(f"Onsets within 10 km of the {road}")
        # The Datur ambush and raid (security forces, not killings of civilians) are not onsets.
        assert all(t in result.selection.kinds for t in result.selection.onsets["event_type"])
        assert result.to_dict()["spread"]["sentence"] == result.estimate.sentence()
