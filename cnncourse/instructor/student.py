"""Learner versions of the chapter notebooks: solutions replaced, hidden tests removed, outputs cleared,
test cells tagged so that Run All runs past a failing check.

``python -m cnncourse.instructor.student notebooks student`` (what ``make student`` runs) writes
``student/NN_name.ipynb`` for every ``notebooks/NN_name.ipynb``. A learner's work is never
overwritten: ``student/.generated.json`` keeps a hash of what was last generated, and a notebook
that no longer matches it was edited, so it is left as it is.
"""

import argparse
import hashlib
import json
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import nbformat

from .nbgrader_course import Course, NbgraderError, chapter_notebooks

RECORD_NAME = ".generated.json"
RAISES_EXCEPTION = "raises-exception"  # JupyterLab runs on past a cell with this tag

CREATED, UPDATED, UNCHANGED, KEPT = "new", "updated", "up to date", "kept"


@dataclass
class StudentNotebooks:
    """What :func:`generate_student_notebooks` did: ``status`` maps each file name to one of
    ``"new"``, ``"updated"``, ``"up to date"`` or ``"kept"`` (edited by the learner, left alone)."""

    target_dir: Path
    status: dict

    def kept(self):
        """File names of the notebooks left as they were because the learner edited them."""
        return [name for name, status in self.status.items() if status == KEPT]

    def summary(self):
        """A few friendly lines for the terminal."""
        lines = [f"Learner notebooks in {self.target_dir}:"]
        for name, status in self.status.items():
            note = "  <- you edited it, so it was left as it is" if status == KEPT else ""
            lines.append(f"  {status:<11} {name}{note}")
        if self.kept():
            lines.append(
                "To get a fresh copy of a kept notebook, delete or rename it "
                "(your work stays in the renamed file), then run `make student` again."
            )
        lines.append("Open them with `make lab`.")
        return "\n".join(lines)


def generate_student_notebooks(source_dir, target_dir):
    """Write the learner version of every chapter notebook of ``source_dir`` into ``target_dir``.

    nbgrader works in a temporary course folder, so nothing but ``target_dir`` is written.
    Returns a :class:`StudentNotebooks` report.
    """
    notebooks = chapter_notebooks(source_dir)
    target = Path(target_dir)
    if target.resolve() == Path(source_dir).resolve():
        raise ValueError(
            f"target_dir must differ from source_dir ({target}): it would overwrite the solutions"
        )
    with tempfile.TemporaryDirectory(prefix="cnncourse-student-") as root:
        released = Course(root).release(notebooks)
        versions = {name: _learner_version(path) for name, path in released.items()}
    return install(versions, target)


def _learner_version(path):
    """The released notebook's bytes, finished for learners: no widget state saved with the source's
    (now cleared) outputs, and every test cell tagged ``raises-exception``, so that a failing check
    does not stop Run All in JupyterLab."""
    nb = nbformat.read(path, as_version=4)
    nb.metadata.pop("widgets", None)
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if cell.cell_type == "code" and meta.get("grade") and not meta.get("solution"):
            tags = cell.metadata.setdefault("tags", [])
            if RAISES_EXCEPTION not in tags:
                tags.append(RAISES_EXCEPTION)
    return nbformat.writes(nb).encode("utf-8")


def install(versions, target_dir):
    """Write ``versions`` (``{file name: notebook bytes}``) into ``target_dir``, sparing edited files."""
    target = Path(target_dir)
    target.mkdir(parents=True, exist_ok=True)
    record = _read_record(target)
    status = {}
    for name, content in versions.items():
        status[name] = _install_one(target / name, content, record)
    _write_record(target, record)
    return StudentNotebooks(target, status)


def _install_one(path, content, record):
    """Write one notebook unless the learner changed it since it was generated; update ``record``."""
    new_hash = _sha256(content)
    if not path.exists():
        status = CREATED
    else:
        current_hash = _sha256(path.read_bytes())
        if current_hash == new_hash:
            record[path.name] = new_hash
            return UNCHANGED
        if current_hash != record.get(path.name):
            return KEPT
        status = UPDATED
    path.write_bytes(content)
    record[path.name] = new_hash
    return status


def _sha256(content):
    return hashlib.sha256(content).hexdigest()


def _read_record(target):
    """``{file name: sha256 of the version last generated}``; empty when there is no usable record.

    Without a record every existing notebook that differs from the new version counts as edited.
    """
    path = target / RECORD_NAME
    try:
        return dict(json.loads(path.read_text(encoding="utf-8"))["sha256"])
    except (OSError, ValueError, KeyError, TypeError):
        return {}


def _write_record(target, record):
    data = {
        "about": "Written by `make student`: a hash of each notebook as last generated. A notebook "
                 "whose hash differs was edited by you and is never overwritten.",
        "sha256": dict(sorted(record.items())),
    }
    (target / RECORD_NAME).write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")


def main(argv=None):
    """Command line: ``python -m cnncourse.instructor.student SOURCE_DIR TARGET_DIR``."""
    parser = argparse.ArgumentParser(description="Generate learner versions of the chapter notebooks.")
    parser.add_argument("source_dir", help="folder of the chapter notebooks with solutions (notebooks)")
    parser.add_argument("target_dir", help="folder for the learner versions (student)")
    args = parser.parse_args(argv)
    try:
        report = generate_student_notebooks(args.source_dir, args.target_dir)
    except (ValueError, NbgraderError) as error:
        sys.exit(f"error: {error}")
    print(report.summary())


if __name__ == "__main__":
    main()
