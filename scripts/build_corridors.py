"""Build data/gazetteer/corridors.geojson from the cited vertices below.

Run from the repository root with ../shared beside it:  python scripts/build_corridors.py
Every vertex names where its coordinate and its place on the road come from.
"""

import json
from pathlib import Path

from pyproj import Geod

WP = str(Path(__file__).resolve().parents[2] / "shared" / "data" / "reference" / "highway_waypoints.csv")
WM4 = "https://en.wikipedia.org/wiki/M4_motorway_(Syria)"
WM5 = "https://en.wikipedia.org/wiki/M5_motorway_(Syria)"
TIS = "http://self.gutenberg.org/articles/eng/Transport_in_Syria"
SANA_M4 = "http://mail.syriatimes.sy/index.php/news/local/48755-m4-has-been-rescured-for-traffic-and-civilians"
OSM_NOTE = "coordinate = OSM node as exported in HOTOSM Syria populated places (project copy: shared/data/hotosm_iom_matched_communities)"


def v(name, lon, lat, coord_source, route_source, accuracy_m, note):
    return dict(
        name=name,
        lon=lon,
        lat=lat,
        coord_source=coord_source,
        route_source=route_source,
        accuracy_m=accuracy_m,
        note=note,
    )


LATAKIA = (35.783333, 35.516667, "https://iiab.me/kiwix/content/wikipedia_en_all_maxi_2023-10/A/Lattakiah")
ALEPPO = (
    37.166667,
    36.216667,
    "https://cloudflare-ipfs.com/ipfs/QmXoypizjW3WknFiJnKLwHCnL72vedxjQkDDP1mXWo6uco/wiki/Emirate_of_Aleppo.html",
)
SARAQIB = (36.800556, 35.863611, "https://askwikinow.com/view_html.php?lang=en&q=Saraqib")
HOMS = (36.709444, 34.730833, "https://simple.m.wikipedia.org/wiki/Homs")

M1 = [
    v(
        "Latakia",
        *LATAKIA,
        TIS + "; Al-Bassa interchange (M1/M4/M20) per " + WM4,
        5000,
        "highway_waypoints.csv M1 seq 1. City centre, not the road: the Al-Bassa interchange lies south of the city "
        "(alaraby.co.uk 2020-02-26: the M4 meets the M1 south of Latakia, 10 km north of Hmeimim). Offset not measured; 5 km is a bound, not a measurement.",
    ),
    v(
        "Hmeimim (Khmeimim) Air Base",
        35.945,
        35.411667,
        "places_reference.csv key hmeimim_air_base",
        "https://www.alaraby.co.uk/politics/2020/2/26/ ('ويمر إم 1 بمحاذاة قاعدة حميميم العسكرية' - the M1 runs alongside the Hmeimim base)",
        2000,
        "Added to densify Latakia-Jableh. Base reference point; the road runs alongside the base.",
    ),
    v(
        "Jableh",
        35.916667,
        35.35,
        "https://review.clateway.com/wiki/view_html.php?q=Jableh&sq=Qlik",
        TIS,
        3500,
        "highway_waypoints.csv M1 seq 2. City centre; the motorway bypasses the town about 3 km inland (mgtrben.net).",
    ),
    v(
        "Baniyas",
        35.940278,
        35.182222,
        "http://movatter.jp/mt/?dark=on&url=https%3A%2F%2Fen.wikipedia.org%2Fwiki%2FBaniyas",
        TIS,
        3000,
        "highway_waypoints.csv M1 seq 3. City centre; the road's distance from it is not sourced (assumed to bypass inland like Jableh and Tartus).",
    ),
    v(
        "Tartus",
        35.883333,
        34.883333,
        "https://wikipedia.bradmurray.com/wiki/Tartous?lang=en",
        TIS + "; fotoartbook.net/vb/node/79799",
        3000,
        "highway_waypoints.csv M1 seq 4. City centre; the Homs-Tartus road follows the coast 2-3 km inland (fotoartbook.net/vb/node/79799).",
    ),
    v(
        "Tell Kalakh",
        36.259722,
        34.668333,
        "https://perceptionl.com/Телль-Калах",
        "https://fotoartbook.net/vb/node/78754?p=78760",
        1500,
        "highway_waypoints.csv M1 seq 5. Town centre about 1000 m south of the new Homs-Tartus road (fotoartbook); minute-level coordinate.",
    ),
    v(
        "Umm Hartein (Homs)",
        36.59148,
        34.720845,
        "https://www.openstreetmap.org/node/12137679967; " + OSM_NOTE,
        "https://fotoartbook.net/vb/node/78754?p=78760 (Homs -> Umm Hartain about 10 km on the Homs-Tartus road)",
        1500,
        "Village point (OSM); the OSM point is 10.8 km west of the Homs centre, consistent with the 'about 10 km' of the source.",
    ),
    v("Homs", *HOMS, TIS, 3000, "highway_waypoints.csv M1 seq 6. City centre (eastern end)."),
]
M1_SEG = {
    ("Tartus", "Tell Kalakh"): (
        6000,
        "fotoartbook: the new Homs-Tartus road turns north at km 25 south of Tartus; the chord Tartus-Tell Kalakh cuts that corner. 6 km is an estimate of the chord's miss, not a measurement.",
    )
}

M4 = [
    v(
        "Latakia (Al-Bassa interchange with M1/M20)",
        *LATAKIA,
        WM4,
        5000,
        "highway_waypoints.csv M4 seq 1. City centre, not the Al-Bassa interchange south of the city.",
    ),
    v(
        "Ain al-Hur (Ain al-Havr)",
        36.165605,
        35.779055,
        "https://www.openstreetmap.org/node/3974237307; " + OSM_NOTE,
        "https://menanews.info/2020/03/15/siria-russia-e-turchia-avviano-pattuglia-congiunta-lungo-lautostrada-m4 (joint patrol 'lungo l'autostrada M4 dall'insediamento di Trumba all'insediamento di Ain-al-Havr')",
        2000,
        "Hamlet point (OSM, Jisr al-Shughur district, HOTOSM/IOM match 'High confidence'); the identification of the patrol's 'Ain-al-Havr' with this OSM hamlet is ours. alaraby.co.uk: the M4 enters Idlib near Bdama (no coordinate).",
    ),
    v(
        "Jisr al-Shughur",
        36.317605,
        35.812585,
        "https://iiab.me/kiwix/content/wikipedia_en_all_maxi_2023-10/A/Jisr_al-Shughour",
        WM4,
        2000,
        "highway_waypoints.csv M4 seq 2. Town centre. Old-road villages al-Jarmaqiyah, al-Bahluliyah, Watta al-Khan, Khan al-Jawz, Ain al-Ghazal (fotoartbook.net/vb/node/79820) have no coordinates and are omitted.",
    ),
    v(
        "Mhambal",
        36.472206,
        35.786958,
        "https://www.openstreetmap.org/node/571192968; " + OSM_NOTE,
        "http://elmaouid-elyaoumi.dz/ ('جسر بلدة محمبل غرب مدينة أريحا على الطريق الدولية حلب-اللاذقية إم فور' - the Mhambal bridge west of Ariha on the M4); alwasat.com.kw/ArticleDetail.aspx?id=2889 ('near the Ariha-Latakia autostrade')",
        2000,
        "Village point (OSM); the M4 bridge is at the village, the village point may be up to about 2 km from the carriageway.",
    ),
    v(
        "Ariha",
        36.6,
        35.816667,
        "https://friendlywiki.com/article/index.php?title=Ariha%2C_Idlib",
        WM4,
        2000,
        "highway_waypoints.csv M4 seq 3. Minute-level coordinate of the town ('beyond the Ariha Bridge'); the OSM town point is about 1 km away.",
    ),
    v(
        "Saraqib (M4/M5 intersection)",
        *SARAQIB,
        WM4,
        2000,
        "highway_waypoints.csv M4 seq 4. Town centre; the intersection with the M5 is near, not at, it. Trumba (2 km west of Saraqib on the M4, topwar.ru) has no coordinate.",
    ),
    v(
        "Aleppo",
        *ALEPPO,
        WM4,
        5000,
        "highway_waypoints.csv M4 seq 5. The M4 shares about 60 km with the M5 from Saraqib to Aleppo (Wikipedia), so this segment is identical to the M5's. City centre, minute precision (2 km from another page's value).",
    ),
    v(
        "Al-Bab",
        37.517778,
        36.3725,
        "https://pinocchiopedia.com/wiki/Al_Bab",
        WM4,
        10000,
        "highway_waypoints.csv M4 seq 6. Wikipedia names al-Bab on the expressway section; whether the road passes through or near it is not verified.",
    ),
    v(
        "Manbij",
        37.95472,
        36.52806,
        "https://en.wikipedia.org/wiki/Hierapolis_in_Syria",
        WM4 + "; " + SANA_M4,
        5000,
        "highway_waypoints.csv M4 seq 7. Town centre.",
    ),
    v(
        "Ayn Issa",
        38.85944,
        36.38528,
        "https://review.clateway.com/wiki/view_html.php?q=Ayn_Issa",
        "Wikipedia Ayn Issa: 'Through the city runs the M4 highway'",
        2000,
        "highway_waypoints.csv M4 seq 9. The Qara Qozak bridge over the Euphrates (seq 8, between Manbij and Ayn Issa) has no coordinate and is omitted.",
    ),
    v(
        "Tell Tamer",
        40.3714,
        36.6606,
        "https://extension.wikiwand.com/en/Tell_Tamer",
        "Wikipedia Tell Tamer: at the intersection of the M4 and the al-Hasakah-Diyarbakir road",
        2000,
        "highway_waypoints.csv M4 seq 10.",
    ),
    v(
        "Al-Hasakah",
        40.74222,
        36.51167,
        "http://piglix.com/piglix/Hasakah_Security_Box",
        SANA_M4,
        10000,
        "highway_waypoints.csv M4 seq 11. Order from SANA's list reversed; whether the road passes through or near the city is not verified.",
    ),
    v(
        "Qamishli",
        41.233333,
        37.05,
        "https://wikipedia.jakami.de/content/wikipedia_de_all_mini_2024-06/A/Qamishli",
        SANA_M4,
        10000,
        "highway_waypoints.csv M4 seq 12. Minute precision; through or near not verified. The eastern end, the al-Yaarubiyah crossing (seq 13), has no coordinate: the line stops at Qamishli.",
    ),
]
M4_SEG = {
    ("Manbij", "Ayn Issa"): (
        20000,
        "The road crosses the Euphrates at the Qara Qozak bridge, which has no coordinate; the chord may miss the road by 10-20 km (an estimate, not a measurement).",
    ),
    ("Ayn Issa", "Tell Tamer"): (
        15000,
        "No cited waypoint in about 140 km; the chord's miss is unknown (15 km is an estimate).",
    ),
    ("Al-Hasakah", "Qamishli"): (15000, "No cited waypoint in about 80 km; alignment unverified (estimate)."),
}

M5 = [
    v(
        "Aleppo",
        *ALEPPO,
        WM5,
        5000,
        "highway_waypoints.csv M5 seq 1. Wikipedia puts the terminus north-west of Aleppo; city centre, minute precision.",
    ),
    v("Saraqib (M4/M5 intersection)", *SARAQIB, WM5, 2000, "highway_waypoints.csv M5 seq 2. Town centre."),
    v(
        "Maarat al-Numan",
        36.666667,
        35.65,
        "https://wikipedia.jakami.de/content/wikipedia_de_all_mini_2024-06/A/Maarat_an-Numan",
        "The National: the town 'sits on the highway linking Damascus with Aleppo'; syria.tv (SANA): the M5 passes Khan Shaykhun, Maarat al-Numan, Khan al-Sabil, Saraqib",
        2000,
        "highway_waypoints.csv M5 seq 3. Minute precision.",
    ),
    v(
        "Ma'ar Hattat",
        36.657847,
        35.573007,
        "https://www.openstreetmap.org/node/572536668; " + OSM_NOTE,
        "https://sana.sy/en/?p=188246 ('Hama-Aleppo international highway at Ma'ar Hatat region')",
        1500,
        "Village point (OSM); between Khan Shaykhun and Maarat al-Numan.",
    ),
    v(
        "Khan Shaykhun",
        36.650833,
        35.441944,
        "http://it.m.wikipedia.org/wiki/Khan_Shaykhun",
        "nl/ru-wiki copy: 'De snelweg M-5 loopt door de stad'; fotoartbook.net/vb/node/79457: the town has grown across the road",
        1000,
        "highway_waypoints.csv M5 seq 4.",
    ),
    v(
        "Murak",
        36.68722,
        35.37528,
        "https://en.wikipedia.org/wiki/Murak,_Syria",
        "https://en.wikipedia.org/wiki/Murak,_Syria ('Through Murak passes the highway M5'); syriadirect.org: 'Morek lies on the M5 Hama-Aleppo highway'",
        1000,
        "Printed decimal coordinate 35.37528N 36.68722E.",
    ),
    v(
        "Hama",
        36.75,
        35.135,
        "https://simple.wikipedia.org/wiki/Hama",
        WM5,
        3000,
        "highway_waypoints.csv M5 seq 5. City centre; where the motorway passes the city is not sourced.",
    ),
    v(
        "Ar-Rastan (Rastan bridge)",
        36.733333,
        34.916667,
        "http://piglix.com/piglix/Ar-Rastan",
        WM5 + " (photo caption 'Al-Rastan bridge of M5 Motorway')",
        1500,
        "highway_waypoints.csv M5 seq 6. The town lies adjacently south of the bridge.",
    ),
    v(
        "Talbiseh",
        36.733333,
        34.833333,
        "http://piglix.com/piglix/Talbiseh",
        "Wikipedia Talbiseh: 'on the international road that crosses Syria from north to south'",
        1500,
        "highway_waypoints.csv M5 seq 7. Minute precision.",
    ),
    v("Homs", *HOMS, WM5, 3000, "highway_waypoints.csv M5 seq 8. City centre; the motorway passes around the city."),
    v(
        "Hasya (Hisya)",
        36.759459,
        34.410426,
        "https://www.openstreetmap.org/node/573532906; " + OSM_NOTE,
        "https://fotoartbook.net/vb/node/78685 (Damascus-Homs road: 'بلدة حسيا الكبيرة إلى الشرق من الطريق الإسفلتي' - the town lies east of the road)",
        2000,
        "Town point (OSM); the town lies east of the road, offset not given.",
    ),
    v(
        "An-Nabek",
        36.716667,
        34.016667,
        "https://en.wikipedia.org/wiki/An-Nabek",
        WM5 + "; TRT World: 'Al Nabk just off the M5'",
        2000,
        "highway_waypoints.csv M5 seq 9. Minute precision; 'just off' the road.",
    ),
    v(
        "Damascus",
        36.291944,
        33.513056,
        "http://syriatelephones.com/damascus.htm",
        WM5,
        5000,
        "highway_waypoints.csv M5 seq 10. City centre; the motorway passes the city on its eastern and southern sides (Damascus southern bypass), not through the centre.",
    ),
    v(
        "Khirbat Ghazala (bridge)",
        36.205101,
        32.735232,
        "https://www.openstreetmap.org/node/3885116195; " + OSM_NOTE,
        "https://en.muraselon.com/2018/07/syrian-army-secures-international-highway-from-nassib-crossing-to-khirbat-ghazala-bridge-in-daraa/ ('international highway extending from Nassib crossing to Khirbat Ghazala Bridge to the north of Daraa')",
        1500,
        "Town point (OSM); the highway bridge is at the town.",
    ),
    v(
        "Daraa",
        36.1,
        32.616667,
        "http://piglix.com/piglix/Dera%27a",
        WM5 + "; Wikipedia Daraa: 'about 90 km south of Damascus on the Damascus-Amman highway'",
        6000,
        "highway_waypoints.csv M5 seq 11. City centre, minute precision; the motorway's course past the city is not sourced (it may pass several km east of the centre).",
    ),
    v(
        "Nasib (town; border crossing Nasib/Jaber)",
        36.184405,
        32.551721,
        "https://www.openstreetmap.org/node/573511023; " + OSM_NOTE,
        "https://syriaintel.com/economie-business/syrie-reouverture-autoroute-m5-damas-alep ('commence ... au poste-frontière de Nassib')",
        3000,
        "highway_waypoints.csv M5 seq 12. OSM point of Nasib town, not the crossing (no coordinate for the crossing found).",
    ),
]
M5_SEG = {
    ("Damascus", "Khirbat Ghazala (bridge)"): (
        6000,
        "No cited waypoint for about 90 km (Ghabagheb and as-Sanamayn lie near the road but no page was found that puts them on it); estimate.",
    )
}

META = {
    "M1": dict(
        name="M1 motorway (Latakia-Homs)",
        name_ar="الطريق الدولي M1 (اللاذقية - حمص)",
        aliases=[
            "M1",
            "M-1",
            "M 1",
            "Latakia-Homs highway",
            "Homs-Latakia highway",
            "Homs-Tartus highway",
            "Tartus-Homs highway",
            "Latakia-Tartus highway",
            "Tartus-Latakia highway",
            "Latakia-Jableh highway",
            "coastal highway",
            "Syrian coastal highway",
            "إم 1",
            "ام 1",
            "الطريق M1",
            "الطريق الدولي M1",
            "أوتوستراد اللاذقية طرطوس",
            "أوتوستراد طرطوس اللاذقية",
            "طريق اللاذقية جبلة",
            "أوتوستراد اللاذقية جبلة",
            "طريق حمص طرطوس",
            "أوتوستراد حمص طرطوس",
            "الطريق الساحلي",
        ],
        start="Latakia (Al-Bassa interchange)",
        end="Homs",
        sources=[
            TIS,
            "https://www.alaraby.co.uk/politics/2020/2/26/",
            "https://fotoartbook.net/vb/node/78754?p=78760",
            "https://fotoartbook.net/vb/node/79799",
            "shared/data/reference/highway_waypoints.csv",
        ],
        cited_length_km=174,
        cited_length_source=TIS,
    ),
    "M4": dict(
        name="M4 motorway (Latakia-Aleppo-Qamishli)",
        name_ar="الطريق الدولي M4 (اللاذقية - حلب)",
        aliases=[
            "M4",
            "M-4",
            "M 4",
            "Latakia-Aleppo highway",
            "Aleppo-Latakia highway",
            "Latakia-Saraqib highway",
            "Aleppo-Hasakah highway",
            "Aleppo-Qamishli highway",
            "Aleppo-Mosul highway",
            "Ariha-Latakia highway",
            "Latakia-Jisr al-Shughur highway",
            "إم 4",
            "ام 4",
            "إم فور",
            "ام فور",
            "الطريق M4",
            "الطريق الدولي M4",
            "أوتوستراد حلب اللاذقية",
            "أوتوستراد اللاذقية حلب",
            "طريق حلب اللاذقية",
            "طريق اللاذقية حلب",
            "الطريق الدولي حلب اللاذقية",
            "أوتوستراد أريحا اللاذقية",
            "طريق حلب الحسكة",
        ],
        start="Latakia (Al-Bassa interchange); the road officially begins at the al-Yaarubiyah crossing (Iraq)",
        end="Qamishli (al-Yaarubiyah has no coordinate)",
        sources=[
            WM4,
            SANA_M4,
            "https://www.alaraby.co.uk/politics/2020/2/26/",
            "https://menanews.info/2020/03/15/siria-russia-e-turchia-avviano-pattuglia-congiunta-lungo-lautostrada-m4",
            "shared/data/reference/highway_waypoints.csv",
        ],
        cited_length_km=None,
        cited_length_source="transport minister (islamicinvitationturkey.com): Latakia-Saraqib 98 km",
    ),
    "M5": dict(
        name="M5 motorway (Aleppo-Damascus-Nasib)",
        name_ar="الطريق الدولي M5 (حلب - دمشق)",
        aliases=[
            "M5",
            "M-5",
            "M 5",
            "Damascus-Aleppo highway",
            "Aleppo-Damascus highway",
            "Hama-Aleppo highway",
            "Aleppo-Hama highway",
            "Homs-Hama highway",
            "Hama-Homs highway",
            "Damascus-Homs highway",
            "Homs-Damascus highway",
            "Damascus-Daraa highway",
            "Daraa-Damascus highway",
            "Damascus-Amman highway",
            "Nasib-Damascus highway",
            "إم 5",
            "ام 5",
            "إم فايف",
            "الطريق M5",
            "الطريق الدولي M5",
            "أوتوستراد دمشق حلب",
            "أوتوستراد حلب دمشق",
            "طريق دمشق حلب الدولي",
            "طريق حلب دمشق الدولي",
            "أوتوستراد حمص حماة",
            "طريق حماة حلب",
            "أوتوستراد دمشق حمص",
            "أوتوستراد دمشق درعا",
            "طريق دمشق درعا",
        ],
        start="Aleppo (terminus north-west of the city)",
        end="Nasib border crossing (Jordan)",
        sources=[
            WM5,
            "https://en.wikipedia.org/wiki/Murak,_Syria",
            "https://sana.sy/en/?p=188246",
            "https://fotoartbook.net/vb/node/78685",
            "https://en.muraselon.com/2018/07/syrian-army-secures-international-highway-from-nassib-crossing-to-khirbat-ghazala-bridge-in-daraa/",
            "shared/data/reference/highway_waypoints.csv",
        ],
        cited_length_km=474,
        cited_length_source="TRT World 2020-02-11: 'a 474km stretch' (syriaintel.com says 450 km)",
    ),
}

geod = Geod(ellps="WGS84")
feats = []
for ref, verts, segs in (("M1", M1, M1_SEG), ("M4", M4, M4_SEG), ("M5", M5, M5_SEG)):
    lons = [x["lon"] for x in verts]
    lats = [x["lat"] for x in verts]
    length_km = geod.line_length(lons, lats) / 1000
    segments = []
    for a, b in zip(verts[:-1], verts[1:]):
        acc, note = segs.get(
            (a["name"], b["name"]),
            (
                max(a["accuracy_m"], b["accuracy_m"]),
                "No source gives the road between these two vertices; the line is the geodesic between them (accuracy = the worse vertex).",
            ),
        )
        _, _, d = geod.inv(a["lon"], a["lat"], b["lon"], b["lat"])
        segments.append(dict(start=a["name"], end=b["name"], length_km=round(d / 1000, 3), accuracy_m=acc, note=note))
    m = META[ref]
    props = dict(
        ref=ref,
        name=m["name"],
        name_ar=m["name_ar"],
        aliases=m["aliases"],
        start=m["start"],
        end=m["end"],
        accuracy_m=max(s["accuracy_m"] for s in segments),
        length_km=round(length_km, 3),
        cited_length_km=m["cited_length_km"],
        cited_length_source=m["cited_length_source"],
        between_vertices="geodesic",
        sources=m["sources"],
        vertices=[
            dict(
                name=x["name"],
                source=x["coord_source"],
                route_source=x["route_source"],
                accuracy_m=x["accuracy_m"],
                note=x["note"],
            )
            for x in verts
        ],
        segments=segments,
    )
    feats.append(
        dict(
            type="Feature",
            id=ref,
            properties=props,
            geometry=dict(type="LineString", coordinates=[[x["lon"], x["lat"]] for x in verts]),
        )
    )
    print(ref, len(verts), "vertices", round(length_km, 1), "km; worst", props["accuracy_m"])
fc = dict(
    type="FeatureCollection",
    name="corridors",
    description=(
        "Syrian motorways M1, M4, M5 as LineStrings through cited waypoints, (lon, lat) WGS84. "
        "Vertices are places that a cited page puts on the road; the line between two vertices is the "
        "geodesic, not the real alignment. See data/gazetteer/README.md."
    ),
    features=feats,
)
with open(Path(__file__).resolve().parents[1] / "data" / "gazetteer" / "corridors.geojson", "w", encoding="utf-8") as f:
    json.dump(fc, f, ensure_ascii=False, indent=1)
    f.write("\n")
