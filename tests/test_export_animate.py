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
