"""``python -m layers spread DATASET --corridor M1``: did violence move along a road, and did it follow it.

Per place, the first reported killing of civilians (``--types`` to choose other
kinds) within ``--within-km`` of the corridor; a permutation test against a
simultaneous onset, the speed of one or two fronts when the data allow it; and
whether the selection's places lie nearer the road(s) than the settlements of the
same districts (``--corridor`` more than once: the nearest of them). Words by
default, ``--json`` for a machine-readable summary. See docs/spread.md.
"""

from __future__ import annotations

import argparse
import json

from layers.spread.table import KILLING_KINDS


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    """Register the ``spread`` command."""
    parser = subparsers.add_parser("spread", help="onset of violence along a road, and whether it followed it")
    parser.add_argument("dataset", metavar="DATASET", help="curated dataset name, 'all', or a .gpkg file")
    parser.add_argument(
        "--corridor",
        action="append",
        required=True,
        metavar="REF",
        help="M1, M4, M5 or any name of them; repeat to test nearness to several roads",
    )
    parser.add_argument(
        "--within-km",
        type=float,
        default=10.0,
        metavar="KM",
        help="sites within this distance of the (first) corridor (default 10)",
    )
    parser.add_argument(
        "--near-km",
        type=float,
        default=5.0,
        metavar="KM",
        help="what 'near the road' means in the road test (default 5)",
    )
    parser.add_argument(
        "--types",
        default=",".join(KILLING_KINDS),
        metavar="T1,T2",
        help=f"event kinds that count as an onset (default {','.join(KILLING_KINDS)}; 'all' for any)",
    )
    parser.add_argument("--json", action="store_true", help="print a JSON summary instead of sentences")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Load the dataset, analyse, print; return 0."""
    from geo.gazetteer import load_gazetteer
    from layers.cli.density_cmd import load_dataset
    from layers.spread.analysis import analyse_spread

    kinds = None if args.types.strip().lower() == "all" else tuple(t.strip() for t in args.types.split(",") if t)
    incidents = load_dataset(args.dataset)
    result = analyse_spread(
        incidents,
        args.corridor[0],
        within_km=args.within_km,
        kinds=kinds,
        settlements=load_gazetteer().places,
        road_refs=args.corridor,
        near_km=args.near_km,
    )
    if args.json:
        print(json.dumps({"dataset": args.dataset, **result.to_dict()}, ensure_ascii=False, indent=2, default=str))
    else:
        print("\n\n".join(result.sentences()))
    return 0
