"""Time and peak memory of importing 100,000 synthetic ACLED rows, now and with a previous commit.

Run ``python bench/bench_import.py [ROWS] [--against REF]``. The rows are generated once in a
temporary directory (random points in Syria, one per row, so no point repeats; dates in 2025 as
``02 June 2023``; a few sources; every ACLED column). Each side runs in a fresh process: start-up
(modules loaded, then a 200-row ACLED file imported, which reads the reference data once) is
timed apart, then the full import is timed, then ``save_gpkg``. ``--against REF`` (default
``2ff6e72``, main before the importers were vectorised) exports that commit's ``geo``, ``layers``
and ``data`` with ``git archive`` and measures it the same way, printed side by side; give
``--against none`` to measure this checkout only.

Target (issue 13): ≤ 3 s import after start-up and ≤ 1 GB peak resident memory for 100,000 rows
(ACLED rows carry coordinates: nothing is geocoded). Recorded before the change, on 2 shared
CPUs at load average 1.0: 8.93 s import (CPU 5.96 s), 639 MB peak. After the second pass (flag
texts, dates, sources, copies, a per-cell corridor screen; ``--against 0368481``, load average
1.4–3.6, three runs): 1.54–1.72 s import (CPU 1.54–1.71 s), 655–676 MB peak, against 2.24–2.30 s
(CPU 2.22–2.29 s), 659–672 MB for ``0368481`` in the same runs.

Figures taken while other processes run are noisy: the load average is printed with them, and
CPU seconds are steadier than wall seconds.
"""

from __future__ import annotations

import csv
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

REPO = Path(__file__).resolve().parents[1]
BASELINE = "2ff6e72"
# The measuring child imports the tree it is told to (this checkout or an exported commit).
sys.path.insert(0, os.environ.get("BENCH_IMPORT_TREE") or str(REPO))

ACLED_HEADER = (
    "event_id_cnty,event_date,year,time_precision,disorder_type,event_type,sub_event_type,actor1,assoc_actor_1,"
    "inter1,actor2,assoc_actor_2,inter2,interaction,civilian_targeting,iso,region,country,admin1,admin2,admin3,"
    "location,latitude,longitude,geo_precision,source,source_scale,notes,fatalities,tags,timestamp"
).split(",")


def write_acled(path: Path, rows: int, seed: int = 1) -> None:
    """Write *rows* ACLED-style rows to *path*."""
    rng = np.random.default_rng(seed)
    lon = rng.uniform(35.8, 42.2, rows).round(4)
    lat = rng.uniform(32.4, 37.2, rows).round(4)
    day = rng.integers(0, 365, rows)
    dates = pd.to_datetime(np.datetime64("2025-01-01") + day).strftime("%d %B %Y").to_numpy()
    subs = np.array(
        [
            "Attack",
            "Air/drone strike",
            "Armed clash",
            "Shelling/artillery/missile attack",
            "Abduction/forced disappearance",
        ]
    )
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(ACLED_HEADER)
        for i in range(rows):
            record = dict.fromkeys(ACLED_HEADER, "")
            record.update(
                {
                    "event_id_cnty": f"SYR{i}",
                    "event_date": dates[i],
                    "year": "2025",
                    "time_precision": str(1 + i % 3),
                    "event_type": "Violence against civilians",
                    "sub_event_type": subs[i % len(subs)],
                    "actor1": "Unidentified Armed Group (Syria)",
                    "actor2": "Civilians (Syria)",
                    "country": "Syria",
                    "admin1": "Hama",
                    "location": f"Place {i % 500}",
                    "latitude": str(lat[i]),
                    "longitude": str(lon[i]),
                    "geo_precision": str(1 + i % 3),
                    "source": "SOHR; Reuters" if i % 4 else "",
                    "notes": f"Synthetic event {i} for benchmarking.",
                    "fatalities": str(i % 17),
                }
            )
            writer.writerow(record.values())


def measure(path: Path, small: Path) -> dict[str, float]:
    """Import *small* (start-up), then *path*; return the figures (run in a fresh process)."""
    start = time.perf_counter()
    from layers.importers import import_file
    from layers.store import save_gpkg

    import_file(small)
    startup_s = time.perf_counter() - start
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    start, cpu = time.perf_counter(), time.process_time()
    result = import_file(path)
    import_s, import_cpu = time.perf_counter() - start, time.process_time() - cpu
    start = time.perf_counter()
    save_gpkg(result.incidents, path.with_suffix(".gpkg"))
    save_s = time.perf_counter() - start
    return {
        "rows_in": result.rows_in,
        "imported": result.imported,
        "rejected": result.rejected,
        "flagged": result.summary()["flagged"],
        "startup_s": startup_s,
        "import_s": import_s,
        "import_cpu_s": import_cpu,
        "save_s": save_s,
        "rss_before_mb": rss_before,
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "load": os.getloadavg()[0],
    }


def run_side(tree: Path, path: Path, small: Path) -> dict[str, float]:
    """Measure the importers of *tree* in a fresh process."""
    env = {**os.environ, "BENCH_IMPORT_TREE": str(tree), "PYTHONPATH": str(tree)}
    done = subprocess.run(
        [sys.executable, __file__, "--measure", str(path), str(small)],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def export_commit(ref: str, folder: Path) -> Path:
    """Export *ref*'s geo, layers and data into *folder* (``git archive``); return the tree."""
    tree = folder / f"tree-{ref}"
    tree.mkdir()
    archive = subprocess.run(
        ["git", "-C", str(REPO), "archive", ref, "geo", "layers", "data"], capture_output=True, check=True
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(tree)], input=archive, check=True)
    return tree


ROWS = (
    ("rows in / imported / rejected", lambda f: f"{f['rows_in']:,} / {f['imported']:,} / {f['rejected']:,}"),
    ("flagged rows", lambda f: f"{f['flagged']:,}"),
    ("start-up (modules + 200 rows)", lambda f: f"{f['startup_s']:.2f} s"),
    ("import", lambda f: f"{f['import_s']:.2f} s"),
    ("import CPU", lambda f: f"{f['import_cpu_s']:.2f} s"),
    ("save_gpkg", lambda f: f"{f['save_s']:.2f} s"),
    ("peak RSS", lambda f: f"{f['peak_mb']:.0f} MB"),
    ("load average at the end", lambda f: f"{f['load']:.1f} on {os.cpu_count()} CPUs"),
)


def main(rows: int, against: str) -> None:
    """Generate the files, measure both sides, print the table."""
    with tempfile.TemporaryDirectory() as tmp:
        path, small = Path(tmp) / "acled.csv", Path(tmp) / "small.csv"
        write_acled(path, rows)
        write_acled(small, 200, seed=2)
        sides = {"this checkout": run_side(REPO, path, small)}
        if against != "none":
            sides[f"{against} (before)"] = run_side(export_commit(against, Path(tmp)), path, small)
    cells = [[show(f) for f in sides.values()] for _, show in ROWS]
    width = max(len(c) for c in [*sides, *(c for row in cells for c in row)]) + 2
    print(f"{rows:,} ACLED rows".ljust(32) + "".join(k.rjust(width) for k in sides))
    for (label, _), row in zip(ROWS, cells, strict=True):
        print(label.ljust(32) + "".join(c.rjust(width) for c in row))
    now = sides["this checkout"]
    ok = now["import_s"] <= 3 and now["peak_mb"] <= 1024
    print(f"target: <= 3 s import, <= 1024 MB peak -> {'OK' if ok else 'MISSED'} (this checkout)")


if __name__ == "__main__":
    args = sys.argv[1:]
    if args[:1] == ["--measure"]:
        print(json.dumps(measure(Path(args[1]), Path(args[2]))))
    else:
        ref = BASELINE
        if "--against" in args:
            at = args.index("--against")
            ref = args[at + 1]
            del args[at : at + 2]
        main(int(args[0]) if args else 100_000, ref)
