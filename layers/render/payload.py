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
    "assemble_points",
    "category_colours",
    "category_order",
    "category_values",
    "colour_assignment",
    "colour_codes",
    "colour_index",
    "colour_keys",
    "curated_campaigns",
    "day_bounds",
    "drawable_mask",
    "drawable_rows",
    "point_columns",
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
        # Bidi controls would make a popup read differently from the stored text: removed.
        url = strip_bidi(src.get("url") or "")
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

    from geo.data_files import DATA_DIR  # = layers.curated.CURATED_DIR's parent, without importing the loader (~1 s)

    curated_dir = DATA_DIR / "incidents"

    # libyaml's safe loader when PyYAML has it: the same data, ~10x faster than the pure-Python one
    # (1.8 s for the three curated files on a loaded machine: the first map of a server process paid it).
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    names = set()
    for path in sorted(curated_dir.glob("*.yaml")):
        try:
            data = yaml.load(path.read_text(encoding="utf-8"), Loader=loader)
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


def drawable_mask(gdf: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return which rows are drawn on a map (located, not aggregate totals) and every row's lon and lat.

    lon and lat are NaN where a row is not drawn.
    """
    aggregate = gdf["aggregate"].astype(bool) if "aggregate" in gdf else pd.Series(False, index=gdf.index)
    geom = gdf.geometry
    drawable = (~aggregate & geom.notna() & ~geom.is_empty).to_numpy(dtype=bool, copy=True)
    lon = np.full(len(gdf), np.nan)
    lat = np.full(len(gdf), np.nan)
    if drawable.any():
        points = geom[drawable]
        lon[drawable], lat[drawable] = points.x.to_numpy(), points.y.to_numpy()
    drawable &= np.isfinite(lon) & np.isfinite(lat)
    return drawable, lon, lat


def drawable_rows(gdf: pd.DataFrame) -> tuple[pd.DataFrame, np.ndarray, np.ndarray, int]:
    """Return the rows drawn on a map (located, not aggregate totals), their lon and lat, and the aggregate count."""
    drawable, lon, lat = drawable_mask(gdf)
    n_aggregate = int(gdf["aggregate"].astype(bool).sum()) if "aggregate" in gdf else 0
    return gdf[drawable], lon[drawable], lat[drawable], n_aggregate


def colour_codes(rows: pd.DataFrame, colour_by: str) -> tuple[np.ndarray, np.ndarray]:
    """Return each row's code of its colour key and the keys (``pd.factorize`` of :func:`category_values`)."""
    if colour_by not in COLOUR_BY:
        raise InvalidOptionError(f"'{colour_by}' is not a valid colour_by, must be one of {', '.join(COLOUR_BY)}")
    # The distinct values are cleaned, not every row (1.3 s at 200,000 rows): raw codes in order of
    # first appearance, then the cleaned texts factorized in that order, give the same codes and keys.
    raw_codes, raw_uniques = pd.factorize(rows[colour_by].astype(object), use_na_sentinel=False)
    clean_codes, uniques = pd.factorize(category_values(pd.Series(raw_uniques, dtype=object)))
    codes = clean_codes[raw_codes] if len(raw_codes) else np.empty(0, "int64")
    return codes.astype("int64"), np.asarray(uniques, dtype=object)


def colour_index(
    codes: np.ndarray, keys: np.ndarray, colour_by: str, categories: Sequence[str] | None
) -> tuple[list[str], list[str], np.ndarray]:
    """Return the ordered categories, their colours and each row's category index, from :func:`colour_codes`.

    *codes* may be a selection of a table's codes: the keys found are taken in order of first
    appearance in it, exactly as if the selection had been factorized on its own.
    """
    local, first_seen = pd.factorize(np.asarray(codes, dtype="int64"))
    found = [str(keys[k]) for k in first_seen]
    cats = category_order(colour_by, found, categories)
    colours = category_colours(cats)
    position = {c: i for i, c in enumerate(cats)}
    cat_index = np.array([position[u] for u in found], dtype="int64")[local] if len(local) else np.empty(0, "int64")
    return cats, [colours[c] for c in cats], cat_index


def colour_keys(
    rows: pd.DataFrame, colour_by: str, categories: Sequence[str] | None
) -> tuple[list[str], list[str], np.ndarray]:
    """Return the ordered categories of *colour_by*, their colours, and each row's category index.

    The order is :func:`category_order`: curated campaigns, then the caller's categories
    (so colours stay put when filters change), then keys found in *rows*, sorted. The map's
    legend lists only the categories present.
    """
    codes, keys = colour_codes(rows, colour_by)
    return colour_index(codes, keys, colour_by, categories)


def day_bounds(rows: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Return each row's first and last day (days since 1970-01-01); undated rows are open at both ends."""
    start = pd.to_datetime(rows["date_start"], utc=True)
    end = pd.to_datetime(rows["date_end"], utc=True).fillna(start)
    return _days(rows["date_start"], -_NO_DAY), _days(end.where(start.notna()), _NO_DAY)


#: Payload ``info`` key -> the interned text column it is read from (None: computed).
_INTERNED = (
    ("dprec", "date_precision"),
    ("place", "place_reported"),
    ("perp", "perpetrator_reported"),
    ("victim", "victim_group_reported"),
    ("summary", "summary"),
    ("type", "event_type"),
    ("conf", "confidence"),
    ("actors", None),
    ("flags", None),
)


def point_columns(rows: pd.DataFrame, lon: np.ndarray, lat: np.ndarray) -> dict[str, np.ndarray]:
    """Return the row-wise columns of the point payload of *rows* (one entry per row, ready to select).

    The costly per-row work (text cleaning, source keys, day numbers, radii) is done here once;
    :func:`assemble_points` only selects from these columns, so a table's columns can be kept
    and every selection of it becomes a payload quickly.
    """
    t0, t1 = day_bounds(rows)
    cols: dict[str, np.ndarray] = {
        "id": _text(rows["id"]).to_numpy(dtype=object),
        "title": _text(rows["title"]).to_numpy(dtype=object),
        "lat": np.round(np.asarray(lat, dtype=float), 5),
        "lon": np.round(np.asarray(lon, dtype=float), 5),
        "r": np.round(radius_px(rows["deaths_best"]), 1),
        "p": rows["geo_precision"].astype("Int64").fillna(3).clip(1, 3).astype(int).to_numpy(dtype="int64"),
        "t0": t0,
        "t1": t1,
        "sensitive": rows["sensitive"].astype(bool).to_numpy(dtype=bool),
    }
    for key, column in _INTERNED:
        values = _actors(rows) if key == "actors" else _column(rows, "flags") if key == "flags" else _text(rows[column])
        cols["s_" + key] = values.to_numpy(dtype=object)
    src_keys = pd.Series([json.dumps(v, sort_keys=True, default=str) for v in rows["sources"]], dtype=object)
    codes, uniques = pd.factorize(src_keys)
    cols["src_code"], cols["src_keys"] = codes.astype("int64"), np.asarray(uniques, dtype=object)
    for key, column in (("dl", "deaths_low"), ("db", "deaths_best"), ("dh", "deaths_high")):
        cols[key] = np.array(_ints(rows[column]), dtype=object)
    return cols


def assemble_points(
    cols: dict[str, np.ndarray],
    sel: np.ndarray,
    *,
    colour: tuple[list[str], list[str], np.ndarray],
    highlight_ids: Iterable[str] = (),
    public_safe: bool = False,
    time_label: str | None = None,
    n_aggregate: int = 0,
    colour_by: str = "campaign",
) -> dict[str, Any]:
    """Return the point payload of the rows *sel* (positions) of :func:`point_columns`.

    *colour* is :func:`colour_index` of the same rows; *n_aggregate* the aggregate totals
    of the selection (named in the legend's note).
    """
    sel = np.asarray(sel, dtype="int64")
    cats, colours, cat_index = colour
    withhold = cols["sensitive"][sel] & public_safe
    strings: dict[str, int] = {"": 0}

    def intern(values: np.ndarray) -> list[int]:
        codes, uniques = pd.factorize(values)
        table = np.array([strings.setdefault(u, len(strings)) for u in uniques], dtype="int64")
        return table[codes].tolist()

    src = cols["src_code"][sel] * 2 + withhold.astype("int64")
    src_codes, src_uniques = pd.factorize(src)
    src_table = [_sources(json.loads(cols["src_keys"][k // 2]), bool(k % 2)) for k in src_uniques]
    info: dict[str, Any] = {"title": cols["title"][sel].tolist()}
    for key, _ in _INTERNED:
        values = cols["s_" + key][sel]
        info[key] = intern(np.where(withhold, "", values) if key == "summary" else values)
    info["src"] = src_codes.tolist()
    for key in ("dl", "db", "dh"):
        info[key] = cols[key][sel].tolist()
    ids = cols["id"][sel]
    highlight = set(map(str, highlight_ids))
    return {
        "n": len(sel),
        "ids": ids.tolist(),
        "lat": cols["lat"][sel].tolist(),
        "lon": cols["lon"][sel].tolist(),
        "c": cat_index.tolist(),
        "r": cols["r"][sel].tolist(),
        "p": cols["p"][sel].tolist(),
        "t0": cols["t0"][sel].tolist(),
        "t1": cols["t1"][sel].tolist(),
        "h": [i for i, v in enumerate(ids) if v in highlight] if highlight else [],
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
    codes, keys = colour_codes(rows, colour_by)
    return assemble_points(
        point_columns(rows, lon, lat),
        np.arange(len(rows)),
        colour=colour_index(codes, keys, colour_by, categories),
        highlight_ids=highlight_ids,
        public_safe=public_safe,
        time_label=time_label,
        n_aggregate=n_aggregate,
        colour_by=colour_by,
    )


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
