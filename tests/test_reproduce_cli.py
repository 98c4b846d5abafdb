"""``scalesim reproduce``'s command-line conventions: -n/--samples and -q/--quiet."""

from __future__ import annotations

import json

from scalesim.cli import main


def test_quiet_prints_nothing_and_keeps_the_exit_status(tmp_path, capsys):
    # Cotra 2020's 2040 and 2050 budgets fail (the form of the spending cap): exit status 1.
    path = tmp_path / "checks.json"
    assert main(["reproduce", "cotra-2020", "-q", "-n", "64", "--json", str(path)]) == 1
    assert capsys.readouterr().out == ""
    checks = json.loads(path.read_text(encoding="utf-8"))["checks"]
    assert [c["passed"] for c in checks] == [True, False, False]


def test_samples_must_be_a_whole_number(capsys):
    assert main(["reproduce", "cotra-2020", "-n", "0"]) == 2
    assert "-n/--samples" in capsys.readouterr().err
