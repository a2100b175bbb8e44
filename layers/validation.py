"""Row checks for incident tables; each finding names the file, row and field.

Every check works on whole columns and returns an *issues* table with the
columns of :data:`ISSUE_COLUMNS`. ``severity`` is ``reject`` (the row cannot
be used as is: bad date, bad toll, coordinates out of range, duplicate id…)
or ``flag`` (the row is imported with a warning: outside Syria, likely
swapped coordinates, no source…). A reason reads ``"<kind>: <detail and
fix>"``; the kind before the colon is what summaries count.

Syria is checked against :data:`SYRIA_BBOX_MARGIN`: the country's bounding
box (35.7–42.4 °E, 32.3–37.3 °N) widened by about 30 km, so that border
villages and rounding never trip the flag. A swapped lat/lon pair is only
detectable when the swapped point leaves that box: in the west (lon and lat
both between about 35.4 and 37.6, e.g. Latakia or Aleppo) both orders lie in
it, so such swaps pass unnoticed.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from layers.incidents import CONFIDENCE, EVENT_TYPES, TOLL_COLUMNS

__all__ = [
    "ISSUE_COLUMNS",
    "SYRIA_BBOX_MARGIN",
    "check_curated_sources",
    "check_duplicate_ids",
    "check_duplicate_rows",
    "check_sources",
    "check_toll_order",
    "check_vocabulary",
    "is_in_syria",
    "parse_coordinates",
    "parse_tolls",
    "to_number",
]

ISSUE_COLUMNS = ("file", "row", "id", "field", "value", "reason", "severity")
#: (lon_min, lat_min, lon_max, lat_max): Syria's bbox plus ~30 km.
SYRIA_BBOX_MARGIN = (35.4, 32.0, 42.75, 37.6)


def _issues(
    mask: pd.Series, frame: pd.DataFrame, field: str, value: object, reason: object, severity: str, file: str
) -> pd.DataFrame:
    """Build issue rows for the rows of *frame* where *mask* holds.

    *frame* carries ``_row`` (1-based input row) and ``id``; *value* and
    *reason* are scalars or Series with (at least) the masked rows of *frame*'s index, so
    that a check builds its texts for the rows at fault only.
    """
    mask = mask.fillna(False).astype(bool)
    if not bool(mask.any()):
        return pd.DataFrame(columns=list(ISSUE_COLUMNS))
    sub = frame.loc[mask]

    def pick(x: object) -> object:
        if not isinstance(x, pd.Series):
            return x
        picked = x.loc[mask] if x.index.equals(frame.index) else x.loc[sub.index]
        return picked.astype(str).to_numpy()

    return pd.DataFrame(
        {
            "file": file,
            "row": sub["_row"].to_numpy(),
            "id": sub["id"].astype(str).to_numpy(),
            "field": field,
            "value": pick(value),
            "reason": pick(reason),
            "severity": severity,
        }
    )


def concat_issues(parts: Sequence[pd.DataFrame]) -> pd.DataFrame:
    """Concatenate issue tables (an empty list gives an empty table)."""
    parts = [p for p in parts if len(p)]
    if not parts:
        return pd.DataFrame(columns=list(ISSUE_COLUMNS))
    return pd.concat(parts, ignore_index=True)[list(ISSUE_COLUMNS)]


def _fmt(values: pd.Series, spec: str) -> pd.Series:
    """Format numbers as text (an empty Series stays a text Series)."""
    return pd.Series([format(v, spec) for v in values], index=values.index, dtype=object)


def _text(values: pd.Series) -> pd.Series:
    """Return *values* as stripped text, "" for missing (text columns without a round trip to objects)."""
    if isinstance(values.dtype, pd.StringDtype):
        return values.fillna("").str.strip()
    return values.astype(object).where(values.notna(), "").astype(str).str.strip()


def to_number(text: pd.Series) -> pd.Series:
    """Return text as float (NaN where empty or not a number), each distinct value parsed once.

    Examples
    --------
    >>> to_number(pd.Series(["3", "", "x", "3", "1e3"])).tolist()
    [3.0, nan, nan, 3.0, 1000.0]
    """
    codes, uniques = pd.factorize(text, sort=False)
    if len(uniques) > 0.5 * len(text):
        return pd.to_numeric(text.where(text != ""), errors="coerce").astype(float)
    values = pd.Series(uniques, dtype=object)
    parsed = pd.to_numeric(values.where(values != ""), errors="coerce").astype(float).to_numpy()
    out = np.append(parsed, np.nan)[codes]  # code -1 (missing) reads the trailing NaN
    return pd.Series(out, index=text.index, dtype=float)


#: The largest toll accepted for one record (larger values are typos or overflow).
MAX_TOLL = 10_000_000


def parse_tolls(raw: pd.DataFrame, file: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Parse the toll columns (deaths_low … missing_or_abducted) into nullable ints.

    Empty cells are null. Text, negative and fractional values are rejected.

    Returns
    -------
    (DataFrame, DataFrame)
        The parsed tolls (Int64, same index as *raw*) and the issues.

    Examples
    --------
    >>> raw = pd.DataFrame({"_row": [1, 2], "id": ["a", "b"], "deaths_best": ["12", "-3"]})
    >>> tolls, issues = parse_tolls(raw, "x.csv")
    >>> tolls["deaths_best"].tolist(), issues["reason"].tolist()
    ([12, <NA>], ['negative toll: deaths_best is -3; tolls are counts of people (0 or more)'])
    """
    out = pd.DataFrame(index=raw.index)
    issues = []
    for column in TOLL_COLUMNS:
        if column not in raw.columns:
            out[column] = pd.arrays.IntegerArray(np.zeros(len(raw), dtype="int64"), np.ones(len(raw), dtype=bool))
            continue
        text = _text(raw[column]).str.replace(",", "", regex=False)
        values = to_number(text)
        nan = (text != "") & values.isna()
        negative = values < 0
        # No toll is above ten million people; inf and overflowing numbers are typos.
        huge = ~negative & values.notna() & ~(values <= MAX_TOLL)
        fraction = ~negative & ~huge & values.notna() & (values != values.round())
        issues += [
            _issues(
                huge,
                raw,
                column,
                text[huge],
                "implausible toll: " + column + " is " + text[huge] + f"; tolls above {MAX_TOLL:,} are not accepted",
                "reject",
                file,
            ),
            _issues(
                nan,
                raw,
                column,
                text[nan],
                "not a number: " + column + " is " + text[nan].map(repr) + "; write a whole number or leave it empty",
                "reject",
                file,
            ),
            _issues(
                negative,
                raw,
                column,
                text[negative],
                "negative toll: " + column + " is " + text[negative] + "; tolls are counts of people (0 or more)",
                "reject",
                file,
            ),
            _issues(
                fraction,
                raw,
                column,
                text[fraction],
                "not a whole number: " + column + " is " + text[fraction] + "; tolls are counts of people",
                "reject",
                file,
            ),
        ]
        out[column] = values.where(~(negative | fraction | huge)).round().astype("Int64")
    return out, concat_issues(issues)


def check_toll_order(df: pd.DataFrame, file: str, *, severity: str = "flag") -> pd.DataFrame:
    """Find rows where deaths_low <= deaths_best <= deaths_high does not hold.

    Published datasets (UCDP GED has rows with best > high) are imported as published:
    the issue is a ``flag`` "toll order as published" and the figures stay as given.
    With ``severity="reject"`` the rows are rejected instead ("toll order").

    Examples
    --------
    >>> df = pd.DataFrame({"_row": [1], "id": ["a"], "deaths_low": [10], "deaths_best": [5], "deaths_high": [20]})
    >>> issues = check_toll_order(df, "x.csv")
    >>> issues["field"].tolist(), issues["severity"].tolist(), issues["reason"].str.split(":").str[0].tolist()
    (['deaths_best'], ['flag'], ['toll order as published'])
    """
    low, best, high = (pd.to_numeric(df[c], errors="coerce").astype(float) for c in TOLL_COLUMNS[:3])
    kind = "toll order as published" if severity == "flag" else "toll order"
    tail = (
        "; imported with the figures as given"
        if severity == "flag"
        else "; expected deaths_low <= deaths_best <= deaths_high"
    )
    parts = []
    for name_a, a, name_b, b in (
        ("deaths_low", low, "deaths_best", best),
        ("deaths_best", best, "deaths_high", high),
        ("deaths_low", low, "deaths_high", high),
    ):
        bad = (a > b).fillna(False)
        if name_a == "deaths_low" and name_b == "deaths_high":
            bad = bad & best.isna()
        text = _fmt(a[bad], ".0f") + " > " + _fmt(b[bad], ".0f")
        parts.append(
            _issues(bad, df, name_b, text, f"{kind}: {name_a} > {name_b} (" + text + ")" + tail, severity, file)
        )
    return concat_issues(parts)


def parse_coordinates(raw: pd.DataFrame, file: str) -> tuple[pd.Series, pd.Series, pd.DataFrame]:
    """Parse lon/lat text; reject bad numbers and out-of-range values, flag odd points.

    Points outside Syria (plus margin) are flagged, not dropped; when the
    swapped pair would lie in Syria the flag says so and how to fix it.

    Returns
    -------
    (Series, Series, DataFrame)
        lon, lat (float, NaN where missing or rejected) and the issues.

    Examples
    --------
    >>> raw = pd.DataFrame({"_row": [1, 2], "id": ["a", "b"], "lon": ["40.14", "35.33"], "lat": ["35.33", "40.14"]})
    >>> lon, lat, issues = parse_coordinates(raw, "x.csv")
    >>> issues["reason"].str.split(":").str[0].tolist()
    ['swapped coordinates']
    """
    lon_t = _text(raw["lon"]) if "lon" in raw.columns else pd.Series("", index=raw.index)
    lat_t = _text(raw["lat"]) if "lat" in raw.columns else pd.Series("", index=raw.index)
    lon, lat = to_number(lon_t), to_number(lat_t)
    parts = []
    for name, text, values, limit in (("lon", lon_t, lon, 180.0), ("lat", lat_t, lat, 90.0)):
        nan = (text != "") & (values.isna() | ~np.isfinite(values.fillna(0.0)))
        parts.append(
            _issues(
                nan,
                raw,
                name,
                text[nan],
                "not a number: " + name + " is " + text[nan].map(repr) + "; write decimal degrees",
                "reject",
                file,
            )
        )
        out = values.abs() > limit
        parts.append(
            _issues(
                out,
                raw,
                name,
                text[out],
                f"coordinate out of range: {name} "
                + text[out]
                + f" is outside ±{limit:.0f}; write decimal degrees (WGS84)",
                "reject",
                file,
            )
        )
    one = (lon_t != "") != (lat_t != "")
    parts.append(
        _issues(
            one,
            raw,
            "lat/lon",
            lat_t[one] + "," + lon_t[one],
            "missing coordinate: only one of lat/lon is given; give both or neither",
            "reject",
            file,
        )
    )
    bad_rows = pd.Series(False, index=raw.index)
    for part in parts:
        if len(part):
            bad_rows |= raw["_row"].isin(part["row"])
    lon, lat = lon.where(~bad_rows), lat.where(~bad_rows)
    both = lon.notna() & lat.notna()
    inside = both & is_in_syria(lon, lat)
    swapped = both & ~inside & is_in_syria(lat, lon)
    outside = both & ~inside & ~swapped
    odd = swapped | outside  # only those rows' coordinates are written into a reason
    lat_s, lon_s = _fmt(lat[odd], ".5f"), _fmt(lon[odd], ".5f")
    pair = lat_s + "," + lon_s
    parts.append(
        _issues(
            swapped,
            raw,
            "lat",
            pair,
            "swapped coordinates: lat "
            + lat_s
            + ", lon "
            + lon_s
            + " lies outside Syria but the swapped pair lies inside; "
            "swap latitude and longitude in the source",
            "flag",
            file,
        )
    )
    parts.append(
        _issues(
            outside,
            raw,
            "lat",
            pair,
            "outside Syria: (lat "
            + lat_s
            + ", lon "
            + lon_s
            + ") is beyond Syria and its borders; check the coordinates",
            "flag",
            file,
        )
    )
    return lon, lat, concat_issues(parts)


def is_in_syria(lon: object, lat: object) -> pd.Series | np.ndarray:
    """Return True where (lon, lat) lies in Syria's bounding box plus ~30 km.

    Examples
    --------
    >>> bool(is_in_syria(40.14, 35.33)), bool(is_in_syria(35.33, 40.14))  # Deir ez-Zor, then swapped
    (True, False)
    """
    x0, y0, x1, y1 = SYRIA_BBOX_MARGIN
    lon_a, lat_a = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    inside = (lon_a >= x0) & (lon_a <= x1) & (lat_a >= y0) & (lat_a <= y1)
    return pd.Series(inside, index=lon.index) if isinstance(lon, pd.Series) else inside


def check_duplicate_rows(df: pd.DataFrame, file: str, key: str = "_hash") -> pd.DataFrame:
    """Reject rows identical in every field (same *key* digest) to an earlier row, naming that row.

    Examples
    --------
    >>> df = pd.DataFrame({"_row": [1, 2, 3], "id": ["a", "b", "a"], "_hash": ["x", "y", "x"]})
    >>> check_duplicate_rows(df, "f.csv")["reason"].tolist()
    ['duplicate row: identical in every field to row 1, which is imported']
    """
    dup, earlier = _repeats(df[key], df["_row"])
    if key != "_fields":  # digests: an empty one is no digest; _fields are the row's own text
        dup &= _text(df[key]) != ""
    return _issues(
        dup,
        df,
        "",
        "",
        "duplicate row: identical in every field to row " + earlier[dup].astype(str) + ", which is imported",
        "reject",
        file,
    )


def _repeats(values: pd.Series, rows: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Return where a value repeats an earlier one and, for every row, the row of its first occurrence."""
    codes, _ = pd.factorize(values, sort=False, use_na_sentinel=False)
    _, first = np.unique(codes, return_index=True)
    dup = pd.Series(np.ones(len(codes), dtype=bool), index=values.index)
    dup.iloc[first] = False
    earlier = pd.Series(rows.to_numpy()[first[codes]] if len(codes) else [], index=values.index, dtype="int64")
    return dup, earlier


def check_duplicate_ids(df: pd.DataFrame, file: str, skip: pd.Series | None = None) -> pd.DataFrame:
    """Reject every row whose id repeats an earlier row's id (rows in *skip* are left out)."""
    rows = df if skip is None else df[~skip.fillna(False).astype(bool)]
    ids = _text(rows["id"])
    dup, earlier = _repeats(ids, rows["_row"])
    dup &= ids != ""
    return _issues(
        dup,
        rows,
        "id",
        rows["id"][dup],
        "duplicate id: "
        + rows["id"][dup].astype(str)
        + " is also the id of row "
        + earlier[dup].astype(str)
        + ", which differs in other fields; ids must be unique",
        "reject",
        file,
    )


def _has_source(sources: pd.Series, key: str | None = None) -> pd.Series:
    if key is None:  # any dict counts: the first element usually settles it
        values = sources.tolist()
        return pd.Series(
            [
                isinstance(v, list) and bool(v) and (isinstance(v[0], dict) or any(isinstance(s, dict) for s in v))
                for v in values
            ],
            index=sources.index,
            dtype=bool,
        )

    def ok(value: object) -> bool:
        if not isinstance(value, list):
            return False
        for s in value:  # the first source that counts settles it
            if isinstance(s, dict) and (key is None or str(s.get(key) or "").strip()):
                return True
        return False

    return pd.Series([ok(v) for v in sources.tolist()], index=sources.index, dtype=bool)


def check_sources(df: pd.DataFrame, file: str, *, required: bool) -> pd.DataFrame:
    """Reject (curated, *required*) or flag (imports) rows without any source."""
    none = ~_has_source(df["sources"])
    if required:
        return _issues(
            none,
            df,
            "sources",
            "",
            "missing source: every curated incident needs at least one source with a url",
            "reject",
            file,
        )
    return _issues(
        none,
        df,
        "sources",
        "",
        "no source: imported without a source; add source/source_url columns to keep the provenance",
        "flag",
        file,
    )


def check_curated_sources(df: pd.DataFrame, file: str) -> pd.DataFrame:
    """Curated rules: a source with a url, and every toll backed by a figure of a cited publisher."""
    no_url = ~_has_source(df["sources"], "url")
    parts = [
        _issues(
            no_url,
            df,
            "sources",
            "",
            "missing source: no source has a url; add the address of the original report",
            "reject",
            file,
        )
    ]
    measure = {
        "deaths_low": "deaths",
        "deaths_best": "deaths",
        "deaths_high": "deaths",
        "injured": "injured",
        "missing_or_abducted": "missing_or_abducted",
    }
    for column, kind in measure.items():

        def backed(row: pd.Series, column: str = column, kind: str = kind) -> bool:
            value = row[column]
            if pd.isna(value):
                return True
            publishers = {str(s.get("publisher")) for s in row["sources"] if isinstance(s, dict)}
            return any(
                isinstance(f, dict)
                and f.get("measure") == kind
                and str(f.get("value")) == str(value)
                and str(f.get("publisher")) in publishers
                for f in row["figures"]
            )

        bad = ~df.apply(backed, axis=1).astype(bool) if len(df) else pd.Series(False, index=df.index)
        parts.append(
            _issues(
                bad,
                df,
                column,
                df[column],
                f"unbacked figure: {column} = "
                + df[column].astype(str)
                + f" has no '{kind}' entry in figures from a publisher among the sources",
                "reject",
                file,
            )
        )
    return concat_issues(parts)


def check_vocabulary(df: pd.DataFrame, file: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Flag unknown event types (set to "other") and confidence values (set to null).

    Returns
    -------
    (DataFrame, DataFrame)
        A copy of *df* with the values fixed, and the issues.
    """
    out = df.copy(deep=False)  # copy-on-write: setting a column here leaves *df* as it was
    parts = []
    event = _text(out["event_type"]).str.lower()
    bad_event = ~event.isin(EVENT_TYPES)
    odd = bad_event & (event != "")
    parts.append(
        _issues(
            odd,
            out,
            "event_type",
            event[odd],
            "unknown event type: "
            + event[odd].map(repr)
            + f" recorded as 'other'; use one of {', '.join(EVENT_TYPES)}",
            "flag",
            file,
        )
    )
    out["event_type"] = event.where(~bad_event, "other")
    conf = _text(out["confidence"]).str.lower()
    bad_conf = ~conf.isin(CONFIDENCE)
    odd = bad_conf & (conf != "")
    parts.append(
        _issues(
            odd,
            out,
            "confidence",
            conf[odd],
            "unknown confidence: " + conf[odd].map(repr) + f" dropped; use one of {', '.join(CONFIDENCE)}",
            "flag",
            file,
        )
    )
    out["confidence"] = conf.where(~bad_conf, None)
    return out, concat_issues(parts)
