"""Calibration on history: shipped tables, Epoch-format loaders, fitting kernels, backtests.

- :mod:`scalesim.calibrate.history`: loaders (shipped tables, Epoch AI CSV exports);
- :mod:`scalesim.calibrate.fit`: array-API kernels (batched bootstrap least squares,
  frontier selection, quantiles, importance weights, resampling, CRPS);
- :mod:`scalesim.calibrate.trends`: historical growth rates with bootstrap intervals;
- :mod:`scalesim.calibrate.importance`: importance-sampling calibration of a scenario;
- :mod:`scalesim.calibrate.calibrated`: the calibrated scenario file;
- :mod:`scalesim.calibrate.backtest`: calibrate up to a cutoff, score the runs after it.
"""

from scalesim.analysis.calibrate.backtest import backtest
from scalesim.analysis.calibrate.calibrated import calibrated_scenario, write_scenario
from scalesim.analysis.calibrate.history import (
    load_epoch_csv,
    load_hardware,
    load_history,
    load_shipped,
)
from scalesim.analysis.calibrate.importance import (
    Calibration,
    Observations,
    annual_maxima,
    importance_sample,
)
from scalesim.analysis.calibrate.trends import Trend, calibrate_trends, select_frontier

__all__ = [
    "Calibration",
    "Observations",
    "Trend",
    "annual_maxima",
    "backtest",
    "calibrate_trends",
    "calibrated_scenario",
    "importance_sample",
    "load_epoch_csv",
    "load_hardware",
    "load_history",
    "load_shipped",
    "select_frontier",
    "write_scenario",
]
