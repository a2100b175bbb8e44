"""The whole spread analysis of one selection along one corridor (used by the CLI and the app)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from geo.corridors import Corridor, load_corridors, resolve_corridor
from layers.spread.onset import SpreadEstimate, estimate_spread
from layers.spread.road import RoadTest, follows_road
from layers.spread.table import KILLING_KINDS, OnsetSelection, select_onsets, to_spacetime_table

__all__ = ["SpreadAnalysis", "analyse_spread"]

#: Very far from any road: the onset table for the road test takes every place of the selection.
_EVERYWHERE_KM = 1e6


@dataclass(frozen=True)
class SpreadAnalysis:
    """Onsets near the road, the spread estimate, and the road test (None without settlements)."""

    corridor: str
    within_km: float
    selection: OnsetSelection
    estimate: SpreadEstimate
    road: RoadTest | None

    def sentences(self) -> list[str]:
        """Return what the analysis rests on, then its answers, in words."""
        out = [
            f"Onsets within {self.within_km:g} km of the {self.corridor}: {self.selection.summary()}",
            self.estimate.sentence(),
        ]
        if self.road is not None:
            out.append(self.road.sentence())
        return out

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready summary."""
        est = self.estimate
        data: dict[str, Any] = {
            "corridor": self.corridor,
            "within_km": self.within_km,
            "kinds": list(self.selection.kinds),
            "sites": self.selection.onsets[["place", "id", "chainage_km", "date_precision"]]
            .assign(
                onset_start=self.selection.onsets["time_start"].dt.strftime("%Y-%m-%d"),
                onset_end=self.selection.onsets["time_end"].dt.strftime("%Y-%m-%d"),
            )
            .to_dict(orient="records"),
            "left_out": self.selection.left_out.to_dict(orient="records"),
            "spread": {
                "status": est.status,
                "n_sites": est.n_sites,
                "p_value": est.p_value,
                "tau": est.tau,
                "centre_km": est.centre_km,
                "fronts": [
                    {
                        "direction": f.direction,
                        "n_sites": f.n_sites,
                        "speed_km_per_day": f.speed_km_per_day,
                        "ci90_km_per_day": [f.ci90_low_km_per_day, f.ci90_high_km_per_day],
                    }
                    for f in est.fronts
                ],
                "sentence": est.sentence(),
            },
        }
        if self.road is not None:
            r = self.road
            data["road"] = {
                "corridors": list(r.corridors),
                "within_km": r.within_km,
                "n_places": r.n_places,
                "n_settlements": r.n_reference,
                "share_near": r.share_near,
                "expected_share": r.expected_share,
                "ratio": r.ratio,
                "median_km": r.median_km,
                "settlements_median_km": r.reference_median_km,
                "p_value": r.p_value,
                "follows": r.follows,
                "sentence": r.sentence(),
            }
        return _finite(data)


def _finite(value: Any) -> Any:
    if isinstance(value, float) and not (value == value and abs(value) != float("inf")):
        return None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_finite(v) for v in value]
    return value


def analyse_spread(
    incidents: pd.DataFrame,
    corridor: str,
    *,
    within_km: float = 10.0,
    kinds: Iterable[str] | None = KILLING_KINDS,
    settlements: pd.DataFrame | None = None,
    road_refs: Sequence[str] | None = None,
    near_km: float = 5.0,
    corridors: Mapping[str, Corridor] | None = None,
) -> SpreadAnalysis:
    """Onsets within *within_km* of *corridor*, the spread estimate, and the road test.

    The road test takes the onset places of the whole selection (not only those
    near the road) against *settlements* in the same districts, for the corridor
    or for every corridor in *road_refs*; it is skipped when *settlements* is None.
    """
    corridors = corridors if corridors is not None else load_corridors()
    ref = resolve_corridor(corridor, corridors)
    kinds = tuple(kinds or ())
    selection = select_onsets(to_spacetime_table(incidents, ref, within_km, corridors), kinds)
    estimate = estimate_spread(selection.onsets, ref)
    road = None
    if settlements is not None:
        everywhere = select_onsets(to_spacetime_table(incidents, ref, _EVERYWHERE_KM, corridors), kinds).onsets
        road = follows_road(everywhere, settlements, tuple(road_refs or (ref,)), within_km=near_km, corridors=corridors)
    return SpreadAnalysis(ref, within_km, selection, estimate, road)
