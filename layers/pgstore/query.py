"""The app's filters as one SQL query, and the aggregated grid computed in the database.

:func:`filter_sql` gives the same rows as :func:`layers.timeline.filter_incidents`
(tested side by side); the corridor distance is measured on the ellipsoid
(``geography``) to the line through the corridor's cited vertices.
:func:`grid_groups_sql` counts incidents per (5 km cell, category, first day, last
day) in the Syria-centred AEQD (SRID 990035, the project's ``geo.crs.SYRIA_AEQD``),
the groups the aggregated map sends to the browser (``layers.render.aggregate``).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from geo.safety import BIDI_CONTROLS, strip_bidi
from layers.timeline import FilterSpec

__all__ = [
    "AEQD_SRID",
    "cells_groups_sql",
    "complement_groups_sql",
    "corridor_wkt",
    "filter_sql",
    "grid_groups_sql",
    "summary_filter_sql",
    "summary_groups_sql",
]

AEQD_SRID = 990035
#: The open day bound of undated incidents, as in layers.render.payload (also in 0001_schema.sql).
NO_DAY = 10**7
_CATEGORY_COLUMNS = ("campaign", "dataset", "event_type", "confidence")


@lru_cache(maxsize=8)
def corridor_wkt(ref: str) -> str:
    """Return the corridor's line through its cited vertices as WKT (lon lat)."""
    from geo.corridors import load_corridors, resolve_corridor

    corridors = load_corridors()
    road = corridors[resolve_corridor(ref, corridors)]
    return "LINESTRING(" + ", ".join(f"{v.lon!r} {v.lat!r}" for v in road.vertices) + ")"


def filter_sql(
    spec: FilterSpec,
    datasets: list[str] | None = None,
    ids: list[str] | None = None,
    *,
    bbox: tuple[float, float, float, float] | None = None,
    admin1: str = "",
) -> tuple[str, list]:
    """Return ``(where, params)`` for ``incidents i JOIN datasets d`` implementing *spec*.

    *bbox* ``(west, south, east, north)`` keeps the points in the map's extent (GiST
    index); *admin1* the incidents of one governorate as recorded.

    Examples
    --------
    >>> where, params = filter_sql(FilterSpec(min_deaths=10, event_types=("massacre",)), ["coast"])
    >>> where
    'd.name = ANY(%s) AND i.event_type = ANY(%s) AND i.deaths_best >= %s'
    >>> params
    [['coast'], ['massacre'], 10]
    """
    parts: list[str] = []
    params: list[Any] = []
    names = list(datasets or []) or list(spec.datasets)
    if datasets and spec.datasets:
        names = [n for n in datasets if n in spec.datasets]
    if names or spec.datasets:
        parts.append("d.name = ANY(%s)")
        params.append(names)
    if ids:
        parts.append("i.id = ANY(%s)")
        params.append(list(ids))
    for column, values in (
        ("campaign", spec.campaigns),
        ("event_type", spec.event_types),
        ("confidence", spec.confidence),
    ):
        if values:
            parts.append(f"i.{column} = ANY(%s)")
            params.append(list(values))
    for column, text in (("perpetrator_reported", spec.perpetrator), ("victim_group_reported", spec.victim_group)):
        term = strip_bidi(text).strip()
        if text.strip() and term:
            # As layers.timeline.filter_incidents: bidi controls (common in Arabic text) do not count;
            # the plain test first, the one without them only for values that hold any.
            parts.append(
                f"(strpos(lower(i.{column}), lower(%s)) > 0 OR (i.{column} ~ %s AND "
                f"strpos(lower(regexp_replace(i.{column}, %s, '', 'g')), lower(%s)) > 0))"
            )
            params += [term, BIDI_CONTROLS.pattern, BIDI_CONTROLS.pattern, term]
        elif text.strip():  # a term of bidi controls only matches everything, as in Python
            parts.append("TRUE")
    if spec.min_deaths is not None:
        parts.append("i.deaths_best >= %s")
        params.append(int(spec.min_deaths))
    if spec.start is not None or spec.end is not None:
        # A superset on whole days that the GiST index on the day range answers; the exact bounds follow.
        parts.append("int4range(i.day0, i.day1, '[]') && int4range(%s, %s, '[]')")
        params.extend(_day_range(spec))
    if spec.end is not None:
        parts.append("(i.date_start IS NULL OR i.date_start < %s)")
        params.append(spec.end.to_pydatetime())
    if spec.start is not None:
        # Its last day (the end, else the start), as layers.timeline.in_window: a record with only an end
        # ("by 5 January") is not in a window after it.
        parts.append(
            "(COALESCE(i.date_end, i.date_start) IS NULL OR COALESCE(i.date_end, i.date_start) + interval '1 day' > %s)"
        )
        params.append(spec.start.to_pydatetime())
    if spec.corridor:
        km = 5.0 if spec.max_km is None else float(spec.max_km)
        parts.append("i.geom IS NOT NULL AND ST_DWithin(i.geom::geography, ST_GeogFromText(%s), %s)")
        params.extend([corridor_wkt(spec.corridor), km * 1000.0])
    for box in (spec.bbox, bbox):
        if box is not None:  # the GiST index finds the candidates; lon/lat (the point's own values) decide
            west, south, east, north = (float(v) for v in box)
            parts.append(
                "i.geom && ST_MakeEnvelope(%s, %s, %s, %s, 4326) "
                "AND i.lon BETWEEN %s AND %s AND i.lat BETWEEN %s AND %s"
            )
            params.extend([west, south, east, north, west, east, south, north])
    if admin1:
        parts.append("i.admin1 = %s")
        params.append(admin1)
    return (" AND ".join(parts) or "true"), params


_DAY_S = 86400


def _day_range(spec: FilterSpec) -> tuple[int, int]:
    """Return whole days (since 1970-01-01) that every incident passing *spec*'s dates overlaps."""
    low = -NO_DAY if spec.start is None else int(spec.start.timestamp() // _DAY_S) - 1
    high = NO_DAY if spec.end is None else int(spec.end.timestamp() // _DAY_S)
    return low, high


def summary_filter_sql(spec: FilterSpec, datasets: list[str] | None = None) -> tuple[str, list] | None:
    """Return ``(where, params)`` on ``grid_summary g JOIN datasets d``, or None when *spec* needs the rows.

    The summary answers the filters the date slider and the category widgets set (datasets,
    dates at midnight UTC, campaign, event type, confidence); text, deaths, corridor and
    extent filters go to the incidents table.

    Examples
    --------
    >>> summary_filter_sql(FilterSpec(min_deaths=3)) is None
    True
    >>> summary_filter_sql(FilterSpec(campaigns=("A",)), ["d1"])
    ('d.name = ANY(%s) AND g.campaign = ANY(%s)', [['d1'], ['A']])
    """
    if spec.perpetrator.strip() or spec.victim_group.strip() or spec.min_deaths is not None or spec.corridor:
        return None
    if spec.bbox is not None:
        return None
    bounds = [t for t in (spec.start, spec.end) if t is not None]
    if any(t != t.normalize() for t in bounds):
        return None
    parts: list[str] = []
    params: list[Any] = []
    names = list(datasets or []) or list(spec.datasets)
    if datasets and spec.datasets:
        names = [n for n in datasets if n in spec.datasets]
    if names or spec.datasets:
        parts.append("d.name = ANY(%s)")
        params.append(names)
    for column, values in (
        ("campaign", spec.campaigns),
        ("event_type", spec.event_types),
        ("confidence", spec.confidence),
    ):
        if values:
            parts.append(f"g.{column} = ANY(%s)")
            params.append(list(values))
    if spec.end is not None:  # an incident's first day before the end (undated: day0 = -NO_DAY)
        parts.append("g.day0 < %s")
        params.append(int(spec.end.timestamp() // _DAY_S))
    if spec.start is not None:  # and its last day on or after the start (undated: day1 = NO_DAY)
        parts.append("g.day1 >= %s")
        params.append(int(spec.start.timestamp() // _DAY_S))
    return (" AND ".join(parts) or "true"), params


def _days(prefix: str, timed: bool) -> str:
    """Return the t0/t1 columns: the group's days, or the open bounds of undated groups when untimed."""
    if timed:
        return f"{prefix}.day0 AS t0, {prefix}.day1 AS t1"
    return f"{-NO_DAY} AS t0, {NO_DAY} AS t1"


def summary_groups_sql(where: str, colour_by: str = "campaign", *, timed: bool = True) -> str:
    """Return SQL giving the grid groups (``layers.pgstore.grid.GROUP_COLUMNS``) from ``grid_summary``.

    Untimed (*timed* False), the groups of a cell and category are summed over their days and
    carry the open day bounds (``t0 = -NO_DAY``, ``t1 = NO_DAY``): the counts of the whole window.
    """
    if colour_by not in _CATEGORY_COLUMNS:
        raise ValueError(f"colour_by must be one of {_CATEGORY_COLUMNS}")
    category = "d.name" if colour_by == "dataset" else f"g.{colour_by}"
    keys = "1, 2, 3, 4, 5" if timed else "1, 2, 3"
    return (
        f"SELECT g.cell_x AS ix, g.cell_y AS iy, {category} AS category, {_days('g', timed)}, "
        "sum(g.n::integer) AS n, sum(g.deaths::integer) AS deaths, sum(g.with_deaths::integer) AS with_deaths, "
        "sum(g.sum_x) AS sum_x, sum(g.sum_y) AS sum_y "
        f"FROM grid_summary g JOIN datasets d USING (dataset_id) WHERE {where} GROUP BY {keys}"
    )


def cells_groups_sql(where: str, colour_by: str = "campaign") -> str:
    """Return SQL giving untimed grid groups of all dates from ``grid_cells`` (grid_summary without days).

    *where* is :func:`summary_filter_sql`'s for a spec without dates (``g`` is ``grid_cells``).
    """
    if colour_by not in _CATEGORY_COLUMNS:
        raise ValueError(f"colour_by must be one of {_CATEGORY_COLUMNS}")
    category = "d.name" if colour_by == "dataset" else f"g.{colour_by}"
    return (
        f"SELECT g.cell_x AS ix, g.cell_y AS iy, {category} AS category, {_days('g', False)}, "
        "sum(g.n::integer) AS n, sum(g.deaths::integer) AS deaths, sum(g.with_deaths::integer) AS with_deaths, "
        "sum(g.sum_x) AS sum_x, sum(g.sum_y) AS sum_y "
        f"FROM grid_cells g JOIN datasets d USING (dataset_id) WHERE {where} GROUP BY 1, 2, 3"
    )


def complement_groups_sql(
    spec: FilterSpec, datasets: list[str], colour_by: str = "campaign"
) -> tuple[str, list] | None:
    """Return SQL and params of *spec*'s untimed groups as ``grid_cells`` minus the groups outside its window.

    An incident is outside the window when its last day is before the start or its first day on
    or after the end (the negation of :func:`summary_filter_sql`'s date terms), so the window's
    counts per cell are all of them less those: for a window covering most of the span this reads
    the few rows outside it. None when the summary tables cannot answer *spec*.
    """
    from dataclasses import replace

    base = summary_filter_sql(replace(spec, start=None, end=None), datasets)
    if base is None or summary_filter_sql(spec, datasets) is None:
        return None
    if colour_by not in _CATEGORY_COLUMNS:
        raise ValueError(f"colour_by must be one of {_CATEGORY_COLUMNS}")
    outside, params = [], []
    if spec.start is not None:
        outside.append("g.day1 < %s")
        params.append(int(spec.start.timestamp() // _DAY_S))
    if spec.end is not None:
        outside.append("g.day0 >= %s")
        params.append(int(spec.end.timestamp() // _DAY_S))
    category = "d.name" if colour_by == "dataset" else f"g.{colour_by}"
    where, base_params = base
    sql = (
        f"SELECT ix, iy, category, {-NO_DAY} AS t0, {NO_DAY} AS t1, sum(n) AS n, "
        "sum(deaths) AS deaths, sum(with_deaths) AS with_deaths, sum(sum_x) AS sum_x, "
        f"sum(sum_y) AS sum_y FROM (SELECT g.cell_x AS ix, g.cell_y AS iy, {category} AS category, "
        "g.n::integer, g.deaths::integer, g.with_deaths::integer, g.sum_x, g.sum_y "
        f"FROM grid_cells g JOIN datasets d USING (dataset_id) WHERE {where} UNION ALL "
        f"SELECT g.cell_x, g.cell_y, {category}, -g.n::integer, -g.deaths::integer, -g.with_deaths::integer, "
        "-g.sum_x, -g.sum_y "
        f"FROM grid_summary g JOIN datasets d USING (dataset_id) WHERE {where} AND ({' OR '.join(outside) or 'false'})"
        ") u GROUP BY 1, 2, 3 HAVING sum(n) > 0"  # int4 sums: bigint, not numeric (3x faster at 10^5)
    )
    return sql, [*base_params, *base_params, *params]


def grid_groups_sql(where: str, colour_by: str = "campaign", cell_km: int = 5, *, timed: bool = True) -> str:
    """Return SQL giving ``ix, iy, category, t0, t1, n, deaths, with_deaths, sum_x, sum_y`` groups.

    ``ix, iy`` index the *cell_km* cells of the Syria AEQD (floor of metres / size,
    as in Python; *cell_km* a multiple of 5, from the 5 km cell the database keeps
    per row); ``t0``/``t1`` are the first and last day (days since 1970-01-01, UTC)
    of each incident's span (±:data:`NO_DAY` when undated, as the browser layer
    expects); ``sum_x``/``sum_y`` (AEQD metres) let the caller place a cell at the
    mean position of its incidents. Untimed, as :func:`summary_groups_sql`.
    """
    if colour_by not in _CATEGORY_COLUMNS:
        raise ValueError(f"colour_by must be one of {_CATEGORY_COLUMNS}")
    if cell_km % 5:
        raise ValueError("cell_km must be a multiple of 5 (the stored cell)")
    category = "d.name" if colour_by == "dataset" else f"i.{colour_by}"
    k = cell_km // 5
    return (
        f"SELECT floor(i.cell_x / {k}.0)::bigint AS ix, floor(i.cell_y / {k}.0)::bigint AS iy, "
        f"{category} AS category, {_days('i', timed)}, count(*) AS n, "
        "COALESCE(sum(i.deaths_best), 0) AS deaths, count(i.deaths_best) AS with_deaths, "
        "sum(i.aeqd_x) AS sum_x, sum(i.aeqd_y) AS sum_y "
        f"FROM incidents i JOIN datasets d USING (dataset_id) WHERE i.geom IS NOT NULL AND {where} "
        f"GROUP BY {'1, 2, 3, 4, 5' if timed else '1, 2, 3'}"
    )
