"""Static maps a newsroom would print: labels tied to the right dot, context towns, frame, inset, credits."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import shapely
from matplotlib.collections import PathCollection

from layers.export.cartography import TO_MAP, label_anchor
from layers.export.labels import label_places
from layers.export.static import _land_union, compose_map, draw_incidents, render_map
from layers.incidents import to_incident_frame

SOURCES = [
    [{"publisher": "Reuters (via Haaretz)"}, {"publisher": "unknown (seed article)"}],
    [{"publisher": "SNHR (as reported in seed 004)"}, {"publisher": "reuters"}],
]


def coast_cluster(n: int = 24, seed: int = 1) -> pd.DataFrame:
    """Made-up incidents packed along the coast between Jableh and Baniyas, plus a few inland."""
    rng = np.random.default_rng(seed)
    lon = np.r_[rng.uniform(35.90, 36.05, n), [36.35, 36.75, 36.29]]
    lat = np.r_[rng.uniform(35.15, 35.40, n), [35.05, 34.73, 33.51]]
    m = len(lon)
    return to_incident_frame(
        pd.DataFrame(
            {
                "id": [f"c{i}" for i in range(m)],
                "title": [f"Incident {i}" for i in range(m)],
                "place_reported": [f"Village {i}" for i in range(m)],
                "date_start": "2025-03-07",
                "lon": lon,
                "lat": lat,
                "deaths_best": rng.integers(1, 80, m),
                "campaign": "Test campaign",
                "sources": [SOURCES[i % 2] for i in range(m)],
            }
        )
    )


def drawn_dots(ax) -> np.ndarray:
    """Display px of every dot on the map: incidents and context towns (the scatter collections)."""
    parts = [ax.transData.transform(c.get_offsets()) for c in ax.collections if isinstance(c, PathCollection)]
    return np.vstack([p for p in parts if len(p)])


@pytest.fixture(scope="module")
def labelled():
    gdf = coast_cluster()
    canvas = compose_map(gdf, preset="slide_16_9", dpi=72)
    draw_incidents(canvas, gdf)
    labels = label_places(canvas, gdf)
    return canvas, gdf, labels


def test_every_label_is_nearest_its_own_dot(labelled):
    canvas, _, labels = labelled
    dots = drawn_dots(canvas.ax)
    tied = [t for t in labels if t._label_kind in ("incident", "context")]
    assert len(tied) >= 10
    for text in tied:
        own = np.array(text._own_dot)
        ax_, ay_ = label_anchor(text)
        dist = np.hypot(dots[:, 0] - ax_, dots[:, 1] - ay_)
        others = np.hypot(dots[:, 0] - own[0], dots[:, 1] - own[1]) > 0.75
        mine = np.hypot(ax_ - own[0], ay_ - own[1])
        assert mine < dist[others].min(), text.get_text()


def test_moved_labels_have_a_leader_from_their_dot(labelled):
    canvas, _, labels = labelled
    moved = [t for t in labels if t._leader is not None]
    assert moved, "a dense cluster needs some labels moved off their dots"
    for text in moved:
        xs, ys = text._leader.get_data()
        start = canvas.ax.transData.transform((xs[0], ys[0]))
        assert np.hypot(*(start - np.array(text._own_dot))) <= 40  # starts at the dot's edge


def test_context_towns_are_labelled_apart(labelled):
    _, gdf, labels = labelled
    context = [t.get_text().split("\n")[0] for t in labels if t._label_kind == "context"]
    assert {"Tartus", "Homs"} & set(context), context
    assert not set(context) & set(gdf["place_reported"])
    incident = [t for t in labels if t._label_kind == "incident"]
    town = next(t for t in labels if t._label_kind == "context")
    assert town.get_color() != incident[0].get_color()


def test_frame_fits_the_incidents_without_half_sea(labelled):
    canvas, gdf, _ = labelled
    (x0, x1), (y0, y1) = canvas.ax.get_xlim(), canvas.ax.get_ylim()
    xs, ys = TO_MAP.transform(gdf["lon"].to_numpy(float), gdf["lat"].to_numpy(float))
    assert (xs > x0).all()
    assert (xs < x1).all()
    assert (ys > y0).all()
    assert (ys < y1).all()
    from layers.export import basemap as bm
    from layers.export.cartography import MAP_CRS

    land = _land_union(bm.load_basemap().to_crs(MAP_CRS))
    frame = shapely.box(x0, y0, x1, y1)
    assert shapely.area(shapely.intersection(frame, land)) / frame.area >= 0.6


@pytest.mark.parametrize(
    "bbox",
    [None, (39.5, 34.8, 41.0, 35.8), (34.0, 33.0, 36.5, 35.0), (35.0, 31.0, 43.5, 38.5)],
    ids=["fitted", "deir-ez-zor", "beyond-the-coast", "wider-than-syria"],
)
def test_the_inset_box_lies_inside_the_inset(bbox):
    canvas = compose_map(coast_cluster(6), preset="a4_landscape", dpi=40, bbox=bbox)
    inset = canvas.inset
    box = inset.extent_box
    (ix0, ix1), (iy0, iy1) = inset.get_xlim(), inset.get_ylim()
    assert ix0 <= box.get_x()
    assert box.get_x() + box.get_width() <= ix1
    assert iy0 <= box.get_y()
    assert box.get_y() + box.get_height() <= iy1
    # The whole country is in the inset.
    sx, sy = TO_MAP.transform([35.7, 42.3], [32.4, 37.3])
    assert ix0 <= min(sx)
    assert max(sx) <= ix1
    assert iy0 <= min(sy)
    assert max(sy) <= iy1


def test_credits_name_publishers_plainly(tmp_path):
    out = render_map(coast_cluster(), tmp_path / "m.png", dpi=30)
    credits = out.metadata["credits"]
    assert "Reuters" in credits
    assert credits.count("Reuters") == 1
    assert "SNHR" in credits
    for bad in ("Error", "unavailable (", "seed", "unknown", "no incidents"):
        assert bad not in credits
    assert "Offline basemap" in credits


def test_credits_never_say_no_incidents_when_points_are_drawn(tmp_path):
    gdf = coast_cluster().assign(sources=[[] for _ in range(27)])
    credits = render_map(gdf, tmp_path / "m.png", dpi=30, public_safe=False).metadata["credits"]
    assert "no incidents" not in credits
    assert "27 incident record(s)" in credits


def test_a_zoomed_page_draws_only_the_geography_near_its_view() -> None:
    """A story step of one district carries the coast near it, not every vertex of the region
    (smaller PDFs and SVGs, faster pages); the whole region stays in the inset."""
    from matplotlib.collections import PatchCollection

    def land_extent(ax) -> tuple[float, float, float, float]:
        boxes = [p.get_extents() for c in ax.collections if isinstance(c, PatchCollection) for p in c.get_paths()]
        return (min(b.x0 for b in boxes), min(b.y0 for b in boxes), max(b.x1 for b in boxes), max(b.y1 for b in boxes))

    zoomed = compose_map(coast_cluster(6), preset="a4_landscape", dpi=40, bbox=(35.8, 35.0, 36.2, 35.5))
    (x0, x1), (y0, y1) = zoomed.ax.get_xlim(), zoomed.ax.get_ylim()
    w, h = x1 - x0, y1 - y0
    lx0, ly0, lx1, ly1 = land_extent(zoomed.ax)
    assert x0 - 0.56 * w <= lx0 and lx1 <= x1 + 0.56 * w
    assert y0 - 0.06 * h <= ly0 and ly1 <= y1 + 1.06 * h
    assert lx0 < x0 and lx1 > x1  # the land still fills the view to its edges
    ix0, _, ix1, _ = land_extent(zoomed.inset)
    assert ix1 - ix0 > 10 * w  # the inset keeps the whole region
