"""What a learner can open in the book holds no instructor material.

- Pages: the folded solutions are shown without nbgrader's ``### BEGIN SOLUTION`` and
  ``### END SOLUTION`` marker lines (the notebook is edited as it is read; files are untouched).
- "Download source": Sphinx copies each page's notebook into ``_sources/``, and the download
  button links to that copy. After the build every such copy is replaced by the learner's version:
  each solution region becomes ``raise NotImplementedError()``, hidden tests are dropped, outputs
  and saved widget state are cleared, as in ``make student``.
"""

import json
import re
from pathlib import Path

MARKER = re.compile(r"^[ \t]*### (BEGIN|END) SOLUTION[^\n]*\n?", re.M)
SOLUTION = re.compile(r"^([ \t]*)### BEGIN SOLUTION.*?^[ \t]*### END SOLUTION[^\n]*", re.M | re.S)
HIDDEN = re.compile(r"^[ \t]*### BEGIN HIDDEN TESTS.*?^[ \t]*### END HIDDEN TESTS[^\n]*\n?", re.M | re.S)


def _text(source):
    return "".join(source) if isinstance(source, list) else source


def without_solution_markers(source):
    """A code cell's source with the solution marker lines removed, the solution kept."""
    return MARKER.sub("", source)


def learner_notebook(nb):
    """The learner's version of a notebook (a dict as read from JSON): solutions replaced by
    ``raise NotImplementedError()``, hidden tests removed, outputs and widget state cleared."""
    nb.get("metadata", {}).pop("widgets", None)
    for cell in nb["cells"]:
        if cell["cell_type"] != "code":
            continue
        source = SOLUTION.sub(lambda m: f"{m.group(1)}raise NotImplementedError()", _text(cell["source"]))
        cell["source"] = HIDDEN.sub("", source).rstrip("\n")
        cell["outputs"], cell["execution_count"] = [], None
    return nb


def strip_markers(app, docname, source):
    if not str(app.env.doc2path(docname)).endswith(".ipynb"):
        return
    nb = json.loads(source[0])
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            cell["source"] = without_solution_markers(_text(cell["source"]))
    source[0] = json.dumps(nb)


def replace_downloads(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    for path in sorted(Path(app.outdir, "_sources").rglob("*")):
        if path.name.endswith((".ipynb", ".ipynb.txt")) and path.is_file():
            nb = learner_notebook(json.loads(path.read_text(encoding="utf-8")))
            path.unlink()  # a fresh file, never written through a link
            path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def setup(app):
    app.connect("source-read", strip_markers)
    app.connect("build-finished", replace_downloads)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
