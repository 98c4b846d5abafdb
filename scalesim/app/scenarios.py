"""The web app's scenario choice, kept free of Streamlit so it can be tested: the shipped
scenarios and uploads (size-checked, parsed safely, one-line errors like the CLI's), and the
samples and seed written into a scenario so that its YAML run headless (``scalesim run``)
reproduces the app's numbers. Runs, downloads and headline figures are in
:mod:`scalesim.app.support`; an upload is read in a process of its own by
:mod:`scalesim.app.uploads`.
"""

from __future__ import annotations

from pathlib import Path

from scalesim.errors import InputError
from scalesim.present import text as fmt_text
from scalesim.scenario import catalog, safe_yaml
from scalesim.scenario.loader import (
    Scenario,
    load_scenario,
    load_scenario_text,
    scenario_from_mapping,
)

ROOT = catalog.shipped("app.py").parent
SCENARIO_DIR = catalog.shipped_dir()
#: Largest scenario upload accepted [MB, Streamlit's MB of 2**20 bytes]: the upload widget's
#: own limit (``max_upload_size``, which it shows), the server's (``server.maxUploadSize`` in
#: .streamlit/config.toml and ``scalesim app``) and the app's check, all the same number.
MAX_UPLOAD_MB = 1
#: :data:`MAX_UPLOAD_MB` [bytes].
MAX_UPLOAD_BYTES = MAX_UPLOAD_MB * 2**20
#: Sample counts offered by the app's samples slider [samples].
SAMPLE_OPTIONS = (1_000, 2_000, 5_000, 10_000, 20_000, 50_000, 100_000, 200_000)


def shipped_scenarios(folder: str | Path = SCENARIO_DIR) -> dict[str, Path]:
    """The scenario files of ``folder`` by file name, ``baseline.yaml`` first.

    Parameters
    ----------
    folder : str or Path
        Folder of ``*.yaml`` scenario files.

    Returns
    -------
    dict of str to Path
    """
    files = sorted(Path(folder).glob("*.yaml"), key=lambda p: (p.name != "baseline.yaml", p.name))
    return {p.name: p for p in files}


def relative(path: str | Path) -> Path:
    """``path`` relative to the working folder when inside it (shorter paths in summaries)."""
    path = Path(path)
    try:
        return path.resolve().relative_to(Path.cwd().resolve())
    except ValueError:
        return path


def load_file(path: str | Path) -> Scenario:
    """Load a scenario file, its path relative to the working folder where possible."""
    return load_scenario(relative(path))


def file_name(scenario: Scenario) -> str:
    """The file name a scenario was loaded from (``baseline.yaml``), or ``''``."""
    return Path(scenario.path).name if scenario.path else ""


def scenario_title(path: Path) -> str:
    """``file.yaml — name`` for the scenario picker (the file name alone if it is invalid)."""
    try:
        return f"{path.name} — {load_scenario(path).name}"
    except InputError:
        return path.name


def read_upload(name: str, data: bytes, base_dir: str | Path = SCENARIO_DIR) -> Scenario:
    """Validate an uploaded scenario file.

    Parameters
    ----------
    name : str
        The file's name as uploaded (used in error messages, like the CLI uses the path).
    data : bytes
        Its content: at most :data:`MAX_UPLOAD_BYTES` of UTF-8 YAML, read under the loader's
        limits (:mod:`scalesim.scenario.safe_yaml`: depth, and values with aliases expanded
        counted over the whole ``extends:`` chain).
    base_dir : str or Path
        Folder that ``extends:`` in the upload is relative to (the shipped scenarios).

    Returns
    -------
    Scenario

    Raises
    ------
    InputError
        One line naming the file and the key path, as ``scalesim validate`` prints it. One
        check is the web app's own, since the file comes from another machine: ``extends:``
        may only name a scenario inside ``base_dir``.
    """
    if len(data) > MAX_UPLOAD_BYTES:
        raise InputError(
            f"file is larger than {upload_limit_text()} ({fmt_text.count(-(-len(data) // 1024))} KB)",
            path=name,
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise InputError("cannot read the file (UnicodeDecodeError)", path=name) from None
    # parsed once, under the loader's limits; the app's own check sees the parsed mapping
    return load_scenario_text(
        text,
        name=name,
        base_dir=base_dir,
        check=lambda data: _check_upload(data, name, Path(base_dir)),
    )


def upload_limit_text() -> str:
    """The upload limit as the app writes it (``1 MB``), in the sidebar and in its error."""
    return fmt_text.quantity(MAX_UPLOAD_MB, "MB")


def _check_upload(data: dict, name: str, base_dir: Path) -> None:
    """Refuse ``extends:`` outside ``base_dir`` (see :func:`read_upload`)."""
    parent = data.get("extends")
    if isinstance(parent, str) and parent.strip():
        safe_yaml.check_path(base_dir / parent, name, "extends")
        root = base_dir.resolve()
        target = (base_dir / parent).resolve()
        if not target.is_relative_to(root):
            raise InputError(
                f"an upload may only extend a scenario in {base_dir.name}/, got {parent!r}",
                path=name,
                key="extends",
            )


def scenario_from_yaml(text: str, path: str | None) -> Scenario:
    """A resolved scenario (:meth:`Scenario.to_yaml` output) back from its YAML text."""
    return scenario_from_mapping(safe_yaml.load(text, path or "<scenario>"), path=path)


def with_run_settings(scenario: Scenario, samples: int, seed: int) -> Scenario:
    """The scenario with ``samples`` and ``seed`` written into it, so its YAML reproduces a run."""
    raw = dict(scenario.raw)
    raw["samples"] = int(samples)
    raw["seed"] = int(seed)
    return scenario_from_mapping(raw, path=scenario.path)


def default_samples(scenario: Scenario) -> int:
    """The largest of :data:`SAMPLE_OPTIONS` not above the scenario's own sample count."""
    fitting = [n for n in SAMPLE_OPTIONS if n <= scenario.samples]
    return fitting[-1] if fitting else SAMPLE_OPTIONS[0]
