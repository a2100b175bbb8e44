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
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from layers.incidents import to_incident_frame  # noqa: E402
from layers.store import save_gpkg  # noqa: E402
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, running_app  # noqa: E402

READY = (
    "() => Array.from(document.querySelectorAll('iframe'))"
    ".some(f => f.contentWindow && f.contentWindow.__incidentMapReady)"
)


def local_only(route: Any) -> None:
    """Let requests to this machine (and data:/blob: URLs) through; refuse the rest (web tiles)."""
    url = route.request.url
    if "127.0.0.1" in url or url.startswith(("data:", "blob:")):
        route.continue_()
    else:
        route.abort()


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
            ctx.route("**/*", local_only)
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


def measure(server: Any, label: str, url: str, n: int = 1, **options: Any) -> tuple[str, int] | None:
    """Open *n* sessions of *url* on *server*, print their line, return what a page showed."""
    cpu0 = cpu_s(server.pid)
    times, failed, seen = sessions(url, n, **options)
    report(label, times, failed, rss_mb(server.pid), cpu_s(server.pid) - cpu0)
    return seen


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=24)
    parser.add_argument("--incidents", type=int, default=200_000)
    parser.add_argument("--rounds", type=int, default=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        logs = Path(tmp)
        with running_app(logs / "server.log", {"SYRIA_MAP_HOME": str(logs / "home")}) as server:
            for rnd in range(args.rounds if args.sessions else 0):
                alone = measure(server, f"1 session (round {rnd + 1})", server.url)
                label = f"{args.sessions} sessions (round {rnd + 1})"
                measure(server, label, server.url, args.sessions, expect=alone)
        if not args.incidents:
            return
        t0 = time.perf_counter()
        gpkg = synthetic(args.incidents, logs / "synthetic.gpkg")
        print(f"\n{args.incidents:,} synthetic incidents written in {time.perf_counter() - t0:.1f} s")
        env = {"SYRIA_MAP_DATASETS": str(gpkg), "SYRIA_MAP_HOME": str(logs / "home")}
        with running_app(logs / "server-large.log", env) as server:
            page = f"{server.url}/?ds=synthetic&base=blank"
            # The first page loads the dataset into the server's cache: reported on its own.
            measure(server, f"{args.incidents:,}, first page", page, timeout_s=600)
            # Then the map as grid cells (the default above 20,000 points) and, for comparison,
            # forced to points (?detail=points).
            for shown_as, url in (("cells", page), ("points", f"{page}&detail=points")):
                measure(server, f"{args.incidents:,}, map as {shown_as}", url, timeout_s=600)
                count_s, map_s = slider_step(url)
                print(
                    f"{'':28s} one date-slider step: new count shown after {count_s:.2f} s, "
                    f"map redrawn with it after {map_s:.2f} s"
                )


def slider_step(url: str) -> tuple[float, float]:
    """Seconds from a date-slider key press until the count changes, and until the map shows it."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        pg = browser.new_page()
        pg.route("**/*", local_only)
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
