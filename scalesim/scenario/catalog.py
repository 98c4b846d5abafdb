"""Shipped files and scenario names: ``scalesim run baseline``, ``extends: baseline.yaml``.

The wheel carries the repository's ``scenarios/`` (with ``papers/`` and ``sweeps/``), the
report notebook and the web app under ``scalesim/_shipped/`` (see pyproject.toml); in a
checkout (or an editable install) the same files are read from the repository itself.
:func:`shipped` hides the difference.

A scenario *name* is a file stem: ``baseline`` is ``baseline.yaml``, ``papers/NAME`` a
reproduction pack (also reachable as ``NAME`` where no top-level file has that stem).
``./scenarios`` comes before the shipped files, so a user's folder can shadow a name.
"""

from __future__ import annotations

from pathlib import Path

from scalesim.errors import InputError

PACKAGE = Path(__file__).resolve().parents[1]
#: Where the wheel puts the repository files it ships.
SHIPPED = PACKAGE / "_shipped"
#: The repository root, in a checkout or an editable install.
REPO = PACKAGE.parent
SUFFIXES = (".yaml", ".yml")


def shipped(*parts: str) -> Path:
    """A shipped file or folder by its repository path (``shipped("scenarios")``).

    Parameters
    ----------
    *parts : str
        Path components relative to the repository root.

    Returns
    -------
    Path
        The copy inside the installed package when there is one, else the checkout's.
    """
    inside = SHIPPED.joinpath(*parts)
    return inside if inside.exists() else REPO.joinpath(*parts)


def shipped_dir() -> Path:
    """The shipped ``scenarios/`` folder."""
    return shipped("scenarios")


def local_dir() -> Path:
    """``./scenarios`` of the working folder (it may not exist)."""
    return Path("scenarios")


def _scenario_files(folder: Path) -> dict[str, Path]:
    """``name -> path`` for the scenario files of ``folder`` and its ``papers/``."""
    out: dict[str, Path] = {}
    if not folder.is_dir():
        return out
    for path in sorted(folder.glob("*.y*ml")):
        if path.suffix in SUFFIXES and path.is_file():
            out[path.stem] = path
    papers = folder / "papers"
    if papers.is_dir():
        for path in sorted(papers.glob("*.y*ml")):
            if path.suffix in SUFFIXES and path.is_file():
                out[f"papers/{path.stem}"] = path
    return out


def catalog() -> dict[str, tuple[str, Path]]:
    """Every known scenario: ``name -> (origin, path)``, origin ``"local"`` or ``"shipped"``.

    ``./scenarios`` shadows a shipped file of the same name; when ``./scenarios`` *is* the
    shipped folder (a checkout), its files count as shipped.
    """
    found: dict[str, tuple[str, Path]] = {}
    ship = shipped_dir()
    for name, path in _scenario_files(ship).items():
        found[name] = ("shipped", path)
    local = local_dir()
    if local.is_dir() and local.resolve() != ship.resolve():
        for name, path in _scenario_files(local).items():
            found[name] = ("local", path)
    return found


def names() -> list[str]:
    """Known scenario names, top-level files first, then the packs."""
    return sorted(catalog(), key=lambda n: (n.startswith("papers/"), n))


def lookup(name: str) -> Path | None:
    """The file a scenario name (``baseline``, ``baseline.yaml``, ``papers/x``) stands for."""
    stem = name
    for suffix in SUFFIXES:
        stem = stem.removesuffix(suffix)
    known = catalog()
    if stem in known:
        return known[stem][1]
    if "/" not in stem and f"papers/{stem}" in known:
        return known[f"papers/{stem}"][1]
    return None


def is_name(ref: str) -> bool:
    """True for a bare scenario name (no folder, no ``.yaml``): ``baseline``."""
    return bool(ref) and "/" not in ref and "\\" not in ref and Path(ref).suffix == ""


def resolve(ref: str | Path) -> Path:
    """The scenario file that ``scalesim run REF`` means.

    An existing path wins; a bare name (``baseline``) or file name (``baseline.yaml``) that
    is not a file here is looked up in ``./scenarios`` and then the shipped scenarios.

    Raises
    ------
    InputError
        For a bare name that is not known, listing the names that are.
    """
    path = Path(ref)
    text = str(ref)
    if path.exists() or path.parent != Path("."):
        return path
    found = lookup(text)
    if found is not None:
        return found
    if is_name(text):
        known = ", ".join(names()) or "none"
        raise InputError(f"no scenario file or name {text!r}; known names: {known}")
    return path


def extends_path(base: Path, ref: str) -> Path | None:
    """The file ``extends: REF`` names: ``base/REF``, else a shipped scenario of that name
    (None when neither exists)."""
    near = base / ref
    if near.exists():
        return near
    if Path(ref).parent == Path("."):
        return lookup(ref)
    return None
