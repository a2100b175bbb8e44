"""Time and peak memory of importing 100,000 synthetic ACLED rows, dates written as ACLED writes them.

Run ``python bench/bench_import.py [ROWS]``. The rows are generated in a
temporary directory (random points in Syria, dates in 2025 as ``02 June 2023``,
a few sources, every ACLED column); the import is timed after start-up (modules
loaded), with the column mapping, date detection, row digests and checks in
place. Target (issue 13): ≤ 3 s and ≤ 1 GB peak resident memory for 100,000 rows.
"""

from __future__ import annotations

import csv
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from layers.importers import import_file
from layers.importers.acled import ACLED_COLUMNS
from layers.store import save_gpkg


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
        writer.writerow(ACLED_COLUMNS)
        for i in range(rows):
            record = dict.fromkeys(ACLED_COLUMNS, "")
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


def main(rows: int = 100_000) -> None:
    """Generate, import, save; print the figures."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "acled.csv"
        write_acled(path, rows)
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        start, cpu = time.perf_counter(), time.process_time()
        result = import_file(path)
        import_s, import_cpu = time.perf_counter() - start, time.process_time() - cpu
        start = time.perf_counter()
        save_gpkg(result.incidents, Path(tmp) / "out.gpkg")
        save_s = time.perf_counter() - start
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"rows: {rows:,}  imported: {result.imported:,}  rejected: {result.rejected:,}  "
        f"flagged rows: {result.summary()['flagged']:,}"
    )
    print(
        f"import: {import_s:.2f} s (CPU {import_cpu:.2f} s; "
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs)"
        f"  save_gpkg: {save_s:.2f} s  "
        f"peak RSS: {peak_mb:.0f} MB (before import {rss_before:.0f} MB)"
    )
    print(f"target: <= 3 s import, <= 1024 MB peak -> {'OK' if import_s <= 3 and peak_mb <= 1024 else 'MISSED'}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
