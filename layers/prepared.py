"""An incident table prepared once for fast selections: the app's reruns filter arrays, not frames.

Everything a rerun of the app needs that depends only on the table — the day
bounds the date filter compares, the codes of the filter columns, the cleaned
text the perpetrator/victim filters search, each row's distance from a corridor
(computed on first use per corridor), the colour codes, and the row-wise
columns of both map payloads (grid cells: positions in the metric CRS; points:
cleaned texts and source keys) — is computed once per table by
:class:`PreparedTable`. The app keeps one per dataset version and shares it
between sessions (``st.cache_resource``), so a filter change costs a few
vectorized comparisons and a selection of precomputed columns.

Every selection gives exactly what the frame-based functions give for the
filtered frame: :meth:`PreparedTable.select` = :func:`layers.timeline.filter_incidents`,
:meth:`PreparedTable.payload` = ``to_payload`` / ``to_grid_payload`` of the
selection (``tests/test_prepared.py`` compares them).

Examples
--------
>>> from layers.incidents import to_incident_frame
>>> from layers.timeline import FilterSpec
>>> gdf = to_incident_frame(pd.DataFrame({"id": ["a", "b", "c"], "campaign": ["X", "Y", "X"],
...     "lon": [36.7, 36.8, 38.0], "lat": [34.7, 34.8, 35.9], "deaths_best": [1, 20, 5]}))
>>> prep = PreparedTable(gdf)
>>> idx = prep.select(FilterSpec(campaigns=("X",)))
>>> prep.table.iloc[idx]["id"].tolist(), prep.payload(idx, threshold=10)["n"]
(['a', 'c'], 2)
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from geo.safety import BIDI_CONTROLS, strip_bidi
from layers.render.aggregate import assemble_grid, grid_columns
from layers.render.payload import assemble_points, colour_codes, colour_index, drawable_mask, point_columns
from layers.timeline import FilterSpec, category_filters, corridor_offsets_km, span_steps, text_filters

__all__ = ["PreparedTable", "prepare_chosen"]

_DAY_NS = 86_400 * 10**9
_NAT = np.iinfo("int64").min  # numpy's NaT as int64
_GRID_COLUMNS = ("date_start", "date_end", "deaths_best")  # what grid_columns reads


def _ns(values: pd.Series) -> np.ndarray:
    """Return UTC nanoseconds since the epoch as int64 (NaT -> the int64 minimum)."""
    return pd.to_datetime(values, utc=True).to_numpy(dtype="datetime64[ns]").astype("int64")


def _utc_ns(value: Any) -> int:
    """Return a time as UTC nanoseconds since the epoch (a naive time is taken as UTC)."""
    ts = pd.Timestamp(value)
    return int((ts.tz_localize("UTC") if ts.tzinfo is None else ts.tz_convert("UTC")).value)


class PreparedTable:
    """An incident table with the arrays every selection of it is computed from.

    Build it once per table (it keeps a reference to *table*, which must not be changed
    afterwards); *sources*, the frames the table was made from, are only kept alive with it, so
    that a cache key naming them by ``id`` stays unique while the entry exists. Costly parts —
    corridor distances, text haystacks, payload columns — are computed on first use, once,
    under a lock: concurrent sessions wait for one computation.
    """

    def __init__(
        self,
        table: pd.DataFrame,
        sources: Sequence[object] = (),
        full: Callable[[], pd.DataFrame] | None = None,
    ) -> None:
        self.table = table
        self.sources = tuple(sources)
        self._full = full
        self.n = len(table)
        start = _ns(table["date_start"]) if self.n else np.empty(0, "int64")
        end = _ns(table["date_end"]) if self.n else np.empty(0, "int64")
        self._first = start
        self._last = np.where(end == _NAT, start, end)  # date_end, or date_start when it is missing
        agg = table["aggregate"] if "aggregate" in table.columns else pd.Series(False, index=table.index)
        self.aggregate = agg.fillna(False).astype(bool).to_numpy(dtype=bool, copy=True)
        deaths = table["deaths_best"].astype("Float64") if self.n else pd.Series([], dtype="Float64")
        self._deaths = deaths.to_numpy(dtype=float, na_value=np.nan)
        self.drawable, self.lon, self.lat = drawable_mask(table) if self.n else (np.zeros(0, bool), *[np.empty(0)] * 2)
        self._codes: dict[str, tuple[np.ndarray, pd.Index]] = {}
        self._lazy: dict[Any, Any] = {}
        self._lock = threading.RLock()
        self._full_lock = threading.Lock()

    def _once(self, key: Any, build: Callable[[], Any]) -> Any:
        """Return ``build()`` computed once for *key* (thread-safe)."""
        if key not in self._lazy:
            with self._lock:
                if key not in self._lazy:
                    self._lazy[key] = build()
        return self._lazy[key]

    @property
    def full_table(self) -> pd.DataFrame:
        """The table with every column: *table* itself, or *full()* read on first use (columns first).

        With *full*, *table* holds only some columns (``layers.store.ColumnsFirst``) and *full()*
        returns the same rows, in the same order, with all of them.
        """
        if self._full is None:
            return self.table
        if "full" not in self._lazy:
            with self._full_lock:  # its own lock: a session waiting for the read blocks no other work
                if "full" not in self._lazy:
                    full = self._full().reset_index(drop=True)
                    if len(full) != self.n:
                        raise ValueError(f"the full table has {len(full):,} rows, its first columns {self.n:,}")
                    self._lazy["full"] = full
        return self._lazy["full"]

    @property
    def partial(self) -> bool:
        """Whether :attr:`table` still lacks columns that :attr:`full_table` reads on demand."""
        return self._full is not None and "full" not in self._lazy

    def _frame_with(self, columns: Iterable[str]) -> pd.DataFrame:
        """Return :attr:`table` when it has every one of *columns*, else :attr:`full_table`."""
        have = self.table.columns
        return self.table if all(c in have for c in columns) else self.full_table

    def _column(self, column: str) -> pd.Series:
        return self._frame_with([column])[column]

    def _category_mask(self, column: str, values: Sequence[str]) -> np.ndarray:
        codes, uniques = self._once(("codes", column), lambda: pd.factorize(self._column(column)))
        allowed = np.append(pd.Index(uniques).isin(values), False)  # code -1 (missing) -> False
        return allowed[codes]

    def _haystack(self, column: str) -> pd.Series:
        def build() -> pd.Series:
            values = self._column(column).fillna("").astype(str)
            return values.str.replace(BIDI_CONTROLS, "", regex=True).reset_index(drop=True)

        return self._once(("text", column), build)

    def _offsets_km(self, corridor: str) -> np.ndarray:
        def build() -> np.ndarray:
            lon = self.table["lon"].to_numpy(dtype=float)
            lat = self.table["lat"].to_numpy(dtype=float)
            return np.nan_to_num(corridor_offsets_km(lon, lat, corridor), nan=np.inf)

        return self._once(("corridor", corridor), build)

    def mask(self, spec: FilterSpec) -> np.ndarray:
        """Return the boolean row mask of :func:`layers.timeline.filter_incidents` for *spec*."""
        keep = np.ones(self.n, dtype=bool)
        if not self.n:
            return keep
        if spec.end is not None:
            keep &= (self._first == _NAT) | (self._first < _utc_ns(spec.end))
        if spec.start is not None:
            keep &= (self._last == _NAT) | (self._last + _DAY_NS > _utc_ns(spec.start))
        for column, values in category_filters(spec):
            if values:
                keep &= self._category_mask(column, values)
        for column, text in text_filters(spec):
            if text.strip():
                hay = self._haystack(column)
                keep &= hay.str.contains(strip_bidi(text).strip(), case=False, regex=False).to_numpy(dtype=bool)
        if spec.min_deaths is not None:
            keep &= self._deaths >= spec.min_deaths  # NaN (no figure) compares False
        if spec.corridor:
            max_km = 5.0 if spec.max_km is None else spec.max_km
            keep &= (self._offsets_km(spec.corridor) <= max_km) & ~self.aggregate
        if spec.bbox is not None:  # as timeline.in_extent: lon/lat are NaN where a row is not drawn
            west, south, east, north = (float(v) for v in spec.bbox)
            lon, lat = self._extent_lonlat()
            keep &= (lon >= west) & (lon <= east) & (lat >= south) & (lat <= north)
        return keep

    def _extent_lonlat(self) -> tuple[np.ndarray, np.ndarray]:
        """Return every row's lon/lat columns where the row is drawn (NaN elsewhere), as ``in_extent`` reads them."""

        def build() -> tuple[np.ndarray, np.ndarray]:
            lon = pd.to_numeric(self._column("lon"), errors="coerce").to_numpy(dtype=float, na_value=np.nan)
            lat = pd.to_numeric(self._column("lat"), errors="coerce").to_numpy(dtype=float, na_value=np.nan)
            off = self.aggregate
            return np.where(off, np.nan, lon), np.where(off, np.nan, lat)

        return self._once("extent", build)

    def select(self, spec: FilterSpec) -> np.ndarray:
        """Return the positions (ascending) of the rows that pass *spec*."""
        return np.flatnonzero(self.mask(spec))

    def rows(self, idx: np.ndarray, columns: Iterable[str] | None = None) -> pd.DataFrame:
        """Return the rows at positions *idx* (all columns, or only *columns*: much cheaper)."""
        if columns is None:
            table = self.full_table
        else:
            columns = list(columns)
            table = pd.DataFrame(self._frame_with(columns)[columns])
        return table.iloc[np.asarray(idx, dtype="int64")]

    def counts(self, idx: np.ndarray) -> tuple[int, int]:
        """Return (incidents, of them not aggregate totals) at positions *idx*."""
        return len(idx), int((~self.aggregate[idx]).sum())

    def steps(self, idx: np.ndarray, step: str = "day", mode: str = "cumulative") -> list[list[Any]]:
        """Return :func:`layers.standalone.map_steps` of the rows *idx*, from the prepared day bounds."""
        own = np.asarray(idx, dtype="int64")[~self.aggregate[idx]]
        first = self._first[own]
        last = self._last[own]
        first, last = first[first != _NAT], last[last != _NAT]
        if not len(first) or not len(last):
            return []
        return span_steps(pd.Timestamp(int(first.min()), tz="UTC"), pd.Timestamp(int(last.max()), tz="UTC"), step, mode)

    def n_drawable(self, idx: np.ndarray) -> int:
        """Return how many rows at *idx* the map draws (located, not aggregate totals)."""
        return int(self.drawable[idx].sum())

    def payload(
        self,
        idx: np.ndarray,
        *,
        threshold: int,
        colour_by: str = "campaign",
        categories: Sequence[str] | None = None,
        highlight_ids: Iterable[str] = (),
        time_label: str | None = None,
    ) -> dict[str, Any]:
        """Return the map payload of the rows *idx*: grid cells above *threshold* drawable rows, else points.

        The same dict as ``incident_map`` would embed for ``table.iloc[idx]``.
        """
        idx = np.asarray(idx, dtype="int64")
        sel = idx[self.drawable[idx]]
        n_aggregate = int(self.aggregate[idx].sum())
        codes, keys = self._once(("colour", colour_by), lambda: colour_codes(self._frame_with([colour_by]), colour_by))
        colour = colour_index(codes[sel], keys, colour_by, categories)
        if len(sel) > threshold:
            cols = self._once("grid", lambda: grid_columns(self._frame_with(_GRID_COLUMNS), self.lon, self.lat))
            out = assemble_grid(
                cols, sel, colour=colour, colour_by=colour_by, time_label=time_label, n_aggregate=n_aggregate
            )
            out["threshold"] = int(threshold)
            return out
        cols = self._once("points", lambda: point_columns(self.full_table, self.lon, self.lat))  # popups: all columns
        return assemble_points(
            cols,
            sel,
            colour=colour,
            highlight_ids=highlight_ids,
            time_label=time_label,
            n_aggregate=n_aggregate,
            colour_by=colour_by,
        )


def prepare_chosen(
    datasets: Mapping[str, pd.DataFrame],
    chosen: Sequence[str],
    deferred: Mapping[str, Callable[[], pd.DataFrame]] | None = None,
) -> PreparedTable:
    """Return the :class:`PreparedTable` of the chosen datasets combined (``app_state.combine``).

    *deferred* maps a dataset's name to a function returning its full table when
    ``datasets[name]`` holds only some of its columns (``layers.store.ColumnsFirst``). Then the
    prepared table is the combination of every chosen dataset cut to those columns, and its
    :attr:`~PreparedTable.full_table` — the combination of the full tables, the same rows in the
    same order — is built on first need (a details table, a popup, an export).
    """
    from layers.app_state import combine

    sources = [datasets[name] for name in chosen if name in datasets]
    lazy = [name for name in chosen if name in datasets and name in (deferred or {})]
    if not lazy:
        return PreparedTable(combine(datasets, chosen), sources=sources)
    columns = list(datasets[lazy[0]].columns)
    for name in lazy[1:]:
        columns = [c for c in columns if c in datasets[name].columns]
    first = {name: datasets[name][columns] for name in chosen if name in datasets}
    getters = dict(deferred or {})

    def full() -> pd.DataFrame:
        return combine({name: getters[name]() if name in lazy else datasets[name] for name in first}, chosen)

    return PreparedTable(combine(first, chosen), sources=sources, full=full)
