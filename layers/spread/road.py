"""Did the violence follow the road? Incident places against the places where it could have happened.

The places of a selection are compared with every settlement of the gazetteer in
the same districts (OCHA admin2): if the incidents fell on the settlements of
those districts at random, how often would as many of them lie within
``within_km`` of the road(s)? The p-value is the share of random draws of as many
settlements (without replacement) with at least the observed share near the road;
the effect size is the observed share against the expected one (their ratio) and
the median distances. Distances are measured on the ellipsoid to the nearest of
the chosen corridors (:func:`geo.corridors.locate_on`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from geo.admin import locate
from geo.corridors import Corridor, load_corridors, locate_on, resolve_corridor
from layers.spread.onset import format_p

__all__ = ["DISTANCE_BANDS_KM", "SETTLEMENT_KINDS", "RoadTest", "distance_to_roads", "follows_road"]

#: Gazetteer kinds that count as places where violence could have happened.
SETTLEMENT_KINDS = ("city", "town", "village", "neighbourhood", "hamlet", "suburb")
#: Distance bands of the chart, km.
DISTANCE_BANDS_KM = (0, 2, 5, 10, 20, 50, np.inf)


@dataclass(frozen=True)
class RoadTest:
    """The answer to "did it follow the road?" for one selection and one or more corridors."""

    corridors: tuple[str, ...]
    within_km: float
    n_places: int
    n_reference: int
    share_near: float
    expected_share: float
    median_km: float
    reference_median_km: float
    p_value: float
    distances: pd.DataFrame  # group ("incident places" / "settlements"), distance_km

    @property
    def ratio(self) -> float:
        """Observed share near the road over the expected share."""
        return self.share_near / self.expected_share if self.expected_share > 0 else float("inf")

    @property
    def follows(self) -> bool:
        """True when the places lie nearer the road than chance allows (p < 0.05)."""
        return self.p_value < 0.05

    def sentence(self) -> str:
        """Return the answer in words a journalist can quote, with its caveats."""
        roads = " and ".join(self.corridors)
        if self.n_places < 3 or self.n_reference < 10:
            return (
                f"Near the {roads}: {self.n_places} incident place(s) and {self.n_reference} settlement(s) in "
                "their districts — too few to compare."
            )
        share = (
            f"{self.share_near:.0%} of the {self.n_places} incident places of the selection lie within "
            f"{self.within_km:g} km"
        )
        expected = (
            f"against {self.expected_share:.0%} of the {self.n_reference} settlements of the same districts "
            f"(median distance {self.median_km:.1f} km vs {self.reference_median_km:.1f} km)"
        )
        if self.follows:
            return (
                f"Near the {roads}: {share}, {expected}: {self.ratio:.1f} times the share expected if the "
                f"violence had struck the districts' settlements at random ({format_p(self.p_value)}). This shows "
                "nearness to the road, not that the road was the route; settlements missing from the gazetteer "
                "can bias it."
            )
        return (
            f"Near the {roads}: {share}, {expected}; not more than chance would give ({format_p(self.p_value)}). "
            "The data do not show that the violence kept to the road."
        )


def distance_to_roads(
    lons: Sequence[float], lats: Sequence[float], refs: Sequence[str], corridors: Mapping[str, Corridor]
) -> np.ndarray:
    """Return each point's distance (km, on the ellipsoid) to the nearest of the corridors *refs*."""
    lon, lat = np.asarray(lons, dtype=float), np.asarray(lats, dtype=float)
    out = np.full(lon.shape, np.inf)
    for ref in refs:
        where = locate_on(corridors[resolve_corridor(ref, corridors)], lon, lat)
        out = np.minimum(out, where["offset_km"].to_numpy(float))
    return out


def follows_road(
    places: pd.DataFrame,
    settlements: pd.DataFrame,
    refs: Sequence[str],
    *,
    within_km: float = 5.0,
    corridors: Mapping[str, Corridor] | None = None,
    n_draws: int = 5000,
    seed: int = 20250307,
) -> RoadTest:
    """Compare the incident places' distance from the road(s) with that of the districts' settlements.

    Parameters
    ----------
    places : DataFrame
        One row per incident place: ``lon, lat`` (e.g. ``select_onsets(...).onsets``).
    settlements : DataFrame
        Candidate places with ``lon, lat`` and, when present, ``kind`` (only
        :data:`SETTLEMENT_KINDS` are kept), e.g. the gazetteer's places.
    refs : sequence of str
        One or more corridor names; the distance is to the nearest of them.
    within_km : float
        What "near the road" means.
    n_draws : int
        Random draws of the null distribution.

    Returns
    -------
    RoadTest
    """
    corridors = corridors if corridors is not None else load_corridors()
    refs = tuple(resolve_corridor(r, corridors) for r in refs)
    pts = places[["lon", "lat"]].apply(pd.to_numeric, errors="coerce").dropna()
    pool = settlements
    if "kind" in pool.columns:
        pool = pool[pool["kind"].isin(SETTLEMENT_KINDS)]
    pool = pool[["lon", "lat"]].apply(pd.to_numeric, errors="coerce").dropna().drop_duplicates()
    districts = {d for d in locate(pts["lon"], pts["lat"], level=2) if d is not None}
    pool_districts = np.asarray(locate(pool["lon"], pool["lat"], level=2), dtype=object)
    pool = pool[np.isin(pool_districts, list(districts))]
    d_obs = distance_to_roads(pts["lon"], pts["lat"], refs, corridors)
    d_ref = distance_to_roads(pool["lon"], pool["lat"], refs, corridors)
    n, m = len(d_obs), len(d_ref)
    distances = pd.concat(
        [
            pd.DataFrame({"group": "incident places", "distance_km": d_obs}),
            pd.DataFrame({"group": "settlements", "distance_km": d_ref}),
        ],
        ignore_index=True,
    )
    if n < 3 or m < 10 or n > m:
        nan = float("nan")
        share = float(np.mean(d_obs <= within_km)) if n else nan
        expected = float(np.mean(d_ref <= within_km)) if m else nan
        return RoadTest(refs, within_km, n, m, share, expected, nan, nan, nan, distances)
    near_ref = d_ref <= within_km
    observed = int((d_obs <= within_km).sum())
    rng = np.random.default_rng(seed)
    # Without replacement: the rank of a random key picks n of the m settlements.
    keys = rng.random((n_draws, m))
    picks = np.argpartition(keys, n - 1, axis=1)[:, :n]
    drawn = near_ref[picks].sum(axis=1)
    p_value = float((np.sum(drawn >= observed) + 1) / (n_draws + 1))
    return RoadTest(
        refs,
        within_km,
        n,
        m,
        observed / n,
        float(near_ref.mean()),
        float(np.median(d_obs)),
        float(np.median(d_ref)),
        p_value,
        distances,
    )
