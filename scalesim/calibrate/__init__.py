"""Calibration on history: shipped tables, Epoch-format loaders, fitting kernels, backtests."""

from scalesim.calibrate.history import load_shipped

__all__ = ["load_shipped"]
