"""Where the app's page reads a selection from: the in-memory datasets, or them with a shared PostGIS store.

The app's map panel, counts, timeline and row panels (raster, export, corridor, details)
use one interface for both:

* a *source* (:class:`MemorySource` here, :class:`layers.pgstore.source.StoreSource` for
  ``SYRIA_MAP_DB``) offers the filter widgets' values (``options``), the date slider's
  span (``span``), the number of incidents in the chosen datasets (``total``) and
  ``select(spec, threshold)``;
* a *selection* has ``selected`` (incidents passing the filters), ``points`` (of them not
  regional totals), ``notes`` (what the page must say about it), ``rows(columns)`` (the
  rows for the panels that need them), ``timeline(freq)`` and ``layer(request)``: the
  incident layer as script JSON (payload, options) and its bounds, which the app caches
  per selection key (``app.cached_layer``).

:class:`MemorySource` wraps :class:`layers.prepared.PreparedTable` and computes exactly
what the app computed from it before this interface (``tests/test_datasource.py``).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from layers.prepared import PreparedTable
from layers.render.payload import to_script_json
from layers.timeline import FilterSpec, timeline_counts

__all__ = ["Layer", "MemorySelection", "MemorySource", "layer_of"]

#: An incident layer as the map panel takes it: payload JSON, options JSON, bounds.
Layer = tuple[str, str, list]


def layer_of(prep: PreparedTable, idx: np.ndarray, request: Mapping[str, Any]) -> Layer:
    """Return the incident layer of rows *idx* of *prep* for *request* (threshold, categories, steps, …)."""
    steps = request["steps"] if request["steps"] is not None else prep.steps(idx, request["step"], request["mode"])
    payload = prep.payload(
        idx,
        threshold=request["threshold"],
        categories=request["categories"],
        highlight_ids=request["highlight"],
        time_label=request["time_label"],
    )
    from layers.render.incident_map import layer_options, payload_bounds  # imports folium: only when drawn

    return to_script_json(payload), layer_options(steps=steps), payload_bounds(payload)


class MemorySelection:
    """The rows of a :class:`PreparedTable` that pass a filter (positions, not a copy)."""

    notes: tuple[str, ...] = ()
    is_grid = False

    def __init__(self, prep: PreparedTable, spec: FilterSpec) -> None:
        self.prep = prep
        self.idx = prep.select(spec)
        self.selected, self.points = prep.counts(self.idx)
        self._rows = functools.cache(self._build_rows)

    def _build_rows(self, columns: tuple[str, ...] | None) -> pd.DataFrame:
        return self.prep.rows(self.idx, columns)

    def rows(self, columns: Iterable[str] | None = None) -> pd.DataFrame:
        """Return the selection's rows (all columns, or only *columns*), built once each."""
        return self._rows(None if columns is None else tuple(columns))

    def timeline(self, freq: str) -> pd.DataFrame:
        """Return the timeline counts of the selection (three columns of its rows)."""
        return timeline_counts(self.rows(["date_start", "deaths_best", "aggregate"]), freq=freq)

    def layer(self, request: Mapping[str, Any]) -> Layer:
        """Return the incident layer of the selection (see :func:`layer_of`)."""
        return layer_of(self.prep, self.idx, request)


class MemorySource:
    """Datasets held in this server's memory (curated, ``SYRIA_MAP_DATASETS``, uploads), prepared once."""

    remote = False

    def __init__(self, prep: PreparedTable) -> None:
        self.prep = prep

    @property
    def table(self) -> pd.DataFrame:
        """The combined incident table."""
        return self.prep.table

    @property
    def total(self) -> int:
        """Incidents in the chosen datasets."""
        return self.prep.n

    def options(self) -> dict[str, list[str]]:
        """Return the values the filter widgets offer (``app_state.options``)."""
        from layers.app_state import options

        return options(self.prep.table)

    def span(self) -> tuple[Any, Any]:
        """Return the date slider's (first, last) day (``app_state.date_span``)."""
        from layers.app_state import date_span

        return date_span(self.prep.table)

    def select(self, spec: FilterSpec, threshold: int) -> MemorySelection:
        """Return the rows passing *spec* (*threshold* matters only to the layer, given in its request)."""
        del threshold
        return MemorySelection(self.prep, spec)
