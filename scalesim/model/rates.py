"""Rates of growth: constant or a schedule that moves from an initial to a long-run value.

r(Δ) = r_∞ + (r_0 − r_∞) · 2^(−Δ/h) (ARCHITECTURE.md, Growth and schedules); a quantity is
X(t) = X0 · exp(Σ_{j=0}^{Δ−1} r(j)), the sum taken in closed form.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

LN2 = math.log(2.0)


@dataclass(frozen=True)
class Rate:
    """Growth of ln X per year [1/year], constant or a schedule.

    Attributes
    ----------
    initial : array
        r_0, the rate in the base year [1/year].
    final : array or None
        r_∞, the long-run rate [1/year]; None for a constant rate.
    half_life : array or None
        h, years for the gap to the long-run rate to halve [year].
    """

    initial: object
    final: object = None
    half_life: object = None

    def cumulative(self, dt, *, xp):
        """Σ_{j=0}^{Δ−1} r(j) [1]: ln X(t) − ln X0; Δ · r_0 before the base year.

        For a schedule, with q = 2^(−1/h): Δ · r_∞ + (r_0 − r_∞) · (1 − q^Δ) / (1 − q).
        """
        if self.final is None:
            return dt * self.initial
        ln_q = -LN2 / self.half_life
        ahead = xp.where(dt > 0.0, dt, xp.zeros_like(dt))
        geometric = xp.expm1(ahead * ln_q) / xp.expm1(ln_q)  # (1 − q^Δ) / (1 − q)
        forward = ahead * self.final + (self.initial - self.final) * geometric
        return xp.where(dt > 0.0, forward, dt * self.initial)

    def at(self, dt, *, xp):
        """r(Δ) [1/year]: the rate in year Δ (r_0 before the base year)."""
        if self.final is None:
            return self.initial + xp.zeros_like(dt)
        ahead = xp.where(dt > 0.0, dt, xp.zeros_like(dt))
        return self.final + (self.initial - self.final) * xp.exp(-LN2 * ahead / self.half_life)
