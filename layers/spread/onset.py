"""Test whether the onset of violence moved along the road, and how fast.

First a test against a simultaneous onset, then — only when the data reject it — a speed.

*The test.* Each site has an onset interval (its date precision). Two sites are
*ordered* only when one interval ends before the other begins; sites whose
intervals overlap cannot be told apart and count for nothing. The statistic is an
interval Kendall's tau between time order and place along the road (one front),
or between time order and distance from a centre (two fronts spreading out from,
or closing in on, a point of the road, the centre chosen where the fit is best).
Under a simultaneous onset — or any onset unrelated to position — the intervals
are exchangeable among the sites, so the p-value is the share of random
reassignments of the intervals to the sites whose best statistic is at least the
observed one (the centre is re-chosen in each, so choosing it costs its due).

*The speed.* Onset time is regressed on distance along the road (the distance is
known, the time is the uncertain quantity, so this way round the slope is not
biased by the dates' precision); the speed is the inverse of that pace. Its 90 %
interval comes from resampling the sites and drawing each time uniformly within
its interval.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["ALPHA", "NOT_ENOUGH", "Front", "SpreadEstimate", "estimate_spread", "format_p"]

#: Significance level of the test against a simultaneous onset.
ALPHA = 0.05
NOT_ENOUGH = "not enough timed sites"
SIMULTANEOUS = "simultaneous"
ONE_FRONT = "one front"
TWO_FRONTS = "two fronts"
MIN_SITES = 4
#: Candidate centres of a two-front spread need this many sites on each side.
MIN_SIDE = 2
#: At most this many candidate centres are tried (evenly spread over the sites).
MAX_CENTRES = 15


@dataclass(frozen=True, slots=True)
class Front:
    """One front of the spread: where it runs and how fast (NaN when it cannot be estimated)."""

    direction: str  # "increasing chainage" or "decreasing chainage"
    n_sites: int
    speed_km_per_day: float
    ci90_low_km_per_day: float
    ci90_high_km_per_day: float

    def words(self) -> str:
        """Return the front in words."""
        if np.isnan(self.speed_km_per_day):
            return f"towards {self.direction} ({self.n_sites} sites; too few to give a speed)"
        low, high = self.ci90_low_km_per_day, self.ci90_high_km_per_day
        interval = f"{low:.1f}–{high:.1f} km/day" if np.isfinite(high) else f"at least {low:.1f} km/day"
        return (
            f"towards {self.direction} at about {self.speed_km_per_day:.1f} km/day "
            f"(90 % interval {interval}; {self.n_sites} sites)"
        )


@dataclass(frozen=True, slots=True)
class SpreadEstimate:
    """The answer: simultaneous or ordered, and if ordered, the fronts with their speed."""

    corridor: str
    status: str  # "simultaneous", "one front", "two fronts" or NOT_ENOUGH
    n_sites: int
    p_value: float
    tau: float
    centre_km: float = float("nan")
    fronts: tuple[Front, ...] = field(default_factory=tuple)
    n_ordered_pairs: int = 0

    @property
    def ordered(self) -> bool:
        """True when the data reject a simultaneous onset."""
        return self.status in (ONE_FRONT, TWO_FRONTS)

    @property
    def speed_km_per_day(self) -> float:
        """The speed of a single front (NaN otherwise): positive towards increasing chainage."""
        if self.status != ONE_FRONT or not self.fronts:
            return float("nan")
        front = self.fronts[0]
        return front.speed_km_per_day * (1 if front.direction == "increasing chainage" else -1)

    @property
    def direction(self) -> str:
        """The direction of a single front, "outward"/"inward" for two fronts, "" otherwise."""
        if self.status == ONE_FRONT and self.fronts:
            return self.fronts[0].direction
        if self.status == TWO_FRONTS:
            return "outward" if self.tau > 0 else "inward"
        return ""

    def sentence(self) -> str:
        """Return the answer in words a journalist can quote, with its caveats."""
        road = f"the {self.corridor}" if self.corridor else "the road"
        if self.status == NOT_ENOUGH:
            return (
                f"Along {road}: {self.n_sites} site(s) with a dated onset; at least {MIN_SITES} are needed "
                "to test whether the violence moved along the road."
            )
        if self.status == SIMULTANEOUS:
            unordered = " (no two onsets can be put in order: every date interval overlaps another)"
            return (
                f"Along {road}: consistent with a simultaneous onset within the dates' precision "
                f"({self.n_sites} sites, {format_p(self.p_value)}){unordered if self.n_ordered_pairs == 0 else ''}. "
                "The data cannot tell a movement along the road from violence starting everywhere at once, "
                "so no speed is given."
            )
        if self.status == ONE_FRONT:
            return (
                f"Along {road}: the onset moved {self.fronts[0].words()}; a simultaneous onset is unlikely "
                f"({format_p(self.p_value)}). Speeds rest on the reported dates and their precision."
            )
        verb = "spread out from" if self.tau > 0 else "closed in on"
        fronts = "; ".join(f.words() for f in self.fronts)
        return (
            f"Along {road}: two fronts that {verb} km {self.centre_km:.0f} — {fronts}; a simultaneous onset is "
            f"unlikely ({format_p(self.p_value)}). Speeds rest on the reported dates and their precision."
        )


def format_p(p: float) -> str:
    """Write a p-value as a reader would quote it ("p = 0.21", "p < 0.001").

    >>> format_p(0.2134), format_p(0.0004)
    ('p = 0.21', 'p < 0.001')
    """
    if p < 0.001:
        return "p < 0.001"
    return f"p = {p:.3f}" if p < 0.01 else f"p = {p:.2f}"


def _days(times: pd.Series, origin: pd.Timestamp) -> np.ndarray:
    return np.asarray((times - origin).dt.total_seconds(), dtype=float) / 86400.0


def _order_matrix(lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """``B[i, j] = 1`` when site i's interval ends no later than site j's begins."""
    return (hi[:, None] <= lo[None, :]).astype(np.float32)


def _sign_matrix(x: np.ndarray) -> np.ndarray:
    return np.sign(x[None, :] - x[:, None]).astype(np.float32)


def _centres(x: np.ndarray) -> np.ndarray:
    """Candidate centres of two fronts: midpoints between sites, leaving MIN_SIDE on each side."""
    xs = np.unique(x)
    mids = (xs[:-1] + xs[1:]) / 2
    ok = [(x < c).sum() >= MIN_SIDE and (x > c).sum() >= MIN_SIDE for c in mids]
    mids = mids[np.asarray(ok, dtype=bool)] if len(mids) else mids
    if len(mids) > MAX_CENTRES:
        mids = mids[np.linspace(0, len(mids) - 1, MAX_CENTRES).round().astype(int)]
    return mids


def _statistics(order: np.ndarray, signs: np.ndarray, npairs: float) -> np.ndarray:
    """Tau of every flattened sign matrix in *signs* (k, n·n) against one order matrix (n, n)."""
    return (signs @ order.ravel()) / npairs


def _pace(t: np.ndarray, x: np.ndarray) -> Any:
    """Least-squares slope of t (days) on x (km), vectorised over leading axes."""
    xc = x - x.mean(axis=-1, keepdims=True)
    tc = t - t.mean(axis=-1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        return (xc * tc).sum(axis=-1) / (xc * xc).sum(axis=-1)


def _front(lo: np.ndarray, hi: np.ndarray, dist: np.ndarray, direction: str, rng: np.random.Generator, n_boot: int):
    """Speed away from the front's start, from onset time regressed on distance."""
    n = len(dist)
    if n < 3 or np.unique(dist).size < 2:
        return Front(direction, n, float("nan"), float("nan"), float("nan"))
    pace = float(_pace((lo + hi) / 2, dist))
    picks = rng.integers(0, n, size=(n_boot, n))
    times = lo[picks] + rng.random((n_boot, n)) * (hi[picks] - lo[picks])
    paces = _pace(times, dist[picks])
    paces = paces[np.isfinite(paces)]
    p_low, p_high = np.percentile(paces, [5, 95]) if paces.size else (np.nan, np.nan)
    speed = 1.0 / pace if pace > 0 else float("nan")
    # A pace interval reaching zero or below means no upper bound on the speed.
    low = 1.0 / p_high if p_high > 0 else float("nan")
    high = 1.0 / p_low if p_low > 0 else float("inf")
    return Front(direction, n, speed, low, high)


def estimate_spread(
    onsets: pd.DataFrame,
    corridor: str = "",
    *,
    n_perm: int = 2000,
    n_boot: int = 2000,
    alpha: float = ALPHA,
    seed: int = 20250307,
) -> SpreadEstimate:
    """Test the onsets along a road against a simultaneous onset, then estimate the fronts.

    Parameters
    ----------
    onsets : DataFrame
        One row per site: ``chainage_km, time_start, time_end`` (UTC; the
        interval of the onset's date precision), e.g. ``select_onsets(...).onsets``.
    corridor : str
        The road's name, for the words.
    n_perm, n_boot : int
        Random reassignments for the test; resamples for the speed's interval.
    alpha : float
        Significance level of the test.
    seed : int
        Seed of the random generator (results are reproducible).

    Returns
    -------
    SpreadEstimate
        ``status`` "simultaneous" when the data cannot reject a simultaneous
        onset (no speed then), "one front" or "two fronts" when they can.

    Examples
    --------
    >>> days = pd.to_datetime(["2025-03-07", "2025-03-08", "2025-03-09", "2025-03-10", "2025-03-11"], utc=True)
    >>> wave = pd.DataFrame({"chainage_km": [0.0, 20.0, 40.0, 60.0, 80.0],
    ...                      "time_start": days, "time_end": days + pd.Timedelta(days=1)})
    >>> est = estimate_spread(wave, "M1")
    >>> est.status, est.direction, round(est.speed_km_per_day)
    ('one front', 'increasing chainage', 20)
    >>> same_day = wave.assign(time_start=days[0], time_end=days[0] + pd.Timedelta(days=1))
    >>> estimate_spread(same_day, "M1").status
    'simultaneous'
    """
    timed = onsets[onsets["time_start"].notna() & onsets["time_end"].notna() & onsets["chainage_km"].notna()]
    n = len(timed)
    if n < MIN_SITES or timed["chainage_km"].nunique() < 2:
        return SpreadEstimate(corridor, NOT_ENOUGH, n, float("nan"), float("nan"))
    origin = timed["time_start"].min()
    lo, hi = _days(timed["time_start"], origin), _days(timed["time_end"], origin)
    x = timed["chainage_km"].to_numpy(float)
    order = _order_matrix(lo, hi)
    npairs = n * (n - 1) / 2
    centres = _centres(x)
    signs = np.stack([_sign_matrix(x).ravel(), *(_sign_matrix(np.abs(x - c)).ravel() for c in centres)])
    observed = _statistics(order, signs, npairs)
    best = int(np.argmax(np.abs(observed)))
    stat = abs(observed[best])
    rng = np.random.default_rng(seed)
    exceed = 0
    for _ in range(n_perm):
        perm = rng.permutation(n)
        if np.abs(_statistics(order[np.ix_(perm, perm)], signs, npairs)).max() >= stat - 1e-12:
            exceed += 1
    p_value = (exceed + 1) / (n_perm + 1)
    n_ordered = int(order.sum())
    if n_ordered == 0 or p_value >= alpha:
        return SpreadEstimate(corridor, SIMULTANEOUS, n, p_value, float(observed[0]), n_ordered_pairs=n_ordered)
    if best == 0:
        increasing = observed[0] > 0
        start = x.min() if increasing else x.max()
        front = _front(
            lo, hi, np.abs(x - start), "increasing chainage" if increasing else "decreasing chainage", rng, n_boot
        )
        return SpreadEstimate(
            corridor, ONE_FRONT, n, p_value, float(observed[0]), fronts=(front,), n_ordered_pairs=n_ordered
        )
    centre = float(centres[best - 1])
    tau = float(observed[best])
    fronts = []
    for side, direction in ((x < centre, "decreasing chainage"), (x > centre, "increasing chainage")):
        dist = np.abs(x[side] - centre) if tau > 0 else np.abs(x[side] - centre).max() - np.abs(x[side] - centre)
        if tau <= 0:  # closing in: each front runs towards the centre
            direction = "increasing chainage" if direction == "decreasing chainage" else "decreasing chainage"
        fronts.append(_front(lo[side], hi[side], dist, direction, rng, n_boot))
    return SpreadEstimate(corridor, TWO_FRONTS, n, p_value, tau, centre, tuple(fronts), n_ordered)
