"""The grader's side of grading (cnncourse/instructor/grade.py), with the sandbox replaced by a stand-in
that returns hand-made reports: what the sandbox is sent, how every kind of report is judged (a
forged one earns nothing the learner's results do not), the notes, the whole run's files, and the
command line's checks of its arguments.

Oracles: the parameter count of a convolution worked out by hand, (c_in * k * k + 1) * c_out, and
hand-written expected lines."""

import csv
import os
import shutil
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

from cnncourse.instructor import grade
from cnncourse.instructor.chapter import Chapter, Task, draw_cases, read_chapter
from cnncourse.instructor.exchange import dumps, pack, unpack
from cnncourse.instructor.grade import _cell_notes, _record, grade_one, grade_submissions, main
from cnncourse.instructor.sandbox import Limits
from cnncourse.instructor.submissions import Submission

FIXTURE = Path(__file__).parent / "fixtures" / "exercise_demo.ipynb"  # corr2d: 2 points, count: 1
CHAPTER = read_chapter(FIXTURE)
CASES = draw_cases(CHAPTER, "grade tests")


def right_count(case):
    return (case["c_in"] * case["k"] * case["k"] + 1) * case["c_out"]


def raw(records):
    return {"raw": dumps({"cases": records})}


def counts(values):
    return raw([{"outputs": pack({"n": value})} for value in values])


def not_attempted(name="corr2d(x, k)"):
    return raw([{"error": {"name": name, "type": "NotImplementedError", "message": "",
                           "not_implemented": True}}])


class Sandbox:
    """Stands in for run_program: records what it is sent, answers ``report`` (or a problem)."""

    def __init__(self, report=None, problem=None):
        self.report, self.problem, self.calls = report, problem, []

    def __call__(self, program, limits, slot, sandboxed):
        self.calls.append(SimpleNamespace(program=program, limits=limits, slot=slot, sandboxed=sandboxed))
        return self.report, self.problem


@pytest.fixture
def submission(tmp_path):
    path = tmp_path / "ada" / "01_demo.ipynb"
    path.parent.mkdir()
    shutil.copyfile(FIXTURE, path)
    return Submission("ada", path)


def test_the_sandbox_gets_the_learner_s_cells_and_every_case_and_a_right_report_earns_every_point(
        submission, monkeypatch):
    report = {"cells": {"0": "ok", "2": {"error": "NameError: name 'q' is not defined"}},
              "results": {"count-tests": counts([right_count(c) for c in CASES["count-tests"]])}}
    sandbox = Sandbox(report)
    monkeypatch.setattr(grade, "run_program", sandbox)
    outcome = grade_one(submission, CHAPTER, CASES, Limits(cell_timeout=9), 3, True)
    call, = sandbox.calls
    assert (call.limits.cell_timeout, call.slot, call.sandboxed) == (9, 3, True)
    sent = call.program
    assert set(sent["exercises"]) == {"corr2d-tests", "count-tests"}
    assert sent["exercises"]["count-tests"]["check"] == "check_conv_layer_params"
    assert sent["exercises"]["count-tests"]["names"] == ["count"]
    assert [unpack(c) for c in sent["exercises"]["count-tests"]["cases"]] == CASES["count-tests"]
    assert len(CASES["count-tests"]) > 2  # the hidden ones went too
    assert [gid for _, gid in sent["evaluate"]] == ["corr2d-tests", "count-tests"]
    assert outcome.points == {"corr2d-tests": 0.0, "count-tests": 1.0}
    assert outcome.messages["count-tests"] is None
    assert outcome.messages["corr2d-tests"] == "Not checked: no result came back."
    assert outcome.notes == [f"Cell {sent['numbers'][2]}: NameError: name 'q' is not defined"]
    assert outcome.error == "" and outcome.score == 1.0


def test_a_forged_report_earns_only_what_its_results_are_worth(submission, monkeypatch):
    """The learner's code can write anything into what comes back; the grader judges the results
    against its own cases, so claims of success, extra records or other fields earn nothing."""
    public = [right_count(c) for c in CASES["count-tests"][:2]]
    hidden_wrong = [right_count(c) + 1 for c in CASES["count-tests"][2:]]
    forged = {"results": {
        "count-tests": counts(public + hidden_wrong),
        "corr2d-tests": {"raw": dumps({"cases": [{"outputs": pack({"out": np.zeros((2, 2))}), "passed": True}]}),
                         "passed": True}},
        "score": 3, "points": {"corr2d-tests": 2, "count-tests": 1}}
    monkeypatch.setattr(grade, "run_program", Sandbox(forged))
    outcome = grade_one(submission, CHAPTER, CASES, Limits(), 0, True)
    assert outcome.points == {"corr2d-tests": 0.0, "count-tests": 0.0} and outcome.score == 0
    case = CASES["count-tests"][2]
    assert f"gave {right_count(case) + 1}, expected {right_count(case)}" in outcome.messages["count-tests"]
    assert outcome.messages["corr2d-tests"] == "Not checked: the results of this exercise could not be read."
    too_many = counts([right_count(c) for c in CASES["count-tests"]] * 2)
    monkeypatch.setattr(grade, "run_program", Sandbox({"results": {"count-tests": too_many}}))
    assert grade_one(submission, CHAPTER, CASES, Limits(), 0, True).messages["count-tests"] == (
        "more results than cases came back")


@pytest.mark.parametrize("result, message", [
    ({"problem": "the check ran past its time limit and was stopped"},
     "Not checked: the check ran past its time limit and was stopped."),
    ({"problem": "x" * 400}, "Not checked: " + "x" * 300 + "."),
    ({"problem": 5, "raw": dumps({"cases": []})}, "the check stopped before every case was run"),
    ({"raw": 5}, "Not checked: the results of this exercise could not be read."),
    ({"raw": "{not json"}, "Not checked: the results of this exercise could not be read."),
    ({"raw": dumps([1])}, "Not checked: the results of this exercise could not be read."),
    ({"raw": dumps({"cases": {}})}, "Not checked: the results of this exercise could not be read."),
    ({"raw": dumps({"cases": [{"outputs": {"meta": []}}]})},
     "Not checked: the results of this exercise could not be read."),
    ("raw", "Not checked: no result came back."),
])
def test_each_kind_of_result_gets_its_own_line(submission, monkeypatch, result, message):
    monkeypatch.setattr(grade, "run_program", Sandbox({"results": {"count-tests": result}}))
    assert grade_one(submission, CHAPTER, CASES, Limits(), 0, True).messages["count-tests"] == message


def test_a_learner_s_own_name_for_the_function_is_used_in_the_feedback(submission, monkeypatch):
    renamed = Chapter((Task("count-tests", 1.0, "check_conv_layer_params", ("my_count",), (), "x"),), frozenset(), ())
    monkeypatch.setattr(grade, "run_program", Sandbox({"results": {"count-tests": counts([0])}}))
    message = grade_one(submission, renamed, CASES, Limits(), 0, True).messages["count-tests"]
    assert message.startswith("my_count(in_channels=3, out_channels=2, kernel_size=3) gave 0, expected 56")


def test_a_sandbox_that_failed_explains_itself_in_the_notes_and_on_every_exercise(submission, monkeypatch):
    monkeypatch.setattr(grade, "run_program", Sandbox(None, "the sandbox sent back too much data"))
    outcome = grade_one(submission, CHAPTER, CASES, Limits(), 0, False)
    assert outcome.notes == ["Your notebook could not be run to the end: the sandbox sent back too much data."]
    assert set(outcome.messages.values()) == {"Not checked: the sandbox sent back too much data."}
    monkeypatch.setattr(grade, "run_program", Sandbox(["not", "a", "report"]))
    assert grade_one(submission, CHAPTER, CASES, Limits(), 0, False).messages["count-tests"] == (
        "Not checked: no result came back.")
    monkeypatch.setattr(grade, "run_program", Sandbox({"results": ["count-tests"]}))
    assert grade_one(submission, CHAPTER, CASES, Limits(), 0, False).messages["count-tests"] == (
        "Not checked: no result came back.")


def test_an_exercise_without_a_check_is_left_to_the_instructor_and_never_run(submission, monkeypatch):
    manual = Chapter((Task("essay", 2.0, "", (), (), "print('essay')"),), frozenset(), ())
    sandbox = Sandbox({"results": {"essay": counts([1])}})
    monkeypatch.setattr(grade, "run_program", sandbox)
    outcome = grade_one(submission, manual, {}, Limits(), 0, True)
    assert sandbox.calls[0].program["exercises"] == {} and sandbox.calls[0].program["evaluate"] == []
    assert outcome.messages == {"essay": "This exercise cannot be graded automatically; your instructor will "
                                         "look at it."}
    assert outcome.points == {"essay": 0.0}


def test_a_file_that_is_no_notebook_is_an_error_and_nothing_runs(tmp_path, monkeypatch):
    path = tmp_path / "01_demo.ipynb"
    path.write_text("{broken")
    sandbox = Sandbox({})
    monkeypatch.setattr(grade, "run_program", sandbox)
    outcome = grade_one(Submission("eve", path), CHAPTER, CASES, Limits(), 0, True)
    assert outcome.error == "01_demo.ipynb is not a notebook (not JSON)" and sandbox.calls == []
    assert outcome.points == {"corr2d-tests": 0.0, "count-tests": 0.0}


def test_a_learner_error_record_is_kept_as_text_cut_to_300_characters():
    record = _record({"error": {"name": "n" * 400, "type": "ValueError", "message": "m" * 301,
                                "not_implemented": False}})
    assert record == {"error": {"name": "n" * 300, "type": "ValueError", "message": "m" * 300,
                                "not_implemented": False}}
    for bad in [{"error": {"name": "f", "type": "E", "message": "m", "not_implemented": 0}},
                {"error": {"name": 1, "type": "E", "message": "m", "not_implemented": True}},
                {"error": {"name": "f", "type": None, "message": "m", "not_implemented": True}},
                {"error": ["name"]}, {}, {"other": 1}]:
        with pytest.raises(ValueError, match="^record$"):
            _record(bad)


def test_cell_notes_name_the_notebook_s_cell_numbers_and_stop_at_ten():
    numbers = [2, 5, 7]
    report = {"cells": {"0": {"error": "E: " + "e" * 400}, "1": "ok", "2": {"error": 3}, "3": {"error": "late"},
                        "-1": {"error": "x"}, "x": {"error": "x"}, "4": ["error"], "1a": {"error": "y"}}}
    assert _cell_notes(report, numbers) == ["Cell 2: E: " + "e" * 297]
    many = {"cells": {str(i): {"error": f"E{i}"} for i in range(12)}}
    assert _cell_notes(many, list(range(1, 13))) == [f"Cell {i + 1}: E{i}" for i in range(10)]
    assert _cell_notes({"cells": ["0"]}, numbers) == [] and _cell_notes([], numbers) == []


def course(tmp_path, learners):
    source, submissions = tmp_path / "notebooks", tmp_path / "submissions"
    source.mkdir()
    shutil.copyfile(FIXTURE, source / "01_demo.ipynb")
    (source / "02_empty.ipynb").write_text('{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}')
    (source / "02_more.ipynb").write_text(
        '{"cells": [{"cell_type": "code", "source": "print(1)", "metadata": {"nbgrader": {"grade": true, '
        '"solution": false, "grade_id": "p", "points": 1}}, "outputs": [], "execution_count": null}], '
        '"metadata": {}, "nbformat": 4, "nbformat_minor": 5}')
    for student, text in learners.items():
        (submissions / student).mkdir(parents=True)
        (submissions / student / "01_demo.ipynb").write_text(text if text else FIXTURE.read_text())
    return source, submissions


def test_a_whole_run_writes_the_grades_the_feedback_and_tells_its_progress(tmp_path, monkeypatch):
    source, submissions = course(tmp_path, {"ada": None, "bo": None, "eve": "{broken"})
    sandbox = Sandbox({"results": {"count-tests": counts([right_count(c) for c in CASES["count-tests"]][:2])}})
    monkeypatch.setattr(grade, "run_program", sandbox)
    told = []
    result = grade_submissions(source, submissions, tmp_path / "out" / "grading", workers=1, secret="k",
                               sandboxed=False, progress=told.append)
    assert sorted(told) == ["graded ada/01_demo.ipynb: 0 / 3", "graded bo/01_demo.ipynb: 0 / 3",
                            "graded eve/01_demo.ipynb: error"]
    assert [call.slot for call in sandbox.calls] == [0, 0] and not any(c.sandboxed for c in sandbox.calls)
    assert all(call.limits == Limits() for call in sandbox.calls)
    sent = sandbox.calls[0].program["exercises"]["count-tests"]["cases"]
    assert [unpack(c) for c in sent] == draw_cases(CHAPTER, "k")["count-tests"]
    assert result.scores == {("ada", "01_demo"): 0.0, ("bo", "01_demo"): 0.0}
    assert result.max_scores == {"01_demo": 3.0, "02_empty": 0, "02_more": 1.0}
    assert [str(s) for s in result.failed] == ["eve/01_demo.ipynb"]
    assert result.problems == [
        "02_more.ipynb: test cell p calls no check that can be graded in a sandbox "
        "(see cnncourse.exercises.EXERCISES); it scores 0",
        "could not grade eve/01_demo.ipynb: 01_demo.ipynb is not a notebook (not JSON)"]
    with open(tmp_path / "out" / "grading" / "grades.csv", newline="") as file:
        assert [row["status"] for row in csv.DictReader(file)] == ["graded", "graded", "error"]
    pages = sorted(p.relative_to(tmp_path / "out").as_posix() for p in (tmp_path / "out").rglob("*.html"))
    assert pages == [f"grading/feedback/{s}/01_demo.html" for s in ("ada", "bo", "eve")]
    assert "the check stopped before every case was run" in (
        tmp_path / "out" / "grading" / "feedback" / "ada" / "01_demo.html").read_text(encoding="utf-8")


def test_without_a_secret_every_run_draws_new_hidden_cases_on_every_core(tmp_path, monkeypatch):
    source, submissions = course(tmp_path, {"ada": None})
    sandbox = Sandbox({})
    monkeypatch.setattr(grade, "run_program", sandbox)
    monkeypatch.setattr(grade.os, "cpu_count", lambda: 3)
    monkeypatch.setenv("CNNCOURSE_HIDDEN_SECRET", "not the grader's: a learner's shell may have it")
    monkeypatch.setattr(grade, "ThreadPoolExecutor", recording_pool(pools := []))
    for _ in range(2):
        grade_submissions(source, submissions, tmp_path / "grading", sandboxed=False)
    first, second = (call.program["exercises"]["count-tests"]["cases"] for call in sandbox.calls)
    assert first[:2] == second[:2] and first[2:] != second[2:]
    assert pools == [3, 3]
    monkeypatch.setattr(grade.os, "cpu_count", lambda: None)
    grade_submissions(source, submissions, tmp_path / "grading", sandboxed=False)
    assert pools[-1] == 1


def recording_pool(sizes):
    real = grade.ThreadPoolExecutor

    def pool(max_workers):
        sizes.append(max_workers)
        return real(max_workers=max_workers)
    return pool


def test_grading_in_the_sandbox_first_asks_whether_one_can_be_made(tmp_path, monkeypatch):
    source, submissions = course(tmp_path, {"ada": None})
    monkeypatch.setattr(grade, "bwrap_problem", lambda: "no bubblewrap here.")
    with pytest.raises(grade.SandboxUnavailable, match=r"^no bubblewrap here\. Grading runs every learner's "
                                                       r"code in a bubblewrap sandbox; .*--unsafe-no-sandbox\.$"):
        grade_submissions(source, submissions, tmp_path / "grading", secret="s")
    assert not (tmp_path / "grading").exists()
    monkeypatch.setattr(grade, "bwrap_problem", lambda: None)
    monkeypatch.setattr(grade, "run_program", sandbox := Sandbox({}))
    grade_submissions(source, submissions, tmp_path / "grading", secret="s")
    assert sandbox.calls[0].sandboxed is True


def fake_grading(monkeypatch, error=None):
    calls = []

    def fake(*args, **kwargs):
        calls.append((args, kwargs))
        if error:
            raise error
        return SimpleNamespace(summary=lambda: "SUMMARY")
    monkeypatch.setattr(grade, "grade_submissions", fake)
    return calls


def test_the_command_line_passes_its_options_on(monkeypatch, capsys):
    calls = fake_grading(monkeypatch)
    monkeypatch.setenv("CNNCOURSE_HIDDEN_SECRET", "from the environment")
    main(["src", "subs", "out", "--timeout", "7", "--notebook-timeout", "30", "--workers", "2"])
    (args, kwargs), = calls
    assert args == ("src", "subs", "out")
    assert kwargs == {"limits": Limits(cell_timeout=7, exercise_timeout=7, notebook_timeout=30), "workers": 2,
                      "secret": "from the environment", "sandboxed": True, "progress": print}
    assert capsys.readouterr().out == "\nSUMMARY\n"
    main(["src", "subs", "out", "--secret", "given", "--unsafe-no-sandbox"])
    kwargs = calls[-1][1]
    assert (kwargs["secret"], kwargs["sandboxed"], kwargs["workers"]) == ("given", False, os.cpu_count() or 1)
    assert kwargs["limits"] == Limits()
    monkeypatch.delenv("CNNCOURSE_HIDDEN_SECRET")
    main(["src", "subs", "out"])
    assert calls[-1][1]["secret"] is None


@pytest.mark.parametrize("option", ["--timeout", "--notebook-timeout", "--workers"])
def test_the_command_line_refuses_a_limit_below_one_naming_the_options(monkeypatch, capsys, option):
    calls = fake_grading(monkeypatch)
    main(["src", "subs", "out", option, "1"])
    with pytest.raises(SystemExit) as stop:
        main(["src", "subs", "out", option, "0"])
    assert stop.value.code == 2 and len(calls) == 1
    assert capsys.readouterr().err.endswith(
        "error: --timeout, --notebook-timeout and --workers must be at least 1\n")


def test_without_a_core_count_one_notebook_is_graded_at_a_time(monkeypatch):
    calls = fake_grading(monkeypatch)
    monkeypatch.setattr(grade.os, "cpu_count", lambda: None)
    main(["src", "subs", "out"])
    assert calls[0][1]["workers"] == 1


@pytest.mark.parametrize("error", [ValueError("submissions_dir: none"), grade.SandboxUnavailable("no bwrap")])
def test_the_command_line_turns_a_refusal_into_one_error_line(monkeypatch, error):
    fake_grading(monkeypatch, error)
    with pytest.raises(SystemExit, match=f"^error: {error}$"):
        main(["src", "subs", "out"])


def test_the_command_line_help_explains_every_option(capsys):
    with pytest.raises(SystemExit):
        main(["--help"])
    text = " " + " ".join(capsys.readouterr().out.split()) + " "
    for words in ["Grade the learners' submitted notebooks, each in a sandbox.",
                  "folder of the chapter notebooks with solutions (notebooks)",
                  "folder of the submissions, <student_id>/NN_name.ipynb (submissions)",
                  "folder for grades.csv and feedback/ (grading)",
                  "seconds a cell (or one exercise's check) may run (default 60)",
                  "seconds a whole notebook may run (default 600)",
                  "notebooks graded at once (default: every core)",
                  "text that seeds the hidden cases (default: new ones every run); also read from "
                  "$CNNCOURSE_HIDDEN_SECRET",
                  "run learner code without bubblewrap, with your rights (trusted work only)"]:
        assert f" {words} " in text
