"""Benchmark the incident map against the naive one-folium.Marker-per-incident map.

Prints, for 1,000 / 10,000 / 50,000 / 100,000 synthetic incidents: build time
(incl. HTML render), HTML size and the time until the map is interactive in
headless Chromium (tiles blocked), for both ways; and one server-side "slider
step" (filter_incidents + rebuild + render) at 50,000. The naive build is
measured up to 10,000 incidents and extrapolated linearly above (said so in the
output); its browser time is measured up to 10,000 only. Both maps embed the same
vendored JS/CSS (offline), so the sizes compare like with like.

Above 20,000 points the map draws counts per grid cell (``aggregate_threshold``); the
``mode`` column says which. A last section compares, at --large incidents (200,000), the
aggregated map with the point map (threshold off) in the same run.

Usage: python bench/bench_map.py [--sizes 1000,10000,50000,100000] [--large 200000] [--no-browser]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import folium  # noqa: TID251 - the naive baseline is built with folium on purpose
import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from layers.folium_map import AGGREGATE_THRESHOLD, incident_map, to_offline
from layers.incidents import to_incident_frame
from layers.timeline import FilterSpec, filter_incidents

ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
NAIVE_MAX = 10_000


def synthetic(n: int, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    start = pd.Timestamp("2011-03-01", tz="UTC") + pd.to_timedelta(rng.integers(0, 5000, n), unit="D")
    return to_incident_frame(
        pd.DataFrame(
            {
                "id": [f"syn-{k}" for k in range(n)],
                "dataset": "synthetic",
                "title": [f"Synthetic incident {k}" for k in range(n)],
                "event_type": rng.choice(["massacre", "raid", "shelling/airstrike"], n),
                "date_start": start,
                "date_end": start + pd.to_timedelta(rng.integers(0, 3, n), unit="D"),
                "date_precision": "day",
                "place_reported": "Somewhere",
                "lon": rng.uniform(35.7, 42.0, n),
                "lat": rng.uniform(32.5, 37.2, n),
                "geo_precision": rng.integers(1, 4, n),
                "deaths_best": rng.integers(0, 300, n),
                "perpetrator_reported": "unknown (as reported)",
                "campaign": rng.choice([f"C{k}" for k in range(6)], n),
                "summary": "Synthetic record for benchmarking.",
                "confidence": "fair",
                "sources": [
                    [
                        {
                            "publisher": "Bench",
                            "title": "Report",
                            "url": "https://example.org/r",
                            "date": "2025-01-01",
                            "quote": "A short quote.",
                        }
                    ]
                ]
                * n,
            }
        )
    )


def naive_map(gdf: pd.DataFrame) -> folium.Map:
    fmap = folium.Map(location=[35, 38.5], zoom_start=7)
    for row in gdf.itertuples():
        popup = (
            f"<b>{row.title}</b><br>{row.date_start:%Y-%m-%d}<br>{row.place_reported}<br>"
            f"deaths {row.deaths_best}<br>{row.perpetrator_reported}<br>{row.sources[0]['publisher']}"
        )
        folium.Marker([row.lat, row.lon], popup=folium.Popup(popup, max_width=300), tooltip=row.title).add_to(fmap)
    return fmap


def timed(fn):
    t0 = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - t0


def browser_time(page, path: Path, ready_js: str) -> float:
    t0 = time.perf_counter()
    page.goto(path.as_uri(), wait_until="commit")
    page.wait_for_function(ready_js, timeout=300_000, polling=20)
    return time.perf_counter() - t0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,50000,100000")
    parser.add_argument("--large", type=int, default=200_000)
    parser.add_argument("--no-browser", action="store_true")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    tmp = Path(tempfile.mkdtemp(prefix="bench_map_"))
    pw = browser = page = None
    if not args.no_browser:
        from playwright.sync_api import sync_playwright

        pw = sync_playwright().start()
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        page = browser.new_page(viewport={"width": 1200, "height": 800})
        page.route("**/*", lambda r: r.abort() if r.request.url.startswith("http") else r.continue_())
    naive_per_point: float | None = None
    naive_bytes_per_point: float | None = None
    print(
        f"{'n':>7} {'mode':>6} | {'build s':>8} {'size MB':>8} {'ready s':>8} | {'naive build s':>14} {'naive MB':>9} "
        f"{'naive ready s':>13} | {'build ×':>7} {'size ×':>6}"
    )
    for n in sizes:
        gdf = synthetic(n)
        page_html, build = timed(lambda gdf=gdf: incident_map(gdf).get_root().render())
        fast_path = tmp / f"fast_{n}.html"
        fast_path.write_text(page_html, encoding="utf-8")
        size = len(page_html.encode("utf-8"))
        ready = browser_time(page, fast_path, "window.__incidentMapReady === true") if page else float("nan")
        if n <= NAIVE_MAX:
            naive_html, naive_build = timed(lambda gdf=gdf: to_offline(naive_map(gdf)).get_root().render())
            naive_size = len(naive_html.encode("utf-8"))
            naive_per_point, naive_bytes_per_point = naive_build / n, naive_size / n
            naive_path = tmp / f"naive_{n}.html"
            naive_path.write_text(naive_html, encoding="utf-8")
            js = "document.querySelectorAll('.leaflet-marker-icon').length > 0 && document.readyState === 'complete'"
            naive_ready = browser_time(page, naive_path, js) if page else float("nan")
            note = ""
        else:
            assert naive_per_point is not None
            assert naive_bytes_per_point is not None
            naive_build, naive_size, naive_ready = naive_per_point * n, naive_bytes_per_point * n, float("nan")
            note = "  (naive extrapolated from 10,000)"
        mode = "cells" if n > AGGREGATE_THRESHOLD else "points"
        print(
            f"{n:>7} {mode:>6} | {build:8.2f} {size / 1e6:8.2f} {ready:8.2f}"
            f" | {naive_build:14.2f} {naive_size / 1e6:9.2f} "
            f"{naive_ready:13.2f} | {naive_build / build:7.1f} {naive_size / size:6.1f}{note}"
        )
    gdf = synthetic(50_000)
    spec = FilterSpec(start=pd.Timestamp("2015-01-01", tz="UTC"), end=pd.Timestamp("2016-01-01", tz="UTC"))
    runs = []
    for _ in range(3):
        t0 = time.perf_counter()
        sub = filter_incidents(gdf, spec)
        incident_map(sub, time_label="2015").get_root().render()
        runs.append(time.perf_counter() - t0)
    print(
        f"slider step at 50,000 (filter_incidents + rebuild + render, {len(sub)} shown): "
        f"best {min(runs) * 1000:.0f} ms of 3"
    )
    if args.large:
        large(args.large, tmp, page)
    if browser is not None and pw is not None:
        browser.close()
        pw.stop()


def large(n: int, tmp: Path, page: object) -> None:
    """At *n* incidents: the aggregated map against the point map, built and opened in the same run."""
    gdf = synthetic(n, seed=1)
    rows = {}
    for label, threshold in (("cells", AGGREGATE_THRESHOLD), ("points", 10**9)):
        html, build = timed(
            lambda t=threshold: incident_map(gdf, basemap="blank", aggregate_threshold=t).get_root().render()
        )
        path = tmp / f"large_{label}.html"
        path.write_text(html, encoding="utf-8")
        try:
            ready = browser_time(page, path, "window.__incidentMapReady === true") if page else float("nan")
        except Exception:  # the point map may not get ready within the browser_time limit
            ready = float("inf")
        rows[label] = (build, len(html.encode("utf-8")) / 1e6, ready)
        print(
            f"{n:,} incidents as {label:6s}: build {build:6.2f} s, page {rows[label][1]:6.2f} MB, ready {ready:7.2f} s"
        )
    (cb, cs, cr), (pb, ps, pr) = rows["cells"], rows["points"]
    print(
        f"cells vs points at {n:,}: build {pb / cb:.1f}× faster, page {ps / cs:.1f}× smaller, "
        f"ready {pr / cr:.1f}× sooner"
    )


if __name__ == "__main__":
    main()
