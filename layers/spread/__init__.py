"""How violence moved along a road: onset per place, a test against "all at once", and the road test.

- :func:`to_spacetime_table` — incidents near a corridor with chainage and date intervals;
- :func:`select_onsets` — per place, its first reported killing (or the kinds chosen);
- :func:`estimate_spread` — a permutation test against a simultaneous onset, then the
  speed of one or two fronts with their 90 % interval;
- :func:`follows_road` — incident places against the settlements of the same districts;
- :func:`analyse_spread` — all of it for one dataset and corridor (the CLI and the app).

The methods and their limits are explained in ``docs/spread.md``.
"""

from __future__ import annotations

from layers.spread.analysis import SpreadAnalysis, analyse_spread
from layers.spread.chart import to_road_chart, to_spacetime_chart
from layers.spread.onset import ALPHA, NOT_ENOUGH, Front, SpreadEstimate, estimate_spread
from layers.spread.road import SETTLEMENT_KINDS, RoadTest, follows_road
from layers.spread.table import KILLING_KINDS, PRECISION_WIDTH, OnsetSelection, select_onsets, to_spacetime_table

__all__ = [
    "ALPHA",
    "KILLING_KINDS",
    "NOT_ENOUGH",
    "PRECISION_WIDTH",
    "SETTLEMENT_KINDS",
    "Front",
    "OnsetSelection",
    "RoadTest",
    "SpreadAnalysis",
    "SpreadEstimate",
    "analyse_spread",
    "estimate_spread",
    "follows_road",
    "select_onsets",
    "to_road_chart",
    "to_spacetime_chart",
    "to_spacetime_table",
]
