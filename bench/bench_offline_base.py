"""Benchmark the Offline base layer: bytes it adds to a standalone HTML and time to draw it.

Prints, for the standalone export of the curated coast incidents: the file size with the
Offline base (and corridors) against the same export on the blank base without corridors;
in headless Chromium (every http(s) request blocked), the time to build the layer
(``window.__offlineBaseBuildMs``) and to draw a frame at zoom 7 and after zooming to 9
(districts and all city labels on), as the median of --runs page loads. Budget (issue 15):
≤ 1.5 MB added, ≤ 0.5 s to draw.

Usage: python bench/bench_offline_base.py [--runs 5]
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from geo.gazetteer import load_gazetteer
from layers.curated import load_curated
from layers.render.incident_map import incident_map
from layers.render.offline_base import _payload_json, export_layers
from layers.standalone import _write_page

ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    gdf = load_curated("coast_march_2025", load_gazetteer(include_geonames=False))
    out = Path(tempfile.mkdtemp())
    t0 = time.perf_counter()
    with_base = incident_map(gdf, offline_assets=True, **export_layers())
    page_with = _write_page(with_base, gdf, out / "offline.html", title="t", public_safe=True, coarsen_km=None)
    build_s = time.perf_counter() - t0
    without = incident_map(gdf, offline_assets=True, basemap="blank")
    page_without = _write_page(without, gdf, out / "blank.html", title="t", public_safe=True, coarsen_km=None)
    a, b = page_with.stat().st_size, page_without.stat().st_size
    data = len(_payload_json().encode())
    print(f"standalone HTML: {a / 1e6:.2f} MB with Offline base + corridors, {b / 1e6:.2f} MB blank (with mini map)")
    print(f"  difference {(a - b) / 1e6:+.2f} MB; the basemap data itself {data / 1e6:.3f} MB + offline_base.js/css")
    print(f"build (Python, incl. first load of the basemap data): {build_s:.2f} s")
    from playwright.sync_api import sync_playwright

    builds, frames, zooms = [], [], []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS, headless=True)
        for _ in range(args.runs):
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            page.route(re.compile(r"^https?://"), lambda r: r.abort())
            page.goto(page_with.as_uri())
            page.wait_for_function("window.__incidentMapReady === true", timeout=30_000)
            builds.append(page.evaluate("window.__offlineBaseBuildMs"))
            frames.append(
                page.evaluate(
                    "() => new Promise(res => { const m = window.__offlineBase._map, t = performance.now();"
                    " m.once('moveend', () => requestAnimationFrame(() => res(performance.now() - t)));"
                    " m.setView([35.0, 37.5], 7, {animate: false}); })"
                )
            )
            zooms.append(
                page.evaluate(
                    "() => new Promise(res => { const m = window.__offlineBase._map, t = performance.now();"
                    " m.once('zoomend', () => requestAnimationFrame(() => res(performance.now() - t)));"
                    " m.setView([35.2, 36.0], 9, {animate: false}); })"
                )
            )
            page.close()
        browser.close()
    med = statistics.median
    print(
        f"browser, median of {args.runs}: build the layer {med(builds):.0f} ms; redraw at zoom 7 {med(frames):.0f} ms;"
        f" zoom to 9 (districts, all cities) {med(zooms):.0f} ms"
    )


if __name__ == "__main__":
    main()
