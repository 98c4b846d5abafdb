"""The web app's state across pages and in the URL, kept free of Streamlit so it can be tested.

Streamlit forgets a widget's value when a page without that widget runs (the method page has
no sidebar editors), and a widget created again without its value falls back to its own
default: a range slider becomes a single value. So the projection page copies the values of
its widgets into :data:`KEEP` after every run (:func:`keep`) and puts back the missing ones
before it creates them again (:func:`restore`).

The same values are written into the URL's query string (:func:`to_query`) so that a link
opens the same view in a new browser session (:func:`from_query` reads it back; anything a
link cannot mean is left out and reported, never raised). Query keys:

``scenario``
    The shipped scenario's file name (an upload cannot travel in a link).
``samples``, ``seed``
    Run settings [samples].
``compare``
    Compared scenarios' file names (or ``original``), comma-separated.
``e.<key path>``
    An edited assumption: the widget's values [display unit], comma-separated (``lo,hi`` of a
    90% interval, or one fixed value), written with :func:`repr` so they round-trip exactly.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, MutableMapping
from dataclasses import dataclass, field

#: Session-state key of the kept widget values.
KEEP = "_keep"
#: Widget keys that are kept besides the editors' (``edit:...``).
SETTINGS = ("scenario", "samples", "seed", "compare")
#: Prefix of the editors' widget keys (scalesim.app.editors.EDIT_PREFIX).
EDIT_PREFIX = "edit:"
#: Prefix of an edit in the query string.
QUERY_EDIT = "e."
#: Compare option of the unedited scenario, in the query string.
QUERY_ORIGINAL = "original"


def _kept_key(key: object) -> bool:
    return isinstance(key, str) and (key in SETTINGS or key.startswith(EDIT_PREFIX))


def keep(state: MutableMapping) -> None:
    """Copy the projection page's widget values into ``state[KEEP]`` (replacing it)."""
    state[KEEP] = {k: _copy(v) for k, v in list(state.items()) if _kept_key(k)}


def restore(state: MutableMapping) -> list[str]:
    """Put back the kept widget values that ``state`` lacks; returns their keys."""
    kept = state.get(KEEP) or {}
    missing = [k for k in kept if k not in state]
    for key in missing:
        state[key] = _copy(kept[key])
    return missing


def _copy(value):
    return list(value) if isinstance(value, list) else value


# --- URL ----------------------------------------------------------------------------------------


@dataclass
class Link:
    """What a link's query string asks for (see the module docstring).

    Attributes
    ----------
    scenario : str or None
        Shipped scenario file name.
    samples, seed : int or None
    compare : list of str
    edits : dict of str to tuple of float
        ``{key path: widget values [display unit]}``.
    ignored : list of str
        Query keys that could not be used (unknown scenario, bad number, ...).
    """

    scenario: str | None = None
    samples: int | None = None
    seed: int | None = None
    compare: list[str] = field(default_factory=list)
    edits: dict[str, tuple[float, ...]] = field(default_factory=dict)
    ignored: list[str] = field(default_factory=list)


def _number_text(x: float) -> str:
    return repr(float(x))


def to_query(
    scenario: str | None,
    samples: int,
    seed: int,
    compare: list[str],
    edits: Mapping[str, tuple[float, ...]],
) -> dict[str, str]:
    """The query string of a view, as ``{key: value}``.

    Parameters
    ----------
    scenario : str or None
        Shipped file name; None for an upload (the link then names no scenario).
    samples, seed : int
    compare : list of str
        Compared file names, :data:`QUERY_ORIGINAL` for the unedited scenario.
    edits : mapping
        ``{key path: widget values}`` of the edited assumptions only.
    """
    out: dict[str, str] = {}
    if scenario:
        out["scenario"] = scenario
    out["samples"] = str(int(samples))
    out["seed"] = str(int(seed))
    if compare:
        out["compare"] = ",".join(compare)
    for path in sorted(edits):
        out[QUERY_EDIT + path] = ",".join(_number_text(v) for v in edits[path])
    return out


def from_query(
    params: Mapping[str, str],
    shipped: Mapping[str, object],
    sample_options: tuple[int, ...],
) -> Link:
    """Read a link's query string; what cannot be used is listed in :attr:`Link.ignored`.

    Parameters
    ----------
    params : mapping of str to str
        The query string (``st.query_params``).
    shipped : mapping
        Shipped scenarios by file name.
    sample_options : tuple of int
        Sample counts the app offers.
    """
    link = Link()
    for key, value in params.items():
        value = str(value)
        if key == "scenario":
            if value in shipped:
                link.scenario = value
            else:
                link.ignored.append(key)
        elif key in ("samples", "seed"):
            number = _integer(value)
            ok = number is not None and (
                number in sample_options if key == "samples" else 0 <= number < 2**32
            )
            if ok:
                setattr(link, key, number)
            else:
                link.ignored.append(key)
        elif key == "compare":
            names = [n for n in value.split(",") if n]
            link.compare = [n for n in names if n in shipped or n == QUERY_ORIGINAL]
            if len(link.compare) != len(names):
                link.ignored.append(key)
        elif key.startswith(QUERY_EDIT) and len(key) > len(QUERY_EDIT):
            values = _floats(value)
            if values is None:
                link.ignored.append(key)
            else:
                link.edits[key[len(QUERY_EDIT) :]] = values
        else:
            link.ignored.append(key)
    return link


def _integer(text: str) -> int | None:
    text = text.strip()
    if not text.isdigit() or len(text) > 12:
        return None
    return int(text)


def _floats(text: str) -> tuple[float, ...] | None:
    parts = text.split(",")
    if not 1 <= len(parts) <= 2 or any(len(p) > 40 for p in parts):
        return None
    try:
        values = tuple(float(p) for p in parts)
    except ValueError:
        return None
    return values if all(math.isfinite(v) for v in values) else None
