"""A throw-away nbgrader course directory: the one place that knows nbgrader's layout and traps.

Each chapter notebook ``NN_name.ipynb`` becomes an nbgrader assignment named ``NN_name`` holding
that one notebook, so grades come out per learner and per chapter. Every step runs with
``force`` (nbgrader otherwise skips work it believes done), a locked test cell a learner edited
or deleted is restored before grading, and feedback never shows the hidden tests: neither in the
test cells (nbgrader's ClearHiddenTests) nor in the error tracebacks, which quote the failing
cell's source (:class:`ClearHiddenTestsFromTracebacks`).
"""

import logging
import os
import re
import shutil
import sys
import warnings
from contextlib import contextmanager
from pathlib import Path

from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor
from nbformat.warnings import MissingIDFieldWarning
from nbgrader.api import Gradebook
from nbgrader.converters import Autograde, GenerateAssignment, GenerateFeedback
from nbgrader.converters.base import NbGraderException
from nbgrader.coursedir import CourseDirectory
from nbgrader.plugins.export import CsvExportPlugin
from nbgrader.preprocessors import ClearHiddenTests, GetGrades, NbGraderPreprocessor
from sqlalchemy.exc import SAWarning
from traitlets.config import Config

CHAPTER_PATTERN = "[0-9]*.ipynb"
DEFAULT_TIMEOUT = 60  # seconds a cell may run while grading
HIDDEN_BEGIN, HIDDEN_END = "BEGIN HIDDEN TESTS", "END HIDDEN TESTS"  # nbgrader's default markers
_ANSI_CODE = re.compile(r"\x1b\[[0-9;]*m")

# nbgrader logs a lot, including a "checksum changed" warning for every submitted test cell (the
# hidden tests restored into it); keep it out of the terminal and report errors ourselves.
_LOG = logging.getLogger("cnncourse.instructor.nbgrader")
_LOG.propagate = False
_LOG.setLevel(logging.ERROR)
_LOG.addHandler(logging.NullHandler())


class NbgraderError(RuntimeError):
    """An nbgrader step failed. ``reason``: one line saying why; the message adds nbgrader's log."""

    def __init__(self, step, chapter, messages):
        self.reason = _reason(messages)
        super().__init__(f"nbgrader {step} of {chapter} failed: {self.reason}\n" + "\n".join(messages))


def _reason(messages):
    """The exception line of the first traceback nbgrader logged, else its first error message."""
    for message in messages:
        if "Traceback (most recent call last)" in message:
            return [line for line in message.splitlines() if line.strip()][-1]
    return messages[0] if messages else "nbgrader logged no details"


def chapter_notebooks(source_dir):
    """The chapter notebooks ``NN_name.ipynb`` of ``source_dir``, sorted by name."""
    source = Path(source_dir)
    if not source.is_dir():
        raise ValueError(f"source_dir: the folder {source} does not exist")
    notebooks = sorted(source.glob(CHAPTER_PATTERN))
    if not notebooks:
        raise ValueError(f"source_dir: no chapter notebooks (NN_name.ipynb) in {source}")
    return notebooks


def put_interpreter_bin_on_path():
    """Put the running Python's ``bin`` folder first on PATH: nbgrader shells out to ``alembic``."""
    bin_dir = os.path.dirname(sys.executable)
    path = os.environ.get("PATH", "")
    if path.split(os.pathsep)[0] != bin_dir:
        os.environ["PATH"] = bin_dir + os.pathsep + path


class Course:
    """An nbgrader course directory at ``root``, one assignment per chapter notebook.

    timeout: seconds one cell may run while grading before it is interrupted (an infinite loop
    then fails its own test cell, and grading goes on with the next cell).
    """

    def __init__(self, root, timeout=DEFAULT_TIMEOUT):
        if isinstance(timeout, bool) or not isinstance(timeout, int):
            raise TypeError(f"timeout must be an int number of seconds, got {timeout!r}")
        if timeout < 1:
            raise ValueError(f"timeout must be at least 1 second, got {timeout}")
        put_interpreter_bin_on_path()
        self.root = Path(root)
        self.config = _grading_config(self.root, timeout)

    def release(self, notebooks):
        """Generate the learner version of each notebook; return ``{file name: released path}``."""
        released = {}
        for notebook in notebooks:
            chapter = notebook.stem
            source = self.root / "source" / chapter / notebook.name
            source.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(notebook, source)
            self._run(GenerateAssignment, chapter)
            released[notebook.name] = self.root / "release" / chapter / notebook.name
        return released

    def submit(self, student_id, notebook):
        """Place a learner's ``notebook`` (named like its chapter) where autograde looks for it."""
        target = self.root / "submitted" / student_id / notebook.stem / notebook.name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(notebook, target)

    def autograde(self, chapter, student_id):
        """Restore the locked test cells of one submission, execute it and record its grades."""
        with warnings.catch_warnings():
            # nbgrader 0.9.6 adds a submission to the gradebook in a way SQLAlchemy warns about.
            warnings.filterwarnings("ignore", message=".* not in session", category=SAWarning)
            # ... and restores a deleted test cell without a cell id, which nbformat warns about.
            warnings.filterwarnings("ignore", category=MissingIDFieldWarning)
            self._run(Autograde, chapter, student_id)

    def generate_feedback(self, chapter, student_id):
        """Write the HTML feedback on one graded submission, hidden tests left out."""
        self._run(GenerateFeedback, chapter, student_id)

    def feedback_path(self, chapter, student_id):
        """Where :meth:`generate_feedback` wrote one learner's feedback on one chapter."""
        return self.root / "feedback" / student_id / chapter / f"{chapter}.html"

    def export_csv(self, path):
        """nbgrader's CSV of grades: one row per learner and chapter (0 where nothing was handed in)."""
        with self._gradebook() as gradebook:
            CsvExportPlugin(to=str(path), log=_LOG).export(gradebook)

    def max_scores(self):
        """``{chapter: points available}``."""
        with self._gradebook() as gradebook:
            return {a.name: a.max_score for a in gradebook.assignments}

    def score(self, chapter, student_id):
        """Points one learner scored on one chapter (after :meth:`autograde`)."""
        with self._gradebook() as gradebook:
            return gradebook.find_submission(chapter, student_id).score

    def _coursedir(self, chapter="", student_id="*"):
        return CourseDirectory(config=self.config, assignment_id=chapter, student_id=student_id)

    def _gradebook(self):
        coursedir = self._coursedir()
        return Gradebook(coursedir.db_url, coursedir.course_id)

    def _run(self, converter_class, chapter, student_id="*"):
        """Run one nbgrader step on one assignment (and learner), forced, its log captured."""
        coursedir = self._coursedir(chapter, student_id)
        converter = converter_class(coursedir=coursedir, config=self.config, log=_LOG)
        converter.force = True
        with _captured_errors() as errors:
            try:
                converter.start()
            except NbGraderException:
                raise NbgraderError(converter_class.__name__, chapter, errors) from None


def _grading_config(root, timeout):
    """nbgrader settings: where the course lives, the cell timeout, and the fixes for its traps."""
    config = Config()
    config.CourseDirectory.root = str(root)
    config.Execute.timeout = timeout
    config.Execute.extra_arguments = ["--IPKernelApp.log_level=ERROR"]  # the kernel's TCP warning
    config.OverwriteCells.add_missing_cells = True  # a deleted test cell would otherwise score 0
    config.GenerateFeedback.preprocessors = [
        GetGrades, ClearHiddenTestsFromTracebacks, ClearHiddenTests, CSSHTMLHeaderPreprocessor
    ]
    return config


class ClearHiddenTestsFromTracebacks(NbGraderPreprocessor):
    """Drop the lines of hidden tests that error tracebacks quote (IPython shows the failing source).

    Runs before nbgrader's ClearHiddenTests, while the hidden regions are still in the cells.
    """

    def preprocess(self, nb, resources):
        hidden = {line.strip() for cell in nb.cells for line in _hidden_lines(cell.source)} - {""}
        for cell in nb.cells:
            for output in cell.get("outputs", []):
                if output.output_type == "error":
                    output.traceback = [_drop_lines_quoting(entry, hidden) for entry in output.traceback]
        return nb, resources


def _hidden_lines(source):
    """The lines of the hidden-test regions of a cell's source, markers included."""
    lines, inside = [], False
    for line in source.splitlines():
        inside = inside or HIDDEN_BEGIN in line
        if inside:
            lines.append(line)
        inside = inside and HIDDEN_END not in line
    return lines


def _drop_lines_quoting(text, hidden):
    """``text`` without the lines that, colours removed, contain one of the ``hidden`` lines."""
    kept = [line for line in text.split("\n")
            if not any(h in _ANSI_CODE.sub("", line) for h in hidden)]
    return "\n".join(kept)


class _ErrorCollector(logging.Handler):
    """Keeps the text of every ERROR record in ``messages``."""

    def __init__(self):
        super().__init__(level=logging.ERROR)
        self.messages = []

    def emit(self, record):
        self.messages.append(record.getMessage())


@contextmanager
def _captured_errors():
    """Collect the messages nbgrader logs at ERROR level while the block runs."""
    collector = _ErrorCollector()
    _LOG.addHandler(collector)
    try:
        yield collector.messages
    finally:
        _LOG.removeHandler(collector)
