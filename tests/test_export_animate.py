import subprocess

import pandas as pd
import pytest
from PIL import Image

from layers.export.animate import frame_windows, render_animation
from tests.export_fixtures import synthetic_incidents


def test_gif_frames_and_header(tmp_path):
    out = render_animation(synthetic_incidents(30), tmp_path / "a.gif", step="week", dpi=40)
    data = out.path.read_bytes()
    assert data[:6] in (b"GIF87a", b"GIF89a")
    image = Image.open(out.path)
    assert image.n_frames == out.metadata["frames_written"] > 3
    assert b"public_safe" in image.info["comment"]


def test_gif_fixed_frame_count_moving_window(tmp_path):
    out = render_animation(synthetic_incidents(30), tmp_path / "a.gif", frames=7, mode="window", window_steps=2, dpi=30)
    assert Image.open(out.path).n_frames == 7


def test_mp4(tmp_path):
    pytest.importorskip("imageio_ffmpeg")
    import imageio_ffmpeg

    out = render_animation(synthetic_incidents(20), tmp_path / "a.mp4", step="week", fps=5, hold_last_s=0, dpi=40)
    data = out.path.read_bytes()
    assert data[4:8] == b"ftyp"
    probe = subprocess.run(
        [imageio_ffmpeg.get_ffmpeg_exe(), "-i", str(out.path), "-map", "0:v:0", "-c", "copy", "-f", "null", "-"],
        capture_output=True,
        text=True,
    )
    frames = [line for line in probe.stderr.splitlines() if line.startswith("frame=")]
    assert frames
    assert int(frames[-1].split("frame=")[1].split()[0]) == out.metadata["frames_written"]


def test_frame_windows_cover_the_span():
    start, end = pd.Timestamp("2025-01-01", tz="UTC"), pd.Timestamp("2025-03-31", tz="UTC")
    windows = frame_windows(start, end, step="month")
    assert len(windows) == 3
    assert windows[0][0] == start
    assert windows[-1][1].date() == end.date()
    equal = frame_windows(start, end, frames=120)
    assert len(equal) == 120
    assert equal[-1][1] < end + pd.Timedelta(days=1)


def sparse_years() -> pd.DataFrame:
    """Made-up incidents in a few weeks of 2012, 2013 and 2025: 14 years, mostly without events."""
    gdf = synthetic_incidents(24, seed=5)
    base = [pd.Timestamp("2012-05-25"), pd.Timestamp("2013-05-02"), pd.Timestamp("2025-03-06")]
    days = [(base[i % 3] + pd.Timedelta(days=i % 5)).strftime("%Y-%m-%d") for i in range(24)]
    return gdf.assign(date_start=pd.to_datetime(days, utc=True), date_end=pd.NaT)


def gif_seconds(path) -> float:
    with Image.open(path) as image:
        total = 0
        for k in range(image.n_frames):
            image.seek(k)
            total += image.info["duration"]
    return total / 1000


def test_default_animation_follows_the_events_within_20_s(tmp_path):
    out = render_animation(sparse_years(), tmp_path / "a.gif", dpi=30, public_safe=False)
    meta = out.metadata
    assert gif_seconds(out.path) <= 20.0
    assert meta["filters"]["collapsed_gaps"] >= 2  # 2012 → 2013 → 2025: the empty stretches are one frame each
    assert meta["frames_written"] < 80
    assert meta["filters"]["step"] in ("day", "week", "month")
    assert meta["labelled_sites"]  # the largest sites are named


def test_gap_frames_say_so():
    from layers.export.animate import _stamp, collapse_empty

    windows = frame_windows(pd.Timestamp("2025-01-01", tz="UTC"), pd.Timestamp("2025-06-30", tz="UTC"), step="month")
    frames = collapse_empty(windows, pd.Series(pd.to_datetime(["2025-01-03", "2025-06-01"], utc=True)))
    assert [gap for _, _, gap in frames] == [False, True, False]
    a, b, gap = frames[1]
    assert _stamp(a, b, gap, "cumulative", "%b %Y", False) == "… Feb 2025 – May 2025: no new incidents"


def test_a_long_span_at_day_step_is_refused_with_a_message():
    from geo.errors import InvalidOptionError

    with pytest.raises(InvalidOptionError, match=r"day steps, more than 20,000: choose a longer step"):
        frame_windows(pd.Timestamp("1700-01-01", tz="UTC"), pd.Timestamp("2025-12-31", tz="UTC"), step="day")
    with pytest.raises(InvalidOptionError, match="at most 2,000"):
        frame_windows(pd.Timestamp("2025-01-01", tz="UTC"), pd.Timestamp("2025-12-31", tz="UTC"), frames=10**6)


def test_credits_are_readable_at_gif_size():
    from layers.export.static import compose_map

    canvas = compose_map(synthetic_incidents(10), preset="slide_16_9", dpi=72)
    credit = next(t for t in canvas.fig.texts if t.get_text().startswith("Data:"))
    assert credit.get_fontsize() >= 10  # points at 72 dpi are pixels
    renderer = canvas.fig.canvas.get_renderer()
    assert credit.get_window_extent(renderer).x1 <= canvas.fig.bbox.x1  # not cut off at the right


def test_export_title_is_the_dataset_title():
    from layers.cli.export_cmd import dataset_title

    gdf = sparse_years()
    assert dataset_title("coast_march_2025", gdf) == "March 2025: killings on the coast and in Hama"
    assert dataset_title("all", gdf) == "Incidents in the curated datasets, 2012–2025"
    assert "/" not in dataset_title("/tmp/private/witness_list.gpkg", gdf)
