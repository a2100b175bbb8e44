"""Benchmark: overlay preparation for a 10,000 × 10,000 float32 GeoTIFF (400 MB) with overviews.

Builds the file in a temporary directory (written block by block, then
overviews 2–32 with average resampling), then times ``prepare_overlay`` (and
``terrain_overlay``) in a fresh subprocess each and reports wall time and the
subprocess's own peak RSS (``VmHWM`` from /proc/self/status; on Linux
``getrusage(RUSAGE_SELF).ru_maxrss`` of a child would also count the parent's
RSS at fork time). The peak includes the interpreter and the imports (numpy,
rasterio, matplotlib, geopandas: about 175 MB).
Targets: ≤ 2 s and ≤ 500 MB peak for ``prepare_overlay``.

Run: ``python bench/bench_raster.py [--size 10000] [--keep DIR] [--no-overviews]``.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import rasterio
from rasterio.enums import Resampling
from rasterio.transform import from_origin
from rasterio.windows import Window

REPO = Path(__file__).resolve().parents[1]

CHILD = r"""
import json, resource, sys, time
sys.path.insert(0, {repo!r})
t0 = time.perf_counter()
from layers.raster import prepare_overlay, terrain_overlay, overlay_png_bytes
t_import = time.perf_counter() - t0
kind, path = sys.argv[1], sys.argv[2]
t0 = time.perf_counter()
ov = (terrain_overlay if kind == "terrain" else prepare_overlay)(path)
t_prepare = time.perf_counter() - t0
t0 = time.perf_counter()
png = overlay_png_bytes(ov)
t_png = time.perf_counter() - t0
# VmHWM is this process's own peak RSS; ru_maxrss on Linux also counts the parent's RSS at fork/exec time.
try:
    hwm = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM:")) / 1024
except OSError:
    hwm = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({{"kind": kind, "import_s": t_import, "prepare_s": t_prepare, "png_s": t_png,
                  "png_mb": len(png) / 1e6, "peak_rss_mb": hwm,
                  "shape": list(ov.rgba.shape), "read_shape": list(ov.read_shape), "downsampled": ov.downsampled,
                  "note": ov.note}}))
"""


def build(path: Path, size: int, overviews: bool) -> float:
    """Write a size × size float32 DEM-like raster in UTM 37N over Syria, block by block; return seconds."""
    t0 = time.perf_counter()
    transform = from_origin(150_000, 4_150_000, 60, 60)  # 600 km × 600 km at 60 m
    profile = {
        "driver": "GTiff",
        "width": size,
        "height": size,
        "count": 1,
        "dtype": "float32",
        "crs": "EPSG:32637",
        "transform": transform,
        "nodata": -9999.0,
        "tiled": True,
        "blockxsize": 512,
        "blockysize": 512,
        "BIGTIFF": "IF_SAFER",
    }
    cols = np.arange(size, dtype=np.float32)
    with rasterio.open(path, "w", **profile) as dst:
        step = 512
        for r0 in range(0, size, step):
            rows = np.arange(r0, min(size, r0 + step), dtype=np.float32)[:, None]
            block = 300 + 200 * np.sin(rows / 700) * np.cos(cols / 900) + rows * 0.05
            block[:, : size // 50] = -9999.0  # a strip of no data
            dst.write(block.astype(np.float32), 1, window=Window(0, r0, size, len(rows)))
        if overviews:
            dst.build_overviews([2, 4, 8, 16, 32], Resampling.average)
    return time.perf_counter() - t0


def measure(kind: str, path: Path) -> dict[str, object]:
    """Run one overlay preparation in a fresh interpreter and return its figures."""
    out = subprocess.run(
        [sys.executable, "-c", CHILD.format(repo=str(REPO)), kind, str(path)],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=10_000)
    parser.add_argument("--keep", help="build the file in this directory and keep it")
    parser.add_argument("--no-overviews", action="store_true", help="also measure the same file without overviews")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(args.keep or tmp)
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"bench_{args.size}.tif"
        built = build(path, args.size, overviews=True)
        print(
            f"built {args.size}×{args.size} float32 GeoTIFF with overviews: {path.stat().st_size / 1e6:.0f} MB "
            f"in {built:.1f} s"
        )
        for kind in ("overlay", "terrain"):
            m = measure(kind, path)
            flag = "OK" if (m["prepare_s"] <= 2 and m["peak_rss_mb"] <= 500) else "OVER TARGET"
            print(
                f"{kind:8s} prepare {m['prepare_s']:.2f} s (+ import {m['import_s']:.2f} s, PNG {m['png_s']:.2f} s, "
                f"{m['png_mb']:.1f} MB), peak RSS {m['peak_rss_mb']:.0f} MB, output {m['shape'][1]}×{m['shape'][0]}, "
                f"read {m['read_shape'][1]}×{m['read_shape'][0]} [{flag if kind == 'overlay' else 'info'}]"
            )
        if args.no_overviews:
            bare = folder / f"bench_{args.size}_no_ovr.tif"
            build(bare, args.size, overviews=False)
            m = measure("overlay", bare)
            print(f"no overviews: prepare {m['prepare_s']:.2f} s, peak RSS {m['peak_rss_mb']:.0f} MB (info)")


if __name__ == "__main__":
    main()
