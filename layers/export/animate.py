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
from layers.export.labels import label_places, place_keys
from layers.export.public import apply_public, export_metadata
from layers.export.static import compose_map, draw_incidents
from layers.render.payload import colour_assignment

__all__ = [
    "MAX_FRAMES",
    "MAX_SECONDS",
    "MAX_STEPS",
    "STEPS",
    "collapse_empty",
    "frame_windows",
    "plan_frames",
    "render_animation",
]

STEPS = ("day", "week", "month")
MODES = ("cumulative", "window")
_OFFSETS = {"day": pd.DateOffset(days=1), "week": pd.DateOffset(weeks=1), "month": pd.DateOffset(months=1)}
_STEP_DAYS = {"day": 1.0, "week": 7.0, "month": 28.0}
#: Steps of a period before empty stretches are collapsed, and frames written: beyond, a message.
MAX_STEPS = 20_000
MAX_FRAMES = 2_000
#: A default animation (no step given) lasts at most this long, last-frame hold included.
MAX_SECONDS = 20.0
#: A frame: (from, to, gap) — gap marks a collapsed stretch with no new incidents.
Frame = tuple[pd.Timestamp, pd.Timestamp, bool]


def collapse_empty(windows: list[tuple[pd.Timestamp, pd.Timestamp]], starts: pd.Series) -> list[Frame]:
    """Return the frames of *windows*: those where incidents start, and one gap frame per empty stretch.

    A single empty window stays a frame of its own; two or more in a row become one frame
    covering them all, marked as a gap (its date stamp says "no new incidents").

    Examples
    --------
    >>> w = frame_windows(pd.Timestamp("2025-01-01", tz="UTC"), pd.Timestamp("2025-12-31", tz="UTC"), step="month")
    >>> f = collapse_empty(w, pd.Series(pd.to_datetime(["2025-01-05", "2025-11-02"], utc=True)))
    >>> [(a.month, b.month, gap) for a, b, gap in f]
    [(1, 1, False), (2, 10, True), (11, 11, False), (12, 12, False)]
    """
    values = np.sort(starts.dropna().to_numpy(dtype="datetime64[ns]"))
    lo = np.array([a.tz_convert(None).to_datetime64() if a.tzinfo else a.to_datetime64() for a, _ in windows])
    hi = np.array([b.tz_convert(None).to_datetime64() if b.tzinfo else b.to_datetime64() for _, b in windows])
    counts = np.searchsorted(values, hi, side="right") - np.searchsorted(values, lo, side="left")
    out: list[Frame] = []
    run: list[tuple[pd.Timestamp, pd.Timestamp]] = []

    def flush() -> None:
        if len(run) == 1:
            out.append((run[0][0], run[0][1], False))
        elif run:
            out.append((run[0][0], run[-1][1], True))
        run.clear()

    for (a, b), n in zip(windows, counts, strict=True):
        if n:
            flush()
            out.append((a, b, False))
        else:
            run.append((a, b))
    flush()
    return out


def plan_frames(
    gdf: pd.DataFrame,
    first: pd.Timestamp,
    last: pd.Timestamp,
    *,
    step: str | None,
    frames: int | None,
    fps: float,
    hold_frames: int,
    collapse: bool = True,
    max_seconds: float = MAX_SECONDS,
) -> tuple[list[Frame], str]:
    """Return the frames and the step used.

    With *step* None (the default), the finest of day, week and month whose frames (empty
    stretches collapsed) last at most *max_seconds*; if even months are too many, equal
    periods that fit. A step or *frames* given is kept as is.
    """
    starts = gdf["date_start"]

    def build(s: str, n: int | None) -> list[Frame]:
        windows = frame_windows(first, last, step=s, frames=n)
        return collapse_empty(windows, starts) if collapse else [(a, b, False) for a, b in windows]

    if step is not None or frames is not None:
        out = build(step or "week", frames)
        chosen = step or "period"
    else:
        budget = max(1, int((max_seconds * fps) - hold_frames))
        for candidate in STEPS:
            if ((last - first).days + 1) / _STEP_DAYS[candidate] > MAX_STEPS:
                continue
            out = build(candidate, None)
            if len(out) <= budget:
                chosen = candidate
                break
        else:
            out, chosen = build("day", budget), "period"
    if len(out) > MAX_FRAMES:
        raise InvalidOptionError(
            f"{len(out):,} frames is more than an animation can hold (at most {MAX_FRAMES:,}): "
            "choose a longer step, fewer frames or a shorter period"
        )
    return out, chosen


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
        if frames > MAX_FRAMES:
            raise InvalidOptionError(f"frames={frames:,} is more than an animation can hold (at most {MAX_FRAMES:,})")
        edges = pd.date_range(start, end + pd.Timedelta(days=1), periods=frames + 1)
        return [(a, b - pd.Timedelta(seconds=1)) for a, b in itertools.pairwise(edges)]
    steps = ((end - start).days + 1) / _STEP_DAYS[step]
    if steps > MAX_STEPS:
        raise InvalidOptionError(
            f"{start:%Y-%m-%d} to {end:%Y-%m-%d} is {steps:,.0f} {step} steps, more than {MAX_STEPS:,}: "
            "choose a longer step (week, month), fewer frames (frames=N) or a shorter period"
        )
    out = []
    current = start
    while current <= end:
        nxt = current + _OFFSETS[step]
        out.append((current, min(nxt - pd.Timedelta(seconds=1), end + pd.Timedelta(days=1, seconds=-1))))
        current = nxt
    return out


def _stamp(a: pd.Timestamp, b: pd.Timestamp, gap: bool, mode: str, fmt: str, single: bool) -> str:
    if gap:
        return f"… {a.strftime(fmt)} – {b.strftime(fmt)}: no new incidents"
    if mode == "window" or single:
        return f"{a.strftime(fmt)} – {b.strftime(fmt)}" if a.strftime(fmt) != b.strftime(fmt) else a.strftime(fmt)
    return f"up to {b.strftime(fmt)}"


def _frames(
    canvas: Any,
    gdf: gpd.GeoDataFrame,
    windows: list[Frame],
    mode: str,
    window_steps: int,
    stamp_fmt: str,
    labels: list[Any] = (),  # type: ignore[assignment]
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
    # A site's label shows from the frame its first incident appears (drawn per frame, not in the background).
    sites = [t for t in labels if getattr(t, "_label_kind", "") == "incident"]
    for text in sites:
        text.set_visible(False)
        if text._leader is not None:
            text._leader.set_visible(False)
    keys = place_keys(gdf)
    fig.canvas.draw()
    background = fig.canvas.copy_from_bbox(fig.bbox)
    starts = gdf["date_start"]
    for i, (since_step, to, gap) in enumerate(windows):
        since = windows[max(0, i - window_steps + 1)][0] if mode == "window" else None
        visible = starts <= to
        if since is not None:
            visible &= gdf["date_end"].fillna(starts) >= since
        new = visible & (starts >= since_step)
        fig.canvas.restore_region(background)
        points = draw_incidents(canvas, gdf.loc[visible], highlight=set(gdf.loc[new, "id"]))
        stamp.set_text(_stamp(since_step, to, gap, mode, stamp_fmt, len(windows) < 2))
        ax.draw_artist(points)
        present = set(keys[visible])
        for text in sites:
            if text._place_key in present:
                text.set_visible(True)
                if text._leader is not None:
                    text._leader.set_visible(True)
                    ax.draw_artist(text._leader)
                ax.draw_artist(text)
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
    step: str | None = None,
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
    places: pd.DataFrame | None = None,
    max_labels: int = 8,
    collapse: bool = True,
    max_seconds: float = MAX_SECONDS,
    allowlist: Iterable[str] = (),
) -> ExportResult:
    """Write a GIF or MP4 (by suffix) of incidents appearing over time.

    Parameters
    ----------
    step : {"day", "week", "month"}, optional
        One frame per step (unless *frames* is given: equal periods). By default the
        finest step whose animation lasts at most *max_seconds* (20 s).
    collapse : bool
        Frames follow the events: a stretch of two or more steps without a new incident
        becomes one frame whose date stamp says "… from – to: no new incidents".
    places, max_labels
        Gazetteer places for bilingual names; the *max_labels* largest sites are labelled.
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
    colors = colour_assignment(gdf)
    chosen = filter_incidents(gdf, start, end)
    shown, report = apply_public(
        chosen, public_safe=public_safe, grid_km=grid_km, sensitive=sensitive, allowlist=allowlist
    )
    if not len(shown):
        raise ExportError(f"{path.name}: no incidents between {start or 'the start'} and {end or 'the end'}")
    first = parse_date(start) or shown["date_start"].min().normalize()
    last = parse_date(end) or shown["date_end"].where(shown["date_end"].notna(), shown["date_start"]).max().normalize()
    hold = max(0, round(hold_last_s * fps))
    windows, step_used = plan_frames(
        shown,
        first,
        last,
        step=step,
        frames=frames,
        fps=fps,
        hold_frames=hold,
        collapse=collapse,
        max_seconds=max_seconds,
    )
    stamp_fmt = "%b %Y" if step_used == "month" else "%d %b %Y"
    per = step_used if step_used != "period" else "period"
    gaps = " (stretches without new incidents shown as one frame)" if any(g for _, _, g in windows) else ""
    canvas = compose_map(
        shown,
        title=title,
        subtitle=subtitle,
        preset=preset,
        report=report,
        corridors=corridors,
        bbox=bbox,
        date_range=f"{first:%d %b %Y} – {last:%d %b %Y}, one frame per {per}{gaps} ({mode})",
        dpi=dpi,
        colors=colors,
    )
    labels = label_places(canvas, shown, places, max_labels=max_labels, max_towns=6)
    meta = export_metadata(
        report,
        fmt=fmt,
        title=title,
        count=len(shown),
        filters={
            "start": str(first.date()),
            "end": str(last.date()),
            "step": step_used,
            "frames": len(windows),
            "collapsed_gaps": sum(1 for _, _, g in windows if g),
            "mode": mode,
        },
    )
    meta["credits"] = canvas.credits
    meta["labelled_sites"] = [t.get_text().split("\n")[0] for t in labels if t._label_kind == "incident"]
    try:
        images = _frames(canvas, shown, windows, mode, window_steps, stamp_fmt, labels)
        if fmt == "gif":
            _write_gif(images, path, fps, hold, meta, exact=list(canvas.colors.values()))
        else:
            _write_mp4(images, path, fps, hold, meta, canvas.fig)
    finally:
        canvas.fig.clear()
    meta["frames_written"] = len(windows)
    return ExportResult(path, meta)


def _exact_palette(image: Any, colours: list[str]) -> Any:
    """Quantise *image* to 255 colours, then set the nearest entries to *colours* exactly.

    The category colours then keep their RGB in the GIF (the same as in the app, the PNG and
    the PDF) instead of a median-cut average.
    """
    import matplotlib.colors
    from PIL import Image

    palette = image.quantize(colors=255, method=Image.Quantize.MEDIANCUT)
    entries = np.array(palette.getpalette()[: 3 * 255], dtype=int).reshape(-1, 3)
    taken: set[int] = set()
    for colour in colours:
        rgb = np.round(np.array(matplotlib.colors.to_rgb(colour)) * 255).astype(int)
        order = np.argsort(np.abs(entries - rgb).sum(axis=1))
        k = next(int(i) for i in order if int(i) not in taken)
        taken.add(k)
        entries[k] = rgb
    palette.putpalette(entries.ravel().tolist())
    return palette


def _write_gif(
    images: Iterator[np.ndarray],
    path: Path,
    fps: float,
    hold: int,
    meta: dict[str, Any],
    exact: tuple[str, ...] | list[str] = (),
) -> None:
    from PIL import Image

    frames: list[Image.Image] = []
    palette = None
    for array in images:
        image = Image.fromarray(array)
        if palette is None:  # the first frame has every legend colour: one palette for all frames
            palette = _exact_palette(image, list(exact))
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
