"""Array backends: NumPy (default) or CuPy, through the Python array API."""

from __future__ import annotations

import numpy as np

from scalesim.errors import InputError

BACKENDS = ("numpy", "cupy")


def namespace(name: str = "numpy"):
    """The array namespace of a backend.

    Parameters
    ----------
    name : str
        ``"numpy"`` or ``"cupy"`` (``"array_api_strict"`` for tests).

    Returns
    -------
    module
        NumPy itself (NumPy >= 2 follows the array API standard) or CuPy wrapped by
        ``array_api_compat``.

    Raises
    ------
    InputError
        When the name is unknown or CuPy (or a GPU) is not available.
    """
    if name == "numpy":
        return np
    if name == "array_api_strict":  # for tests: catches NumPy-isms in the kernels
        import array_api_strict

        return array_api_strict
    if name == "cupy":
        try:
            import cupy  # noqa: F401
            from array_api_compat import cupy as xp

            xp.zeros(1)  # fails without a GPU or driver
        except Exception as exc:
            raise InputError(
                f"cupy needs CuPy with a working GPU ({exc.__class__.__name__}); install the "
                "'gpu' extra on a machine with a GPU, or use numpy",
                key="backend",
            ) from None
        return xp
    raise InputError(f"expected one of {', '.join(BACKENDS)}, got {name!r}", key="backend")


def to_device(array: np.ndarray, xp):
    """Move a host array to the backend ``xp`` (no copy for NumPy)."""
    if xp is np:
        return array
    return xp.asarray(array)


def to_numpy(array) -> np.ndarray:
    """Bring a backend array to the host as a NumPy array (no copy for NumPy)."""
    if isinstance(array, np.ndarray):
        return array
    if hasattr(array, "get"):  # CuPy
        return array.get()
    return np.from_dlpack(array)
