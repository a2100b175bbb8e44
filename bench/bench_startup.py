"""Start-up: how soon each command can begin its work, the app's first page, the test suite.

Run: python bench/bench_startup.py [--repo CHECKOUT] [--no-page] [--suite] [--repeat 3]

* CLI start: wall time of a fresh ``python`` that builds the command line parser and parses a
  real command's arguments (what runs before the command's own work), with the heavy libraries
  already imported by then; the median of --repeat runs.
* Whole commands: wall time of ``resolve Sanobar`` (twice: the second run sees warm caches),
  an import of examples/villages.csv and a CSV export.
* First page: a cold ``streamlit run app.py`` (started by the tests' ``running_app``) until
  headless Chromium reports the incident map drawn.
* --suite: the whole ``pytest -q`` (minutes; only when the machine is otherwise idle).

--repo measures another checkout (e.g. an older commit unpacked with ``git archive``) for a
before/after comparison; the example files always come from this checkout.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parents[1]
EXAMPLES = HERE / "examples"
HEAVY = ("pandas", "geopandas", "matplotlib", "rasterio", "folium", "streamlit")
PROBE = """
import importlib, sys
module, argv = sys.argv[1], sys.argv[2:]
importlib.import_module(module).build_parser().parse_args(argv)
print(",".join(h for h in {heavy!r} if h in sys.modules) or "-")
"""
COMMANDS = (
    ("geo.__main__", "resolve Sanobar"),
    ("geo.__main__", "geocode in.csv --column place --out out.csv"),
    ("geo.__main__", "corridor M4 --list-places"),
    ("layers.__main__", "import in.csv --out out.gpkg"),
    ("layers.__main__", "import in.csv --format acled --out out.gpkg"),
    ("layers.__main__", "export all --to csv --out out.csv"),
    ("layers.__main__", "export all --to png --out out.png"),
    ("layers.__main__", "density all --bandwidth-km 5 --out out.tif"),
)


def timed(command: list[str], repo: Path, cwd: Path) -> tuple[float, subprocess.CompletedProcess[str]]:
    env = {**os.environ, "PYTHONPATH": str(repo), "MPLBACKEND": "Agg", "SYRIA_MAP_HOME": str(cwd / "home")}
    start = time.perf_counter()
    result = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=600)
    return time.perf_counter() - start, result


def cli_start(repo: Path, work: Path, repeat: int) -> None:
    print("CLI start (parser built and arguments parsed; median of", repeat, "runs):")
    probe = PROBE.format(heavy=HEAVY)
    for module, args in COMMANDS:
        times, loaded = [], ""
        for _ in range(repeat):
            seconds, result = timed([sys.executable, "-c", probe, module, *args.split()], repo, work)
            if result.returncode != 0:
                loaded = f"failed: {result.stderr.strip().splitlines()[-1]}"
                break
            times.append(seconds)
            loaded = result.stdout.strip()
        figure = f"{statistics.median(times):5.2f} s" if times else "   n/a"
        print(f"  {figure}  {module.split('.')[0]} {args:<45} loaded: {loaded}")


def whole_commands(repo: Path, work: Path) -> None:
    print("Whole commands (wall time):")
    python = sys.executable
    runs = (
        ("resolve Sanobar (1st)", [python, "-m", "geo", "resolve", "Sanobar"]),
        ("resolve Sanobar (2nd)", [python, "-m", "geo", "resolve", "Sanobar"]),
        (
            "import examples/villages.csv",
            [python, "-m", "layers", "import", str(EXAMPLES / "villages.csv"), "--out", "v.gpkg"],
        ),
        (
            "export coast_march_2025 --to csv",
            [python, "-m", "layers", "export", "coast_march_2025", "--to", "csv", "--out", "c.csv"],
        ),
    )
    for label, command in runs:
        seconds, result = timed(command, repo, work)
        status = "" if result.returncode == 0 else f"  (exit {result.returncode})"
        print(f"  {seconds:5.2f} s  {label}{status}")


def first_page(repo: Path, work: Path) -> None:
    sys.path.insert(0, str(repo))
    from playwright.sync_api import sync_playwright

    from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, running_app

    ready = (
        "() => Array.from(document.querySelectorAll('iframe'))"
        ".some(f => f.contentWindow && f.contentWindow.__incidentMapReady)"
    )

    def local_only(route: object) -> None:
        url = route.request.url  # type: ignore[attr-defined]
        if url.startswith(("http://127.0.0.1", "data:", "blob:")):
            route.continue_()  # type: ignore[attr-defined]
        else:
            route.abort()  # type: ignore[attr-defined]

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        start = time.perf_counter()
        with running_app(work / "server.log", {"SYRIA_MAP_HOME": str(work / "home")}) as app:
            up = time.perf_counter() - start
            page = browser.new_context().new_page()
            page.route("**/*", local_only)
            page.goto(app.url, wait_until="commit")
            page.wait_for_function(ready, timeout=180_000)
            total = time.perf_counter() - start
        browser.close()
    print(f"First page: server answering after {up:.1f} s, map drawn {total:.1f} s after the cold start")


def suite(repo: Path) -> None:
    start = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"], cwd=repo, text=True, capture_output=True
    )
    summary = result.stdout.strip().splitlines()[-1] if result.stdout.strip() else result.stderr[-300:]
    print(f"Test suite: {time.perf_counter() - start:.0f} s wall: {summary}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repo", type=Path, default=HERE, help="checkout to measure (default: this one)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-page", action="store_true", help="skip the app's first page")
    parser.add_argument("--suite", action="store_true", help="also time the whole test suite")
    args = parser.parse_args()
    repo = args.repo.resolve()
    print(f"checkout: {repo}; {os.cpu_count()} CPUs; Python {sys.version.split()[0]}")
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        cli_start(repo, work, args.repeat)
        whole_commands(repo, work)
        if not args.no_page:
            first_page(repo, work)
    if args.suite:
        suite(repo)


if __name__ == "__main__":
    main()
