"""Benchmark the exporters: a 300-dpi A4 PNG of 10,000 incidents, a 120-frame GIF.

Targets: PNG ≤ 5 s, GIF ≤ 30 s. Synthetic incidents (made-up values). Run: python bench/bench_export.py
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from geo.corridors import load_corridors
from layers.export.animate import render_animation
from layers.export.basemap import load_basemap
from layers.export.static import render_map
from tests.export_fixtures import synthetic_incidents


def main() -> None:
    gdf = synthetic_incidents(10_000, seed=1)
    corridors = load_corridors()
    t0 = time.perf_counter()
    load_basemap()
    print(f"basemap load (once per process): {time.perf_counter() - t0:.2f} s")
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        out = render_map(
            gdf, Path(tmp) / "a4.png", title="Benchmark", preset="a4_landscape", dpi=300, corridors=corridors
        )
        png_s = time.perf_counter() - t0
        print(
            f"A4 PNG at 300 dpi, {len(gdf):,} incidents: {png_s:.2f} s (target ≤ 5 s), "
            f"{out.path.stat().st_size / 1e6:.1f} MB"
        )
        t0 = time.perf_counter()
        out = render_animation(
            gdf, Path(tmp) / "anim.gif", frames=120, preset="slide_16_9", dpi=72, corridors=corridors
        )
        gif_s = time.perf_counter() - t0
        print(
            f"GIF, {out.metadata['frames_written']} frames, {len(gdf):,} incidents: {gif_s:.2f} s "
            f"(target ≤ 30 s), {out.path.stat().st_size / 1e6:.1f} MB"
        )


if __name__ == "__main__":
    main()
