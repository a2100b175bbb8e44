"""Animated timelines (GIF, MP4): incidents appearing over time.

The page (basemap, corridors, legend, inset, scale bar, title, credits) is
drawn once; each frame restores that background and draws only the points
and the date stamp (matplotlib blitting on the Agg canvas). GIFs are written
with Pillow on one shared palette; MP4 (H.264) by the ffmpeg binary shipped
in the ``imageio-ffmpeg`` wheel.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from geo.errors import ExportError, InvalidOptionError
from layers.export.common import ExportResult, filter_incidents, parse_date
from layers.export.public import apply_public, export_metadata
from layers.export.static import compose_map, draw_incidents

__all__ = ["STEPS", "frame_windows", "render_animation"]

STEPS = ("day", "week", "month")
MODES = ("cumulative", "window")
_OFFSETS = {"day": pd.DateOffset(days=1), "week": pd.DateOffset(weeks=1), "month": pd.DateOffset(months=1)}


def frame_windows(
    start: pd.Timestamp, end: pd.Timestamp, *, step: str = "week", frames: int | None = None
) -> list[tuple[pd.Timestamp, pd.Timestamp]]:
    """Return the (from, to) period of every frame, both inclusive, covering [start, end].

    With *frames*, the span is cut into that many equal periods instead of steps.

    Examples
    --------
    >>> w = frame_windows(pd.Timestamp("2025-03-01", tz="UTC"), pd.Timestamp("2025-03-31", tz="UTC"), step="week")
    >>> len(w), w[0][0].day, w[-1][1].day
    (5, 1, 31)
    """
    if step not in STEPS:
        raise InvalidOptionError(f"{step!r} is not a valid step, must be one of {STEPS}")
    if frames is not None:
        if frames < 1:
            raise InvalidOptionError(f"frames={frames} must be at least 1")
        edges = pd.date_range(start, end + pd.Timedelta(days=1), periods=frames + 1)
        return [(a, b - pd.Timedelta(seconds=1)) for a, b in itertools.pairwise(edges)]
    out = []
    current = start
    while current <= end:
        nxt = current + _OFFSETS[step]
        out.append((current, min(nxt - pd.Timedelta(seconds=1), end + pd.Timedelta(days=1, seconds=-1))))
        current = nxt
    return out


def _frames(
    canvas: Any,
    gdf: gpd.GeoDataFrame,
    windows: list[tuple[pd.Timestamp, pd.Timestamp]],
    mode: str,
    window_steps: int,
    stamp_fmt: str,
) -> Iterator[np.ndarray]:
    fig, ax = canvas.fig, canvas.ax
    stamp = fig.text(
        0.975,
        1 - 0.3 / fig.get_figheight(),
        "",
        ha="right",
        va="top",
        fontsize=canvas.font_pt * 1.6,
        fontweight="bold",
        family="DejaVu Sans",
        color="#222",
        bbox={"boxstyle": "round,pad=0.3", "fc": "white", "ec": "#999"},
    )
    fig.canvas.draw()
    background = fig.canvas.copy_from_bbox(fig.bbox)
    starts = gdf["date_start"]
    for i, (_, to) in enumerate(windows):
        since = windows[max(0, i - window_steps + 1)][0] if mode == "window" else None
        visible = starts <= to
        if since is not None:
            visible &= gdf["date_end"].fillna(starts) >= since
        new = visible & (starts >= windows[i][0])
        fig.canvas.restore_region(background)
        points = draw_incidents(canvas, gdf.loc[visible], highlight=set(gdf.loc[new, "id"]))
        stamp.set_text(
            f"{windows[i][0].strftime(stamp_fmt)} – {to.strftime(stamp_fmt)}"
            if mode == "window" or len(windows) < 2
            else f"up to {to.strftime(stamp_fmt)}"
        )
        ax.draw_artist(points)
        fig.draw_artist(stamp)
        yield np.asarray(fig.canvas.buffer_rgba())[..., :3].copy()
        points.remove()


def render_animation(
    gdf: gpd.GeoDataFrame,
    path: str | Path,
    *,
    title: str = "",
    subtitle: str = "",
    preset: str = "slide_16_9",
    dpi: int = 72,
    start: object = None,
    end: object = None,
    step: str = "week",
    frames: int | None = None,
    mode: str = "cumulative",
    window_steps: int = 4,
    fps: float = 4.0,
    hold_last_s: float = 2.0,
    public_safe: bool = True,
    grid_km: float | None = 1.0,
    sensitive: str = "withhold",
    corridors: Any = None,
    bbox: tuple[float, float, float, float] | None = None,
    allowlist: Iterable[str] = (),
) -> ExportResult:
    """Write a GIF or MP4 (by suffix) of incidents appearing over time.

    Parameters
    ----------
    step : {"day", "week", "month"}
        One frame per step (unless *frames* is given: equal periods).
    mode : {"cumulative", "window"}
        Show everything so far, or only the last *window_steps* frames' periods.
    fps, hold_last_s : float
        Frame rate, and how long the last frame stays.
    dpi : int
        Pixels per inch of the preset page (72 → 960 × 540 for slide_16_9).

    Returns
    -------
    ExportResult
        Path and metadata (also written into the file: GIF comment, MP4 comment tag).
    """
    path = Path(path)
    fmt = path.suffix.lower().lstrip(".")
    if fmt not in ("gif", "mp4"):
        raise InvalidOptionError(f"{path.name}: {fmt!r} is not a valid format, must be one of ('gif', 'mp4')")
    if mode not in MODES:
        raise InvalidOptionError(f"{mode!r} is not a valid mode, must be one of {MODES}")
    if not fps > 0:
        raise InvalidOptionError(f"fps={fps!r} must be positive")
    chosen = filter_incidents(gdf, start, end)
    shown, report = apply_public(
        chosen, public_safe=public_safe, grid_km=grid_km, sensitive=sensitive, allowlist=allowlist
    )
    if not len(shown):
        raise ExportError(f"{path.name}: no incidents between {start or 'the start'} and {end or 'the end'}")
    first = parse_date(start) or shown["date_start"].min().normalize()
    last = parse_date(end) or shown["date_end"].fillna(shown["date_start"]).max().normalize()
    windows = frame_windows(first, last, step=step, frames=frames)
    stamp_fmt = "%d %b %Y" if step != "month" or frames else "%b %Y"
    canvas = compose_map(
        shown,
        title=title,
        subtitle=subtitle,
        preset=preset,
        report=report,
        corridors=corridors,
        bbox=bbox,
        date_range=f"{first:%d %b %Y} – {last:%d %b %Y}, one frame per {step if frames is None else 'period'} ({mode})",
        dpi=dpi,
    )
    meta = export_metadata(
        report,
        fmt=fmt,
        title=title,
        count=len(shown),
        filters={
            "start": str(first.date()),
            "end": str(last.date()),
            "step": step,
            "frames": len(windows),
            "mode": mode,
        },
    )
    meta["credits"] = canvas.credits
    try:
        images = _frames(canvas, shown, windows, mode, window_steps, stamp_fmt)
        hold = max(0, round(hold_last_s * fps))
        if fmt == "gif":
            _write_gif(images, path, fps, hold, meta)
        else:
            _write_mp4(images, path, fps, hold, meta, canvas.fig)
    finally:
        canvas.fig.clear()
    meta["frames_written"] = len(windows)
    return ExportResult(path, meta)


def _write_gif(images: Iterator[np.ndarray], path: Path, fps: float, hold: int, meta: dict[str, Any]) -> None:
    from PIL import Image

    frames: list[Image.Image] = []
    palette = None
    for array in images:
        image = Image.fromarray(array)
        if palette is None:  # the first frame has every legend colour: one palette for all frames
            palette = image.quantize(colors=255, method=Image.Quantize.MEDIANCUT)
        frames.append(image.quantize(palette=palette, dither=Image.Dither.NONE))
    durations = [round(1000 / fps)] * len(frames)
    durations[-1] += round(1000 / fps) * hold
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        frames[0].save(
            path,
            save_all=True,
            append_images=frames[1:],
            duration=durations,
            loop=0,
            comment=json.dumps(meta, ensure_ascii=False).encode("utf-8"),
            optimize=False,
        )
    except OSError as err:
        raise ExportError(f"{path}: cannot write the GIF ({err})") from err


def _write_mp4(images: Iterator[np.ndarray], path: Path, fps: float, hold: int, meta: dict[str, Any], fig: Any) -> None:
    try:
        import imageio_ffmpeg
    except ImportError as err:
        raise ExportError(
            "MP4 export needs imageio-ffmpeg; install it with: python -m pip install imageio-ffmpeg==0.8.1"
        ) from err
    width, height = (int(v) for v in fig.canvas.get_width_height())
    comment = json.dumps(meta, ensure_ascii=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    writer = imageio_ffmpeg.write_frames(
        str(path),
        (width - width % 2, height - height % 2),
        fps=fps,
        codec="libx264",
        pix_fmt_out="yuv420p",
        macro_block_size=2,
        output_params=["-metadata", f"comment={comment}", "-metadata", f"title={meta.get('title', '')}"],
    )
    try:
        writer.send(None)
        last = None
        for array in images:
            last = np.ascontiguousarray(array[: height - height % 2, : width - width % 2])
            writer.send(last)
        for _ in range(hold):
            writer.send(last)
    except (OSError, RuntimeError) as err:
        raise ExportError(f"{path}: ffmpeg failed ({err})") from err
    finally:
        writer.close()
