"""PostGIS store at scale, beside the GeoPackage store: load, a filtered query, the aggregated grid, the app.

Run ``python bench/bench_postgis.py [ROWS] [GPKG_ROWS] [--no-app]`` (default 1,000,000 and 200,000).
It starts a throw-away PostgreSQL/PostGIS cluster (Unix socket only, like the tests),
loads ROWS synthetic incidents (made-up values: random points in Syria, dates over
2011–2025, one source and one figure each), and times:

* the import (one transaction, audited: one entry per table with the ids, 0008_import_without_owner_rights.sql);
* a typical filtered query: one month, one governorate, rows with their sources;
* the aggregated grid for the whole of Syria in SQL, as the app asks for it at this size: one
  group per 5 km cell and category (``grid_cells``; ``EXPLAIN ANALYZE`` printed), and the day
  groups it asks for below ``MAX_DAY_GROUPS`` (``grid_summary``) for comparison;
* the app's data source (listing, counts, groups, layer) for all dates and a half-year step;
* unless --no-app, the real app (``streamlit run app.py`` with ``SYRIA_MAP_DB``, headless
  chromium as in bench/bench_load.py): the page with the dataset ready, a date-slider step until
  the redrawn map, the app server's resident memory;

and, side by side, the same from a GeoPackage of GPKG_ROWS incidents (read the file, filter in
pandas, group the cells in Python; the app through ``SYRIA_MAP_DATASETS``). Targets: each PostGIS
query ≤ 300 ms; the page ≤ 10 s, a slider step ≤ 1 s, the server < 1 GB. Figures are printed,
never asserted, with the machine's load average.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from geo.admin import load_admin_areas, locate
from geo.crs import TO_SYRIA_AEQD
from layers.datasource import MemorySource
from layers.folium_map import AGGREGATE_THRESHOLD
from layers.incidents import to_incident_frame
from layers.pgstore import PostgisStore
from layers.pgstore import store as pg_store_module
from layers.pgstore.grid import payload_from_groups
from layers.pgstore.query import cells_groups_sql, summary_filter_sql, summary_groups_sql
from layers.pgstore.source import StoreSource
from layers.prepared import PreparedTable
from layers.render.payload import day_bounds, drawable_rows
from layers.store import load_gpkg, save_gpkg
from layers.timeline import FilterSpec, filter_incidents
from tests.pg_cluster import throwaway_cluster

REPO = Path(__file__).resolve().parents[1]
MONTH = FilterSpec(start=pd.Timestamp("2016-08-01", tz="UTC"), end=pd.Timestamp("2016-09-01", tz="UTC"))
GOVERNORATE = "Idleb"


def synthetic(n: int, seed: int = 3) -> pd.DataFrame:
    """Return *n* made-up incidents inside Syria (rejection-sampled in the OCHA admin0 polygon)."""
    rng = np.random.default_rng(seed)
    lon = rng.uniform(35.6, 42.4, int(n * 2.5))
    lat = rng.uniform(32.3, 37.4, int(n * 2.5))
    gov = np.asarray(locate(lon, lat, level=1), dtype=object)
    inside = gov != None  # noqa: E711 - elementwise
    lon, lat, gov = lon[inside][:n], lat[inside][:n], gov[inside][:n]
    names = load_admin_areas().table.set_index("pcode")["name_en"]
    day = rng.integers(0, 15 * 365, n)
    start = pd.to_datetime("2011-03-15", utc=True) + pd.to_timedelta(day, unit="D")
    ids = np.char.add("s-", np.arange(n).astype(str))
    return pd.DataFrame(
        {
            "id": ids,
            "title": np.char.add("Synthetic incident ", np.arange(n).astype(str)),
            "event_type": rng.choice(["massacre", "shelling/airstrike", "execution", "clash"], n),
            "date_start": start,
            "date_precision": "day",
            "place_reported": "synthetic",
            "lon": lon,
            "lat": lat,
            "admin1": names.reindex(gov).to_numpy(),
            "deaths_best": rng.integers(0, 50, n),
            "campaign": rng.choice(["Campaign A", "Campaign B", "Campaign C"], n),
            "confidence": "weak",
            "sources": [[{"publisher": "Test Wire", "url": "https://example.org/t"}]] * n,
            "figures": [[{"measure": "deaths", "publisher": "Test Wire"}]] * n,
        }
    )


def timed(label: str, fn, repeat: int = 5):
    fn()  # warm (plans, caches)
    best = float("inf")
    result = None
    for _ in range(repeat):
        t = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - t)
    print(f"  {label:<58} {best * 1000:8.0f} ms")
    return result


def python_grid(frame: pd.DataFrame) -> pd.DataFrame:
    rows, lon, lat, _ = drawable_rows(frame)
    x, y = TO_SYRIA_AEQD.transform(lon, lat)
    t0, t1 = day_bounds(rows)
    return (
        pd.DataFrame(
            {
                "ix": np.floor(np.asarray(x) / 5000),
                "iy": np.floor(np.asarray(y) / 5000),
                "c": rows["campaign"].to_numpy(),
                "t0": t0,
                "t1": t1,
                "n": 1,
            }
        )
        .groupby(["ix", "iy", "c", "t0", "t1"], as_index=False)["n"]
        .sum()
    )


def _rss_mb() -> float:
    """Return this process's peak resident memory in MB."""
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def explain_ms(store: PostgisStore, sql: str, params: tuple) -> str:
    """Return EXPLAIN ANALYZE's execution time of *sql* and its top plan line."""
    from psycopg import sql as psql

    with store.conn.cursor() as cur:
        cur.execute(f"SET LOCAL work_mem = '{pg_store_module.GRID_WORK_MEM}'")
        cur.execute(psql.SQL("EXPLAIN (ANALYZE, BUFFERS) " + sql.replace("%s", "{}")).format(
            *[psql.Literal(p) for p in params]))  # fmt: skip
        lines = [r[0] for r in cur.fetchall()]
    store.conn.rollback()
    total = next((line for line in lines if line.startswith("Execution Time")), "?")
    return f"{total}; {lines[0].strip()[:90]}"


def app_figures(label: str, env: dict[str, str], query: str, results: dict) -> None:
    """Measure the real app: first and warm page with the dataset ready, one date-slider step, server RSS."""
    from bench.bench_load import rss_mb, sessions, slider_step
    from tests.browser.conftest import running_app

    out = results.setdefault(label, {})
    with tempfile.TemporaryDirectory() as tmp, running_app(Path(tmp) / "server.log", {
            **env, "SYRIA_MAP_HOME": str(Path(tmp) / "home"), "PYTHONPATH": str(REPO)}) as server:  # fmt: skip
        page = f"{server.url}/?{query}&base=blank"
        t = sessions(page, 1, timeout_s=600)[0]
        out["app: first page, dataset ready (s)"] = f"{t[0]:.1f}" if t else "failed"
        t = sessions(page, 1, timeout_s=600)[0]
        out["app: warm page (s)"] = f"{t[0]:.1f}" if t else "failed"
        count_s, map_s, _ = slider_step(page)
        out["app: date-slider step, count / map (s)"] = f"{count_s:.2f} / {map_s:.2f}"
        out["app: server RSS (MB)"] = f"{rss_mb(server.pid):.0f}"
    for key, value in out.items():
        print(f"  {key:<58} {value:>8}")


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    with_app = "--no-app" not in sys.argv
    rows = int(args[0]) if args else 1_000_000
    gpkg_rows = int(args[1]) if len(args) > 1 else 200_000
    load0 = os.getloadavg()
    t = time.perf_counter()
    data = synthetic(max(rows, gpkg_rows))
    print(f"synthetic incidents: {len(data):,} in {time.perf_counter() - t:.1f} s")
    empty = to_incident_frame(data.iloc[0:0])
    first_day = data["date_start"].min().normalize()
    all_dates = FilterSpec(start=first_day, end=data["date_start"].max().normalize() + pd.Timedelta(days=1))
    step = FilterSpec(start=pd.Timestamp("2016-01-01", tz="UTC"), end=pd.Timestamp("2016-07-01", tz="UTC"))
    request = {"threshold": AGGREGATE_THRESHOLD, "categories": (), "highlight": (), "time_label": "",
               "steps": None, "step": "day", "mode": "cumulative"}  # fmt: skip
    results: dict[str, dict[str, str]] = {}
    with throwaway_cluster() as url, PostgisStore(url, app_user="bench") as store:
        print(f"PostGIS, {rows:,} incidents")
        t = time.perf_counter()
        store.save(data.iloc[:rows], "synthetic", source_file="synthetic.csv")
        load_s = time.perf_counter() - t
        print(f"  {'import (one transaction, audited)':<58} {load_s:8.1f} s")
        store.conn.execute("ANALYZE")
        store.conn.commit()
        month = timed(
            f"a month in {GOVERNORATE}, with sources (load)", lambda: store.load("synthetic", MONTH, admin1=GOVERNORATE)
        )
        cells = timed(
            "all-Syria grid, per cell and category (SQL, grid_cells)",
            lambda: store.grid_groups("synthetic", timed=False),
        )
        summary = summary_filter_sql(FilterSpec(), ["synthetic"])
        print("    EXPLAIN ANALYZE:", explain_ms(store, cells_groups_sql(summary[0]), tuple(summary[1])))
        grid = timed("all-Syria grid with days (SQL, grid_summary: before)", lambda: store.grid_groups("synthetic"), 2)
        print("    EXPLAIN ANALYZE:", explain_ms(store, summary_groups_sql(summary[0]), tuple(summary[1])))
        timed("payload of the per-cell groups", lambda: payload_from_groups(cells), repeat=3)
        print(f"  -> {len(month):,} incidents; {len(cells):,} cell groups / {len(grid):,} day groups "
              f"of {int(cells['n'].sum()):,} incidents")  # fmt: skip
        memory = MemorySource(PreparedTable(empty))

        def app_layer(spec: FilterSpec) -> tuple:
            source = StoreSource(memory, store, ["synthetic"], store.datasets())
            selection = source.select(spec, AGGREGATE_THRESHOLD)
            return selection.layer(request), selection.timeline("M"), selection.timed

        for label, spec in (("all dates", all_dates), ("a date-slider step (half a year)", step), ("a month", MONTH)):
            layer, _, timed_grid = timed(f"app source: {label} (listing+counts+groups+layer+timeline)",
                                         lambda spec=spec: app_layer(spec), repeat=3)  # fmt: skip
            print(f"    -> {len(layer[0]) / 1e6:.1f} MB of payload; map time control: {'yes' if timed_grid else 'no'}")
        out = results.setdefault(f"PostGIS {rows:,}", {})
        out["import (s)"] = f"{load_s:.0f}"
        print(f"  process RSS {_rss_mb():.0f} MB")
        if with_app:
            app_figures(f"PostGIS {rows:,}", {"SYRIA_MAP_DB": url}, "ds=synthetic", results)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "synthetic.gpkg"
        save_gpkg(to_incident_frame(data.iloc[:gpkg_rows].assign(dataset="synthetic")), path)
        print(f"GeoPackage, {gpkg_rows:,} incidents (the app's way for files)")
        frame = timed("read the whole file", lambda: load_gpkg(path), repeat=1)
        sub = timed(
            f"a month in {GOVERNORATE} (pandas filter of the loaded table)",
            lambda: filter_incidents(frame, MONTH).query("admin1 == @GOVERNORATE"),
        )
        groups = timed("aggregated grid, all of Syria (Python)", lambda: python_grid(frame), repeat=2)
        print(f"  -> {len(sub):,} incidents; {len(groups):,} groups; peak RSS {_rss_mb():.0f} MB")
        if with_app:
            app_figures(f"GeoPackage {gpkg_rows:,}", {"SYRIA_MAP_DATASETS": str(path)}, "ds=synthetic", results)
    names = list(results)
    print(f"\n{'':58s}" + "".join(f"{n:>22s}" for n in names))
    for metric in dict.fromkeys(m for r in results.values() for m in r):
        print(f"{metric:58s}" + "".join(f"{results[n].get(metric, '-'):>22s}" for n in names))
    print(f"load average (1, 5, 15 min) at start {load0[0]:.1f} {load0[1]:.1f} {load0[2]:.1f}, "
          f"at end {os.getloadavg()[0]:.1f} ({os.cpu_count()} cores, shared)")  # fmt: skip


if __name__ == "__main__":
    main()
