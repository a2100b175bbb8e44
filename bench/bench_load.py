"""Load: the real app under 1 and N concurrent browser sessions, and with a large dataset.

Run: python bench/bench_load.py [--sessions 24] [--incidents 200000] [--before REF] [--full-rebuild]

With --before REF (e.g. 2ff6e72, the commit before issue 20) that checkout of the app is
measured first in the same run, and the figures are printed side by side with this tree's.

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


#: chromium's resolver answers only for this machine: a page can fetch nothing else (web tiles).
NO_OTHER_HOSTS = "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"


def collector(bucket: list[str]) -> Callable[[object], None]:
    """Return a handler that keeps the text of each error it is given in *bucket*."""
    return lambda err: bucket.append(str(err))


def sessions(
    url: str,
    n: int,
    timeout_s: float = 180,
    expect: tuple[str, int] | None = None,
    warm_cache: bool = False,
    started: Callable[[], None] | None = None,
) -> tuple[list[float], int]:
    """Open *n* pages at once (one browser, one context each); return ready times, failures, what a page showed.

    With *warm_cache* the pages share one browser context whose HTTP cache already holds the
    app's static files (one page was opened and closed first): returning viewers, whose browsers
    keep Streamlit's content-hashed bundles (served "immutable"), each still an app session of its own.
    *started* is called once the *n* pages are about to open (after that first page).

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
        # Playwright turns a context's HTTP cache off once it routes requests: a warm cache blocks
        # other hosts in chromium's resolver instead (nothing but 127.0.0.1 resolves).
        blocked = [NO_OTHER_HOSTS] if warm_cache else []
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=[*CHROMIUM_ARGS, *blocked])
        pages = []
        shared = None
        if warm_cache:
            shared = browser.new_context()
            first = shared.new_page()
            first.goto(url)
            first.wait_for_function(READY, timeout=timeout_s * 1000)
            first.close()
        if started is not None:
            started()
        for _ in range(n):
            ctx = shared or browser.new_context()
            if shared is None:
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


def checkout(ref: str, folder: Path) -> Path:
    """Extract the tree of git *ref* (e.g. the commit before a change) into *folder*: the "before" app."""
    import subprocess

    folder.mkdir(parents=True, exist_ok=True)
    archive = subprocess.run(["git", "-C", str(REPO), "archive", ref], check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)
    return folder


class _Printed(dict):
    """A dict that prints each figure as it is recorded (a long run shows its progress)."""

    def __setitem__(self, key: str, value: str) -> None:
        print(f"  {key}: {value}", flush=True)
        super().__setitem__(key, value)


def run_variant(repo: Path, env: dict[str, str], args: Any, logs: Path, gpkg: Path | None) -> dict[str, str]:
    """Measure one checkout of the app; return its figures by name (also printed as they come)."""
    out: dict[str, str] = _Printed()
    load0 = os.getloadavg()[0]
    if args.sessions:
        with running_app(logs / "server.log", {**env, "SYRIA_MAP_HOME": str(logs / "home")}, repo) as server:
            measure(server, "1 session (warm-up)", server.url)
            alone = measure(server, "1 session", server.url)
            cpu0 = cpu_s(server.pid)
            times, failed, _ = sessions(server.url, args.sessions, expect=alone)
            cpu = cpu_s(server.pid) - cpu0
            q = np.percentile(times, [50, 90]) if times else [float("nan")] * 2
            out[f"{args.sessions} sessions p50 / p90 (s)"] = f"{q[0]:.1f} / {q[1]:.1f}"
            out[f"{args.sessions} sessions failed"] = str(failed)
            out["server CPU per session (s)"] = f"{cpu / args.sessions:.2f}"
            # the same sessions from browsers that already hold the app's static files
            mark: list[float] = []
            times, failed, _ = sessions(
                server.url, args.sessions, expect=alone, warm_cache=True, started=lambda: mark.append(cpu_s(server.pid))
            )
            cpu = cpu_s(server.pid) - mark[0]
            q = np.percentile(times, [50, 90]) if times else [float("nan")] * 2
            out[f"{args.sessions} sessions, warm browser cache p50 / p90 (s)"] = f"{q[0]:.1f} / {q[1]:.1f}"
            out[f"{args.sessions} sessions, warm browser cache failed"] = str(failed)
            out["server CPU per session, warm browser cache (s)"] = f"{cpu / args.sessions:.2f}"
            out["server RSS after (MB)"] = f"{rss_mb(server.pid):.0f}"
    if gpkg is not None:
        large = {**env, "SYRIA_MAP_DATASETS": str(gpkg), "SYRIA_MAP_HOME": str(logs / "home")}
        with running_app(logs / "server-large.log", large, repo) as server:
            page = f"{server.url}/?ds=synthetic&base=blank"
            t = sessions(page, 1, timeout_s=600)[0]
            out["first page after start (s)"] = f"{t[0]:.1f}" if t else "failed"
            for shown_as, url in (("cells", page), ("points", f"{page}&detail=points")):
                t = sessions(url, 1, timeout_s=600)[0]
                out[f"warm page, {shown_as} (s)"] = f"{t[0]:.1f}" if t else "failed"
                cpu0 = cpu_s(server.pid)
                count_s, map_s, same = slider_step(url)
                out[f"date step, {shown_as}: count / map (s)"] = f"{count_s:.2f} / {map_s:.2f}"
                out[f"date step, {shown_as}: same Leaflet map"] = "yes" if same else "no"
                out[f"date step, {shown_as}: server CPU (s)"] = f"{cpu_s(server.pid) - cpu0:.2f}"
    out["load average (1 min) at start / end"] = f"{load0:.1f} / {os.getloadavg()[0]:.1f}"
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=24)
    parser.add_argument("--incidents", type=int, default=200_000)
    parser.add_argument("--before", default="", help="git ref of the 'before' app (e.g. 2ff6e72, before issue 20)")
    parser.add_argument(
        "--full-rebuild", action="store_true", help="also measure SYRIA_MAP_FULL_REBUILD=1 (the map rebuilt each rerun)"
    )
    args = parser.parse_args()
    import importlib.util

    fast = [m for m in ("httptools", "uvloop") if importlib.util.find_spec(m)]  # uvicorn uses them when present
    print(f"server: uvicorn with {', '.join(fast) or 'h11 and asyncio (no httptools, no uvloop)'}")
    with tempfile.TemporaryDirectory() as tmp:
        logs = Path(tmp)
        gpkg = None
        if args.incidents:
            t0 = time.perf_counter()
            gpkg = synthetic(args.incidents, logs / "synthetic.gpkg")
            print(f"{args.incidents:,} synthetic incidents written in {time.perf_counter() - t0:.1f} s")
        variants: list[tuple[str, Path, dict[str, str]]] = []
        if args.before:
            old = checkout(args.before, logs / "before-tree")
            shared = REPO.parent / "shared"  # the reference data a checkout finds as ../shared
            if shared.is_dir() and not (logs / "shared").exists():
                (logs / "shared").symlink_to(shared)
            variants.append((f"before ({args.before})", old, {"PYTHONPATH": str(old)}))
        if args.full_rebuild:
            variants.append(("after, full rebuild", REPO, {"PYTHONPATH": str(REPO), "SYRIA_MAP_FULL_REBUILD": "1"}))
        variants.append(("after", REPO, {"PYTHONPATH": str(REPO)}))
        results = {}
        for name, repo, env in variants:
            print(f"\n== {name}", flush=True)
            # each variant's server logs and SYRIA_MAP_HOME in a folder of its own, outside any checkout
            folder = logs / "logs" / re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
            folder.mkdir(parents=True, exist_ok=True)
            results[name] = run_variant(repo, env, args, folder, gpkg)
        names = list(results)
        print(f"\n{'':42s}" + "".join(f"{n:>24s}" for n in names))
        for metric in dict.fromkeys(m for r in results.values() for m in r):
            print(f"{metric:42s}" + "".join(f"{results[n].get(metric, '-'):>24s}" for n in names))
        print(f"({os.cpu_count()} cores; machine shared: see the load averages)")


def slider_step(url: str) -> tuple[float, float, bool]:
    """Seconds from a date-slider key press until the count changes, and until the map shows it.

    Also whether the Leaflet map is the same object afterwards (a tag set on it survives).
    """
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        pg = browser.new_page()
        pg.route("**/*", local_only)
        pg.goto(url)
        pg.wait_for_function(READY, timeout=600_000)
        before = pg.get_by_text(COUNT_LINE).first.inner_text()
        pg.evaluate(
            "() => Array.from(document.querySelectorAll('iframe')).forEach(f => {"
            " if (f.contentWindow.map) { f.contentWindow.map.__benchTag = 1; } })"
        )
        thumb = pg.locator("[data-testid=stSlider]").filter(has_text="Dates").get_by_role("slider").first
        start = time.perf_counter()
        thumb.focus()
        thumb.press("PageUp")
        pg.wait_for_function(f"() => !document.body.innerText.includes({before.split(' (')[0]!r})", timeout=120_000)
        counted = time.perf_counter() - start
        after = int(pg.get_by_text(COUNT_LINE).first.inner_text().split()[0].replace(",", ""))
        pg.wait_for_function(
            "n => Array.from(document.querySelectorAll('iframe')).some(f => f.contentWindow.__incidentLayers"
            " && f.contentWindow.__incidentLayers.length"
            " && f.contentWindow.__incidentLayers.slice(-1)[0].visibleCount() === n"
            " && f.contentWindow.__incidentLayers.slice(-1)[0].ready)",
            arg=after,
            timeout=300_000,
        )
        drawn = time.perf_counter() - start
        same = pg.evaluate(
            "() => Array.from(document.querySelectorAll('iframe')).some(f => f.contentWindow.map"
            " && f.contentWindow.map.__benchTag === 1)"
        )
        browser.close()
    return counted, drawn, bool(same)


if __name__ == "__main__":
    main()
