"""The app's state and the pure helpers behind its widgets (no streamlit here).

The whole view — datasets, filters, time window, base layer, animation step and
map view — round-trips through URL query parameters, so a link reopens the
same view. Bad or stale parameters fall back to defaults; they never break the
page.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import os
import re
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from geo.gazetteer import Gazetteer
from geo.names import clean_text
from geo.safety import strip_bidi
from geo.tables import write_csv_atomic
from layers.export.story import STORIES_DIR, list_stories
from layers.incidents import empty_incidents
from layers.timeline import FilterSpec

__all__ = [
    "BASEMAPS",
    "DETAILS",
    "AppState",
    "apply_review",
    "combine",
    "dataset_version",
    "date_span",
    "detail_records",
    "from_query",
    "md_text",
    "options",
    "overlay_key",
    "review_editor_frame",
    "safe_filename",
    "selection_key",
    "story_files",
    "timeline_freq",
    "user_data_dir",
    "view_bounds",
    "web_links",
]

BASEMAPS = ("osm", "light", "satellite", "offline", "blank")
STEPS = ("day", "week", "month")
MODES = ("cumulative", "moving")
#: How the map draws the selection: grid cells above the threshold (auto), or always one way.
DETAILS = ("auto", "points", "cells")
CORRIDORS = ("", "M1", "M4", "M5")
_SEP = "|"


def _date(value: object) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


@dataclass(frozen=True, slots=True)
class AppState:
    """Everything a link must restore."""

    datasets: tuple[str, ...] = ()
    campaigns: tuple[str, ...] = ()
    event_types: tuple[str, ...] = ()
    perpetrator: str = ""
    victim_group: str = ""
    confidence: tuple[str, ...] = ()
    min_deaths: int = 0
    corridor: str = ""
    max_km: int = 5
    start: dt.date | None = None
    end: dt.date | None = None
    basemap: str = "osm"
    step: str = "day"
    mode: str = "cumulative"
    view: tuple[float, float, int] | None = field(default=None)
    story: str = ""
    detail: str = "auto"
    #: "Only the incidents in the map view": the map's extent (west, south, east, north), not in links
    bbox: tuple[float, float, float, float] | None = None
    #: What the link asked for that could not be restored (shown once as a notice; not in links).
    notices: tuple[str, ...] = field(default=(), compare=False)

    def within(self, options: Mapping[str, Sequence[str]]) -> AppState:
        """Return this state without filter values the data no longer offers, each named in ``notices``.

        A shared link may name a campaign, event type or confidence that the chosen
        datasets do not have (any more): the link still opens, without that value.

        Examples
        --------
        >>> s = AppState(campaigns=("Gone", "Kept")).within({"campaign": ["Kept"], "event_type": [], "confidence": []})
        >>> s.campaigns, s.notices
        (('Kept',), ("The link's campaign 'Gone' is not in the chosen datasets; it was left out.",))
        """
        notices = list(self.notices)
        kept: dict[str, tuple[str, ...]] = {}
        for attr, key, label in (
            ("campaigns", "campaign", "campaign"),
            ("event_types", "event_type", "event type"),
            ("confidence", "confidence", "confidence"),
        ):
            offered = set(options.get(key, ()))
            values = getattr(self, attr)
            kept[attr] = tuple(v for v in values if v in offered)
            for value in values:
                if value not in offered:
                    notices.append(f"The link's {label} {value!r} is not in the chosen datasets; it was left out.")
        return replace(
            self,
            notices=tuple(notices),
            campaigns=kept["campaigns"],
            event_types=kept["event_types"],
            confidence=kept["confidence"],
        )

    def to_query(self) -> dict[str, str]:
        """Return the query parameters of this state (defaults left out).

        Examples
        --------
        >>> AppState(datasets=("a", "b"), min_deaths=10, start=dt.date(2025, 3, 1)).to_query()
        {'ds': 'a|b', 'min': '10', 'start': '2025-03-01'}
        """
        out = {
            "ds": _SEP.join(self.datasets),
            "camp": _SEP.join(self.campaigns),
            "type": _SEP.join(self.event_types),
            "perp": self.perpetrator,
            "victim": self.victim_group,
            "conf": _SEP.join(self.confidence),
            "min": str(self.min_deaths) if self.min_deaths else "",
            "corr": self.corridor,
            "km": str(self.max_km) if self.corridor else "",
            "start": self.start.isoformat() if self.start else "",
            "end": self.end.isoformat() if self.end else "",
            "base": "" if self.basemap == "osm" else self.basemap,
            "step": "" if self.step == "day" else self.step,
            "mode": "" if self.mode == "cumulative" else self.mode,
            "view": ",".join(f"{v:g}" for v in self.view) if self.view else "",
            "story": self.story,
            "detail": "" if self.detail == "auto" else self.detail,
        }
        return {k: v for k, v in out.items() if v}

    def filter_spec(self) -> FilterSpec:
        """Return the filter these widgets describe (the date window is inclusive of *end*)."""
        return FilterSpec(
            datasets=(),
            campaigns=self.campaigns,
            event_types=self.event_types,
            perpetrator=self.perpetrator,
            victim_group=self.victim_group,
            confidence=self.confidence,
            min_deaths=self.min_deaths or None,
            corridor=self.corridor,
            max_km=float(self.max_km) if self.corridor else None,
            start=pd.Timestamp(self.start, tz="UTC") if self.start else None,
            end=pd.Timestamp(self.end, tz="UTC") + pd.Timedelta(days=1) if self.end else None,
            bbox=self.bbox,
        )

    def aggregate_threshold(self, default: int) -> int:
        """Return the map's ``aggregate_threshold`` for this state's *detail* choice.

        Examples
        --------
        >>> [AppState(detail=d).aggregate_threshold(20_000) for d in DETAILS]
        [20000, 9223372036854775807, 0]
        """
        return {"auto": default, "points": sys.maxsize, "cells": 0}[self.detail]

    def clamp(self, first: dt.date, last: dt.date) -> tuple[dt.date, dt.date]:
        """Return (start, end) inside [first, last]; the whole span when unset or out of range."""
        start = self.start if self.start and first <= self.start <= last else first
        end = self.end if self.end and start <= self.end <= last else last
        return start, end


def from_query(params: Mapping[str, str], datasets: Sequence[str]) -> AppState:
    """Read an :class:`AppState` from query parameters; unknown values fall back to defaults.

    Examples
    --------
    >>> s = from_query({"ds": "a|zzz", "min": "x", "base": "blank", "view": "35.1,36.2,9"}, ["a", "b"])
    >>> s.datasets, s.min_deaths, s.basemap, s.view
    (('a',), 0, 'blank', (35.1, 36.2, 9))
    """

    def listed(key: str) -> tuple[str, ...]:
        return tuple(v for v in str(params.get(key, "")).split(_SEP) if v)

    def choice(key: str, allowed: Sequence[str], default: str) -> str:
        value = str(params.get(key, default))
        return value if value in allowed else default

    def integer(key: str, default: int, low: int, high: int) -> int:
        try:
            return min(high, max(low, int(str(params.get(key, default)))))
        except ValueError:
            return default

    notices = [
        f"The link's dataset {name!r} is not available here; it was left out."
        for name in listed("ds")
        if name not in datasets
    ]
    chosen = tuple(d for d in listed("ds") if d in datasets) or tuple(datasets[:3])
    view = _view(params.get("view", ""))
    if params.get("view") and view is None:
        notices.append("The link's map view is not a valid lat,lon,zoom; the map opens on the selection.")
    for key, allowed in (
        ("corr", CORRIDORS),
        ("base", BASEMAPS),
        ("step", STEPS),
        ("mode", MODES),
        ("detail", DETAILS),
    ):
        if key in params and str(params[key]) not in allowed:
            notices.append(f"The link's {key}={clean_text(params[key])[:40]!r} is not an option; the default is used.")
    for key in ("start", "end"):
        if params.get(key) and _date(params.get(key)) is None:
            notices.append(f"The link's {key} date is not a date (YYYY-MM-DD); the whole span is shown.")
    return AppState(
        datasets=chosen,
        campaigns=listed("camp"),
        event_types=listed("type"),
        perpetrator=clean_text(params.get("perp", ""))[:200],
        victim_group=clean_text(params.get("victim", ""))[:200],
        confidence=listed("conf"),
        min_deaths=integer("min", 0, 0, 10**7),
        corridor=choice("corr", CORRIDORS, ""),
        max_km=integer("km", 5, 1, 50),
        start=_date(params.get("start")),
        end=_date(params.get("end")),
        basemap=choice("base", BASEMAPS, "osm"),
        step=choice("step", STEPS, "day"),
        mode=choice("mode", MODES, "cumulative"),
        view=view,
        story=clean_text(params.get("story", ""))[:80],
        detail=choice("detail", DETAILS, "auto"),
        notices=tuple(notices),
    )


def view_bounds(value: object) -> tuple[float, float, float, float] | None:
    """Return the map's extent as (west, south, east, north) from streamlit-folium's ``bounds``, or None.

    *value* is what the map component returns (``{"bounds": {"_southWest": {"lat", "lng"},
    "_northEast": {...}}}``); rounded to 4 decimals (~10 m) so that a filter key is stable.

    >>> corners = {"_southWest": {"lat": 34.512345, "lng": 36.1}, "_northEast": {"lat": 35.2, "lng": 37.0}}
    >>> view_bounds({"bounds": corners})
    (36.1, 34.5123, 37.0, 35.2)
    >>> view_bounds(None), view_bounds({"bounds": {"_southWest": {"lat": None, "lng": 1}}})
    (None, None)
    """
    try:
        bounds = value["bounds"]  # type: ignore[index]
        south, west = float(bounds["_southWest"]["lat"]), float(bounds["_southWest"]["lng"])
        north, east = float(bounds["_northEast"]["lat"]), float(bounds["_northEast"]["lng"])
    except (KeyError, TypeError, ValueError):
        return None
    if not all(math.isfinite(v) for v in (west, south, east, north)) or west > east or south > north:
        return None
    return round(west, 4), round(south, 4), round(east, 4), round(north, 4)


def _view(text: object) -> tuple[float, float, int] | None:
    """Read ``lat,lon,zoom``; None unless all three are finite and in range.

    >>> _view("35,36,inf"), _view("35.1,36.2,9"), _view("nan,36,5")
    (None, (35.1, 36.2, 9), None)
    """
    try:
        lat, lon, zoom = (float(v) for v in str(text).split(","))
    except ValueError:
        return None
    if not all(math.isfinite(v) for v in (lat, lon, zoom)):
        return None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None
    return lat, lon, min(18, max(1, int(zoom)))


def combine(datasets: Mapping[str, pd.DataFrame], chosen: Sequence[str]) -> pd.DataFrame:
    """Concatenate the chosen datasets (an empty incident table when none)."""
    frames = [datasets[name] for name in chosen if name in datasets and len(datasets[name])]
    if not frames:
        return empty_incidents()
    out = pd.concat(frames, ignore_index=True)
    return out.drop_duplicates("id", keep="first").reset_index(drop=True)


def dataset_version(datasets: Mapping[str, pd.DataFrame], chosen: Sequence[str]) -> tuple[tuple[str, int, int], ...]:
    """Return the key of a choice of datasets: (name, id of its frame, rows) for each chosen one.

    The app's shared caches of combined, prepared tables use it: a dataset loaded again (a new
    frame) gets a new key. The cache entry keeps the frames alive, so no other frame can take
    an id while the key is in use.

    Examples
    --------
    >>> frame = pd.DataFrame({"id": ["a"]})
    >>> dataset_version({"x": frame, "y": frame}, ["y", "gone"]) == (("y", id(frame), 1),)
    True
    """
    return tuple((name, id(datasets[name]), len(datasets[name])) for name in chosen if name in datasets)


def selection_key(spec: FilterSpec, **what: object) -> str:
    """Return a cache key of a map selection: the filter and whatever else shapes its layer.

    Examples
    --------
    >>> selection_key(FilterSpec(min_deaths=3), threshold=10) == selection_key(FilterSpec(min_deaths=3), threshold=10)
    True
    >>> selection_key(FilterSpec(min_deaths=3), threshold=10) == selection_key(FilterSpec(), threshold=10)
    False
    """
    return repr((spec, sorted(what.items())))


def overlay_key(overlay: Any, name: str) -> tuple[str, str, str]:
    """Return what identifies a raster overlay on the map: its name, a digest of its pixels, its bounds."""
    pixels = hashlib.blake2b(np.ascontiguousarray(overlay.rgba).tobytes(), digest_size=16).hexdigest()
    return name, pixels, repr(overlay.leaflet_bounds)


def options(table: pd.DataFrame) -> dict[str, list[str]]:
    """Return the sorted distinct values offered by the filter widgets."""
    out = {}
    for column in ("campaign", "event_type", "confidence", "dataset"):
        values = table[column].dropna().astype(str) if column in table.columns else pd.Series(dtype=str)
        out[column] = sorted(v for v in values.unique() if v)
    return out


def date_span(table: pd.DataFrame) -> tuple[dt.date, dt.date]:
    """Return the first and last day of the incidents (today twice when there are none)."""
    starts = pd.to_datetime(table.get("date_start"), utc=True) if len(table) else pd.Series(dtype="datetime64[ns, UTC]")
    ends = pd.to_datetime(table.get("date_end"), utc=True) if len(table) else starts
    first, last = starts.min(), pd.concat([starts, ends]).max()
    if pd.isna(first) or pd.isna(last):
        today = dt.date.today()
        return today, today
    if first.date() == last.date():
        return first.date() - dt.timedelta(days=1), last.date()
    return first.date(), last.date()


def timeline_freq(start: dt.date, end: dt.date) -> str:
    """Return the bar width of the timeline chart for a window: day, week or month.

    Examples
    --------
    >>> timeline_freq(dt.date(2025, 3, 1), dt.date(2025, 3, 31))
    'D'
    >>> timeline_freq(dt.date(2011, 1, 1), dt.date(2025, 3, 1))
    'M'
    """
    days = (end - start).days
    return "D" if days <= 120 else "W" if days <= 730 else "M"


def _when(row: Mapping[str, Any]) -> str:
    start, end = row.get("date_start"), row.get("date_end")
    if start is None or pd.isna(start):
        return "date not reported"
    text = f"{start:%Y-%m-%d}"
    if end is not None and not pd.isna(end) and end.date() != start.date():
        text += f" – {end:%Y-%m-%d}"
    precision = row.get("date_precision")
    known = f"known to the {precision}" if isinstance(precision, str) and precision else "precision not given"
    return f"{text} ({known})"


def detail_records(table: pd.DataFrame, limit: int = 100, offset: int = 0) -> list[dict[str, Any]]:
    """Return the full records of incidents *offset* to *offset + limit*, most deaths first.

    Each record has the figures and the sources as tables; only the requested page is built.
    """
    if not len(table):
        return []
    order = table.sort_values("deaths_best", ascending=False, na_position="last", kind="stable")
    order = order.iloc[max(int(offset), 0) : max(int(offset), 0) + max(int(limit), 0)]
    out = []
    for row in order.to_dict("records"):
        figures = pd.DataFrame(list(row.get("figures") or []))
        sources = web_links(pd.DataFrame(list(row.get("sources") or [])))
        where = str(row.get("place_reported") or row.get("admin1") or "")
        value = row.get("raster_value")
        if value is not None and not pd.isna(value):
            where += f" · raster value here: {float(value):g}"
        out.append(
            {
                "id": row["id"],
                "title": str(row.get("title") or row["id"]),
                "when": _when(row),
                "where": where,
                "figures": figures,
                "sources": sources,
                "flags": str(row.get("flags") or "") if not pd.isna(row.get("flags") or "") else "",
            }
        )
    return out


def web_links(sources: pd.DataFrame) -> pd.DataFrame:
    """Keep only http(s) addresses in the ``url`` column (shown as links); others move to ``not_a_web_link``.

    A ``javascript:`` or ``data:`` address in a user's file must never become a clickable link
    in the app; it stays visible as text so nothing is lost.

    Examples
    --------
    >>> out = web_links(pd.DataFrame({"url": ["https://a.org/x", "javascript:alert(1)", None]}))
    >>> out["url"].tolist(), out["not_a_web_link"].tolist()
    (['https://a.org/x', '', ''], ['', 'javascript:alert(1)', ''])
    """
    if "url" not in sources:
        return sources
    text = sources["url"].astype(object).where(sources["url"].notna(), "").astype(str).str.strip()
    web = text.str.match(r"(?i)https?://[^\s]+$")
    out = sources.copy()
    out["url"] = text.where(web, "")
    out["not_a_web_link"] = text.where(~web, "")
    return out


_MARKDOWN_ACTIVE = re.compile(r"""([\\`*_{}\[\]()#+\-.!|<>~$:&"'=])""")


def md_text(value: object) -> str:
    r"""Return *value* as literal text for Streamlit's markdown (st.markdown, st.caption, st.error…).

    Every character that markdown, HTML, LaTeX (``$``) or Streamlit's directives
    (``:red[…]``) would act on is backslash-escaped, and whitespace runs become
    one space, so a title like ``![x](https://tracker)`` shows as typed and loads nothing.

    Examples
    --------
    >>> md_text("![x](https://t.example/p.png) <b>$1$</b>")
    '\\!\\[x\\]\\(https\\://t\\.example/p\\.png\\) \\<b\\>\\$1\\$\\</b\\>'
    """
    return _MARKDOWN_ACTIVE.sub(r"\\\1", " ".join(strip_bidi(value).split()))  # no bidi reordering


def safe_filename(name: object, fallback: str = "upload") -> str:
    r"""Return a file name from a browser's *name* that stays in the folder it is joined to.

    Directory parts (``/`` or ``\\``), leading dots (``..``, hidden files) and control
    characters are dropped; a name with nothing left becomes *fallback*. Long names are cut
    to 120 characters, keeping the suffix the importers go by.

    Examples
    --------
    >>> safe_filename("../../etc/passwd"), safe_filename("..\\x.csv"), safe_filename(".."), safe_filename("a\nb.kmz")
    ('passwd', 'x.csv', 'upload', 'ab.kmz')
    """
    base = re.split(r"[\\/]", str(name))[-1]
    base = "".join(ch for ch in base if ch.isprintable()).strip().lstrip(".").strip()
    if len(base) > 120:
        suffix = Path(base).suffix[:12]
        base = base[: 120 - len(suffix)] + suffix
    return base or fallback


def user_data_dir() -> Path:
    """Where the app keeps a user's aliases and places (``$SYRIA_MAP_HOME`` or ``~/.syria-incident-map``)."""
    return Path(os.environ.get("SYRIA_MAP_HOME", Path.home() / ".syria-incident-map"))


def story_files(directory: Path | None = None) -> dict[str, Path]:
    """Return the stories the app offers: the embedded ones, then the user's own.

    A user's stories are YAML files (the format of ``data/incidents/stories``) in
    ``stories/`` of :func:`user_data_dir`; one with the name of an embedded story is
    listed as ``"<name> (yours)"`` rather than hiding it.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     _ = (Path(tmp) / "stories").mkdir()
    ...     _ = (Path(tmp) / "stories" / "march_2025_m1_m4.yaml").write_text("title: mine")
    ...     names = list(story_files(Path(tmp)))
    >>> "march_2025_m1_m4" in names, "march_2025_m1_m4 (yours)" in names
    (True, True)
    """
    found = {name: STORIES_DIR / f"{name}.yaml" for name in list_stories()}
    mine = (directory or user_data_dir()) / "stories"
    if mine.is_dir():
        for name in list_stories(mine):
            found[name if name not in found else f"{name} (yours)"] = mine / f"{name}.yaml"
    return found


def review_editor_frame(review: pd.DataFrame) -> pd.DataFrame:
    """Return the review table with empty columns for the person's choice."""
    out = review[["row", "value", "reason", "candidates"]].copy()
    out["place_id"] = ""
    out["lat"] = None
    out["lon"] = None
    return out


def apply_review(edited: pd.DataFrame, gazetteer: Gazetteer, directory: Path | None = None) -> int:
    """Keep a person's choices: a candidate id becomes an alias; typed lat/lon a user place.

    Returns the number of spellings saved. Files: ``aliases.csv`` and ``places.csv`` in
    :func:`user_data_dir` (read at the next start with ``load_gazetteer(aliases=..., extra=...)``).
    """
    directory = directory or user_data_dir()
    aliases, places = review_choices(edited, gazetteer)
    for name, rows in (("aliases.csv", aliases), ("places.csv", places)):
        if rows:
            path = directory / name
            old = pd.read_csv(path, dtype=str, keep_default_na=False) if path.is_file() else pd.DataFrame()
            write_csv_atomic(pd.concat([old, pd.DataFrame(rows)], ignore_index=True), path)
    return len(aliases) + len(places)


def review_choices(edited: pd.DataFrame, gazetteer: Gazetteer) -> tuple[list[dict], list[dict]]:
    """Return the aliases (a candidate id chosen) and places (lat/lon typed) of a review table; add the aliases.

    Rows of ``aliases.csv`` (alias, place_id, note) and of ``places.csv`` (name, lat, lon,
    coord_precision_m); each alias is also added to *gazetteer* at once.
    """
    aliases, places = [], []
    for row in edited.to_dict("records"):
        name = clean_text(row.get("value"))
        place_id = clean_text(row.get("place_id"))
        if not name:
            continue
        if place_id:
            gazetteer.add_alias(name, place_id)
            aliases.append({"alias": name, "place_id": place_id, "note": "chosen in the review table"})
            continue
        lat, lon = pd.to_numeric(row.get("lat"), errors="coerce"), pd.to_numeric(row.get("lon"), errors="coerce")
        if pd.notna(lat) and pd.notna(lon) and -90 <= lat <= 90 and -180 <= lon <= 180:
            places.append({"name": name, "lat": float(lat), "lon": float(lon), "coord_precision_m": 1000})
    return aliases, places
