"""scalesim postmortem: realised against assumed growth and the attribution, by hand."""

from __future__ import annotations

import math

import pytest

from scalesim.analysis.calibrate.history import load_history
from scalesim.analysis.packs import PACKS_DIR
from scalesim.analysis.postmortem import postmortem, realised_growth
from scalesim.cli import main
from scalesim.errors import InputError
from scalesim.scenario.loader import load_scenario

COTRA = PACKS_DIR / "cotra-2020.yaml"


@pytest.fixture(scope="module")
def history():
    return load_history(None)


def test_realised_growth_from_the_shipped_runs(history):
    g = realised_growth(history, 2020, 2024)
    # Largest run by the end of 2020: AlphaGo Zero, 3.4e23; by 2024: Gemini 1.0 Ultra, 5e25.
    assert g["compute"][0] == pytest.approx((5e25 / 3.4e23) ** 0.25)
    # Most expensive run with a published cost: GPT-3 $2.0e6 (2020), Llama 3.1 405B $5.1e7.
    assert g["spending"][0] == pytest.approx((5.1e7 / 2.0e6) ** 0.25)
    assert g["flop_per_usd"][0] == pytest.approx(g["compute"][0] / g["spending"][0])


def test_bio_anchors_post_mortem_attributes_the_miss(history):
    r = postmortem(load_scenario(COTRA), history, 2020, 2024)
    f = {x["name"]: x for x in r["factors"]}
    # Cotra: spending and FLOP/$ double every 2.5 years (x1.3195/yr).
    assert f["spending"]["assumed"] == pytest.approx(2 ** (1 / 2.5), rel=1e-5)
    assert f["FLOP per dollar"]["assumed"] == pytest.approx(2 ** (1 / 2.5))
    # log10 error term = (log10 realised − log10 assumed) × 4 years; shares sum to 1.
    s = f["spending"]
    assert s["log10_error"] == pytest.approx(4 * math.log10(s["realised"] / s["assumed"]))
    assert sum(x["share"] for x in r["factors"]) == pytest.approx(1.0)
    assert r["log10_error"] == pytest.approx(sum(x["log10_error"] for x in r["factors"]))
    # Every realised rate lies above Cotra's point or range: prior quantile 100%.
    assert all(x["prior_quantile"] == 1.0 for x in r["factors"])
    # Most of the miss is algorithmic progress (the 2026 retrospectives' finding).
    assert f["algorithms"]["share"] == max(x["share"] for x in r["factors"])


def test_no_cost_data_after_2024_is_refused(history):
    with pytest.raises(InputError, match="last run with a published cost"):
        postmortem(load_scenario(COTRA), history, 2020, 2025)


def test_cli_prints_the_table(capsys):
    assert main(["postmortem", str(COTRA), "--as-of", "2020"]) == 0
    out = capsys.readouterr().out
    assert "algorithms" in out and "prior quantile" in out and "Ho et al. 2024" in out
