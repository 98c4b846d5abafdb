"""Results of a run: labelled arrays, the summary JSON contract, tidy frames, writers."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from scalesim._version import __version__
from scalesim.engine.io import write_json, write_table
from scalesim.engine.summary import LOG10_BIN, BlockSums, LogHistogram, year_quantiles
from scalesim.errors import InputError
from scalesim.scenario.loader import Scenario

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


@dataclass(repr=False)
class Results:
    """The outcome of :func:`scalesim.run`.

    Attributes
    ----------
    scenario : Scenario
        The scenario that was run.
    samples : int
        Monte Carlo samples of the run [samples].
    seed : int
        Seed of the run's draws.
    years : list of int
        The projection's calendar years, ``years.start`` to ``years.end`` [calendar year].
    backend : str
        Array backend the kernels ran on (``"numpy"``, ``"cupy"``, ...).
    variables : dict of str to numpy.ndarray
        Per-sample arrays (sample, year) in canonical units, for the variables kept.
    binding_constraint : numpy.ndarray of int8 or None
        Codes into :attr:`constraints` (the run's ceilings in registry order),
        (sample, year), when kept; every output writes them by name.
    data_exhaustion_year : numpy.ndarray or None
        Fractional calendar year per sample [calendar year] (+inf: not by the last year),
        when kept.
    histograms, means : dict
        Mergeable summaries by variable (see scalesim.engine.summary): log10 histograms of
        each year's values and exact block sums [canonical unit of the variable].
    binding_counts : numpy.ndarray of int64, shape (year, constraint)
        Samples whose binding constraint is each ceiling, per year [samples].
    exhaustion_counts : dict of int to int
        Exhaustion-year histogram: bin (0.01 year wide) -> samples [samples].
    exhaustion_never : int
        Samples whose human text stock is not fully used by the last year [samples].
    constraints : tuple of str
        Names of the run's ceilings, in registry order (scalesim.model.constraints).
    units : dict of str to str
        Canonical unit of each variable the run has, in table order.
    milestones : dict of str to MilestoneCounts
        Mergeable counts per milestone of the scenario (scalesim.engine.milestones); see
        :meth:`milestone_summary`. Empty when the scenario has none.
    members : dict of str to (float, Results)
        For a pool (scalesim.scenario.pool): each member's weight [share of samples] and
        results (summaries only; None for a member that got no sample). Empty for a single
        scenario.
    """

    scenario: Scenario
    samples: int
    seed: int
    years: list[int]
    backend: str
    variables: dict[str, np.ndarray] = field(default_factory=dict)
    binding_constraint: np.ndarray | None = None
    data_exhaustion_year: np.ndarray | None = None
    histograms: dict[str, LogHistogram] = field(default_factory=dict)
    means: dict[str, BlockSums] = field(default_factory=dict)
    binding_counts: np.ndarray | None = None
    exhaustion_counts: dict[int, int] = field(default_factory=dict)
    exhaustion_never: int = 0
    constraints: tuple[str, ...] = ("compute", "data")
    units: dict[str, str] = field(default_factory=dict)
    milestones: dict = field(default_factory=dict)
    members: dict = field(default_factory=dict)

    def __repr__(self) -> str:
        kind = f"pool of {len(self.members)}, " if self.members else ""
        return (
            f"<Results {self.scenario.name!r}: {kind}{self.samples:,} samples, seed "
            f"{self.seed}, years {self.years[0]}-{self.years[-1]}, "
            f"{len(self.variables)} variables kept>"
        )

    def _repr_html_(self) -> str:
        """The rich view (Jupyter): a header and the median of each summarised variable in
        the first and last year."""
        from html import escape

        head = escape(repr(self))
        rows = "".join(
            f"<tr><td>{escape(n)}</td><td>{escape(self.units[n])}</td>"
            f"<td>{q[0]:.3g}</td><td>{q[-1]:.3g}</td></tr>"
            for n in self.summarized
            for q in [self.quantiles(n)["p50"]]
        )
        years = f"<th>median {self.years[0]}</th><th>median {self.years[-1]}</th>"
        return (
            f"<p><code>{head}</code></p><table><tr><th>variable</th><th>unit</th>{years}"
            f"</tr>{rows}</table>"
        )

    # --- summaries ---------------------------------------------------------------------

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

    # --- frames ------------------------------------------------------------------------

    def summary_frame(self) -> pd.DataFrame:
        """Tidy quantiles of the summarised variables.

        Returns
        -------
        pandas.DataFrame
            One row per (variable, year): ``variable``, ``unit``, ``year`` [calendar year],
            ``p5``, ``p25``, ``p50``, ``p75``, ``p95``, ``mean`` [the row's unit].
        """
        rows = []
        for name in self.summarized:
            q = self.quantiles(name)
            for i, year in enumerate(self.years):
                rows.append(
                    {
                        "variable": name,
                        "unit": self.units[name],
                        "year": year,
                        **{k: v[i] for k, v in q.items()},
                    }
                )
        return pd.DataFrame(rows)

    def binding_frame(self) -> pd.DataFrame:
        """Tidy binding-constraint shares.

        Returns
        -------
        pandas.DataFrame
            One row per (year, constraint): ``year`` [calendar year], ``constraint`` and
            ``share`` of the samples it binds [share].
        """
        return binding_frame(self.binding_shares(), self.years)

    def to_frame(self, variables: list[str] | None = None) -> pd.DataFrame:
        """Per-sample table of the kept arrays.

        Parameters
        ----------
        variables : list of str, optional
            Columns to include (default: every kept variable, in table order).

        Returns
        -------
        pandas.DataFrame
            One row per (sample, year): ``sample``, ``year`` [calendar year], one column per
            variable [its canonical unit], ``binding_constraint`` (category, by name) and
            ``data_exhaustion_year`` of the sample [calendar year] where they were kept.

        Raises
        ------
        InputError
            When a variable asked for (or every one) was not kept.
        """
        names = variables or [v for v in self.units if v in self.variables]
        missing = [v for v in names if v not in self.variables]
        if missing or not names:
            raise InputError(
                "per-sample arrays were not kept for this run "
                f"({', '.join(missing) or 'none kept'}); run with fewer samples or keep=[...]"
            )
        n, y = self.variables[names[0]].shape
        frame = pd.DataFrame(
            {
                "sample": np.repeat(np.arange(n, dtype=np.int64), y),
                "year": np.tile(np.asarray(self.years, dtype=np.int64), n),
            }
        )
        for name in names:
            frame[name] = self.variables[name].reshape(-1)
        if self.binding_constraint is not None:
            frame["binding_constraint"] = pd.Categorical.from_codes(
                self.binding_constraint.reshape(-1).astype(np.int64),
                categories=list(self.constraints),
            )
        if self.data_exhaustion_year is not None:
            frame["data_exhaustion_year"] = np.repeat(self.data_exhaustion_year, y)
        return frame

    def to_xarray(self, variables: list[str] | None = None):
        """Per-sample arrays as a labelled xarray.Dataset (needs the ``xarray`` extra).

        Parameters
        ----------
        variables : list of str, optional
            Variables to include (default: every kept one).

        Returns
        -------
        xarray.Dataset
            Over (sample, year); see :func:`scalesim.engine.labelled.to_xarray`.
        """
        from scalesim.engine.labelled import to_xarray

        return to_xarray(self, variables)

    def write(self, path: str | Path) -> Path:
        """Write the per-sample table (:meth:`to_frame`), atomically.

        Parameters
        ----------
        path : str or Path
            File to write: ``.parquet`` or ``.csv`` (units, scenario hash, seed and versions
            in the Parquet metadata), or ``.nc`` (NetCDF through :meth:`to_xarray`).

        Returns
        -------
        Path
            The file written.
        """
        if Path(path).suffix.lower() == ".nc":
            from scalesim.engine.labelled import write_netcdf

            return write_netcdf(self, path)
        if Path(path).suffix.lower() not in (".parquet", ".csv"):
            raise InputError("expected a name ending in .parquet, .csv or .nc", path=str(path))
        from scalesim.engine.labelled import table_metadata

        frame = self.to_frame()
        frame.attrs.update(table_metadata(self))  # Parquet keeps it: units, hash, seed, versions
        return write_table(path, frame)


def _finite(q: dict[str, list[float]]) -> dict[str, list[float | None]]:
    """JSON has no inf/NaN: write them as null."""
    return {k: [v if math.isfinite(v) else None for v in vals] for k, vals in q.items()}


def binding_frame(shares: dict[str, list[float]], years) -> pd.DataFrame:
    """Tidy binding-constraint shares: one row per (year, constraint) with its share of the samples [share]."""
    return pd.DataFrame(
        [
            {"year": y, "constraint": c, "share": s[i]}
            for c, s in shares.items()
            for i, y in enumerate(years)
        ],
        columns=["year", "constraint", "share"],
    )
