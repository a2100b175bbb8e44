"""Overhead of parsing uploads in a budgeted child (:mod:`layers.importers.sandbox`).

For a few ordinary files, prints the median time of ``import_file`` in this process, of
``import_file_budgeted`` forking this (single-threaded) process, as the command line does, and
through the zygote, as the threaded app server does (its one-off start is printed apart).

Run: python bench/bench_sandbox.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from geo.gazetteer import load_gazetteer
from layers.importers import import_file, sandbox

FIXTURES = Path(__file__).resolve().parents[1] / "tests" / "fixtures"


def big_csv(folder: Path, rows: int = 5000) -> Path:
    """Write a CSV of *rows* located incidents (lat/lon given, no geocoding)."""
    path = folder / f"located_{rows}.csv"
    lines = ["date,place,lat,lon,title,fatalities"]
    lines += [
        f"2024-01-{1 + i % 28:02d},Idlib,{35.5 + i % 50 / 100},{36.5 + i % 40 / 100},Shelling {i},{i % 7}"
        for i in range(rows)
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def median_s(fn, repeat: int) -> float:
    """Return the median wall time of *fn* over *repeat* runs."""
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> None:
    """Print the table."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    gaz = load_gazetteer()
    files = [
        FIXTURES / "plain.csv",
        FIXTURES / "acled.csv",
        FIXTURES / "incidents.kml",
        big_csv(Path(tempfile.mkdtemp())),
    ]
    for path in files:  # warm caches (gazetteer memo, imports) the same for every way
        import_file(path, gazetteer=gaz)
    release = threading.Event()
    print(f"{'file':22} {'in process':>11} {'forked':>9} {'zygote':>9}   (median of {args.repeat}, seconds)")
    for path in files:
        here = median_s(lambda p=path: import_file(p, gazetteer=gaz), args.repeat)
        forked = median_s(lambda p=path: sandbox.import_file_budgeted(p, gazetteer=gaz), args.repeat)
        waiter = threading.Thread(target=release.wait)
        waiter.start()  # a second thread: the zygote is used, as in the app
        try:
            if sandbox._ZYGOTE is None or sandbox._ZYGOTE.process is None:
                t0 = time.perf_counter()
                sandbox.import_file_budgeted(path, gazetteer=gaz)
                print(f"(zygote start and first file: {time.perf_counter() - t0:.2f} s)")
            zygote = median_s(lambda p=path: sandbox.import_file_budgeted(p, gazetteer=gaz), args.repeat)
        finally:
            release.set()
            waiter.join()
            release.clear()
        print(f"{path.name:22} {here:11.3f} {forked:9.3f} {zygote:9.3f}")
    sandbox.stop_zygote()


if __name__ == "__main__":
    main()
