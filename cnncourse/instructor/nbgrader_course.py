"""A throw-away nbgrader course directory for ``make student``: the one place that knows nbgrader's
layout and traps.

Each chapter notebook ``NN_name.ipynb`` becomes an nbgrader assignment named ``NN_name`` holding
that one notebook; ``generate_assignment`` (run with ``force``: nbgrader otherwise skips work it
believes done) replaces the solutions with ``raise NotImplementedError()`` and removes the hidden
tests. Grading does not use nbgrader: see :mod:`cnncourse.instructor.grade`.
"""

import logging
import os
import shutil
import sys
from contextlib import contextmanager
from pathlib import Path

# nbgrader (and with it alembic, SQLAlchemy and Jupyter's server) is imported where a course folder
# is made, not here: chapter_notebooks, which the grader uses, needs none of it, and importing it
# takes a second or two.

CHAPTER_PATTERN = "[0-9]*.ipynb"

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


def gradebook_schema_version():
    """The schema revision nbgrader stamps on a new gradebook, read from its migration scripts.

    nbgrader asks a new ``alembic`` process for it (``alembic heads``, about 2 s: Python, SQLAlchemy
    and alembic start again) every time it creates a gradebook; read in this process it takes
    milliseconds. :class:`Course` makes nbgrader use this function."""
    from alembic.script import ScriptDirectory
    from nbgrader import api as nbgrader_api

    return ScriptDirectory(str(Path(nbgrader_api.__file__).with_name("alembic"))).get_current_head()


def put_interpreter_bin_on_path():
    """Put the running Python's ``bin`` folder first on PATH: nbgrader shells out to ``alembic``."""
    bin_dir = os.path.dirname(sys.executable)
    path = os.environ.get("PATH", "")
    if path.split(os.pathsep)[0] != bin_dir:
        os.environ["PATH"] = bin_dir + os.pathsep + path


class Course:
    """An nbgrader course directory at ``root``, one assignment per chapter notebook."""

    def __init__(self, root):
        from nbgrader import api as nbgrader_api
        from traitlets.config import Config

        put_interpreter_bin_on_path()
        nbgrader_api.get_alembic_version = gradebook_schema_version
        self.root = Path(root)
        self.config = Config()
        self.config.CourseDirectory.root = str(self.root)

    def release(self, notebooks):
        """Generate the learner version of each notebook; return ``{file name: released path}``."""
        from nbgrader.converters import GenerateAssignment

        released = {}
        for notebook in notebooks:
            chapter = notebook.stem
            source = self.root / "source" / chapter / notebook.name
            source.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(notebook, source)
            self._run(GenerateAssignment, chapter)
            released[notebook.name] = self.root / "release" / chapter / notebook.name
        return released

    def _run(self, converter_class, chapter):
        """Run one nbgrader step on one assignment, forced, its log captured."""
        from nbgrader.converters.base import NbGraderException
        from nbgrader.coursedir import CourseDirectory

        coursedir = CourseDirectory(config=self.config, assignment_id=chapter)
        converter = converter_class(coursedir=coursedir, config=self.config, log=_LOG)
        converter.force = True
        with _captured_errors() as errors:
            try:
                converter.start()
            except NbGraderException:
                raise NbgraderError(converter_class.__name__, chapter, errors) from None


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
