"""Leave the notebooks' testing markup out of the book's pages.

nbgrader's hidden tests (lines between ``### BEGIN HIDDEN TESTS`` and ``### END HIDDEN TESTS``)
run when a submission is graded, not in the learner's copy, so the book does not show them.
(nbval's markers are cell tags, which the page does not show.)

The notebook is edited as it is read, before myst-nb executes it; the files are not touched.
"""

import json
import re

HIDDEN = re.compile(r"^[ \t]*### BEGIN HIDDEN TESTS.*?^[ \t]*### END HIDDEN TESTS[^\n]*\n?", re.M | re.S)


def strip_test_markup(app, docname, source):
    if not str(app.env.doc2path(docname)).endswith(".ipynb"):
        return
    nb = json.loads(source[0])
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            text = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
            cell["source"] = HIDDEN.sub("", text).rstrip("\n")
    source[0] = json.dumps(nb)


def setup(app):
    app.connect("source-read", strip_test_markup)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
