"""How much memory a run may take, estimated before anything is built.

A run holds the per-sample arrays it keeps (samples × years × kept variables × 8 bytes, plus
the binding codes and exhaustion years) and, per worker thread, one chunk's working set
(chunk × years × variables × :data:`WORKING_BYTES`). Past the budget a run first uses fewer
threads (the numbers do not depend on them), then is refused with one line that names what
makes it large (``samples``, the ``years:`` span, ``keep``).
"""

from __future__ import annotations

import os
import re

from scalesim.errors import InputError

#: Working set of one chunk per sample, year and variable [bytes]: measured with tracemalloc
#: at 7-17 bytes (one 16,384-sample chunk of the shipped scenarios, 27-76 years, headline and
#: all summaries); 24 leaves a margin for temporaries.
WORKING_BYTES = 24
#: Default cap of the budget [bytes]; SCALESIM_MEMORY_BUDGET or ``memory_budget=`` change it.
DEFAULT_CAP = 4 * 1024**3
#: Share of the available RAM a run may take by default [1].
AVAILABLE_SHARE = 0.7
ENV = "SCALESIM_MEMORY_BUDGET"
_UNITS = ("B", "KiB", "MiB", "GiB", "TiB")
_SIZE = re.compile(r"\s*([0-9]+(?:\.[0-9]*)?(?:[eE][0-9]+)?)\s*([KMGT]i?B?|B)?\s*", re.IGNORECASE)


def available_bytes() -> int | None:
    """RAM available to new allocations [bytes] (MemAvailable on Linux; None if unknown)."""
    try:
        with open("/proc/meminfo", encoding="ascii") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return None


def parse_size(text: str, where: str) -> int:
    """``"8GiB"``, ``"500 MB"`` or a number of bytes -> bytes."""
    m = _SIZE.fullmatch(str(text))
    if not m:
        raise InputError(f"{where}: expected a size such as 4GiB or 500MB, got {text!r}")
    unit = (m.group(2) or "").upper().rstrip("B")  # "", "K", "KI", "G", "GI", ...
    prefix = unit.rstrip("I")
    factor = (1024 if unit.endswith("I") else 1000) ** (" KMGT".index(prefix) if prefix else 0)
    size = float(m.group(1)) * factor
    if size < 1:
        raise InputError(f"{where}: expected a size of at least 1 byte, got {text!r}")
    if not size < 2**63:  # +inf too ('1e400')
        raise InputError(f"{where}: expected a size below 8 EiB (2**63 bytes), got {text!r}")
    return int(size)


def memory_budget(override: int | str | None = None) -> tuple[int, str]:
    """The memory a run may take [bytes] and where that figure comes from.

    Parameters
    ----------
    override : int or str, optional
        ``memory_budget=`` of :func:`scalesim.run` (bytes, or ``"8GiB"``); else the
        environment variable ``SCALESIM_MEMORY_BUDGET``; else min(70% of the available RAM,
        4 GiB).
    """
    if override is not None:
        if isinstance(override, bool) or not isinstance(override, (int, float, str)):
            raise InputError(f"memory_budget: expected bytes or a size, got {override!r}")
        return parse_size(override, "memory_budget"), "memory_budget="
    if os.environ.get(ENV):
        return parse_size(os.environ[ENV], ENV), ENV
    avail = available_bytes()
    if avail is None:
        return DEFAULT_CAP, "the default cap"
    share = int(AVAILABLE_SHARE * avail)
    if share < DEFAULT_CAP:
        return share, f"70% of the {size_text(avail)} of RAM available"
    return DEFAULT_CAP, f"the default cap ({ENV} to change)"


def size_text(n: float, digits: int = 1) -> str:
    """A size for messages in the largest binary unit it fills, to ``digits`` decimals:
    ``512 B``, ``1.5 KiB``, ``95.4 MiB``, ``3.0 GiB`` [bytes in]."""
    value, power = float(n), 0
    while value >= 1024 - 0.5 * 10**-digits and power < len(_UNITS) - 1:  # not '1024.0 KiB'
        value /= 1024
        power += 1
    return f"{value:.0f} B" if power == 0 else f"{value:.{digits}f} {_UNITS[power]}"


def size_texts(need: float, limit: float) -> tuple[str, str, int]:
    """A need and the budget it is over, with the decimals (1 to 3) that tell them apart,
    and that number of decimals (for other sizes of the same message)."""
    digits = next((d for d in (1, 2) if size_text(need, d) != size_text(limit, d)), 3)
    return size_text(need, digits), size_text(limit, digits), digits


def kept_bytes(samples: int, n_years: int, n_keep: int) -> int:
    """Per-sample arrays kept: the variables, the int8 binding codes and the exhaustion year
    [bytes]."""
    if not n_keep:
        return 0
    return samples * n_years * (8 * n_keep + 1) + 8 * samples


def working_bytes(chunk: int, n_years: int, n_variables: int) -> int:
    """One chunk's working set [bytes]."""
    return chunk * n_years * n_variables * WORKING_BYTES


def fit_workers(
    *,
    samples: int,
    years: tuple[int, int],
    n_keep: int,
    n_variables: int,
    chunk: int,
    workers: int,
    budget: int | str | None = None,
) -> int:
    """The number of threads (≤ ``workers``) that keeps the run within its memory budget.

    Raises
    ------
    InputError
        One line naming the options and keys that make the run too large, when even one
        thread does not fit.
    """
    limit, origin = memory_budget(budget)
    n_years = years[1] - years[0] + 1
    kept = kept_bytes(samples, n_years, n_keep)
    per = working_bytes(min(chunk, max(samples, 1)), n_years, n_variables)
    fit = (limit - kept) // per if per else workers
    if fit >= 1:
        return int(max(1, min(workers, fit)))
    need = kept + per
    parts = [f"samples={samples:,}", f"years: {years[0]}-{years[1]} ({n_years} years)"]
    if n_keep:
        parts.append(f"keep: {n_keep} variables ({size_text(kept)})")
    raise InputError(
        f"this run needs about {size_text(need)} ({', '.join(parts)}; {size_text(per)} per "
        f"chunk of {chunk:,} samples), over the memory budget of {size_text(limit)} ({origin}); "
        "use fewer samples, a shorter years: span or keep fewer variables, or raise the budget "
        f"(memory_budget= or {ENV})"
    )
