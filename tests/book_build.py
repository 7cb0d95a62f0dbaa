"""One book build for the whole test session, shared by every test module and xdist worker.

``book_build`` (a session fixture; import it into a test module) builds the book once with
``python -m tools.build_book --output DIR`` into a folder all workers of the run share, under
a file lock, and returns a :class:`BookBuild`: the html folder, and what git and the file
system said about book/ and notebooks/ before and after the build (the build must not touch them).

While working on the book, ``CNNCOURSE_BOOK=DIR`` makes the tests use a build you made with
``python -m tools.build_book --output DIR`` instead (``before`` and ``after`` are then None).
"""

import fcntl
import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class BookBuild:
    html: Path      # the built site: html/index.html, html/chapters/*.html
    before: list    # snapshot() before the build, as [git status, {path: [size, mtime]}]; or None
    after: list     # the same, after it


def snapshot():
    """What a book build must not touch: git's view of book/ and notebooks/, and their files."""
    status = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=all", "--", "book", "notebooks"],
        cwd=ROOT, capture_output=True, text=True, check=True,
    ).stdout
    files = {
        str(path.relative_to(ROOT)): [path.stat().st_size, path.stat().st_mtime_ns]
        for path in [*(ROOT / "book").rglob("*"), *(ROOT / "notebooks").glob("*.ipynb")]
        if path.is_file()
    }
    return [status, files]


def build_once(folder):
    """Build into ``folder`` unless a finished build is there; return its :class:`BookBuild`."""
    folder.mkdir(parents=True, exist_ok=True)
    record = folder / "build.json"
    with open(folder / "build.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # the other workers wait here for the one building
        if not record.exists():
            before = snapshot()
            result = subprocess.run(
                [sys.executable, "-m", "tools.build_book", "--output", str(folder)],
                cwd=ROOT, capture_output=True, text=True,
                # importing book/_ext would otherwise write a __pycache__ folder into book/
                env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
            )
            if result.returncode != 0:
                pytest.fail(f"book build failed:\n{result.stdout[-6000:]}\n{result.stderr[-6000:]}")
            record.write_text(json.dumps({"before": before, "after": snapshot()}))
    saved = json.loads(record.read_text())
    return BookBuild(folder / "_build" / "html", saved["before"], saved["after"])


@pytest.fixture(scope="session")
def book_build(tmp_path_factory, worker_id):
    """The book, built once per test run (shared by pytest-xdist workers)."""
    if os.environ.get("CNNCOURSE_BOOK"):
        return BookBuild(Path(os.environ["CNNCOURSE_BOOK"]) / "_build" / "html", None, None)
    base = tmp_path_factory.getbasetemp()
    shared = base.parent if worker_id != "master" else base  # the run's folder, above the workers'
    return build_once(shared / "book")
