"""Benchmark: chainage for 1,000,000 random points per corridor vs a per-point shapely loop.

Run: ``python bench/bench_corridors.py``. The loop projects each point with
pyproj and calls ``LineString.project`` / ``interpolate`` on a shapely object,
one point at a time; it runs on a 10,000-point subsample and is extrapolated
to 1,000,000 (the output says so). Target: under 2 s per corridor.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np
import shapely

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from geo.corridors import load_corridors, locate_on

N_POINTS = 1_000_000
N_LOOP = 10_000


def _loop(corridor, lons, lats) -> np.ndarray:
    """Compute chainage one point at a time with shapely objects (same CRS and table)."""
    frame = corridor.frame
    line = frame.line
    out = np.empty(lons.size)
    cum = frame.cum_geod_m
    seg_proj = np.hypot(*np.diff(frame.xy, axis=0).T)
    cum_proj = np.concatenate([[0.0], np.cumsum(seg_proj)])
    for k, (lon, lat) in enumerate(zip(lons, lats, strict=True)):
        x, y = frame.to_proj.transform(lon, lat)
        s = line.project(shapely.Point(x, y))
        i = min(int(np.searchsorted(cum_proj, s, side="right")) - 1, cum.size - 2)
        out[k] = cum[i] + (s - cum_proj[i]) / seg_proj[i] * (cum[i + 1] - cum[i])
    return out / 1000.0


def main() -> None:
    """Time the vectorized path and the loop; print the figures and the ratio."""
    corridors = load_corridors()
    rng = np.random.default_rng(42)
    print(
        f"{'corridor':8} {'pieces':>6} {'vectorized 1M (s)':>18} {'loop 10k (s)':>12} "
        f"{'loop 1M extrap. (s)':>20} {'speed-up':>9} {'max |diff| km':>14}"
    )
    for ref, corridor in corridors.items():
        vlon = [v.lon for v in corridor.vertices]
        vlat = [v.lat for v in corridor.vertices]
        lon0, lat0, lon1, lat1 = min(vlon), min(vlat), max(vlon), max(vlat)
        lons = rng.uniform(lon0 - 0.5, lon1 + 0.5, N_POINTS)
        lats = rng.uniform(lat0 - 0.5, lat1 + 0.5, N_POINTS)
        t0 = time.perf_counter()
        fast = locate_on(corridor, lons, lats)
        t_fast = time.perf_counter() - t0
        t0 = time.perf_counter()
        slow = _loop(corridor, lons[:N_LOOP], lats[:N_LOOP])
        t_loop = time.perf_counter() - t0
        t_loop_1m = t_loop * N_POINTS / N_LOOP
        diff = np.abs(fast["chainage_km"].to_numpy()[:N_LOOP] - slow).max()
        print(
            f"{ref:8} {len(corridor.frame.xy) - 1:>6} {t_fast:>18.2f} {t_loop:>12.2f} "
            f"{t_loop_1m:>20.1f} {t_loop_1m / t_fast:>8.0f}x {diff:>14.2e}"
        )
    print(
        f"(loop timed on {N_LOOP:,} points and extrapolated linearly to {N_POINTS:,}; "
        "points uniform in the corridor's bounding box + 0.5 degree)"
    )


if __name__ == "__main__":
    main()
