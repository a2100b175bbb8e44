"""``python -m geo corridor``: measure a place along a highway, or list places along it."""

from __future__ import annotations

import argparse
import json
import math
from typing import Any

from geo.errors import InvalidOptionError, PlaceNotFoundError


def add_parser(subparsers: Any) -> None:
    """Register the ``corridor`` sub-command."""
    parser = subparsers.add_parser(
        "corridor",
        help="chainage and offset of a place along M1/M4/M5, or the places along a road",
        description="Chainage (km from the road's start) and offset (km from the road) of a place, "
        "or the gazetteer places within --within-km of the road in road order.",
    )
    parser.add_argument("road", help="corridor name: M1, M4, M5, 'M-4', 'Latakia-Aleppo highway', ...")
    what = parser.add_mutually_exclusive_group(required=True)
    what.add_argument("--place", help="a place name the gazetteer resolves, e.g. 'Al-Mukhtareyah, Latakia'")
    what.add_argument("--lonlat", nargs=2, type=float, metavar=("LON", "LAT"), help="a point in WGS84")
    what.add_argument("--list-places", action="store_true", help="list gazetteer places along the road")
    parser.add_argument("--within-km", type=float, default=5.0, help="largest offset from the road (default 5)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of text")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Run the sub-command; return the exit code."""
    from geo.corridors import load_corridors, locate_on, resolve_corridor

    corridors = load_corridors()
    ref = resolve_corridor(args.road, corridors)
    if not (math.isfinite(args.within_km) and args.within_km > 0):
        raise InvalidOptionError(f"--within-km {args.within_km} is not valid, must be a positive number")
    if args.list_places:
        return _list_places(ref, args, corridors)
    if args.place is not None:
        from geo.gazetteer import load_gazetteer

        match = load_gazetteer().resolve(args.place)
        if match.lon is None or match.lat is None:
            raise PlaceNotFoundError(f"'{args.place}' has no coordinates in the gazetteer: {match.reason}")
        label, lon, lat = match.name, match.lon, match.lat
        place_precision_m = getattr(match, "coord_precision_m", None)
    else:
        label, (lon, lat) = f"{args.lonlat[0]}, {args.lonlat[1]}", args.lonlat
        place_precision_m = None
    row = locate_on(corridors[ref], [lon], [lat]).iloc[0]
    road_accuracy_m = float(corridors[ref].accuracy_at(row.chainage_km))
    result = {
        "corridor": ref,
        "place": label,
        "lon": lon,
        "lat": lat,
        "chainage_km": round(float(row.chainage_km), 2),
        "offset_km": round(float(row.offset_km), 2),
        "road_lon": round(float(row.road_lon), 6),
        "road_lat": round(float(row.road_lat), 6),
        "on_road": bool(row.offset_km <= args.within_km),
        "road_accuracy_m": road_accuracy_m,
        "place_precision_m": place_precision_m,
    }
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
        return 0
    print(f"{label} on the {ref}: chainage_km {result['chainage_km']:.2f}, offset_km {result['offset_km']:.2f}")
    print(f"nearest road point (lon, lat): {result['road_lon']:.6f}, {result['road_lat']:.6f}")
    if place_precision_m:
        print(
            f"the place's coordinate is uncertain by about {place_precision_m / 1000:g} km; "
            f"the road line here by up to {road_accuracy_m / 1000:g} km"
        )
    if not result["on_road"]:
        print(f"note: more than {args.within_km:g} km from the {ref}; it is not on this road")
    return 0


def _list_places(ref: str, args: argparse.Namespace, corridors: Any) -> int:
    from geo.corridors import places_along
    from geo.gazetteer import load_gazetteer

    table = load_gazetteer().places
    # Governorates and districts are areas, not places along a road.
    table = table[~table["kind"].isin(["governorate", "district", "subdistrict"])]
    places = places_along(table, ref, args.within_km, corridors)
    cols = [c for c in ("id", "name_en", "name_ar", "kind", "chainage_km", "offset_km") if c in places.columns]
    rows = places[cols].round({"chainage_km": 2, "offset_km": 2})
    if args.json:
        print(json.dumps(rows.to_dict(orient="records"), ensure_ascii=False))
        return 0
    print(f"{len(rows)} places within {args.within_km:g} km of the {ref}, in road order:")
    for rec in rows.itertuples(index=False):
        print(f"{rec.chainage_km:8.2f} km  offset {rec.offset_km:5.2f} km  {rec.name_en} ({rec.kind}) [{rec.id}]")
    return 0
