"""UCDP Georeferenced Event Dataset (GED) CSV, with GED's published column names.

Mapping to the incident model
-----------------------------
``date_prec`` (how exact GED's ``date_start``…``date_end`` window is) → date_precision:

=========  ===========================================  ==============
date_prec  GED meaning                                  date_precision
=========  ===========================================  ==============
1          exact day                                    day
2          within 2–6 days                              week
3          within a month (7–30 days)                   month
4          more than a month, less than a year          year
5          a year or more                               year
=========  ===========================================  ==============

GED always gives both ends, so ``date_start``/``date_end`` are taken as is
(the window is not widened to calendar periods).

``where_prec`` (how exact the point is) → geo_precision:

==========  ==============================================  =============
where_prec  GED meaning                                     geo_precision
==========  ==============================================  =============
1           exact location                                  1
2           within ~25 km of a known point                  2
3           second-order admin division (district)          3
4           first-order admin division (governorate)        3
5           linear feature or larger region                 3
6           country only                                    off the map
7           international waters or airspace                off the map
==========  ==============================================  =============

Rows with where_prec 6–7 are imported without a point (their coordinates
are a country centroid or at sea) and flagged. Other columns:
``id`` → ``ucdp-<id>``; ``low/best/high`` → deaths_low/best/high;
``side_a`` / ``side_b`` → actor1 / actor2 (both "as coded by UCDP GED"), and
→ perpetrator_reported / victim_group_reported only for ``type_of_violence`` 3
(one-sided violence: side_a is the actor that killed civilians, side_b the
civilians); in state-based and non-state conflict the sides are parties to a
fight and neither is a victim; ``type_of_violence`` 1 state-based and 2
non-state → clash, 3 one-sided (violence against civilians) → other (the
model's finer kinds need a reading of the source); ``where_coordinates`` →
place_reported; ``adm_1`` → admin1; ``source_article`` → source title,
``source_office`` → publisher, ``source_date`` → date, ``source_headline``
→ quote.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from geo.errors import DataSchemaError
from geo.gazetteer import Gazetteer
from geo.places import canonical_admin1
from layers.importers._build import ImportResult, build_result
from layers.importers.tabular import read_csv_frame

__all__ = ["DATE_PREC", "REQUIRED", "WHERE_PREC", "import_ucdp"]

REQUIRED = ("id", "date_start", "latitude", "longitude", "best")
DATE_PREC = {"1": "day", "2": "week", "3": "month", "4": "year", "5": "year"}
WHERE_PREC = {"1": 1, "2": 2, "3": 3, "4": 3, "5": 3}
OFF_MAP = ("6", "7")
VIOLENCE = {"1": "clash", "2": "clash", "3": "other"}
#: The fixed mapping (field → GED column), printed in the summary.
MAPPING = {
    "id": "id",
    "title": "dyad_name",
    "event_type": "type_of_violence",
    "date_start": "date_start",
    "date_end": "date_end",
    "date_precision": "date_prec",
    "place_reported": "where_coordinates",
    "admin1": "adm_1",
    "lat": "latitude",
    "lon": "longitude",
    "geo_precision": "where_prec",
    "deaths_low": "low",
    "deaths_best": "best",
    "deaths_high": "high",
    "actor1": "side_a",
    "actor2": "side_b",
    "summary": "where_description",
    "source": "source_office",
}


def import_ucdp(path: str | Path, gazetteer: Gazetteer | None = None) -> ImportResult:
    r"""Import a UCDP GED CSV (e.g. ``GEDEvent_v24_1.csv``, or the GED API as CSV).

    Raises
    ------
    InputFileError, DataSchemaError
        The file cannot be read or lacks GED's required columns.

    Examples
    --------
    >>> import tempfile, os
    >>> p = os.path.join(tempfile.mkdtemp(), "ged.csv")
    >>> _ = open(p, "w").write("id,date_start,date_end,date_prec,where_prec,latitude,longitude,low,best,high\n"
    ...     "7,2012-05-25 00:00:00.000,2012-05-27 00:00:00.000,2,1,34.88,36.53,100,108,120\n")
    >>> r = import_ucdp(p)
    >>> r.incidents[["id", "date_precision", "geo_precision", "deaths_best"]].values.tolist()
    [['ucdp-7', 'week', 1, 108]]
    """
    path = Path(path)
    df, rejects, rows_in = read_csv_frame(path)
    missing = [c for c in REQUIRED if c not in df.columns]
    if missing:
        raise DataSchemaError(
            f"{path}: not a UCDP GED table: missing column(s) {', '.join(missing)}; use GED's published column names"
        )

    def col(name: str) -> pd.Series:
        return df[name].astype(str).str.strip() if name in df.columns else pd.Series("", index=df.index)

    date_prec, where_prec = col("date_prec"), col("where_prec")
    offmap = where_prec.isin(OFF_MAP)
    lat = col("latitude").where(~offmap, "")
    lon = col("longitude").where(~offmap, "")
    side_a, side_b = col("side_a"), col("side_b")
    coded_a = (side_a + " (as coded by UCDP GED)").where(side_a != "", "")
    coded_b = (side_b + " (as coded by UCDP GED)").where(side_b != "", "")
    one_sided = col("type_of_violence") == "3"
    ids = col("id")
    raw = pd.DataFrame(
        {
            "_row": df["_row"],
            "id": ("ucdp-" + ids).where(ids != "", ""),
            "title": col("dyad_name").where(col("dyad_name") != "", col("conflict_name")),
            "event_type": col("type_of_violence").map(VIOLENCE).fillna("other"),
            "date_start": col("date_start").str.slice(0, 10),
            "date_end": col("date_end").str.slice(0, 10),
            "date_precision": date_prec.map(DATE_PREC).fillna(""),
            "place_reported": col("where_coordinates"),
            "admin1": _map_distinct(col("adm_1"), _admin1),
            "lat": lat,
            "lon": lon,
            "geo_precision": where_prec.map(WHERE_PREC),
            "deaths_low": col("low"),
            "deaths_best": col("best"),
            "deaths_high": col("high"),
            "perpetrator_reported": coded_a.where(one_sided, ""),
            "victim_group_reported": coded_b.where(one_sided, ""),
            "actor1": coded_a,
            "actor2": coded_b,
            "summary": col("where_description"),
            "sources": pd.Series(
                [
                    _sources(*v)
                    for v in zip(
                        col("source_article").tolist(),
                        col("source_office").tolist(),
                        col("source_date").tolist(),
                        col("source_headline").tolist(),
                        ids.tolist(),
                        strict=True,
                    )
                ],
                index=df.index,
                dtype=object,
            ),
            "_offmap": offmap,
            "_flag": offmap.map(
                {True: "off the map: where_prec 6/7 (country or sea); imported without a point", False: ""}
            ),
        }
    )
    bad = (date_prec != "") & ~date_prec.isin(DATE_PREC)
    raw.loc[bad, "date_precision"] = "date_prec " + date_prec[bad]
    raw["_fields"] = df["_fields"]  # every field as read: duplicates and digests
    return build_result(raw, file=str(path), fmt="ucdp", rows_in=rows_in, pre_rejects=rejects, mapping=MAPPING)


def _map_distinct(values: pd.Series, function: Callable[[str], str]) -> pd.Series:
    """Return ``values.map(function)``, calling *function* once per distinct value."""
    codes, _ = pd.factorize(values, sort=False)
    if not len(values) or bool((codes < 0).any()):
        return values.map(function)
    _, first = np.unique(codes, return_index=True)
    mapped = values.iloc[first].map(function)
    return pd.Series(mapped.array.take(codes), index=values.index, name=mapped.name)


def _admin1(text: str) -> str:
    name = text.split(",")[0].replace(" governorate", "").replace(" province", "").strip()
    return canonical_admin1(name) or name


def _sources(article: str, office: str, date: str, headline: str, event_id: str) -> list[dict[str, object]]:
    if not (article or office):
        return []
    return [
        {
            "publisher": office or "UCDP GED",
            "title": article,
            "date": date[:10] or None,
            "url": "",
            "quote": headline[:300],
            "via": f"UCDP GED {event_id}",
        }
    ]
