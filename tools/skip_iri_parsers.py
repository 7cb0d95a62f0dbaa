"""Spare every process of the venv jsonschema's IRI parsers: ``python -m tools.skip_iri_parsers``
(``make venv`` runs it) writes a one-line ``.pth`` file into the venv's site-packages.

jsonschema, which nbformat imports, builds some thirty Earley parsers for the IRI formats when the
optional ``rfc3987_syntax`` is installed (Jupyter's packages pull it in): 1.3 s in every process
that reads a notebook, before it does anything: a test worker, ``jupyter-book``, JupyterLab's
server, nbgrader on a hub. Nothing in the course validates an IRI, so the line tells jsonschema
the module is absent, and it leaves those two formats unchecked. Python runs a ``.pth`` line that
starts with ``import`` at every start-up of the venv's interpreter (``python -I`` included).
"""

import site
import sys
from pathlib import Path

NAME = "cnncourse_skip_iri_parsers.pth"
LINE = 'import sys; sys.modules.setdefault("rfc3987_syntax", None)\n'


def install(folder=None):
    """Write the ``.pth`` file into ``folder`` (default: this interpreter's site-packages); return its path."""
    folder = Path(folder) if folder is not None else Path(site.getsitepackages()[0])
    if not folder.is_dir():
        raise ValueError(f"folder must be an existing directory, got {str(folder)!r}")
    path = folder / NAME
    path.write_text(LINE)
    return path


if __name__ == "__main__":
    if sys.prefix == sys.base_prefix:
        sys.exit("skip_iri_parsers: run it with the venv's python (.venv/bin/python), not the system's")
    print(f"skip_iri_parsers: wrote {install()}")
