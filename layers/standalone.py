"""Standalone HTML export: one file with the map, a time slider and every script inlined.

The file opens from disk with no server and no internet (map tiles excepted;
the "Blank" base layer needs none). Both writers here run the table through
:func:`layers.export.public.apply_public` first, like every other exporter:
by default sensitive records are withheld, points snapped to a 1 km grid,
ids replaced by keyed HMACs, extra columns dropped and texts that may name a
person replaced. The page's payload holds exactly that public table.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd

from geo.errors import ExportError
from geo.safety import strip_bidi
from layers.export.common import ExportResult
from layers.export.public import PublicReport, apply_public, export_metadata
from layers.render.assets import inline_html
from layers.render.incident_map import incident_map
from layers.render.offline_base import export_layers
from layers.render.payload import window_days
from layers.timeline import span_steps

__all__ = ["story_to_html", "to_standalone_html"]


def map_steps(gdf: pd.DataFrame, step: str = "day", mode: str = "cumulative", size: int = 1) -> list[list[Any]]:
    """Return the in-map time control's steps: [first_day, last_day, label] per window of *step*."""
    drawable = gdf[~gdf["aggregate"].astype(bool)] if len(gdf) else gdf
    first = pd.to_datetime(drawable["date_start"], utc=True).min() if len(drawable) else pd.NaT
    ends = pd.to_datetime(drawable["date_end"], utc=True).fillna(pd.to_datetime(drawable["date_start"], utc=True))
    last = ends.max() if len(drawable) else pd.NaT
    return span_steps(first, last, step, mode, size)


def _metadata(title: str, report: PublicReport, n_points: int, generated: str) -> str:
    lines = [f"<b>{html.escape(title)}</b> — {n_points} incidents on the map; generated {html.escape(generated)}."]
    lines.append(
        "Public-safe mode: ON — " + html.escape(report.credit_text().removeprefix("Public-safe: "))
        if report.public_safe
        else "Public-safe mode: OFF — this file contains every summary and quote, sensitive ones included."
    )
    if report.grid_km:
        lines.append(f"Locations were coarsened to a {report.grid_km:g} km grid; map points are not exact sites.")
    lines.append("Every record is what the cited sources reported, attributed to them; aggregate totals are not drawn.")
    return (
        '<div class="metadata-block" id="export-metadata" data-public-safe="'
        + ("true" if report.public_safe else "false")
        + '" data-coarsened="'
        + ("true" if report.grid_km else "false")
        + '">'
        + "<br>".join(lines)
        + "</div>"
    )


def _write_page(fmap: Any, data: pd.DataFrame, path: str | Path, *, title: str, report: PublicReport) -> Path:
    """Render *fmap* with every asset inlined, add the title and metadata block, write it."""
    page = inline_html(fmap.get_root().render())
    title = strip_bidi(title)  # the page title and metadata read as stored
    generated = pd.Timestamp.now(tz="UTC").strftime("%Y-%m-%d %H:%M UTC")
    n_points = int((~data["aggregate"].astype(bool) & data.geometry.notna()).sum()) if len(data) else 0
    meta = _metadata(title, report, n_points, generated)
    page = page.replace("<head>", f"<head>\n<title>{html.escape(title)}</title>", 1)
    body = page.index("<body>") + len("<body>")
    page = page[:body] + "\n" + meta + page[body:]
    out = Path(path)
    try:
        out.write_text(page, encoding="utf-8")
    except OSError as err:
        raise ExportError(f"cannot write the map to '{out}': {err.strerror or err}") from err
    return out


def story_steps(story: Any) -> list[list[Any]]:
    """Return the time-control steps of a story: [first_day, last_day, caption, lat, lon, zoom] per step.

    The caption replaces the date label; the map moves to the step's view.
    """
    out = []
    for step in story.steps:
        start = pd.Timestamp(step.start, tz="UTC")
        end = pd.Timestamp(step.end, tz="UTC")
        day0, day1 = window_days(start, end)
        west, south, east, north = step.view.to_bbox()
        zoom = step.view.zoom if step.view.zoom is not None else 9
        out.append(
            [
                day0,
                day1,
                f"{start:%Y-%m-%d} – {end:%Y-%m-%d}: {strip_bidi(step.caption)}",
                (south + north) / 2,
                (west + east) / 2,
                round(zoom),
            ]
        )
    return out


def story_to_html(
    story: Any,
    gdf: gpd.GeoDataFrame,
    path: str | Path,
    *,
    public_safe: bool = True,
    grid_km: float | None = 1.0,
    sensitive: str = "withhold",
    allowlist: Iterable[str] = (),
) -> ExportResult:
    """Write a story as one offline HTML file: step forward and back with the map's time control.

    Each step shows its caption, moves the map to its view and draws the incidents of its
    window, with the story's incidents outlined. The datasets should already be filtered
    to the story's. Public-safe as :func:`layers.export.public.apply_public` (on by default).
    """
    table = apply_public(gdf, public_safe=public_safe, grid_km=grid_km, sensitive=sensitive, allowlist=allowlist)
    fmap = incident_map(
        table.frame,
        public_safe=public_safe,
        steps=story_steps(story),
        highlight_ids=table.ids(story.incident_ids),
        time_label=story.title,
        offline_assets=True,
        **export_layers(),
    )
    out = _write_page(fmap, table.frame, path, title=story.title, report=table.report)
    meta = export_metadata(
        table.report,
        fmt="html",
        title=story.title,
        count=len(table.frame),
        filters={"story": story.name, "steps": len(story.steps)},
    )
    return ExportResult(out, meta)


def to_standalone_html(
    gdf: gpd.GeoDataFrame,
    path: str | Path,
    *,
    title: str,
    public_safe: bool = True,
    grid_km: float | None = 1.0,
    sensitive: str = "withhold",
    allowlist: Iterable[str] = (),
    step: str = "day",
    mode: str = "cumulative",
    window_size: int = 1,
    colour_by: str = "campaign",
    basemap: str = "offline",
    coarsen_km: float | None = None,
) -> ExportResult:
    """Write the incidents of *gdf* to ONE self-contained HTML file.

    Parameters
    ----------
    gdf : GeoDataFrame
        An incident table (``layers.incidents``).
    path : str or Path
        The file to write.
    title : str
        The page title, shown in the metadata block.
    public_safe, grid_km, sensitive, allowlist
        As in :func:`layers.export.public.apply_public` (public-safe, 1 km grid, sensitive
        records withheld by default); the page's payload is exactly the public table.
    step : {"day", "week", "month"}
        One slider step.
    mode : {"cumulative", "moving"}
        Show everything up to the step, or only the last *window_size* steps.
    window_size : int
        Steps in a moving window.
    colour_by, basemap : str
        As in :func:`layers.render.incident_map.incident_map`.
    coarsen_km : float, optional
        Former name of *grid_km* (used when given).

    Returns
    -------
    ExportResult
        The path and the export metadata.

    Raises
    ------
    ExportError
        If the file cannot be written.
    """
    table = apply_public(
        gdf,
        public_safe=public_safe,
        grid_km=coarsen_km if coarsen_km is not None else grid_km,
        sensitive=sensitive,
        allowlist=allowlist,
    )
    data = table.frame
    steps = map_steps(data, step, mode, window_size)
    fmap = incident_map(
        data,
        colour_by=colour_by,
        public_safe=public_safe,
        steps=steps,
        time_label=steps[-1][2] if steps else None,
        offline_assets=True,
        **export_layers(basemap),
    )
    out = _write_page(fmap, data, path, title=title, report=table.report)
    return ExportResult(out, export_metadata(table.report, fmt="html", title=title, count=len(data)))
