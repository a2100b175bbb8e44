"""Load: the real app under 1 and N concurrent browser sessions, and with a large dataset.

Run: python bench/bench_load.py [--sessions 24] [--incidents 200000] [--rounds 2]

Starts ``streamlit run app.py`` on a free port on 127.0.0.1 (nothing else is contacted; tiles
are blocked), opens sessions in headless Debian chromium, and reports for each setting the
latency percentiles from navigation until the map has drawn, the pages that failed, and the
server's resident memory. With --incidents, a synthetic GeoPackage of that many incidents is
loaded through $SYRIA_MAP_DATASETS and timed too (page ready, then one date-slider step), with
the map as grid cells (the default at that size) and forced to points, side by side.
Every loop is bounded; the server is stopped at the end.
"""

from __future__ import annotations

import argparse
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from layers.incidents import to_incident_frame  # noqa: E402
from layers.store import save_gpkg  # noqa: E402
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS  # noqa: E402

READY = (
    "() => Array.from(document.querySelectorAll('iframe'))"
    ".some(f => f.contentWindow && f.contentWindow.__incidentMapReady)"
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(env: dict[str, str]) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            "app.py",
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
            "--server.headless",
            "true",
            "--server.fileWatcherType",
            "none",
            "--browser.gatherUsageStats",
            "false",
        ],
        cwd=REPO,
        env={**os.environ, **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2):
                return proc, url
        except OSError:
            time.sleep(0.5)
    proc.kill()
    raise SystemExit("the server did not start")


def rss_mb(pid: int) -> float:
    """Resident memory of the server and its children, in MB."""
    total = 0
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            text = status.read_text()
        except OSError:
            continue
        ppid = int(text.split("PPid:")[1].split()[0])
        if int(status.parent.name) == pid or ppid == pid:
            total += int(text.split("VmRSS:")[1].split()[0]) if "VmRSS:" in text else 0
    return total / 1024


def cpu_s(pid: int) -> float:
    """CPU seconds (user + system) used so far by the server process."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


COUNT_LINE = re.compile(r"^[\d,]+ incidents shown")
READY_AT = (
    "() => Array.from(document.querySelectorAll('iframe')).map(f => f.contentWindow)"
    ".filter(w => w && w.__incidentMapReadyAt)"
    ".map(w => [w.__incidentMapReadyAt, w.__incidentLayers.slice(-1)[0].visibleCount()])[0]"
)


def collector(bucket: list[str]) -> Callable[[object], None]:
    """Return a handler that keeps the text of each error it is given in *bucket*."""
    return lambda err: bucket.append(str(err))


def sessions(
    url: str, n: int, timeout_s: float = 180, expect: tuple[str, int] | None = None
) -> tuple[list[float], int]:
    """Open *n* pages at once (one browser, one context each); return ready times, failures, what a page showed.

    A page's time runs from its navigation to the moment its map reported itself drawn (read
    from the page, so waiting on the pages one after another does not add to it). A page fails
    if it does not get ready within *timeout_s*, throws a JavaScript error, or differs from
    *expect* (the count line and the number of points drawn of a page opened alone).
    """
    from playwright.sync_api import sync_playwright

    times: list[float] = []
    failures = 0
    seen: tuple[str, int] | None = None
    errors: list[list[str]] = [[] for _ in range(n)]
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        pages = []
        for _ in range(n):
            ctx = browser.new_context()
            ctx.route(
                "**/*",
                lambda r: (
                    r.continue_()
                    if "127.0.0.1" in r.request.url or r.request.url.startswith(("data:", "blob:"))
                    else r.abort()
                ),
            )
            pg = ctx.new_page()
            pg.on("pageerror", collector(errors[len(pages)]))
            pages.append(pg)
        starts = []
        for pg in pages:
            starts.append(time.time())
            pg.goto(url, wait_until="commit")
        for k, (pg, start) in enumerate(zip(pages, starts, strict=True)):
            try:
                pg.wait_for_function(READY, timeout=timeout_s * 1000)
                ready_at, drawn = pg.evaluate(READY_AT)
                line = pg.get_by_text(COUNT_LINE).first.inner_text()
            except Exception as err:  # a timeout or a crashed page counts as a failure
                failures += 1
                print(f"  page {k + 1}: {type(err).__name__}", file=sys.stderr)
                continue
            if errors[k] or (expect is not None and (line, drawn) != expect):
                failures += 1
                print(f"  page {k + 1}: {errors[k][:2]} {line!r} {drawn}", file=sys.stderr)
                continue
            times.append(ready_at / 1000 - start)
            seen = (line, drawn)
        browser.close()
    return times, failures, seen


def report(label: str, times: list[float], failures: int, memory: float, cpu: float) -> None:
    if times:
        q = np.percentile(times, [50, 90, 99])
        print(
            f"{label:28s} ready p50 {q[0]:6.2f} s  p90 {q[1]:6.2f} s  p99 {q[2]:6.2f} s  max {max(times):6.2f} s"
            f"  failed {failures}  server RSS {memory:5.0f} MB  server CPU {cpu:5.1f} s (of {os.cpu_count()} cores)"
        )
    else:
        print(f"{label:28s} no page became ready; failed {failures}")


def synthetic(n: int, path: Path) -> Path:
    rng = np.random.default_rng(7)
    days = rng.integers(0, 5000, n)
    start = pd.Timestamp("2011-03-01") + pd.to_timedelta(days, unit="D")
    df = pd.DataFrame(
        {
            "id": [f"s{i}" for i in range(n)],
            "title": [f"Synthetic incident {i}" for i in range(n)],
            "event_type": rng.choice(["massacre", "shelling/airstrike", "raid", "abduction/disappearance"], n),
            "date_start": start.strftime("%Y-%m-%d"),
            "date_precision": "day",
            "lon": rng.uniform(35.8, 42.0, n),
            "lat": rng.uniform(32.5, 37.2, n),
            "deaths_best": rng.integers(0, 200, n),
            "campaign": rng.choice(["A", "B", "C", "D"], n),
            "confidence": "weak",
            "dataset": "synthetic",
            "sources": [[{"publisher": "synthetic", "title": "", "date": "", "url": "", "quote": ""}]] * n,
        }
    )
    save_gpkg(to_incident_frame(df), path, title=f"{n} synthetic incidents")
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=24)
    parser.add_argument("--incidents", type=int, default=200_000)
    parser.add_argument("--rounds", type=int, default=1)
    args = parser.parse_args()
    proc, url = start_server({})
    try:
        for rnd in range(args.rounds if args.sessions else 0):
            alone = None
            for n in (1, args.sessions):
                cpu0 = cpu_s(proc.pid)
                times, failed, seen = sessions(url, n, expect=alone)
                alone = alone or seen
                label = f"{n} session{'s' if n > 1 else ''} (round {rnd + 1})"
                report(label, times, failed, rss_mb(proc.pid), cpu_s(proc.pid) - cpu0)
    finally:
        proc.terminate()
        proc.wait(timeout=20)
    if args.incidents:
        with tempfile.TemporaryDirectory() as tmp:
            t0 = time.perf_counter()
            gpkg = synthetic(args.incidents, Path(tmp) / "synthetic.gpkg")
            print(f"\n{args.incidents:,} synthetic incidents written in {time.perf_counter() - t0:.1f} s")
            proc, url = start_server({"SYRIA_MAP_DATASETS": str(gpkg)})
            try:
                # The first page loads the dataset into the server's cache: reported on its own.
                cpu0 = cpu_s(proc.pid)
                times, failed, _ = sessions(f"{url}/?ds=synthetic&base=blank", 1, timeout_s=600)
                report(f"{args.incidents:,}, first page", times, failed, rss_mb(proc.pid), cpu_s(proc.pid) - cpu0)
                # Then the same page with the map as grid cells (the default above 20,000 points)
                # and, for comparison, forced to points (?detail=points).
                for detail in ("auto", "points"):
                    page = f"{url}/?ds=synthetic&base=blank" + ("&detail=points" if detail == "points" else "")
                    cpu0 = cpu_s(proc.pid)
                    times, failed, _ = sessions(page, 1, timeout_s=600)
                    label = f"{args.incidents:,}, map as {'cells' if detail == 'auto' else 'points'}"
                    report(label, times, failed, rss_mb(proc.pid), cpu_s(proc.pid) - cpu0)
                    count_s, map_s = slider_step(page)
                    print(
                        f"{'':28s} one date-slider step: new count shown after {count_s:.2f} s, "
                        f"map redrawn with it after {map_s:.2f} s"
                    )
            finally:
                proc.terminate()
                proc.wait(timeout=20)


def slider_step(url: str) -> tuple[float, float]:
    """Seconds from a date-slider key press until the count changes, and until the map shows it."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        pg = browser.new_page()
        pg.route(
            "**/*",
            lambda r: (
                r.continue_()
                if "127.0.0.1" in r.request.url or r.request.url.startswith(("data:", "blob:"))
                else r.abort()
            ),
        )
        pg.goto(url)
        pg.wait_for_function(READY, timeout=600_000)
        before = pg.get_by_text(COUNT_LINE).first.inner_text()
        thumb = pg.locator("[data-testid=stSlider]").filter(has_text="Dates").get_by_role("slider").first
        start = time.perf_counter()
        thumb.focus()
        thumb.press("PageUp")
        pg.wait_for_function(f"() => !document.body.innerText.includes({before.split(' (')[0]!r})", timeout=120_000)
        counted = time.perf_counter() - start
        after = int(pg.get_by_text(COUNT_LINE).first.inner_text().split()[0].replace(",", ""))
        pg.wait_for_function(
            "n => Array.from(document.querySelectorAll('iframe')).some(f => f.contentWindow.__incidentLayers"
            " && f.contentWindow.__incidentLayers.slice(-1)[0].visibleCount() === n)",
            arg=after,
            timeout=300_000,
        )
        drawn = time.perf_counter() - start
        browser.close()
    return counted, drawn


if __name__ == "__main__":
    main()
