"""Rebuild the example files from the curated datasets: ``python examples/make_examples.py``.

Every row is a curated incident (data/incidents/*.yaml) written in the shape of a file users
bring: its date, place as reported, governorate, deaths (best figure), perpetrator as reported,
publishers and first source link are the curated record's. Coordinates, where a shape carries
them, are the curated record's too (from data/gazetteer/places.csv, which cites each one).
Nothing here is ACLED's or UCDP's own coding: only their column layouts are used.
"""

from __future__ import annotations

import csv
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

from openpyxl import Workbook

from geo.gazetteer import load_gazetteer
from layers.curated import load_all_curated

HERE = Path(__file__).resolve().parent
ACLED_HEADER = (
    "event_id_cnty,event_date,year,time_precision,disorder_type,event_type,sub_event_type,actor1,assoc_actor_1,inter1,"
    "actor2,assoc_actor_2,inter2,interaction,civilian_targeting,iso,region,country,admin1,admin2,admin3,location,"
    "latitude,longitude,geo_precision,source,source_scale,notes,fatalities,tags,timestamp"
).split(",")
UCDP_HEADER = (
    "id,relid,year,type_of_violence,side_a,side_b,source_office,source_date,source_headline,where_prec,"
    "where_description,adm_1,latitude,longitude,country,date_prec,date_start,date_end,deaths_civilians,best,high,low"
).split(",")
TIME_PRECISION = {"day": "1", "week": "2", "month": "3"}


def _rows() -> list[dict[str, object]]:
    gdf = load_all_curated(load_gazetteer(include_geonames=False))
    keep = ~gdf["aggregate"].astype(bool) & gdf["lat"].notna() & ~gdf["sensitive"].astype(bool)
    keep &= gdf["date_precision"].isin(list(TIME_PRECISION)) & gdf["deaths_best"].notna()
    out = []
    # Readers see publishers, never the project's internal notes ("seed 004"): such rows are left out.
    keep &= ~gdf["perpetrator_reported"].fillna("").str.contains("seed", case=False)
    for rec in gdf[keep].sort_values("date_start").to_dict("records"):
        sources = [s for s in rec["sources"] or [] if "seed" not in str(s.get("publisher", "")).lower()]
        out.append(
            {
                "id": rec["id"],
                "date": rec["date_start"].strftime("%Y-%m-%d"),
                "precision": rec["date_precision"],
                "place": rec["place_reported"],
                "governorate": rec["admin1"],
                "lat": round(float(rec["lat"]), 5),
                "lon": round(float(rec["lon"]), 5),
                "geo_precision": int(rec["geo_precision"]),
                "deaths": int(rec["deaths_best"]),
                "title": rec["title"],
                "perpetrator": rec["perpetrator_reported"],
                "publishers": "; ".join(dict.fromkeys(s["publisher"] for s in sources if s.get("publisher"))),
                "url": next((s["url"] for s in sources if s.get("url")), ""),
                "source_date": next((s["date"] for s in sources if s.get("date")), ""),
            }
        )
    return out


def main() -> None:
    """Write acled_style.csv, ucdp_style.csv, villages.csv, villages.xlsx, placemarks.kml and .kmz."""
    rows = _rows()
    with (HERE / "acled_style.csv").open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, ACLED_HEADER)
        writer.writeheader()
        for n, r in enumerate(rows, 1):
            writer.writerow(
                {
                    "event_id_cnty": f"SYRX{n:04d}",
                    "event_date": r["date"],
                    "year": str(r["date"])[:4],
                    "time_precision": TIME_PRECISION[str(r["precision"])],
                    "disorder_type": "Political violence",
                    "event_type": "Violence against civilians",
                    "sub_event_type": "Attack",
                    "actor1": r["perpetrator"],
                    "actor2": "Civilians (Syria)",
                    "country": "Syria",
                    "iso": "760",
                    "region": "Middle East",
                    "admin1": r["governorate"],
                    "location": r["place"],
                    "latitude": r["lat"],
                    "longitude": r["lon"],
                    "geo_precision": r["geo_precision"],
                    "source": r["publishers"],
                    "notes": r["title"],
                    "fatalities": r["deaths"],
                }
            )
    with (HERE / "ucdp_style.csv").open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, UCDP_HEADER)
        writer.writeheader()
        for n, r in enumerate(rows, 1):
            writer.writerow(
                {
                    "id": 900000 + n,
                    "relid": f"SYR-X-{n}",
                    "year": str(r["date"])[:4],
                    "type_of_violence": 3,
                    "side_a": r["perpetrator"],
                    "side_b": "Civilians",
                    "source_office": r["publishers"],
                    "source_date": r["source_date"],
                    "source_headline": r["title"],
                    "where_prec": r["geo_precision"],
                    "where_description": r["place"],
                    "adm_1": f"{r['governorate']} governorate",
                    "latitude": r["lat"],
                    "longitude": r["lon"],
                    "country": "Syria",
                    "date_prec": TIME_PRECISION[str(r["precision"])],
                    "date_start": f"{r['date']} 00:00:00.000",
                    "date_end": f"{r['date']} 00:00:00.000",
                    "deaths_civilians": r["deaths"],
                    "best": r["deaths"],
                    "high": r["deaths"],
                    "low": r["deaths"],
                }
            )
    # A plain table of village names, no coordinates: the gazetteer places them. The last row
    # names al-Qusour without its governorate: four places share that name, so it is listed for
    # review instead of being guessed.
    header = ["date", "place", "governorate", "deaths", "title", "source", "source_url"]
    fields = ("date", "place", "governorate", "deaths", "title", "publishers", "url")
    table = [[r[k] for k in fields] for r in rows]
    qusour = next(r for r in rows if str(r["place"]).lower() == "al-qusour")
    table.append([{**qusour, "place": "al-Qusour", "governorate": ""}[k] for k in fields])
    with (HERE / "villages.csv").open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([header, *table])
    book = Workbook()
    sheet = book.active
    for line in [header, *table]:
        sheet.append(line)
    book.save(HERE / "villages.xlsx")
    marks = "".join(
        f"""   <Placemark>
    <name>{escape(str(r["title"]))}</name>
    <description>{escape(str(r["publishers"]))}: {escape(str(r["deaths"]))} killed (best figure)</description>
    <TimeStamp><when>{r["date"]}</when></TimeStamp>
    <ExtendedData>
     <Data name="id"><value>{escape(str(r["id"]))}</value></Data>
     <Data name="deaths_best"><value>{r["deaths"]}</value></Data>
     <Data name="source"><value>{escape(str(r["publishers"]))}</value></Data>
     <Data name="source_url"><value>{escape(str(r["url"]))}</value></Data>
    </ExtendedData>
    <Point><coordinates>{r["lon"]},{r["lat"]},0</coordinates></Point>
   </Placemark>
"""
        for r in rows
    )
    kml = f"""<?xml version="1.0" encoding="UTF-8"?>
<kml xmlns="http://www.opengis.net/kml/2.2">
 <Document>
  <name>Example placemarks (curated incidents)</name>
{marks} </Document>
</kml>
"""
    (HERE / "placemarks.kml").write_text(kml, encoding="utf-8")
    with zipfile.ZipFile(HERE / "placemarks.kmz", "w", zipfile.ZIP_DEFLATED) as archive:
        info = zipfile.ZipInfo("doc.kml", date_time=(2026, 1, 1, 0, 0, 0))  # reproducible bytes
        archive.writestr(info, kml)
    print(f"wrote {len(rows)} incidents to {HERE}")


if __name__ == "__main__":
    main()
