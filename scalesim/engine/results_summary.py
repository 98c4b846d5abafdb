"""The summaries of a run's results and the summary JSON of the output contract
(ARCHITECTURE.md, "Output contract"): quantiles, exhaustion year, binding shares and
milestones, as methods of :class:`scalesim.engine.results.Results`."""

from __future__ import annotations

import math
from pathlib import Path

from scalesim._version import __version__
from scalesim.engine.io import write_json
from scalesim.engine.summary import LOG10_BIN, year_quantiles

#: Version of the model equations (ARCHITECTURE.md, "The model (v2)").
MODEL_VERSION = 2
QUANTILES = {"p5": 0.05, "p25": 0.25, "p50": 0.5, "p75": 0.75, "p95": 0.95}
EXHAUSTION_QUANTILES = {
    "p5": 0.05,
    "p10": 0.1,
    "p25": 0.25,
    "p50": 0.5,
    "p75": 0.75,
    "p90": 0.9,
    "p95": 0.95,
}
QUANTILE_METHOD = (
    f"log10 histogram, bin width {LOG10_BIN:g} (quantiles within 0.23%); "
    "exhaustion year in bins of 0.01 year"
)


class ResultsSummary:
    """The summary methods of :class:`scalesim.engine.results.Results` (a mixin: it reads the
    dataclass's fields ``histograms``, ``means``, ``samples``, ``units``, ...)."""

    @property
    def summarized(self) -> list[str]:
        """Names of the variables with summaries (quantiles and means), in table order."""
        return [v for v in self.units if v in self.histograms]

    def quantiles(self, name: str) -> dict[str, list[float]]:
        """Quantiles and mean per year of a summarised variable.

        Parameters
        ----------
        name : str
            A variable in :attr:`summarized` (run with ``summarize="all"`` for every one).

        Returns
        -------
        dict of str to list of float
            ``p5``, ``p25``, ``p50``, ``p75``, ``p95`` (from the log10 histogram, within
            0.23%) and ``mean`` (exact), one value per year [canonical unit of the variable].

        Raises
        ------
        KeyError
            When ``name`` was not summarised.
        """
        if name not in self.histograms:
            raise KeyError(f"{name} was not summarised; run with summarize='all'")
        q = self.histograms[name].quantiles(list(QUANTILES.values()))
        out = {key: [float(v) for v in q[i]] for i, key in enumerate(QUANTILES)}
        total = self.means[name].total()
        out["mean"] = [float(v) for v in total / self.samples]
        return out

    def exhaustion_summary(self) -> dict[str, float | None]:
        """Quantiles of the year the human text stock is fully used.

        Returns
        -------
        dict of str to float or None
            ``p5``, ``p10``, ``p25``, ``p50``, ``p75``, ``p90``, ``p95`` [calendar year,
            fractional] (None where the quantile falls after the last year), and
            ``share_never``, the share of samples that never exhaust by then [share].
        """
        values = year_quantiles(
            self.exhaustion_counts, self.exhaustion_never, list(EXHAUSTION_QUANTILES.values())
        )
        out: dict[str, float | None] = dict(zip(EXHAUSTION_QUANTILES, values, strict=True))
        out["share_never"] = self.exhaustion_never / self.samples
        return out

    def binding_shares(self) -> dict[str, list[float]]:
        """Share of samples per binding constraint and year.

        Returns
        -------
        dict of str to list of float
            Constraint name -> its share of the samples in each year [share]; the run's
            ceilings only (:attr:`constraints`), summing to 1 in each year.
        """
        shares = self.binding_counts / self.samples
        return {
            name: [float(v) for v in shares[:, code]] for code, name in enumerate(self.constraints)
        }

    def summary(self) -> dict:
        """The summary JSON of the output contract (ARCHITECTURE.md, "Output contract").

        Returns
        -------
        dict
            ``scalesim_version``, ``model_version``, ``scenario`` (name, path, sha256),
            ``samples``, ``seed``, ``years``, ``quantile_method``, ``variables`` (unit, p5..p95
            and mean per year [canonical unit]; null where not finite),
            ``data_exhaustion_year`` (:meth:`exhaustion_summary`), ``binding_constraint_share``
            (:meth:`binding_shares`), and ``milestones`` (:meth:`milestone_summary`) and
            ``members`` (a pool's members) where the run has them.
        """
        variables = {}
        for name in self.summarized:
            variables[name] = {"unit": self.units[name], **_finite(self.quantiles(name))}
        return {
            "scalesim_version": __version__,
            "model_version": MODEL_VERSION,
            "scenario": {
                "name": self.scenario.name,
                "path": self.scenario.path,
                "sha256": self.scenario.sha256,
            },
            "samples": self.samples,
            "seed": self.seed,
            "years": list(self.years),
            "quantile_method": QUANTILE_METHOD,
            "variables": variables,
            "data_exhaustion_year": self.exhaustion_summary(),
            "binding_constraint_share": self.binding_shares(),
            **({"milestones": self.milestone_summary()} if self.scenario.milestones else {}),
            **({"members": self._members_summary()} if self.members else {}),
        }

    def _members_summary(self) -> dict:
        """``members`` of a pool's summary JSON: each member's weight and its own summary
        (the same contract as a run's; the weight and ``samples: 0`` for a member that got
        no sample)."""
        return {
            name: {"weight": w, **(r.summary() if r is not None else {"samples": 0})}
            for name, (w, r) in self.members.items()
        }

    def milestone_summary(self) -> dict[str, dict]:
        """The milestones' part of the summary JSON.

        Returns
        -------
        dict of str to dict
            Per milestone of the scenario: ``metric``, ``p_reached`` (probability, among the
            samples kept, that it is reached by each year [probability]; None when none is kept), ``arrival_year`` p10/p50/p90 [calendar year,
            fractional] (None after the last year), ``share_never`` (share of the samples kept
            that never reach it [share]) and ``share_dropped`` (share of all samples dropped by
            ``not_reached_by`` [share]).
        """
        from scalesim.engine.milestones import MilestoneCounts

        n_years = len(self.years)
        return {
            m.name: self.milestones.get(m.name, MilestoneCounts(n_years)).summary(
                m.metric, self.samples
            )
            for m in self.scenario.milestones
        }

    def write_summary_json(self, path: str | Path) -> Path:
        """Write :meth:`summary` as JSON, atomically.

        Parameters
        ----------
        path : str or Path
            JSON file to write (its folder must exist).

        Returns
        -------
        Path
            The file written.
        """
        return write_json(path, self.summary())


def _finite(q: dict[str, list[float]]) -> dict[str, list[float | None]]:
    """JSON has no inf/NaN: write them as null."""
    return {k: [v if math.isfinite(v) else None for v in vals] for k, vals in q.items()}
