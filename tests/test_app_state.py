"""The web app's state across pages and in links, its plain-text rendering of user text, and
the isolated upload reader (AppTest and the Streamlit-free helpers; the real browser is
tests/test_browser.py)."""

from __future__ import annotations

import re
import sys
import time
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import scalesim
from scalesim.app import editors as edit
from scalesim.app import scenarios as scen
from scalesim.app import state as app_state
from scalesim.app import uploads
from scalesim.app.markdown import split_math
from scalesim.app.safe import plain, plain_frame, plain_line

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")
SHIPPED = scen.shipped_scenarios(ROOT / "scenarios")
TIMEOUT = 120
_ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")


@pytest.fixture(autouse=True)
def _in_repo_root(monkeypatch):
    monkeypatch.chdir(ROOT)


def _shown(markdown: str) -> str:
    return _ESCAPED.sub(r"\1", markdown)


def _ok(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


def _headline(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric} | {"title": _shown(at.title[0].value)}


# --- navigation -------------------------------------------------------------------------------


def test_projection_method_projection_keeps_edits_samples_seed_and_numbers():
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    at.selectbox(key="scenario").set_value("synthetic-data.yaml").run()
    at.select_slider(key="samples").set_value(2_000).run()
    at.number_input(key="seed").set_value(7).run()
    at.slider(key="edit:spending.growth").set_value((2.1, 3.3)).run()
    at.number_input(key="edit:spending.largest_run:hi").set_value(900.0).run()
    _ok(at)
    before = _headline(at)
    assert before["title"].endswith("(edited)")
    for _ in range(2):  # there and back twice
        at.switch_page("pages/method.py").run()
        _ok(at)
        at.switch_page("app.py").run()
        _ok(at)
        assert at.select_slider(key="samples").value == 2_000
        assert at.number_input(key="seed").value == 7
        assert at.slider(key="edit:spending.growth").value == pytest.approx((2.1, 3.3))
        assert at.number_input(key="edit:spending.largest_run:hi").value == 900.0
        assert at.selectbox(key="scenario").value == "synthetic-data.yaml"
        assert _headline(at) == before


def test_an_upload_survives_a_visit_to_the_method_page_and_can_be_dropped():
    text = "name: Kept upload\nextends: baseline.yaml\nparameters:\n  spending:\n    growth: 3.0\n"
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    at.select_slider(key="samples").set_value(1_000).run()
    at.file_uploader(key="upload").set_value(("kept.yaml", text.encode(), "application/x-yaml"))
    at.run()
    _ok(at)
    before = _headline(at)
    assert before["title"] == "Kept upload"
    at.switch_page("pages/method.py").run()
    at.switch_page("app.py").run()
    _ok(at)
    assert _headline(at) == before
    # The uploader is empty after the visit; a button drops the kept file.
    at.button(key="forget").click().run()
    _ok(at)
    assert _headline(at)["title"] == scalesim.load_scenario(SHIPPED["baseline.yaml"]).name


# --- links --------------------------------------------------------------------------------------


def test_the_link_reopens_the_same_view_in_a_new_session():
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    at.selectbox(key="scenario").set_value("spending-plateau.yaml").run()
    at.select_slider(key="samples").set_value(2_000).run()
    at.number_input(key="seed").set_value(11).run()
    at.slider(key="edit:algorithms.halving_time").set_value((6.0, 20.5)).run()
    at.multiselect(key="compare").set_value(["baseline.yaml"]).run()
    _ok(at)
    query = dict(at.query_params)
    assert query["scenario"] == ["spending-plateau.yaml"] or query["scenario"] == (
        "spending-plateau.yaml"
    )
    fresh = AppTest.from_file(APP, default_timeout=TIMEOUT)
    for key, value in query.items():
        fresh.query_params[key] = value[0] if isinstance(value, list) else value
    fresh.run()
    _ok(fresh)
    assert _headline(fresh) == _headline(at)
    assert fresh.multiselect(key="compare").value == ["baseline.yaml"]
    assert fresh.slider(key="edit:algorithms.halving_time").value == pytest.approx((6.0, 20.5))
    # The Share section's link, shown as Markdown code.
    link = [m.value.strip("`") for m in fresh.markdown if m.value.startswith("`")]
    assert len(link) == 1 and "scenario=spending-plateau.yaml" in link[0]
    assert "e.algorithms.halving_time=6.0%2C20.5" in link[0]


def test_a_link_with_unusable_values_opens_with_them_left_out():
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params.update(
        {"scenario": "../../etc/passwd", "samples": "7", "seed": "3", "e.spending.growth": "x,1"}
    )
    at.run()
    _ok(at)
    assert _shown(at.title[0].value) == scalesim.load_scenario(SHIPPED["baseline.yaml"]).name
    assert at.number_input(key="seed").value == 3
    note = next(c.value for c in at.caption if "Left out of the link" in c.value)
    assert all(k in _shown(note) for k in ("scenario", "samples", "e.spending.growth"))


def test_query_round_trip_and_refusals():
    base = scen.load_file(SHIPPED["baseline.yaml"])
    eds = edit.editors(base)
    state = edit.initial_state(base)
    state["edit:spending.growth"] = (2.1, 3.0000000000000004)
    state["edit:spending.largest_run:lo"] = 123.456
    edits = edit.edited_values(eds, state)
    assert set(edits) == {"spending.growth", "spending.largest_run"}
    query = app_state.to_query("baseline.yaml", 5_000, 9, ["original"], edits)
    link = app_state.from_query(query, SHIPPED, scen.SAMPLE_OPTIONS)
    assert (link.scenario, link.samples, link.seed) == ("baseline.yaml", 5_000, 9)
    assert link.compare == ["original"] and not link.ignored
    assert link.edits == edits  # repr round-trips every float exactly
    bad = app_state.from_query(
        {"samples": "5001", "seed": "-1", "e.x": "nan", "e.y": "1,2,3", "zzz": "1"},
        SHIPPED,
        scen.SAMPLE_OPTIONS,
    )
    assert sorted(bad.ignored) == ["e.x", "e.y", "samples", "seed", "zzz"]
    growth = next(ed for ed in eds if ed.path == "spending.growth")
    assert growth.state_for((3.0, 2.0)) is None  # lower end above the upper
    assert growth.state_for((0.5, 2.0)) is None  # outside the slider
    assert growth.state_for((2.0,)) is None  # one value for an interval
    assert growth.state_for((2.0, 3.0)) == {"edit:spending.growth": (2.0, 3.0)}


def test_keep_and_restore_put_back_only_missing_widget_values():
    state = {"samples": 2_000, "edit:a": (1.0, 2.0), "compare": ["x"], "other": 1}
    app_state.keep(state)
    assert state[app_state.KEEP] == {"samples": 2_000, "edit:a": (1.0, 2.0), "compare": ["x"]}
    del state["samples"], state["edit:a"]
    state["compare"] = ["y"]
    assert sorted(app_state.restore(state)) == ["edit:a", "samples"]
    assert state["samples"] == 2_000 and state["compare"] == ["y"]


# --- plain text -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "![x](http://127.0.0.1:9/leak.png)",
        "<img src=x onerror=alert(1)>",
        ":red[alarm] **bold** `code` $x^2$ [link](http://a.b) # heading",
        "a\\b &amp; | ~~struck~~",
    ],
)
def test_plain_leaves_no_markdown_in_user_text(text):
    markdown_it = pytest.importorskip("markdown_it")
    import html

    md = markdown_it.MarkdownIt("commonmark").enable(["table", "strikethrough"])
    assert "<img" in md.render("![x](http://h/leak.png)")  # the renderer reads images
    rendered = md.render(plain(text)).strip()
    # One paragraph holding exactly the text: no image, link, emphasis, code or raw HTML.
    assert rendered == f"<p>{html.escape(text, quote=False)}</p>"
    assert _shown(plain(text)) == text
    assert plain_line("a\n  b") == "a b"


def test_plain_frame_escapes_cells_headers_and_index_for_st_table():
    import pandas as pd

    markdown_it = pytest.importorskip("markdown_it")
    image = "![x](http://127.0.0.1:9/leak.png)"
    frame = pd.DataFrame({image: ["> 0", "~$41M and $5M", 3.5]}, index=["a", image, "c"])
    out = plain_frame(frame)
    md = markdown_it.MarkdownIt("commonmark")
    for text in [*out.columns, *out.index, *out[out.columns[0]][:2]]:
        assert "<img" not in md.render(text) and "<blockquote" not in md.render(text)
    assert [_shown(c) for c in out.columns] == [image]
    assert [_shown(v) for v in out.iloc[:2, 0]] == ["> 0", "~$41M and $5M"]
    assert out.iloc[2, 0] == 3.5  # numbers stay numbers
    assert frame.columns[0] == image  # the input is left alone


def test_split_math_separates_display_math_from_prose():
    parts = split_math("Intro $a$.\n\n$$x = 1$$\n\n\\[y = 2\\]\n\n```math\nz = 3\n```\nEnd.")
    assert parts == [
        ("markdown", "Intro $a$."),
        ("latex", "x = 1"),
        ("latex", "y = 2"),
        ("latex", "z = 3"),
        ("markdown", "End."),
    ]
    assert split_math("no math") == [("markdown", "no math")]


# --- uploads in a separate process ----------------------------------------------------------


def test_isolated_upload_reader_gives_the_loaders_result_and_its_errors():
    good = b"name: Isolated\nextends: baseline.yaml\n"
    assert uploads.read_upload("u.yaml", good).name == "Isolated"
    with pytest.raises(scalesim.InputError) as info:
        uploads.read_upload("u.yaml", b"name: [\n")
    assert str(info.value).startswith("u.yaml: invalid YAML: line 2, column 1")
    with pytest.raises(scalesim.InputError) as info:
        uploads.read_upload("u.yaml", b"#" * (scen.MAX_UPLOAD_BYTES + 1))
    assert "larger than" in str(info.value)


def test_isolated_upload_reader_gives_up_after_its_time_limit():
    data = ("a: [" + "1, " * 60_000 + "]\n").encode()  # 0.2-0.5 s of YAML work
    t = time.perf_counter()
    with pytest.raises(scalesim.InputError) as info:
        uploads.read_upload("slow.yaml", data, timeout_s=0.05)
    assert time.perf_counter() - t < 5
    assert str(info.value) == "slow.yaml: took longer than 0.05 s to read; refused"


def test_upload_readers_are_reused_replaced_after_a_time_out_and_run_side_by_side():
    """One reader process serves upload after upload; one killed for its time limit is not
    reused; two sessions' uploads at once each get an answer of their own."""
    import threading

    good = b"name: Reused\nextends: baseline.yaml\n"
    uploads.close_all()
    assert uploads.read_upload("u.yaml", good).name == "Reused"
    (first,) = uploads._idle
    with pytest.raises(scalesim.InputError):
        uploads.read_upload("u.yaml", b"name: [\n")
    assert uploads._idle == [first]  # the error came from the same process
    slow = ("a: [" + "1, " * 60_000 + "]\n").encode()  # 0.2-0.5 s of YAML work
    with pytest.raises(scalesim.InputError, match="took longer"):
        uploads.read_upload("slow.yaml", slow, timeout_s=0.05)
    assert first.proc.poll() is not None and uploads._idle == []  # killed, not given back
    names = {}

    def read(i):
        names[i] = uploads.read_upload("u.yaml", good.replace(b"Reused", f"S{i}".encode())).name

    threads = [threading.Thread(target=read, args=(i,)) for i in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert names == {0: "S0", 1: "S1", 2: "S2"}
    assert len(uploads._idle) <= uploads.MAX_IDLE
    uploads.close_all()


def test_upload_reader_that_cannot_start_gives_one_line_that_the_app_does_not_keep(
    monkeypatch, tmp_path
):
    from scalesim.app import sidebar

    uploads.close_all()
    good = b"name: Later\nextends: baseline.yaml\n"
    with monkeypatch.context() as m:
        m.setattr(sys, "executable", str(tmp_path / "no-python"))
        with pytest.raises(uploads.ReaderUnavailable) as info:
            uploads.read_upload("u.yaml", good)
        scenario, error = sidebar.read_upload("u.yaml", good)
    message = str(info.value)
    assert message.startswith("u.yaml: could not be read now (no reader could be started: ")
    assert message.endswith("); try again later") and "\n" not in message
    assert scenario is None and error == message
    scenario, error = sidebar.read_upload("u.yaml", good)  # a reader can be started again
    assert error is None and scenario.name == "Later"
    uploads.close_all()


def test_upload_reader_killed_while_idle_does_not_refuse_the_next_file():
    import os
    import signal

    uploads.close_all()
    good = b"name: Next\nextends: baseline.yaml\n"
    assert uploads.read_upload("u.yaml", good).name == "Next"
    (idle,) = uploads._idle
    os.kill(idle.proc.pid, signal.SIGKILL)  # e.g. the kernel's out-of-memory killer
    assert uploads.read_upload("u.yaml", good).name == "Next"
    assert idle not in uploads._idle and idle.proc.poll() == -signal.SIGKILL
    uploads.close_all()


def test_upload_readers_with_another_memory_limit_are_left_alone():
    uploads.close_all()
    good = b"name: Kept\nextends: baseline.yaml\n"
    uploads.read_upload("u.yaml", good)
    (default,) = uploads._idle
    uploads.read_upload("u.yaml", good, memory_limit_bytes=uploads.MEMORY_LIMIT_BYTES // 2)
    assert default in uploads._idle and default.proc.poll() is None
    assert len(uploads._idle) == 2
    uploads.close_all()


# --- the launcher -------------------------------------------------------------------------------


def test_launcher_imports_the_app_then_hands_over_to_streamlit():
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from scalesim.app import launch\n"
        "try:\n"
        "    launch.main(['version'])\n"
        "finally:\n"
        "    missing = [m for m in launch.WARM if m not in sys.modules]\n"
        "    print('missing', missing, file=sys.stderr)\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("Streamlit, version")
    assert "missing []" in proc.stderr
