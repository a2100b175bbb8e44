"""The compact, columnar JSON that the incident layer's JavaScript draws (no folium here).

Strings from data go into the payload *raw* and the browser puts them into the
page with ``textContent`` only; :func:`to_script_json` escapes ``<``, ``>``,
``&`` and the JavaScript line separators so that no text can close the
``<script>`` it is embedded in.
"""

from __future__ import annotations

import functools
import json
import math
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from geo.errors import InvalidOptionError
from geo.safety import BIDI_CONTROLS, strip_bidi

__all__ = [
    "COLOUR_BY",
    "OTHER_COLOUR",
    "PALETTE",
    "category_colours",
    "category_order",
    "category_values",
    "colour_assignment",
    "colour_keys",
    "curated_campaigns",
    "day_bounds",
    "drawable_rows",
    "radius_px",
    "to_payload",
    "to_script_json",
]

#: Okabe–Ito, a palette that stays distinct for the common colour-vision deficiencies.
PALETTE = ("#E69F00", "#56B4E9", "#009E73", "#0072B2", "#D55E00", "#CC79A7", "#F0E442", "#000000")
OTHER_COLOUR = "#999999"
COLOUR_BY = ("campaign", "dataset", "event_type", "confidence")
PRECISION_TEXT = {1: "exact point", 2: "village, town or neighbourhood centre", 3: "approximate: area or parent place"}
#: Radius in px = RADIUS_PER_SQRT_DEATH * sqrt(deaths_best), so the circle's *area* is proportional.
RADIUS_PER_SQRT_DEATH = 1.2
MIN_RADIUS_PX = 3.0
MAX_RADIUS_PX = 60.0
SIZE_LEGEND = (10, 100, 500)
_NO_DAY = 10**7  # "open" day bound for incidents without dates: always inside a window


def radius_px(deaths: Any) -> np.ndarray:
    """Return circle radii (px) with area proportional to *deaths* (NaN -> the minimum).

    Examples
    --------
    >>> radius_px([0, 100, None]).round(1).tolist()
    [3.0, 12.0, 3.0]
    """
    d = pd.to_numeric(pd.Series(list(deaths) if not np.isscalar(deaths) else [deaths]), errors="coerce")
    r = RADIUS_PER_SQRT_DEATH * np.sqrt(d.fillna(0).clip(lower=0).to_numpy(dtype=float))
    return np.clip(r, MIN_RADIUS_PX, MAX_RADIUS_PX)


def to_script_json(obj: Any) -> str:
    r"""Return *obj* as JSON that is safe inside an HTML ``<script>`` element.

    folium passes every rendered script through Jinja a second time (branca
    wraps it in an ``Element`` template), so ``{{``, ``{%`` and ``{#`` in data
    would be evaluated as template code; they are escaped too. JSON's own
    structure never produces those pairs, so only text inside strings changes.

    Examples
    --------
    >>> to_script_json({"t": "</script><img src=x>"})
    '{"t":"\\u003c/script\\u003e\\u003cimg src=x\\u003e"}'
    >>> to_script_json(["{{ 7*7 }}"])
    '["{\\u007b 7*7 }}"]'
    """
    text = json.dumps(obj, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    for raw, esc in (
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("&", "\\u0026"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
        ("{{", "{\\u007b"),
        ("{%", "{\\u0025"),
        ("{#", "{\\u0023"),
    ):
        text = text.replace(raw, esc)
    return text


def _text(values: pd.Series) -> pd.Series:
    # Bidi controls would make a label read differently from the stored text: removed.
    return values.astype(object).where(values.notna(), "").astype(str).str.replace(BIDI_CONTROLS, "", regex=True)


def _column(rows: pd.DataFrame, name: str) -> pd.Series:
    return _text(rows[name]) if name in rows.columns else pd.Series("", index=rows.index, dtype=object)


def _actors(rows: pd.DataFrame) -> pd.Series:
    """Return "actor1 · actor2" for records whose format codes no direction (neutral actors)."""
    a, b = _column(rows, "actor1"), _column(rows, "actor2")
    both = (a + " · " + b).where((a != "") & (b != ""), a + b)
    return both.where(_column(rows, "perpetrator_reported") == "", "")


def _ints(values: pd.Series) -> list[int | None]:
    return [None if pd.isna(v) else int(v) for v in values.astype("Float64")]


def _days(values: pd.Series, missing: int) -> np.ndarray:
    dates = pd.to_datetime(values, utc=True)
    days = (dates.dt.tz_localize(None).to_numpy(dtype="datetime64[D]").astype("int64")).astype(float)
    days[dates.isna().to_numpy()] = missing
    return days.astype("int64")


def _sources(value: object, withhold: bool) -> list[list[str]]:
    out = []
    for src in value if isinstance(value, (list, tuple)) else []:
        if not isinstance(src, dict):
            continue
        url = strip_bidi(src.get("url") or "")  # bidi controls reorder what a popup shows
        out.append(
            [
                strip_bidi(src.get("publisher") or ""),
                strip_bidi(src.get("date") or ""),
                strip_bidi(src.get("title") or ""),
                url if url.lower().startswith(("http://", "https://")) else "",
                "" if withhold else strip_bidi(src.get("quote") or ""),
            ]
        )
    return out


def category_colours(categories: Iterable[str]) -> dict[str, str]:
    """Return the palette colour of each category, in order; categories past the 8th are grey."""
    return {c: PALETTE[i] if i < len(PALETTE) else OTHER_COLOUR for i, c in enumerate(categories)}


@functools.lru_cache(maxsize=1)
def curated_campaigns() -> tuple[str, ...]:
    """Return the campaigns of the curated datasets (``data/incidents/*.yaml``), sorted.

    They come first in every campaign colour assignment, so each keeps one colour in the
    app, the HTML exports, static maps, animations and story PDFs, whatever is filtered.

    Examples
    --------
    >>> "March 2025 coastal killings" in curated_campaigns()
    True
    """
    import yaml

    from layers.curated import CURATED_DIR

    names = set()
    for path in sorted(CURATED_DIR.glob("*.yaml")):
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError):
            continue  # the curated loader reports a broken file; colours must not fail because of it
        if isinstance(data, dict) and isinstance(data.get("campaign"), str) and data["campaign"].strip():
            names.add(data["campaign"].strip())
    return tuple(sorted(names))


def category_order(colour_by: str, found: Iterable[str], categories: Sequence[str] | None = None) -> list[str]:
    """Return the one ordered category list that colours follow (the palette in this order).

    Campaigns of the curated datasets first (fixed), then *categories* (the caller's full
    list, e.g. every value before filtering), then any other value found, sorted.

    Examples
    --------
    >>> order = category_order("campaign", ["Zeta", "March 2025 coastal killings"])
    >>> order.index("March 2025 coastal killings") < order.index("Zeta")
    True
    """
    fixed = list(curated_campaigns()) if colour_by == "campaign" else []
    cats = list(dict.fromkeys([*fixed, *(categories or ())]))
    return cats + sorted(set(map(str, found)) - set(cats))


def category_values(values: pd.Series) -> pd.Series:
    """Return each row's colour key: the value as text, ``(none)`` when missing or empty."""
    return _text(values).replace("", "(none)")


def colour_assignment(
    gdf: pd.DataFrame, colour_by: str = "campaign", categories: Sequence[str] | None = None
) -> dict[str, str]:
    """Return category -> colour for every value of *colour_by* in *gdf* (pass the table before filtering).

    The same assignment as the web map's (:func:`colour_keys`), for static maps, animations
    and story PDFs.
    """
    values = category_values(gdf[colour_by]) if len(gdf) else []
    return category_colours(category_order(colour_by, values, categories))


def drawable_rows(gdf: pd.DataFrame) -> tuple[pd.DataFrame, np.ndarray, np.ndarray, int]:
    """Return the rows drawn on a map (located, not aggregate totals), their lon and lat, and the aggregate count."""
    aggregate = gdf["aggregate"].astype(bool) if "aggregate" in gdf else pd.Series(False, index=gdf.index)
    geom = gdf.geometry
    drawable = ~aggregate & geom.notna() & ~geom.is_empty
    rows = gdf[drawable.to_numpy()]
    lon = rows.geometry.x.to_numpy() if len(rows) else np.empty(0)
    lat = rows.geometry.y.to_numpy() if len(rows) else np.empty(0)
    ok = np.isfinite(lon) & np.isfinite(lat)
    return rows[ok], lon[ok], lat[ok], int(aggregate.sum())


def colour_keys(
    rows: pd.DataFrame, colour_by: str, categories: Sequence[str] | None
) -> tuple[list[str], list[str], np.ndarray]:
    """Return the ordered categories of *colour_by*, their colours, and each row's category index.

    The order is :func:`category_order`: curated campaigns, then the caller's categories
    (so colours stay put when filters change), then keys found in *rows*, sorted. The map's
    legend lists only the categories present.
    """
    if colour_by not in COLOUR_BY:
        raise InvalidOptionError(f"'{colour_by}' is not a valid colour_by, must be one of {', '.join(COLOUR_BY)}")
    codes, uniques = pd.factorize(category_values(rows[colour_by]))
    found = [str(u) for u in uniques]
    cats = category_order(colour_by, found, categories)
    colours = category_colours(cats)
    position = {c: i for i, c in enumerate(cats)}
    cat_index = np.array([position[u] for u in found], dtype="int64")[codes] if len(codes) else np.empty(0, "int64")
    return cats, [colours[c] for c in cats], cat_index


def day_bounds(rows: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Return each row's first and last day (days since 1970-01-01); undated rows are open at both ends."""
    start = pd.to_datetime(rows["date_start"], utc=True)
    end = pd.to_datetime(rows["date_end"], utc=True).fillna(start)
    return _days(rows["date_start"], -_NO_DAY), _days(end.where(start.notna()), _NO_DAY)


def to_payload(
    gdf: pd.DataFrame,
    *,
    colour_by: str = "campaign",
    categories: Sequence[str] | None = None,
    highlight_ids: Iterable[str] = (),
    public_safe: bool = False,
    time_label: str | None = None,
) -> dict[str, Any]:
    """Return the JSON payload of the drawable incidents of *gdf* (aggregates and unlocated rows left out).

    Examples
    --------
    >>> from layers.incidents import to_incident_frame
    >>> gdf = to_incident_frame(pd.DataFrame({"id": ["a"], "title": ["<b>"], "lon": [36.0], "lat": [35.0],
    ...                                       "campaign": ["C"], "deaths_best": [4]}))
    >>> p = to_payload(gdf)
    >>> p["n"], p["cats"][-1], p["info"]["title"][0]  # curated campaigns keep the first colours
    (1, 'C', '<b>')
    """
    rows, lon, lat, n_aggregate = drawable_rows(gdf)
    cats, colours, cat_index = colour_keys(rows, colour_by, categories)

    t0, t1 = day_bounds(rows)
    precision = rows["geo_precision"].astype("Int64").fillna(3).clip(1, 3).astype(int)
    withhold = rows["sensitive"].astype(bool).to_numpy() & public_safe
    strings: dict[str, int] = {"": 0}

    def intern(values: pd.Series) -> list[int]:
        codes, uniques = pd.factorize(_text(values))
        table = np.array([strings.setdefault(u, len(strings)) for u in uniques], dtype="int64")
        return table[codes].tolist()

    src_keys = [
        json.dumps(v, sort_keys=True, default=str) + ("#w" if w else "")
        for v, w in zip(rows["sources"], withhold, strict=True)
    ]
    src_codes, src_uniques = pd.factorize(pd.Series(src_keys, dtype=object))
    src_table = [_sources(json.loads(k.removesuffix("#w")), k.endswith("#w")) for k in src_uniques]
    info = {
        "title": _text(rows["title"]).tolist(),
        "dprec": intern(rows["date_precision"]),
        "place": intern(rows["place_reported"]),
        "perp": intern(rows["perpetrator_reported"]),
        "victim": intern(rows["victim_group_reported"]),
        "summary": intern(_text(rows["summary"]).where(~withhold, "")),
        "type": intern(rows["event_type"]),
        "conf": intern(rows["confidence"]),
        "actors": intern(_actors(rows)),
        "flags": intern(_column(rows, "flags")),
        "src": src_codes.tolist(),
        "dl": _ints(rows["deaths_low"]),
        "db": _ints(rows["deaths_best"]),
        "dh": _ints(rows["deaths_high"]),
    }
    highlight = set(map(str, highlight_ids))
    return {
        "n": len(rows),
        "ids": _text(rows["id"]).tolist(),
        "lat": np.round(lat, 5).tolist(),
        "lon": np.round(lon, 5).tolist(),
        "c": cat_index.tolist(),
        "r": np.round(radius_px(rows["deaths_best"]), 1).tolist(),
        "p": precision.tolist(),
        "t0": t0.tolist(),
        "t1": t1.tolist(),
        "h": [i for i, v in enumerate(_text(rows["id"])) if v in highlight],
        "w": [int(i) for i in np.flatnonzero(withhold)],
        "info": info,
        "S": list(strings),
        "sources": src_table,
        "precisionText": [PRECISION_TEXT[k] for k in (1, 2, 3)],
        "cats": cats,
        "colours": colours,
        "colourBy": colour_by.replace("_", " "),
        "sizes": [[d, round(float(radius_px([d])[0]), 1)] for d in SIZE_LEGEND],
        "note": (f"{n_aggregate} aggregate total(s) (regional figures) not drawn as points." if n_aggregate else ""),
        "timeLabel": strip_bidi(time_label or ""),
    }


def window_days(start: Any, end: Any) -> list[int]:
    """Return [first day, last day] (days since 1970-01-01) of a time window; None -> open."""
    out = []
    for value, missing in ((start, -_NO_DAY), (end, _NO_DAY)):
        ts = pd.Timestamp(value) if value is not None else None
        out.append(
            missing
            if ts is None or pd.isna(ts)
            else math.floor((ts.tz_localize(None) if ts.tzinfo else ts).value / 86_400e9)
        )
    return out
