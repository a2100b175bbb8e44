"""Stories: ordered steps over incidents, as data (``data/incidents/stories/*.yaml``) and as a PDF.

A story YAML has ``title``, ``description``, optional ``datasets`` (the
curated datasets its ids come from) and ``steps``; each step has a
``caption`` (neutral, attributed), ``start``/``end`` dates, a ``view``
(``center_lon``/``center_lat`` with ``zoom``, or ``bbox`` [west, south,
east, north]) and ``highlight`` (incident ids). ``zoom`` follows web maps: a
view 1024 px wide at that zoom spans ``4 × 40075 km × cos(lat) / 2**zoom``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd

from geo.data_files import DATA_DIR as EMBEDDED_DATA
from geo.errors import DataSchemaError, ExportError, InputFileError
from layers.export.common import ExportResult, filter_incidents, parse_date
from layers.export.public import apply_public, export_metadata
from layers.render.payload import colour_assignment
from layers.safe_yaml import load_yaml

__all__ = ["STORIES_DIR", "Story", "StoryStep", "StoryView", "list_stories", "load_story", "story_to_pdf"]

STORIES_DIR = EMBEDDED_DATA / "incidents" / "stories"
_EARTH_KM = 40075.016686


@dataclass(frozen=True, slots=True)
class StoryView:
    """Where a step looks: a centre and web-map zoom, or a bbox (west, south, east, north)."""

    center_lon: float | None = None
    center_lat: float | None = None
    zoom: float | None = None
    bbox: tuple[float, float, float, float] | None = None

    def to_bbox(self) -> tuple[float, float, float, float]:
        """Return the view as (west, south, east, north) degrees.

        Examples
        --------
        >>> w, s, e, n = StoryView(36.0, 35.0, zoom=9).to_bbox()
        >>> round(e - w, 2)
        2.81
        """
        if self.bbox is not None:
            return self.bbox
        assert self.center_lon is not None
        assert self.center_lat is not None
        assert self.zoom is not None
        width_km = 4 * _EARTH_KM * math.cos(math.radians(self.center_lat)) / 2**self.zoom
        half_lon = width_km / 2 / (111.32 * math.cos(math.radians(self.center_lat)))
        half_lat = width_km * 0.3 / 110.57
        return (
            self.center_lon - half_lon,
            self.center_lat - half_lat,
            self.center_lon + half_lon,
            self.center_lat + half_lat,
        )


@dataclass(frozen=True, slots=True)
class StoryStep:
    """One step: a caption, a period, a view and the incidents to highlight."""

    caption: str
    start: str
    end: str
    view: StoryView
    highlight: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Story:
    """A story loaded from YAML (plain data, for the PDF, HTML and in-app viewers)."""

    name: str
    title: str
    description: str
    datasets: tuple[str, ...]
    steps: tuple[StoryStep, ...]

    @property
    def incident_ids(self) -> tuple[str, ...]:
        """Every highlighted id, in order of first appearance."""
        return tuple(dict.fromkeys(i for step in self.steps for i in step.highlight))


def list_stories(directory: str | Path | None = None) -> list[str]:
    """Return the names of the stories (YAML stems), sorted.

    Examples
    --------
    >>> "march_2025_m1_m4" in list_stories()
    True
    """
    return sorted(p.stem for p in Path(directory or STORIES_DIR).glob("*.yaml"))


def _fail(path: Path, where: str, problem: str) -> DataSchemaError:
    return DataSchemaError(f"{path}, {where}: {problem}")


def _view(path: Path, where: str, raw: Any) -> StoryView:
    if not isinstance(raw, dict):
        raise _fail(path, where, "view must be a mapping with center_lon, center_lat and zoom, or bbox")
    if "bbox" in raw:
        box = raw["bbox"]
        if not (isinstance(box, list) and len(box) == 4 and box[0] < box[2] and box[1] < box[3]):
            raise _fail(path, where, f"bbox {box!r} must be [west, south, east, north] with west < east")
        return StoryView(bbox=tuple(float(v) for v in box))  # type: ignore[arg-type]
    try:
        return StoryView(float(raw["center_lon"]), float(raw["center_lat"]), float(raw["zoom"]))
    except (KeyError, TypeError, ValueError) as err:
        raise _fail(path, where, f"view needs center_lon, center_lat and zoom (or bbox): {err}") from err


def load_story(name_or_path: str | Path, directory: str | Path | None = None) -> Story:
    """Load a story by name (from ``data/incidents/stories``) or path.

    Raises
    ------
    InputFileError
        No such story.
    DataSchemaError
        A field is missing or malformed (the message names the step).

    Examples
    --------
    >>> story = load_story("march_2025_m1_m4")
    >>> story.title
    'March 2025: along the M1 and M4'
    """
    path = Path(name_or_path)
    if not path.suffix:
        path = Path(directory or STORIES_DIR) / f"{name_or_path}.yaml"
    if not path.is_file():
        raise InputFileError(f"{name_or_path}: no such story; available: {', '.join(list_stories(directory))}")
    raw = load_yaml(path)
    if not isinstance(raw, dict) or not raw.get("title") or not isinstance(raw.get("steps"), list) or not raw["steps"]:
        raise _fail(path, "top level", "a story needs a title and a non-empty list of steps")
    steps = []
    for i, item in enumerate(raw["steps"], 1):
        where = f"step {i}"
        if not isinstance(item, dict) or not str(item.get("caption") or "").strip():
            raise _fail(path, where, "every step needs a caption")
        start, end = str(item.get("start") or ""), str(item.get("end") or item.get("start") or "")
        if parse_date(start) is None or parse_date(end) < parse_date(start):  # type: ignore[operator]
            raise _fail(path, where, f"start {start!r} / end {end!r}: give YYYY-MM-DD dates with end >= start")
        steps.append(
            StoryStep(
                " ".join(str(item["caption"]).split()),
                start,
                end,
                _view(path, where, item.get("view")),
                tuple(str(h) for h in item.get("highlight") or ()),
            )
        )
    return Story(
        path.stem,
        str(raw["title"]),
        " ".join(str(raw.get("description") or "").split()),
        tuple(raw.get("datasets") or ()),
        tuple(steps),
    )


def story_to_pdf(
    story: Story,
    gdf: gpd.GeoDataFrame,
    path: str | Path,
    *,
    preset: str = "a4_landscape",
    public_safe: bool = True,
    grid_km: float | None = 1.0,
    sensitive: str = "withhold",
    corridors: Any = None,
    places: Any = None,
    allowlist: Iterable[str] = (),
) -> ExportResult:
    """Write one PDF page per step: the map of the step's period and view, its caption, highlights ringed.

    Returns
    -------
    ExportResult
        Path and metadata (also in the PDF's Subject).
    """
    import json

    # matplotlib only when a PDF is written: the app lists and loads stories on its first page.
    from matplotlib.backends.backend_pdf import PdfPages

    from layers.export.static import compose_map, draw_incidents, label_places

    path = Path(path)
    allow = [*allowlist, *(places["name_en"].astype(str) if places is not None else [])]
    table = apply_public(gdf, public_safe=public_safe, grid_km=grid_km, sensitive=sensitive, allowlist=allow)
    shown_all, report = table
    meta = export_metadata(
        report,
        fmt="pdf",
        title=story.title,
        count=len(shown_all),
        filters={"story": story.name, "steps": len(story.steps)},
    )
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with PdfPages(
            path,
            metadata={
                "Title": story.title,
                "Subject": json.dumps(meta, ensure_ascii=False),
                "Creator": "Syria Incident Map",
            },
        ) as pdf:
            for number, step in enumerate(story.steps, 1):
                shown = filter_incidents(shown_all, step.start, step.end)
                canvas = compose_map(
                    shown,
                    title=story.title,
                    subtitle=f"Step {number} of {len(story.steps)}",
                    date_range=_period(step),
                    preset=preset,
                    bbox=step.view.to_bbox(),
                    report=report,
                    corridors=corridors,
                    caption=step.caption,
                    colors=colour_assignment(gdf),
                )
                highlight = table.ids(step.highlight)
                draw_incidents(canvas, shown, highlight=highlight, faded=bool(highlight))
                label_places(canvas, shown, places, first=highlight)
                pdf.savefig(canvas.fig)
    except OSError as err:
        raise ExportError(f"{path}: cannot write the story PDF ({err})") from err
    return ExportResult(path, meta)


def _period(step: StoryStep) -> str:
    s, e = parse_date(step.start), parse_date(step.end)
    assert s is not None
    assert e is not None
    return f"{s:%d %b %Y}" if s == e else f"{s:%d %b %Y} – {e:%d %b %Y}"
