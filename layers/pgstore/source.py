"""The app's data source when a PostGIS store is configured (``SYRIA_MAP_DB``): no whole dataset in memory.

The app keeps its in-memory datasets (curated ones, uploads of this session, GeoPackages)
and adds the store's datasets by name. For the chosen store datasets the filter widgets'
values and the date slider's span come from the datasets table (kept by imports and
edits); the filters run in SQL; a small selection is fetched as incidents (with their
sources, for popups, details and exports), a large one only as grid groups for the
aggregated map and the timeline. :class:`StoreSource` is the app's data source
(``layers.datasource``) for this; the app caches its selections under the datasets'
versions (bumped by every import and edit), so a change by someone else shows at the
next rerun.
"""

from __future__ import annotations

import datetime as dt
import math
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from geo.errors import StoreError
from layers.datasource import Layer, MemorySelection, MemorySource, layer_of
from layers.pgstore.grid import frame_groups, payload_from_groups, timeline_from_groups
from layers.pgstore.query import NO_DAY, filter_sql, summary_filter_sql
from layers.pgstore.store import PostgisStore
from layers.prepared import PreparedTable
from layers.render.payload import to_script_json
from layers.timeline import FilterSpec, filter_incidents, span_steps, timeline_counts

__all__ = ["EDIT_FIELDS", "Selection", "StoreSelection", "StoreSource", "parse_edit", "select", "store_facets"]

#: The fields of the app's edit panel, in order (a subset of ``layers.pgstore.EDITABLE``).
EDIT_FIELDS = (
    "title",
    "event_type",
    "deaths_low",
    "deaths_best",
    "deaths_high",
    "perpetrator_reported",
    "campaign",
    "confidence",
    "summary",
)
#: At most this many incidents are fetched from the store for a point map; above, grid cells.
STORE_MAX_ROWS = 50_000
#: At most this many day groups (5 km cell x category x first day x last day) go to the map with its
#: time control; above (estimated from the datasets' facets), the map gets one group per cell and
#: category — the counts of the whole date window, exact to the day — and no time control of its own.
MAX_DAY_GROUPS = 150_000
_INT_FIELDS = {"deaths_low", "deaths_best", "deaths_high", "injured", "missing_or_abducted", "geo_precision"}
_FLOAT_FIELDS = {"lon", "lat", "chainage_km"}


@dataclass(frozen=True)
class Selection:
    """What the page shows: incidents for the view, or grid groups when the selection is large."""

    shown: pd.DataFrame
    """Incidents fetched for the view: the in-memory ones always, the store's when few."""
    total: int
    """Incidents in the chosen datasets."""
    selected: int
    """Incidents passing the filters."""
    mapped: int
    """Of them, incidents drawn on the map (located, not regional totals)."""
    groups: pd.DataFrame | None = None
    """Grid groups of the whole selection (``layers.pgstore.grid``) when it is too large for points."""
    notes: list[str] = field(default_factory=list)

    @property
    def is_grid(self) -> bool:
        """True when the store's rows were not fetched (the map shows grid cells)."""
        return self.groups is not None

    def grid_payload(self, **kwargs: Any) -> dict[str, Any] | None:
        """Return the aggregated map payload of the whole selection, or None for a point map."""
        return None if self.groups is None else payload_from_groups(self.groups, **kwargs)

    def steps_frame(self) -> pd.DataFrame:
        """Return a table whose dates span the selection, for the map's time control (``map_steps``)."""
        if self.groups is None:
            return self.shown
        dated = self.groups[(self.groups["t0"] > -(10**6)) & (self.groups["t1"] < 10**6)]
        if not len(dated):
            return self.shown
        days = pd.to_datetime([int(dated["t0"].min()), int(dated["t1"].max())], unit="D", utc=True)
        return pd.DataFrame({"date_start": days, "date_end": days, "aggregate": False})

    def timeline(self, freq: str) -> pd.DataFrame:
        """Return the timeline counts of the selection (from the groups when the rows were not fetched)."""
        if self.groups is None:
            return timeline_counts(self.shown, freq=freq)
        return timeline_from_groups(self.groups, freq)


def store_facets(store: PostgisStore, names: Sequence[str]) -> tuple[dict[str, list[str]], tuple[Any, Any], int]:
    """Return the filter options, the (first, last) dates (Timestamps or NaT) and the size of datasets *names*."""
    table = store.datasets()
    table = table[table["name"].isin(list(names))]
    options: dict[str, set[str]] = {"campaign": set(), "event_type": set(), "confidence": set()}
    for facets in table["facets"]:
        for key, values in options.items():
            values.update(str(v) for v in facets.get(key) or [] if v)
    firsts = [pd.Timestamp(f["first"]) for f in table["facets"] if f.get("first")]
    lasts = [pd.Timestamp(f["last"]) for f in table["facets"] if f.get("last")]
    first = min(firsts).tz_convert("UTC") if firsts else pd.NaT
    last = max(lasts).tz_convert("UTC") if lasts else pd.NaT
    out = {key: sorted(values) for key, values in options.items()}
    out["dataset"] = sorted(str(n) for n in table["name"])
    return out, (first, last), int(table["incidents"].sum()) if len(table) else 0  # type: ignore[return-value]


def untimed(groups: pd.DataFrame) -> pd.DataFrame:
    """Return *groups* summed per cell and category, with the open day bounds (the whole window's counts)."""
    keys = ["ix", "iy", "category"]
    out = groups.groupby(keys, as_index=False, dropna=False, sort=False)[
        ["n", "deaths", "with_deaths", "sum_x", "sum_y"]
    ].sum()
    return out.assign(t0=-NO_DAY, t1=NO_DAY)[list(groups.columns)]


def merge_options(local: Mapping[str, list[str]], store: Mapping[str, list[str]]) -> dict[str, list[str]]:
    """Return the union of two option dicts (sorted values per key)."""
    keys = dict.fromkeys([*local, *store])
    return {k: sorted(set(local.get(k, [])) | set(store.get(k, []))) for k in keys}


def merge_span(local: tuple[dt.date, dt.date], store: tuple[Any, Any], local_empty: bool) -> tuple[dt.date, dt.date]:
    """Return the date slider's span over the in-memory span (unless empty) and the store's (first, last)."""
    first, last = store
    if pd.isna(first) or pd.isna(last):
        return local
    days = [first.date(), last.date()]
    if not local_empty:
        days += list(local)
    low, high = min(days), max(days)
    return (low - dt.timedelta(days=1), high) if low == high else (low, high)


def _count(store: PostgisStore, names: list[str], spec: FilterSpec) -> tuple[int, int]:
    """Return (incidents passing *spec*, of them drawn on the map) in store datasets *names*."""
    selected, mapped, _ = _counts(store, names, spec)
    return selected, mapped


def _counts(store: PostgisStore, names: list[str], spec: FilterSpec) -> tuple[int, int, int]:
    """Return (incidents passing *spec*, of them drawn on the map, of them regional totals) in datasets *names*."""
    summary = summary_filter_sql(spec, names)
    where, params = filter_sql(spec, names)
    if summary is not None:  # the drawn ones from the summary; the few off the map from a partial index
        table = "grid_cells" if spec.start is None and spec.end is None else "grid_days"  # the smaller summary
        mapped = store._frame(
            f"SELECT COALESCE(sum(g.n::integer), 0) FROM {table} g JOIN datasets d USING (dataset_id) "
            f"WHERE {summary[0]}",
            summary[1],
        ).iat[0, 0]
        off = store._frame(
            "SELECT count(*), count(*) FILTER (WHERE i.aggregate) FROM incidents i JOIN datasets d USING (dataset_id) "
            f"WHERE i.geom IS NULL AND {where}",
            params,
        )
        return int(mapped) + int(off.iat[0, 0]), int(mapped), int(off.iat[0, 1])
    counts = store._frame(
        "SELECT count(*), count(i.geom), count(*) FILTER (WHERE i.aggregate) "
        f"FROM incidents i JOIN datasets d USING (dataset_id) WHERE {where}",
        params,
    )
    return int(counts.iat[0, 0]), int(counts.iat[0, 1]), int(counts.iat[0, 2])


def _dated_spans(listing: pd.DataFrame) -> list[tuple[pd.Timestamp, pd.Timestamp, int]]:
    """Return (first, last, day groups) of each dataset of *listing* from its facets (NaT when undated)."""
    out = []
    for facets in listing["facets"]:
        first = pd.Timestamp(facets["first"]).tz_convert("UTC") if facets.get("first") else pd.NaT
        last = pd.Timestamp(facets["last"]).tz_convert("UTC") if facets.get("last") else pd.NaT
        out.append((first, last, int(facets.get("groups") or 0)))
    return out


def store_spec(spec: FilterSpec, listing: pd.DataFrame) -> FilterSpec:
    """Return *spec* without its dates when they cover every dated incident of *listing* (the same rows).

    An incident passes the window when its first day is before the end and its last day on or after
    the start; a window from at most the first date to after the last keeps them all, so the
    store answers it from tables without days (``grid_cells``).
    """
    if spec.start is None and spec.end is None:
        return spec
    spans = _dated_spans(listing)
    if not spans or any(pd.isna(lo) or pd.isna(hi) for lo, hi, _ in spans):
        return spec
    first, last = min(lo for lo, _, _ in spans), max(hi for _, hi, _ in spans)
    if (spec.start is None or spec.start <= first) and (spec.end is None or spec.end > last):
        return replace(spec, start=None, end=None)
    return spec


def estimated_day_groups(spec: FilterSpec, listing: pd.DataFrame) -> int:
    """Return an estimate of the day groups of *spec*: each dataset's, times the share of its span in the window."""
    total = 0.0
    for first, last, groups in _dated_spans(listing):
        share = 1.0
        if not (pd.isna(first) or pd.isna(last)) and last > first:
            low = first if spec.start is None else max(first, spec.start)
            high = last if spec.end is None else min(last, spec.end)
            share = min(1.0, max(0.0, (high - low) / (last - first)))
        total += groups * share
    return int(total)


def _mapped(frame: pd.DataFrame) -> int:
    if not len(frame):
        return 0
    return int((~frame["aggregate"].astype(bool) & frame.geometry.notna()).sum())


def select(
    store: PostgisStore | None,
    store_names: Sequence[str],
    local: pd.DataFrame,
    spec: FilterSpec,
    threshold: int,
    *,
    colour_by: str = "campaign",
    local_total: int | None = None,
) -> Selection:
    """Filter the in-memory table *local* in pandas and store datasets *store_names* in SQL.

    When more than *threshold* incidents would be drawn, the store's rows stay in the database
    and the selection carries grid groups (in-memory rows included); otherwise the store's
    incidents are fetched and appended to the in-memory ones.
    """
    shown = filter_incidents(local, spec)
    total = len(local) if local_total is None else local_total
    names = list(store_names)
    threshold = min(threshold, STORE_MAX_ROWS)
    if store is None or not names:
        return Selection(shown, total, len(shown), _mapped(shown))
    _, _, store_total = store_facets(store, names)
    selected, mapped = _count(store, names, spec)
    local_mapped = _mapped(shown)
    if local_mapped + mapped > threshold:
        groups = store.grid_groups(names, spec, colour_by=colour_by)
        if len(shown):
            groups = pd.concat([groups, frame_groups(shown, colour_by)], ignore_index=True)
        note = (
            f"{selected:,} incidents of the shared store are counted in the database; narrow the filters "
            f"or the dates below {threshold:,} mapped incidents to fetch single incidents, their sources and exports."
        )
        return Selection(shown, total + store_total, len(shown) + selected, local_mapped + mapped, groups, [note])
    rows = store.load(names, spec)
    if "row_version" in rows:
        rows = rows.drop(columns="row_version")
    both = pd.concat([shown, rows], ignore_index=True) if len(shown) else rows
    return Selection(both, total + store_total, len(both), local_mapped + mapped)


class StoreSelection:
    """A selection of in-memory rows (a :class:`layers.datasource.MemorySelection`) and store datasets.

    Everything is read from the database when it is made (counts, then the incidents when at
    most *threshold* are drawn, else only the grid groups), so it can be kept in a cache keyed
    by the datasets' versions and used by any session; it holds no connection.
    """

    def __init__(
        self,
        store: PostgisStore,
        names: Sequence[str],
        local: MemorySelection,
        spec: FilterSpec,
        threshold: int,
        listing: pd.DataFrame | None = None,
    ) -> None:
        self.local = local
        names = list(names)
        threshold = min(threshold, STORE_MAX_ROWS)
        if listing is None:
            listing = store.datasets()
        listing = listing[listing["name"].isin(names)]
        spec = store_spec(spec, listing)  # the same rows; a window covering the data reads tables without days
        selected, mapped, aggregates = _counts(store, names, spec)
        self.selected = local.selected + selected
        self.points = local.points + selected - aggregates
        self._aggregates = aggregates
        local_drawn = local.prep.n_drawable(local.idx)
        self.groups: pd.DataFrame | None = None
        self._store_rows: pd.DataFrame | None = None
        self._days: pd.DataFrame | None = None
        #: False when the grid's groups carry no days (too many for the map's time control)
        self.timed = True
        notes = []
        if local_drawn + mapped > threshold:
            estimate = estimated_day_groups(spec, listing)
            self.timed = estimate + local_drawn <= MAX_DAY_GROUPS
            total = estimated_day_groups(replace(spec, start=None, end=None), listing)
            self.groups = store.grid_groups(names, spec, timed=self.timed, complement=estimate > total - estimate)
            if not self.timed:
                self._days = store.day_counts(names, spec)
            if local_drawn:
                mine = frame_groups(local.rows())
                if not self.timed:
                    self._days = pd.concat([self._days, mine[["t0", "n"]]], ignore_index=True)
                    mine = untimed(mine)
                self.groups = pd.concat([self.groups, mine], ignore_index=True)
            notes.append(
                f"{selected:,} incidents of the shared store are counted in the database: the map shows grid cells "
                f"and the panels below (details, export, raster, corridor) hold only the "
                f"{local.selected:,} incidents of the datasets in this app's memory. Narrow the filters or the "
                f"dates below {threshold:,} mapped incidents to fetch the store's incidents with their sources."
            )
            if not self.timed:
                notes.append(
                    f"About {estimate:,} groups of cells and days are more than the map's own time control can "
                    f"use ({MAX_DAY_GROUPS:,}): the map shows the counts of the whole date window (exact to the "
                    "day) without it. Narrow the dates to step through them on the map."
                )
        else:
            rows = store.load(names, spec)
            self._store_rows = rows.drop(columns="row_version") if "row_version" in rows else rows
        self.notes = tuple(notes)
        self.is_grid = self.groups is not None
        self._lock = threading.RLock()
        self._prepared: PreparedTable | None = None
        self._both: pd.DataFrame | None = None

    def _prep(self) -> PreparedTable:
        """Return the fetched rows (in-memory ones first) prepared once, for the point layer."""
        with self._lock:
            if self._prepared is None:
                self._prepared = PreparedTable(self.rows().reset_index(drop=True))
            return self._prepared

    def rows(self, columns: Iterable[str] | None = None) -> pd.DataFrame:
        """Return the rows of the selection that are in memory: the in-memory datasets', the store's when fetched."""
        with self._lock:
            if self._both is None:
                local = self.local.rows()
                if self._store_rows is None or not len(self._store_rows):
                    self._both = local
                elif not len(local):
                    self._both = self._store_rows
                else:
                    self._both = pd.concat([local, self._store_rows], ignore_index=True)
        both = self._both
        return both if columns is None else pd.DataFrame(both[list(columns)])

    def timeline(self, freq: str) -> pd.DataFrame:
        """Return the timeline counts (from the grid groups when the store's rows were not fetched)."""
        if self.groups is None:
            return timeline_counts(self.rows(["date_start", "deaths_best", "aggregate"]), freq=freq)
        return timeline_from_groups(self.groups if self._days is None else self._days, freq)

    def layer(self, request: Mapping[str, Any]) -> Layer:
        """Return the incident layer: the points of the fetched rows, or the grid of the groups."""
        if self.groups is None:
            prep = self._prep()
            return layer_of(prep, np.arange(prep.n), request)
        n_aggregate = self._aggregates + int(self.local.prep.aggregate[self.local.idx].sum())
        payload = payload_from_groups(
            self.groups, categories=request["categories"], time_label=request["time_label"], n_aggregate=n_aggregate
        )
        payload["threshold"] = int(request["threshold"])
        steps = request["steps"]
        if not self.timed:
            steps = []  # the groups hold the whole window: no time control (see MAX_DAY_GROUPS)
        elif steps is None:
            dated = self.groups[(self.groups["t0"] > -(10**6)) & (self.groups["t1"] < 10**6)]
            steps = []
            if len(dated):
                first = pd.Timestamp(int(dated["t0"].min()), unit="D", tz="UTC")
                last = pd.Timestamp(int(dated["t1"].max()), unit="D", tz="UTC")
                steps = span_steps(first, last, request["step"], request["mode"])
        from layers.render.incident_map import layer_options, payload_bounds  # imports folium: only when drawn

        return to_script_json(payload), layer_options(steps=steps), payload_bounds(payload)


class StoreSource:
    """The in-memory datasets (a :class:`layers.datasource.MemorySource`) and datasets of a PostGIS store.

    *listing* is ``store.datasets()`` read at this rerun: the filter values and the date span
    of the store's datasets come from their facets, never from their rows.
    """

    remote = True

    def __init__(self, memory: MemorySource, store: PostgisStore, names: Sequence[str], listing: pd.DataFrame) -> None:
        self.memory = memory
        self.store = store
        self.names = [n for n in names if n in set(listing["name"])]
        self.listing = listing[listing["name"].isin(self.names)]
        self.table = memory.table

    @property
    def version(self) -> tuple[tuple[str, int], ...]:
        """(name, version) of each chosen store dataset: an import or an edit gives a new one."""
        return tuple(zip(self.listing["name"], (int(v) for v in self.listing["version"]), strict=True))

    @property
    def total(self) -> int:
        """Incidents in the chosen datasets (in memory and in the store)."""
        return self.memory.total + int(self.listing["incidents"].sum())

    def _facets(self) -> tuple[dict[str, list[str]], tuple[Any, Any]]:
        options: dict[str, set[str]] = {"campaign": set(), "event_type": set(), "confidence": set()}
        for facets in self.listing["facets"]:
            for key, values in options.items():
                values.update(str(v) for v in facets.get(key) or [] if v)
        firsts = [pd.Timestamp(f["first"]) for f in self.listing["facets"] if f.get("first")]
        lasts = [pd.Timestamp(f["last"]) for f in self.listing["facets"] if f.get("last")]
        first = min(firsts).tz_convert("UTC") if firsts else pd.NaT
        last = max(lasts).tz_convert("UTC") if lasts else pd.NaT
        out = {key: sorted(values) for key, values in options.items()}
        out["dataset"] = sorted(self.names)
        return out, (first, last)

    def options(self) -> dict[str, list[str]]:
        """Return the filter values of the in-memory table and the chosen store datasets' facets."""
        return merge_options(self.memory.options(), self._facets()[0])

    def span(self) -> tuple[dt.date, dt.date]:
        """Return the date slider's span over both."""
        return merge_span(self.memory.span(), self._facets()[1], local_empty=not self.memory.total)

    def select(self, spec: FilterSpec, threshold: int) -> StoreSelection:
        """Return the selection of *spec*: in-memory rows filtered in arrays, the store's in SQL."""
        return StoreSelection(
            self.store, self.names, self.memory.select(spec, threshold), spec, threshold, listing=self.listing
        )


def save_review(store: PostgisStore, edited: pd.DataFrame, gazetteer: Any) -> int:
    """Keep a review table's choices in the store for the whole team (as ``app_state.apply_review`` does in files).

    A candidate id becomes a shared alias (and is added to *gazetteer* at once), typed
    lat/lon a shared place; returns the number of spellings saved.
    """
    from layers.app_state import review_choices

    aliases, places = review_choices(edited, gazetteer)
    for alias in aliases:
        store.add_alias(alias["alias"], alias["place_id"], alias["note"])
    for place in places:
        store.add_place(place["name"], place["lat"], place["lon"], place)
    return len(aliases) + len(places)


def review_tables(store: PostgisStore) -> tuple[str, pd.DataFrame, pd.DataFrame]:
    """Return a digest of the store's shared aliases and places, and the two tables (read at every rerun)."""
    import hashlib

    aliases, places = store.aliases(), store.user_places()
    digest = hashlib.sha256()
    for table in (aliases, places):
        digest.update(repr(list(table.columns)).encode())
        digest.update(table.astype(str).to_csv(index=False).encode("utf-8"))
    return digest.hexdigest(), aliases, places


def team_places(places: pd.DataFrame) -> pd.DataFrame:
    """Return the store's shared places as a gazetteer place table (read as the person's places.csv would be)."""
    import tempfile
    from pathlib import Path

    from geo.place_sources import read_place_file

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "team_places.csv"
        places.to_csv(path, index=False)
        return read_place_file(path).places


def add_team_aliases(gazetteer: Any, aliases: pd.DataFrame) -> list[str]:
    """Add the store's shared aliases to *gazetteer*; return a note for each one naming an unknown place."""
    from geo.errors import PlaceNotFoundError

    notes = []
    for alias, place_id in zip(aliases["alias"], aliases["place_id"], strict=True):
        try:
            gazetteer.add_alias(alias, place_id)
        except PlaceNotFoundError:
            notes.append(f"Shared alias {alias!r} names place {place_id!r}, which is not in this gazetteer; not used.")
    return notes


def _parse(name: str, text: str) -> Any:
    text = text.strip()
    if name in _INT_FIELDS:
        if not text:
            return None
        try:
            value = float(text)
        except ValueError:
            value = math.nan
        if not math.isfinite(value) or value != int(value) or value < 0:
            raise StoreError(f"{name}: {text!r} is not a whole number ≥ 0; leave it empty when unknown")
        return int(value)
    if name in _FLOAT_FIELDS:
        if not text:
            return None
        try:
            return float(text)
        except ValueError as err:
            raise StoreError(f"{name}: {text!r} is not a number") from err
    return text or None


def _same(a: Any, b: Any) -> bool:
    a_missing = a is None or (not isinstance(a, (list, dict)) and pd.isna(a)) or a == ""
    b_missing = b is None or (not isinstance(b, (list, dict)) and pd.isna(b)) or b == ""
    if a_missing or b_missing:
        return a_missing and b_missing
    return bool(a == b)


def parse_edit(current: Mapping[str, Any], inputs: Mapping[str, str]) -> dict[str, Any]:
    """Return the fields of *inputs* (text from the edit panel) that differ from *current*, typed.

    Raises
    ------
    StoreError
        A value is not of the field's kind (the message names the field).

    Examples
    --------
    >>> parse_edit({"title": "A", "deaths_best": 3}, {"title": "A", "deaths_best": "4"})
    {'deaths_best': 4}
    >>> parse_edit({"deaths_best": 3}, {"deaths_best": ""})
    {'deaths_best': None}
    """
    changes = {}
    for name, text in inputs.items():
        value = _parse(name, str(text))
        if not _same(value, current.get(name)):
            changes[name] = value
    return changes


def edit_text(value: Any) -> str:
    """Return a stored value as the edit panel's text (empty when missing)."""
    if value is None or (not isinstance(value, (list, dict)) and pd.isna(value)):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
