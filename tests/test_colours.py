"""One colour per category everywhere: app payload, standalone HTML, PNG, GIF and story PDF."""

from __future__ import annotations

import re
import zlib
from pathlib import Path

import matplotlib.colors
import numpy as np
import pytest
from PIL import Image

from layers.export.animate import render_animation
from layers.export.static import render_map
from layers.render.payload import colour_assignment, curated_campaigns, to_payload
from tests.export_fixtures import synthetic_incidents

COAST = "March 2025 coastal killings"


@pytest.fixture
def table():
    gdf = synthetic_incidents(40, seed=3)
    gdf["campaign"] = ["Campaign A", COAST, "Campaign B", "Campaign A"] * 10
    return gdf


def rgb(hex_colour: str) -> tuple[int, int, int]:
    r, g, b = (round(v * 255) for v in matplotlib.colors.to_rgb(hex_colour))
    return r, g, b


def has_pixel(pixels: np.ndarray, colour: tuple[int, int, int], at_least: int = 4) -> bool:
    return int((pixels[..., :3] == np.array(colour)).all(axis=-1).sum()) >= at_least


def pdf_colours(path: Path) -> set[tuple[float, float, float]]:
    """Fill colours ("r g b rg") of every content stream of a matplotlib PDF."""
    data = path.read_bytes()
    found = set()
    for raw in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", data, re.S):
        try:
            text = zlib.decompress(raw).decode("latin-1")
        except zlib.error:
            continue
        for r, g, b in re.findall(r"([\d.]+) ([\d.]+) ([\d.]+) rg", text):
            found.add((round(float(r), 3), round(float(g), 3), round(float(b), 3)))
    return found


def test_assignment_is_stable_under_filtering(table):
    full = colour_assignment(table)
    assert full[COAST] == colour_assignment(table[table["campaign"] == COAST])[COAST]
    # Curated campaigns keep their colour whatever else is loaded.
    for name in curated_campaigns():
        assert colour_assignment(table.assign(campaign=name))[name] == full[name]
    # Other campaigns: the caller passes every value before filtering (the app does).
    every = sorted(set(table["campaign"]))
    one = to_payload(table[table["campaign"] == "Campaign B"], categories=every)
    both = to_payload(table, categories=every)
    assert one["colours"][one["cats"].index("Campaign B")] == both["colours"][both["cats"].index("Campaign B")]


def test_same_rgb_in_payload_png_gif_and_pdf(table, tmp_path):
    from layers.export.story import Story, StoryStep, StoryView, story_to_pdf

    payload = to_payload(table)
    colour = payload["colours"][payload["cats"].index(COAST)]
    target = rgb(colour)

    png = render_map(table, tmp_path / "map.png", preset="square_social", dpi=60, public_safe=False).path
    assert has_pixel(np.asarray(Image.open(png).convert("RGB")), target)

    gif = render_animation(table, tmp_path / "anim.gif", dpi=50, step="month", public_safe=False).path
    with Image.open(gif) as image:
        image.seek(image.n_frames - 1)
        assert has_pixel(np.asarray(image.convert("RGB")), target)

    view = StoryView(bbox=(35.5, 33.0, 37.5, 36.0))
    step = StoryStep(caption="c", start="2025-03-01", end="2025-05-01", view=view)
    story = Story(name="t", title="T", description="", datasets=("test",), steps=(step,))
    pdf = story_to_pdf(story, table, tmp_path / "story.pdf", public_safe=False).path
    want = tuple(round(v, 3) for v in matplotlib.colors.to_rgb(colour))
    assert any(all(abs(a - b) <= 0.002 for a, b in zip(c, want, strict=True)) for c in pdf_colours(pdf))
