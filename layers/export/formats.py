"""Every export format in one registry, and one entry point the app and the command line use.

Each writer in :data:`WRITERS` takes the *raw* incident table and runs it through
:func:`layers.export.public.apply_public` itself, before it draws or writes anything; there is no
writer that takes a table and skips that step. ``tests/test_public_writers.py`` exports a hostile
table through every registered format and checks that no sensitive record, exact point, private
column or redacted quote is in any file, so a new format cannot be added without that check.

Examples
--------
>>> sorted(WRITERS) == sorted(FORMATS)
True
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

import geopandas as gpd

from geo.errors import InvalidOptionError
from layers.export.common import ExportResult, filter_incidents
from layers.export.public import apply_public

__all__ = ["FORMATS", "WRITERS", "export_file", "public_density"]

FORMATS = ("png", "svg", "pdf", "gif", "mp4", "html", "csv", "geojson", "kml", "gpkg", "timemap")


def _static(gdf: gpd.GeoDataFrame, path: Path, **kw: Any) -> ExportResult:
    from layers.export.static import render_map

    return render_map(gdf, path, **kw)


def _animation(gdf: gpd.GeoDataFrame, path: Path, **kw: Any) -> ExportResult:
    from layers.export.animate import render_animation

    return render_animation(gdf, path, **kw)


def _pdf(gdf: gpd.GeoDataFrame, path: Path, *, story: Any = None, **kw: Any) -> ExportResult:
    if story is None:
        return _static(gdf, path, **kw)
    from layers.export.story import story_to_pdf

    return story_to_pdf(story, gdf, path, **kw)


def _html(gdf: gpd.GeoDataFrame, path: Path, *, story: Any = None, **kw: Any) -> ExportResult:
    from layers.standalone import story_to_html, to_standalone_html

    if story is not None:
        keep = ("public_safe", "grid_km", "sensitive", "allowlist")
        return story_to_html(story, gdf, path, **{k: v for k, v in kw.items() if k in keep})
    kw.setdefault("title", "Incidents as reported")
    return to_standalone_html(gdf, path, **kw)


def _data(gdf: gpd.GeoDataFrame, path: Path, *, fmt: str, **kw: Any) -> ExportResult:
    from layers.export.data import export_data

    return export_data(gdf, path, fmt=fmt, **kw)


def _timemap(gdf: gpd.GeoDataFrame, path: Path, **kw: Any) -> ExportResult:
    from layers.export.timemap import export_timemap

    return export_timemap(gdf, path, **kw)


#: format → writer(gdf, path, **options); every one applies public-safe mode before writing.
WRITERS: dict[str, Callable[..., ExportResult]] = {
    "png": _static,
    "svg": _static,
    "pdf": _pdf,
    "gif": _animation,
    "mp4": _animation,
    "html": _html,
    **{f: (lambda g, p, _f=f, **kw: _data(g, p, fmt=_f, **kw)) for f in ("csv", "geojson", "kml", "gpkg")},
    "timemap": _timemap,
}

#: Options each kind of writer understands (others are ignored, so one call fits every format).
_OPTIONS: Mapping[str, frozenset[str]] = {
    "static": frozenset(
        "title subtitle preset dpi start end bbox places corridors tiles geotiff highlight hillshade".split()
    ),
    "animation": frozenset(
        "title subtitle preset dpi start end step frames mode window_steps fps corridors bbox places".split()
    ),
    "story_pdf": frozenset("story preset corridors places".split()),
    "html": frozenset("title step mode window_size colour_by basemap story".split()),
    "data": frozenset("start end title".split()),
}


def _kind(fmt: str, story: Any) -> str:
    if fmt in ("png", "svg") or (fmt == "pdf" and story is None):
        return "static"
    if fmt == "pdf":
        return "story_pdf"
    if fmt in ("gif", "mp4"):
        return "animation"
    return "html" if fmt == "html" else "data"


def export_file(
    gdf: gpd.GeoDataFrame,
    path: str | Path,
    fmt: str,
    *,
    public_safe: bool = True,
    grid_km: float | None = 1.0,
    sensitive: str = "withhold",
    allowlist: Iterable[str] = (),
    **options: Any,
) -> ExportResult:
    """Write *gdf* as *fmt* (one of :data:`FORMATS`), public-safe unless *public_safe* is False.

    ``options`` are the writer's own (``title``, ``start``, ``end``, ``preset``, ``story``…);
    those a format does not use are ignored. ``html`` and ``pdf`` with ``story=`` write a story.

    Raises
    ------
    InvalidOptionError
        *fmt* is not a known format.
    """
    if fmt not in WRITERS:
        raise InvalidOptionError(f"{fmt!r} is not a valid format, must be one of {FORMATS}")
    story = options.get("story")
    kind = _kind(fmt, story)
    chosen = {k: v for k, v in options.items() if k in _OPTIONS[kind] and v is not None}
    public = {"public_safe": public_safe, "grid_km": grid_km, "sensitive": sensitive, "allowlist": list(allowlist)}
    if kind == "html" and story is None and ("start" in options or "end" in options):
        gdf = filter_incidents(gdf, options.get("start"), options.get("end"))
    return WRITERS[fmt](gdf, Path(path), **public, **chosen)


def public_density(
    gdf: gpd.GeoDataFrame,
    *,
    bandwidth_km: float,
    weight: str = "deaths",
    public_safe: bool = True,
    grid_km: float | None = 1.0,
    cell_km: float | None = None,
    **options: Any,
) -> Any:
    """Return the density raster of the public table: coarsened points, cells no finer than the grid.

    With *public_safe* the incidents go through :func:`~layers.export.public.apply_public` first
    (sensitive records withheld, points snapped to *grid_km*) and the cell is at least *grid_km*.
    """
    from layers.raster.density import density_raster

    if not public_safe:
        return density_raster(gdf, bandwidth_km=bandwidth_km, weight=weight, cell_km=cell_km, **options)
    table = apply_public(gdf, public_safe=True, grid_km=grid_km)
    floor = grid_km or 0.0
    cell = max(cell_km if cell_km is not None else bandwidth_km / 4, floor)
    return density_raster(table.frame, bandwidth_km=bandwidth_km, weight=weight, cell_km=cell, **options)
