"""Shared fixtures: the ``xp`` namespace fixture (scikit-learn style) and paths."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ROOT / "scenarios"
BAD = Path(__file__).resolve().parent / "data" / "bad"
SHARED_EPOCH = ROOT.parent / "shared" / "data" / "epoch"


def _namespaces():
    out = [pytest.param(np, id="numpy")]
    import array_api_strict

    out.append(pytest.param(array_api_strict, id="array_api_strict"))
    try:
        import cupy  # noqa: F401
        from array_api_compat import cupy as cp

        cp.zeros(1)
        out.append(pytest.param(cp, id="cupy"))
    except Exception:
        pass
    return out


@pytest.fixture(params=_namespaces())
def xp(request):
    """An array namespace: numpy, array_api_strict, and cupy when it works."""
    return request.param


def to_np(a) -> np.ndarray:
    """Any backend array as a NumPy array."""
    if hasattr(a, "get"):
        return a.get()
    if isinstance(a, np.ndarray):
        return a
    return np.from_dlpack(a)


def arr(xp, values):
    """A float64 array of ``values`` in namespace ``xp``."""
    return xp.asarray(np.asarray(values, dtype=np.float64))


def toy_ceiling():
    """A flat 1e27 FLOP wall: a new ceiling is one kernel and one registry entry."""
    from scalesim.model import constraints as registry

    return registry.Ceiling(
        name="toy",
        label="Toy wall",
        colour="#123456",
        group=None,
        hardware=False,
        kernel=lambda params, state, xp: xp.log(xp.asarray(1e27)) + xp.zeros_like(params.grid.dt),
        description="A flat wall at 1e27 FLOP",
    )


@pytest.fixture(autouse=True)
def _main_module_restored():
    """Put ``sys.modules['__main__']`` back after each test.

    Streamlit's AppTest runs a page as ``__main__`` and may leave it there; a later test in the
    same worker that spawns processes (Dask's nanny, the app's upload reader) would then
    re-run that page in the child (seen: ``pages/explain.py`` NameError, "Nanny failed to
    start").
    """
    import sys

    main = sys.modules.get("__main__")
    yield
    if main is not None and sys.modules.get("__main__") is not main:
        sys.modules["__main__"] = main
