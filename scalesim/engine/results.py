"""Results of a run: labelled arrays and summaries (their methods and the summary JSON
contract in scalesim.engine.results_summary), tidy frames, writers."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from scalesim.engine.io import write_table
from scalesim.engine.results_summary import ResultsSummary
from scalesim.engine.summary import BlockSums, LogHistogram
from scalesim.errors import InputError
from scalesim.scenario.loader import Scenario


@dataclass(repr=False)
class Results(ResultsSummary):
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
        from scalesim.engine.labelled import kept_names

        names = kept_names(self, variables, "run with fewer samples or keep=[...]")
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
