"""``scalesim explain`` estimates its own memory (the run, then the priors and the analysis)
before it starts and refuses one that would not fit the budget, with one line."""

from __future__ import annotations

import gc
import tracemalloc

import pytest
from conftest import SCENARIOS

import scalesim
from scalesim.analysis import explain as explain_module
from scalesim.analysis.explain import explain, explain_samples, prior_draws
from scalesim.analysis.explain_memory import check_memory, explain_bytes
from scalesim.cli import main
from scalesim.errors import InputError

BASELINE = SCENARIOS / "baseline.yaml"
EVENT = "binding_constraint[2030] == data"


def test_the_estimate_by_hand():
    """1,000 samples, 27 years, one kept variable, 26 variables, 11 uncertain priors:
    run = 1,000 · 27 · (8 + 1) + 8 · 1,000 (kept arrays, binding codes, exhaustion years)
        + 1,000 · 27 · 26 · 24 (one chunk's working set) = 17,099,000 bytes;
    priors = 8 · 1,000 · 11 + 1,000 (the event) = 89,000 bytes;
    working = PRIM on 500 fitting samples: 32 · 500 · 11 + 4 · 1,000 = 180,000 bytes."""
    need = explain_bytes(1_000, 27, n_keep=1, n_variables=26, n_priors=11)
    assert (need.run, need.priors, need.working) == (17_099_000, 89_000, 180_000)
    assert need.total == 17_099_000 + 89_000 + 180_000
    # at 1e7 samples one prior's sort (32 bytes a sample) is the largest working set
    big = explain_bytes(10**7, 27, n_keep=1, n_variables=26, n_priors=11)
    assert big.working == 32 * 10**7 and big.priors == 89 * 10**7


def test_the_estimate_grows_with_what_explain_holds():
    base = dict(n_keep=1, n_variables=26, n_priors=11)
    small = explain_bytes(100_000, 27, **base).total
    assert explain_bytes(200_000, 27, **base).total > small
    assert explain_bytes(100_000, 40, **base).total > small
    assert explain_bytes(100_000, 27, **{**base, "n_keep": 3}).total > small
    assert explain_bytes(100_000, 27, **{**base, "n_priors": 30}).total > small


def test_a_budget_too_small_is_refused_before_the_run_starts():
    scenario = scalesim.load_scenario(BASELINE)
    need, _ = check_memory(scenario, 20_000, n_keep=1, budget="100GiB")
    chunks = []
    with pytest.raises(InputError) as caught:
        explain(
            scenario, EVENT, samples=20_000, memory_budget=need.total - 1, on_chunk=chunks.append
        )
    message = str(caught.value)
    assert chunks == []  # refused before the run started
    assert "\n" not in message
    assert message.startswith("samples: explain needs about ")
    assert "for 20,000 samples (11 uncertain priors" in message
    assert "over the memory budget of" in message and "(memory_budget=)" in message
    # at the estimate it runs
    result = explain(scenario, EVENT, samples=20_000, memory_budget=need.total)
    assert result.samples == 20_000


def test_cli_refuses_with_one_line_and_exit_2(monkeypatch, capsys):
    monkeypatch.setenv("SCALESIM_MEMORY_BUDGET", "200MB")
    assert main(["explain", str(BASELINE), "--when", EVENT, "-n", "1e5", "-q"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert "--samples: explain needs about" in err and "for 100,000 samples" in err
    assert "over the memory budget of 190.7 MiB (SCALESIM_MEMORY_BUDGET)" in err


def test_the_estimate_covers_what_explain_allocates():
    """Measured with tracemalloc (numpy reports its allocations to it): the run's peak on one
    thread and the analysis's peak (drawing the priors, sorting them, PRIM) stay within
    their shares of the estimate."""
    scenario = scalesim.load_scenario(BASELINE)
    n = 200_000
    need, _ = check_memory(scenario, n, n_keep=1, budget="100GiB")
    tracemalloc.start()
    try:
        results = scalesim.run(
            scenario, samples=n, keep=["largest_run_flop"], summarize=[], workers=1
        )
        _, run_peak = tracemalloc.get_traced_memory()
        happened = results.binding_constraint[:, results.years.index(2030)] == 1
        del results
        tracemalloc.reset_peak()
        start, _ = tracemalloc.get_traced_memory()
        draws = prior_draws(scenario, n, scenario.seed)
        explain_samples(draws, happened)
        _, analysis_peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert scenario.constraints[1] == "data"
    assert run_peak <= need.run
    assert analysis_peak - start <= need.analysis
    assert analysis_peak - start >= 8 * n * len(draws)  # the priors are held, as estimated


def test_explain_frees_the_runs_arrays_before_drawing(monkeypatch):
    """The run's per-sample arrays are dropped before the priors are drawn."""
    seen = {}
    real_draws = explain_module.prior_draws

    def watched(scenario, samples, seed):
        seen["kept"] = [
            o for o in gc.get_objects() if isinstance(o, scalesim.Results) and o.samples == 5_000
        ]
        return real_draws(scenario, samples, seed)

    monkeypatch.setattr(explain_module, "prior_draws", watched)
    explain(BASELINE, EVENT, samples=5_000)
    assert seen["kept"] == []
