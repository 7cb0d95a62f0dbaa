"""Learner versions of the chapter notebooks (``make student``).

Solutions and hidden tests are gone, and generating again never overwrites a notebook the learner
edited. (That every untouched exercise reports "not attempted yet" when a learner version runs is
tested where each chapter is executed: tests/test_notebook_runs.py.)
"""

import shutil
import tempfile
from pathlib import Path
from types import SimpleNamespace

import nbformat
import pytest

from cnncourse.instructor.student import RECORD_NAME, generate_student_notebooks, install, main

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS_DIR = ROOT / "notebooks"
NOTEBOOKS = sorted(NOTEBOOKS_DIR.glob("[0-9]*.ipynb"))
FIXTURE = Path(__file__).parent / "fixtures" / "exercise_demo.ipynb"


def nbgrader(cell):
    return cell.metadata.get("nbgrader", {})


def graded_ids(nb):
    return [nbgrader(c)["grade_id"] for c in nb.cells if nbgrader(c).get("grade")]


def files_under(folder):
    """``{relative path: bytes}`` of every file under ``folder``."""
    return {p.relative_to(folder): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    """Learner versions of the course notebooks, made as `make student` makes them: from the root of
    a checkout holding a copy of notebooks/ (a copy, so that no other test or editor writes there
    meanwhile), with temporary files sent to a folder of their own to see that none is left behind."""
    repo, target, scratch = (tmp_path_factory.mktemp(name) for name in ("repo", "student", "tmp"))
    (repo / "notebooks").mkdir()
    for path in NOTEBOOKS:
        shutil.copyfile(path, repo / "notebooks" / path.name)
    before = files_under(repo)
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(repo)
        patch.setattr(tempfile, "tempdir", str(scratch))
        report = generate_student_notebooks(Path("notebooks"), target)
    return SimpleNamespace(target=target, report=report, repo=repo, repo_before=before,
                           repo_after=files_under(repo), temp_left=list(scratch.iterdir()))


def test_every_chapter_gets_a_learner_version(generated):
    names = [path.name for path in NOTEBOOKS]
    assert names, "no chapter notebooks in notebooks/"
    assert generated.report.status == {name: "new" for name in names}
    assert sorted(p.name for p in generated.target.iterdir()) == sorted([RECORD_NAME, *names])


def test_generation_writes_only_into_the_target(generated):
    before, after = generated.repo_before, generated.repo_after
    written = {path for path in before.keys() | after.keys() if before.get(path) != after.get(path)}
    assert not written, f"written into the checkout: {sorted(map(str, written))}"
    assert not generated.temp_left, f"temporary files left behind: {generated.temp_left}"


@pytest.mark.parametrize("source", NOTEBOOKS, ids=lambda p: p.name)
def test_solutions_hidden_tests_and_outputs_are_removed(generated, source):
    original = nbformat.read(source, as_version=4)
    learner = nbformat.read(generated.target / source.name, as_version=4)
    solutions = [c for c in learner.cells if nbgrader(c).get("solution")]
    assert len(solutions) == sum(bool(nbgrader(c).get("solution")) for c in original.cells) > 0
    for cell in solutions:
        assert "### BEGIN SOLUTION" not in cell.source
        assert "raise NotImplementedError()" in cell.source
    for cell in learner.cells:
        assert "HIDDEN TESTS" not in cell.source and "hidden=True" not in cell.source
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None
    assert "widgets" not in learner.metadata
    assert graded_ids(learner) == graded_ids(original)
    tests = [c for c in learner.cells if nbgrader(c).get("grade") and not nbgrader(c).get("solution")]
    assert tests and all("raises-exception" in c.metadata.get("tags", []) for c in tests)
    others = [c for c in learner.cells if c not in tests]
    assert not any("raises-exception" in c.metadata.get("tags", []) for c in others)


def add_markdown_cell(path, text):
    """Append a markdown cell to the notebook at ``path``; return the file's new bytes."""
    nb = nbformat.read(path, as_version=4)
    nb.cells.append(nbformat.v4.new_markdown_cell(text))
    nbformat.write(nb, path)
    return path.read_bytes()


def test_regenerating_updates_untouched_notebooks_and_keeps_edited_ones(tmp_path, capsys):
    source, target = tmp_path / "notebooks", tmp_path / "student"
    source.mkdir()
    for name in ("01_demo.ipynb", "02_demo.ipynb"):
        shutil.copyfile(FIXTURE, source / name)
    main([str(source), str(target)])
    assert capsys.readouterr().out.count(" new ") == 2
    learner_work = add_markdown_cell(target / "01_demo.ipynb", "My notes on cross-correlation.")
    for name in ("01_demo.ipynb", "02_demo.ipynb"):
        add_markdown_cell(source / name, "A paragraph the author added later.")

    main([str(source), str(target)])

    out = capsys.readouterr().out
    assert (target / "01_demo.ipynb").read_bytes() == learner_work
    assert "A paragraph the author added later." in (target / "02_demo.ipynb").read_text()
    assert "updated     02_demo.ipynb" in out
    assert "kept        01_demo.ipynb  <- you edited it, so it was left as it is" in out
    assert "delete or rename it" in out and "make student" in out


def test_install_tells_new_updated_unchanged_and_edited_apart(tmp_path):
    first = {"01_a.ipynb": b"v1", "02_b.ipynb": b"v1", "03_c.ipynb": b"v1"}
    assert set(install(first, tmp_path).status.values()) == {"new"}
    (tmp_path / "03_c.ipynb").write_bytes(b"learner's work")

    report = install({"01_a.ipynb": b"v1", "02_b.ipynb": b"v2", "03_c.ipynb": b"v2",
                      "04_d.ipynb": b"v2"}, tmp_path)

    assert report.status == {"01_a.ipynb": "up to date", "02_b.ipynb": "updated",
                             "03_c.ipynb": "kept", "04_d.ipynb": "new"}
    assert report.kept() == ["03_c.ipynb"]
    assert (tmp_path / "02_b.ipynb").read_bytes() == b"v2"
    assert (tmp_path / "03_c.ipynb").read_bytes() == b"learner's work"


def test_without_a_record_an_existing_different_notebook_counts_as_edited(tmp_path):
    (tmp_path / "01_a.ipynb").write_bytes(b"a learner's own file")
    assert install({"01_a.ipynb": b"v1"}, tmp_path).status == {"01_a.ipynb": "kept"}
    assert (tmp_path / "01_a.ipynb").read_bytes() == b"a learner's own file"


def test_bad_folders_get_clear_errors(tmp_path):
    with pytest.raises(SystemExit, match="source_dir: the folder .*missing does not exist"):
        main([str(tmp_path / "missing"), str(tmp_path / "student")])
    with pytest.raises(SystemExit, match=r"source_dir: no chapter notebooks \(NN_name.ipynb\)"):
        main([str(tmp_path), str(tmp_path / "student")])
    shutil.copyfile(FIXTURE, tmp_path / "01_demo.ipynb")
    with pytest.raises(ValueError, match="target_dir must differ from source_dir"):
        generate_student_notebooks(tmp_path, tmp_path)


def _book_extension():
    """book/_ext/learner_view.py, the Sphinx extension behind what the book lets a learner open."""
    import importlib.util
    spec = importlib.util.spec_from_file_location("learner_view", ROOT / "book" / "_ext" / "learner_view.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _code(nb):
    """Code cells' sources, without the "# YOUR CODE HERE" line nbgrader puts above its stub."""
    import re
    return [re.sub(r"^[ \t]*# YOUR CODE HERE\n", "", "".join(c["source"]), flags=re.M)
            for c in nb["cells"] if c["cell_type"] == "code"]


@pytest.mark.parametrize("source", NOTEBOOKS, ids=lambda p: p.name)
def test_the_books_download_is_the_learner_version(generated, source, tmp_path):
    """The book's "Download source" copy, rewritten after the build, holds the same code as nbgrader's
    learner version: no solution, no hidden test, no output."""
    import json
    extension = _book_extension()
    sources = tmp_path / "_sources" / "chapters"
    sources.mkdir(parents=True)
    shutil.copyfile(generated.repo / "notebooks" / source.name, sources / source.name)  # as generated from
    app = SimpleNamespace(outdir=str(tmp_path), builder=SimpleNamespace(format="html"))
    extension.replace_downloads(app, None)
    downloaded = json.loads((sources / source.name).read_text(encoding="utf-8"))
    learner = json.loads((generated.target / source.name).read_text(encoding="utf-8"))
    assert _code(downloaded) == _code(learner)
    assert all(c.get("outputs", []) == [] for c in downloaded["cells"])
    assert "widgets" not in downloaded["metadata"]


@pytest.mark.parametrize("source", NOTEBOOKS, ids=lambda p: p.name)
def test_book_pages_show_solutions_without_the_markers(source):
    extension = _book_extension()
    for cell in nbformat.read(source, as_version=4).cells:
        if nbgrader(cell).get("solution"):
            shown = extension.without_solution_markers(cell.source)
            assert "BEGIN SOLUTION" not in shown and "END SOLUTION" not in shown
            kept = [line for line in cell.source.splitlines() if "### " not in line]
            assert shown.splitlines() == kept


def test_a_new_gradebook_carries_the_head_of_nbgraders_migrations(tmp_path):
    """The schema revision is read in this process (not from a 2-second ``alembic heads``); it must
    still be the head: the one revision of nbgrader's migration scripts that no other revises."""
    import re
    import sqlite3

    from nbgrader import api

    from cnncourse.instructor.nbgrader_course import Course

    scripts = (Path(api.__file__).with_name("alembic") / "versions").glob("*.py")
    texts = [path.read_text(encoding="utf-8") for path in scripts]
    revisions = {re.search(r"^revision = '(\w+)'", t, re.M).group(1) for t in texts}
    revised = {m.group(1) for t in texts for m in [re.search(r"^down_revision = '(\w+)'", t, re.M)] if m}
    Course(tmp_path)  # from now on nbgrader stamps new gradebooks with our reading
    api.Gradebook(f"sqlite:///{tmp_path / 'gradebook.db'}").close()
    (head,) = revisions - revised
    with sqlite3.connect(tmp_path / "gradebook.db") as db:
        assert db.execute("SELECT version_num FROM alembic_version").fetchall() == [(head,)]
