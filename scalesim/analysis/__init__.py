"""Questions asked of many runs: sensitivity, sweeps, calibration (all through the engine)."""
