"""Where the submissions are and what grading writes (cnncourse/instructor/submissions.py and
gradebook.py): the folders found and skipped, the score table, grades.csv and the feedback pages,
each compared with a hand-written expectation."""

import os
from pathlib import Path

import pytest

from cnncourse.instructor.chapter import Task
from cnncourse.instructor.gradebook import Grades, Outcome, feedback_html, write_csv, write_feedback
from cnncourse.instructor.submissions import Submission, find_submissions

NAMES = ["01_a.ipynb", "02_b.ipynb"]


def touch(root, *paths):
    for path in paths:
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text("{}")


def test_a_submission_names_its_chapter_and_itself():
    submission = Submission("ada", Path("/x/ada/ps1/02_b.ipynb"))
    assert (submission.chapter, str(submission)) == ("02_b", "ada/02_b.ipynb")


def test_learner_folders_are_found_and_everything_else_is_named_in_a_problem(tmp_path):
    touch(tmp_path, "a.b@c-d_9/01_a.ipynb", "Zed/02_b.ipynb", "Zed/01_a.ipynb", "_under/01_a.ipynb",
          "plus+sign/01_a.ipynb", ".hidden/01_a.ipynb", "loose.ipynb", "Zed/.ipynb_checkpoints/01_a.ipynb",
          "Zed/ps1/02_b.ipynb", "Zed/ps1/03_c.ipynb")
    (tmp_path / "link").symlink_to(tmp_path / "Zed")
    (tmp_path / "Zed" / "ps2").symlink_to(tmp_path / "a.b@c-d_9")
    submissions, problems = find_submissions(str(tmp_path), NAMES)
    assert [(s.student_id, s.notebook.relative_to(tmp_path).as_posix()) for s in submissions] == [
        ("Zed", "Zed/01_a.ipynb"), ("Zed", "Zed/02_b.ipynb"), ("a.b@c-d_9", "a.b@c-d_9/01_a.ipynb")]
    assert problems == [
        f"skipped {tmp_path}/Zed/ps1/02_b.ipynb: {tmp_path}/Zed/02_b.ipynb is graded for this chapter",
        f"skipped {tmp_path}/Zed/ps1/03_c.ipynb: no chapter notebook is called 03_c.ipynb",
        f"skipped {tmp_path}/_under: a student id uses only letters, digits and _ . @ -",
        f"skipped {tmp_path}/link: put it in a folder named after the learner (<student_id>/NN_name.ipynb)",
        f"skipped {tmp_path}/loose.ipynb: put it in a folder named after the learner (<student_id>/NN_name.ipynb)",
        f"skipped {tmp_path}/plus+sign: a student id uses only letters, digits and _ . @ -",
    ]


def test_a_collected_assignment_folder_is_searched_when_the_top_has_no_copy(tmp_path):
    touch(tmp_path, "ben/ps2/02_b.ipynb", "ben/ps1/01_a.ipynb")
    submissions, problems = find_submissions(tmp_path, NAMES)
    assert [s.notebook.relative_to(tmp_path).as_posix() for s in submissions] == [
        "ben/ps1/01_a.ipynb", "ben/ps2/02_b.ipynb"] and problems == []


def test_no_folder_and_no_submissions_say_what_was_expected(tmp_path):
    with pytest.raises(ValueError, match=r"^submissions_dir: the folder \S*/none does not exist\. Put each "
                                         r"learner's notebooks in \S*/none/<student_id>/NN_name\.ipynb\.$"):
        find_submissions(tmp_path / "none", NAMES)
    touch(tmp_path, "ada/notes.ipynb", "ada/todo.ipynb")
    with pytest.raises(ValueError) as error:
        find_submissions(tmp_path, NAMES)
    assert str(error.value) == (
        f"submissions_dir: no submissions in {tmp_path}. Expected {tmp_path}/<student_id>/NN_name.ipynb, "
        f"where NN_name.ipynb is one of: 01_a.ipynb, 02_b.ipynb.\n"
        f"  skipped {tmp_path}/ada/notes.ipynb: no chapter notebook is called notes.ipynb\n"
        f"  skipped {tmp_path}/ada/todo.ipynb: no chapter notebook is called todo.ipynb")


def grades(tmp_path, problems=()):
    result = Grades(tmp_path / "grades.csv", tmp_path / "feedback", {"02_b": 2.5, "01_a": 3, "03_c": 1},
                    problems=list(problems))
    result.scores = {("bo", "01_a"): 2.0, ("al", "01_a"): 3.0, ("al", "02_b"): 0.5}
    result.failed = [Submission("cy", Path("cy/02_b.ipynb")), Submission("al", Path("al/01_a.ipynb"))]
    return result


TABLE = ["student  02_b       01_a   total",
         "al       0.5 / 2.5  3 / 3  3.5 / 5.5",
         "bo       -          2 / 3  2 / 5.5",
         "cy       error      -      0 / 5.5"]


def test_the_table_has_handed_in_chapters_in_course_order_and_totals(tmp_path):
    table = grades(tmp_path)
    assert table.students() == ["al", "bo", "cy"] and table.chapters() == ["02_b", "01_a"]
    assert table.table() == "\n".join(TABLE)


def test_a_chapter_handed_in_only_by_learners_whose_notebook_failed_has_a_column():
    book = Grades(Path("g.csv"), Path("f"), {"01_a": 1, "02_b": 2})
    book.scores = {("al", "01_a"): 1.0}
    book.failed = [Submission("bo", Path("bo/02_b.ipynb"))]
    assert book.chapters() == ["01_a", "02_b"]
    assert book.table().splitlines()[1:] == ["al       1 / 1  -      1 / 3", "bo       -      error  0 / 3"]


def test_the_summary_lists_problems_then_where_the_files_are(tmp_path):
    assert grades(tmp_path, ["late", "odd"]).summary().splitlines() == [
        *TABLE, "", "Problems:", "  late", "  odd", "",
        f"Grades (CSV): {tmp_path}/grades.csv",
        f"Feedback for each learner: {tmp_path}/feedback/<student_id>/NN_name.html"]
    assert grades(tmp_path).summary().splitlines()[len(TABLE):] == [
        "", f"Grades (CSV): {tmp_path}/grades.csv",
        f"Feedback for each learner: {tmp_path}/feedback/<student_id>/NN_name.html"]


def outcome(student, chapter, points, error=""):
    return Outcome(Submission(student, Path(f"{student}/{chapter}.ipynb")), points=points, error=error)


def test_grades_csv_has_one_sorted_row_per_submission_and_nothing_left_beside_it(tmp_path):
    path = tmp_path / "grades.csv"
    path.write_text("old contents")
    outcomes = [outcome("bo", "02_b", {"x": 1.0, "y": 0.25}), outcome("al", "02_b", {}, error="not JSON"),
                outcome("al", "01_a", {"x": 3.0})]
    write_csv(path, outcomes, {"01_a": 3, "02_b": 2.5})
    assert path.read_bytes() == (b"student_id,assignment,score,max_score,status\r\n"
                                 b"al,01_a,3,3,graded\r\nal,02_b,0,2.5,error\r\nbo,02_b,1.25,2.5,graded\r\n")
    assert os.listdir(tmp_path) == ["grades.csv"]


TASKS = (Task("t<1>", 2.0, "check_corr2d", ("corr2d",), (), ""), Task("t2", 1.0, "", (), (), ""),
         Task("t3", 0.5, "check_relu", ("relu",), (), ""))


def test_a_feedback_page_shows_each_exercise_and_escapes_what_the_learner_wrote():
    graded = Outcome(Submission("ada", Path("ada/01_a.ipynb")), points={"t<1>": 2.0, "t2": 0.0},
                     messages={"t<1>": None, "t2": "needs <b>work</b>"}, notes=["Cell 3: x & y"])
    assert feedback_html(graded, TASKS) == (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>01_a: feedback for ada</title>'
        "<style>body{font-family:sans-serif;max-width:60em;margin:2em auto}td,th{padding:.3em .6em;"
        "border-bottom:1px solid #ccc;text-align:left;vertical-align:top}</style></head><body>"
        "<h1>01_a</h1><p>ada: <strong>2 / 3.5</strong> points</p>"
        "<table><tr><th>Exercise</th><th>Points</th><th>Feedback</th></tr>"
        "<tr><td>t&lt;1&gt;</td><td>2 / 2</td><td>passed</td></tr>"
        "<tr><td>t2</td><td>0 / 1</td><td>needs &lt;b&gt;work&lt;/b&gt;</td></tr>"
        "<tr><td>t3</td><td>0 / 0.5</td><td>not graded</td></tr></table>"
        "<h2>About your notebook</h2><ul><li>Cell 3: x &amp; y</li></ul></body></html>\n")


def test_a_notebook_that_could_not_be_graded_says_why_on_every_row_and_first_in_the_notes():
    failed = Outcome(Submission("eve", Path("eve/01_a.ipynb")), notes=["later"], error="is not a <notebook>")
    page = feedback_html(failed, TASKS[:1])
    assert "<tr><td>t&lt;1&gt;</td><td>0 / 2</td><td>is not a &lt;notebook&gt;</td></tr>" in page
    assert "<ul><li>is not a &lt;notebook&gt;</li><li>later</li></ul>" in page
    assert "<strong>0 / 2</strong>" in page
    quiet = feedback_html(Outcome(Submission("eve", Path("eve/01_a.ipynb")), messages={"t<1>": None}), TASKS[:1])
    assert "About your notebook" not in quiet and quiet.endswith("</table></body></html>\n")


def test_the_feedback_folder_is_rebuilt_and_its_staging_copy_removed(tmp_path):
    feedback = tmp_path / "feedback"
    touch(tmp_path, "feedback/gone/01_a.html", "feedback.new/stale/01_a.html")
    outcomes = [outcome("ada", "01_a", {"t<1>": 2.0}), outcome("bo", "01_a", {})]
    write_feedback(feedback, outcomes, {"01_a": (type("Chapter", (), {"tasks": TASKS})(), {})})
    files = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file())
    assert files == ["feedback/ada/01_a.html", "feedback/bo/01_a.html"]
    assert "<strong>2 / 3.5</strong>" in (feedback / "ada" / "01_a.html").read_text(encoding="utf-8")
