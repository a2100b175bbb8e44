"""Cost of parsing an upload under the budget: in-process vs forked child vs helper's worker vs fresh interpreter.

Imports one synthetic CSV (place names geocoded with the curated gazetteer) three ways and prints
the median wall time of each and the overhead over the in-process import. The command line forks;
the threaded app server asks a pre-imported helper process to fork a worker (the first call starts
the helper; its time is included in the median only when --repeat is 1).

Run: python bench/bench_sandbox.py [--rows N] [--repeat K]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from geo.gazetteer import load_gazetteer
from layers.importers import import_file
from layers.importers.sandbox import import_file_budgeted


def main() -> None:
    """Run the benchmark."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    gaz = load_gazetteer(include_geonames=False)
    places = ["Homs", "Hama", "Baniyas", "Jableh", "Idlib", "Latakia", "Tartus", "Daraa"]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.csv"
        lines = ["date,place,title,deaths"]
        lines += [f"2024-01-{i % 28 + 1:02d},{places[i % len(places)]},Event {i},{i % 5}" for i in range(args.rows)]
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        ways = {
            "in-process": lambda: import_file(path, gazetteer=gaz),
            "forked child": lambda: import_file_budgeted(path, gazetteer=gaz, mode="fork"),
            "helper's worker": lambda: import_file_budgeted(path, gazetteer=gaz, mode="helper"),
            "fresh interpreter": lambda: import_file_budgeted(path, gazetteer=gaz, mode="spawn"),
        }
        times = {}
        for name, run in ways.items():
            got = []
            for _ in range(args.repeat):
                t0 = time.perf_counter()
                result = run()
                got.append(time.perf_counter() - t0)
            times[name] = statistics.median(got)
            print(f"{name:18} {times[name]:6.2f} s  ({result.imported} rows imported, {result.rejected} rejected)")
        base = times["in-process"]
        for name in ("forked child", "helper's worker", "fresh interpreter"):
            print(f"overhead {name:18} {times[name] - base:+6.2f} s")


if __name__ == "__main__":
    main()
