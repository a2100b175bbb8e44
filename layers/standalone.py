"""Standalone HTML export: one file with the map, a time slider and every script inlined.

The file opens from disk with no server and no internet (map tiles excepted;
the "Blank" base layer needs none). By default it is *public-safe*: summaries
and quotes of sensitive incidents are left out, and ``coarsen_km`` can snap
every point to a grid so that exact sites are not published.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from geo.errors import ExportError
from layers.render.assets import inline_html
from layers.render.incident_map import incident_map
from layers.render.offline_base import export_layers
from layers.render.payload import window_days
from layers.timeline import time_steps, window_for

__all__ = ["coarsen_points", "to_standalone_html"]

#: Metric CRS for coarsening: equal-area cylindrical, already used by the project (DESIGN.md).
COARSEN_CRS = "EPSG:6933"


def coarsen_points(gdf: gpd.GeoDataFrame, cell_km: float) -> gpd.GeoDataFrame:
    """Return *gdf* with each point moved to the centre of its *cell_km* grid cell (EPSG:6933).

    Coarsened points get ``geo_precision`` 3 (drawn with the dashed "approximate" ring).

    Examples
    --------
    >>> from layers.incidents import to_incident_frame
    >>> gdf = to_incident_frame(pd.DataFrame({"id": ["a"], "lon": [36.01], "lat": [35.02], "geo_precision": [1]}))
    >>> out = coarsen_points(gdf, 10)
    >>> int(out["geo_precision"].iloc[0]), bool(abs(out.geometry.x.iloc[0] - 36.01) < 0.1)
    (3, True)
    """
    out = gdf.copy()
    has = out.geometry.notna() & ~out.geometry.is_empty
    if not has.any():
        return out
    metric = out.loc[has].geometry.to_crs(COARSEN_CRS)
    size = cell_km * 1000.0
    x = (np.floor(metric.x / size) + 0.5) * size
    y = (np.floor(metric.y / size) + 0.5) * size
    snapped = gpd.GeoSeries(gpd.points_from_xy(x, y), index=metric.index, crs=COARSEN_CRS).to_crs(out.crs)
    out.loc[has, "geometry"] = snapped
    out.loc[has, "lon"] = snapped.x
    out.loc[has, "lat"] = snapped.y
    out.loc[has, "geo_precision"] = 3
    return out


def map_steps(gdf: pd.DataFrame, step: str = "day", mode: str = "cumulative", size: int = 1) -> list[list[Any]]:
    """Return the in-map time control's steps: [first_day, last_day, label] per window of *step*."""
    drawable = gdf[~gdf["aggregate"].astype(bool)] if len(gdf) else gdf
    first = pd.to_datetime(drawable["date_start"], utc=True).min() if len(drawable) else pd.NaT
    ends = pd.to_datetime(drawable["date_end"], utc=True).fillna(pd.to_datetime(drawable["date_start"], utc=True))
    last = ends.max() if len(drawable) else pd.NaT
    if pd.isna(first) or pd.isna(last):
        return []
    steps = time_steps(first, last, step)
    if not steps:
        return []
    window_for(0, steps, mode, size)  # validates mode
    # Vectorised window_for: step i shows [start of step first_i, end of step i).
    starts = pd.DatetimeIndex([s for s, _ in steps]).tz_localize(None)
    lasts = pd.DatetimeIndex([e for _, e in steps]).tz_localize(None) - pd.Timedelta(days=1)
    index = np.arange(len(steps))
    first_of = np.zeros_like(index) if mode == "cumulative" else np.maximum(0, index - max(int(size), 1) + 1)
    window_starts = starts[first_of]
    day0 = window_starts.to_numpy(dtype="datetime64[D]").astype("int64")
    day1 = lasts.to_numpy(dtype="datetime64[D]").astype("int64")
    labels = window_starts.strftime("%Y-%m-%d") + " – " + lasts.strftime("%Y-%m-%d")
    return [[int(a), int(b), str(c)] for a, b, c in zip(day0, day1, labels, strict=True)]


def _metadata(title: str, public_safe: bool, coarsen_km: float | None, n_points: int, generated: str) -> str:
    lines = [f"<b>{html.escape(title)}</b> — {n_points} incidents on the map; generated {html.escape(generated)}."]
    lines.append(
        "Public-safe mode: ON — summaries and quotes of sensitive records are withheld."
        if public_safe
        else "Public-safe mode: OFF — this file contains every summary and quote, sensitive ones included."
    )
    if coarsen_km:
        lines.append(f"Locations were coarsened to a {coarsen_km:g} km grid; map points are not exact sites.")
    lines.append("Every record is what the cited sources reported, attributed to them; aggregate totals are not drawn.")
    return (
        '<div class="metadata-block" id="export-metadata" data-public-safe="'
        + ("true" if public_safe else "false")
        + '" data-coarsened="'
        + ("true" if coarsen_km else "false")
        + '">'
        + "<br>".join(lines)
        + "</div>"
    )


def _write_page(
    fmap: Any, data: pd.DataFrame, path: str | Path, *, title: str, public_safe: bool, coarsen_km: float | None
) -> Path:
    """Render *fmap* with every asset inlined, add the title and metadata block, write it."""
    page = inline_html(fmap.get_root().render())
    generated = pd.Timestamp.now(tz="UTC").strftime("%Y-%m-%d %H:%M UTC")
    n_points = int((~data["aggregate"].astype(bool) & data.geometry.notna()).sum()) if len(data) else 0
    meta = _metadata(title, public_safe, coarsen_km, n_points, generated)
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
                f"{start:%Y-%m-%d} – {end:%Y-%m-%d}: {step.caption}",
                (south + north) / 2,
                (west + east) / 2,
                round(zoom),
            ]
        )
    return out


def story_to_html(story: Any, gdf: gpd.GeoDataFrame, path: str | Path, *, public_safe: bool = True) -> Path:
    """Write a story as one offline HTML file: step forward and back with the map's time control.

    Each step shows its caption, moves the map to its view and draws the incidents of its
    window, with the story's incidents outlined. The datasets should already be filtered
    to the story's.
    """
    fmap = incident_map(
        gdf,
        public_safe=public_safe,
        steps=story_steps(story),
        highlight_ids=story.incident_ids,
        time_label=story.title,
        offline_assets=True,
        **export_layers(),
    )
    return _write_page(fmap, gdf, path, title=story.title, public_safe=public_safe, coarsen_km=None)


def to_standalone_html(
    gdf: gpd.GeoDataFrame,
    path: str | Path,
    *,
    title: str,
    public_safe: bool = True,
    step: str = "day",
    mode: str = "cumulative",
    window_size: int = 1,
    coarsen_km: float | None = None,
    colour_by: str = "campaign",
    basemap: str = "offline",
) -> Path:
    """Write the incidents of *gdf* to ONE self-contained HTML file and return its path.

    Parameters
    ----------
    gdf : GeoDataFrame
        An incident table (``layers.incidents``).
    path : str or Path
        The file to write.
    title : str
        The page title, shown in the metadata block.
    public_safe : bool
        Withhold summaries and quotes of sensitive incidents (default).
    step : {"day", "week", "month"}
        One slider step.
    mode : {"cumulative", "moving"}
        Show everything up to the step, or only the last *window_size* steps.
    window_size : int
        Steps in a moving window.
    coarsen_km : float, optional
        Snap points to a grid of this size (km); stated in the metadata block.
    colour_by, basemap : str
        As in :func:`layers.render.incident_map.incident_map`.

    Returns
    -------
    Path

    Raises
    ------
    ExportError
        If the file cannot be written.
    """
    steps = map_steps(gdf, step, mode, window_size)
    data = coarsen_points(gdf, coarsen_km) if coarsen_km else gdf
    fmap = incident_map(
        data,
        colour_by=colour_by,
        public_safe=public_safe,
        steps=steps,
        time_label=steps[-1][2] if steps else None,
        offline_assets=True,
        **export_layers(basemap),
    )
    return _write_page(fmap, data, path, title=title, public_safe=public_safe, coarsen_km=coarsen_km)
