"""Leave nbgrader's hidden tests out of the book's pages.

A graded test cell may hold lines between ``### BEGIN HIDDEN TESTS`` and ``### END HIDDEN
TESTS``: they run when a submission is graded, not in the learner's copy, so the book does
not show them either. The notebook is edited as it is read, before myst-nb executes it.
"""

import json
import re

HIDDEN = re.compile(r"^[ \t]*### BEGIN HIDDEN TESTS.*?^[ \t]*### END HIDDEN TESTS[^\n]*\n?", re.M | re.S)


def strip_hidden_tests(app, docname, source):
    if not str(app.env.doc2path(docname)).endswith(".ipynb"):
        return
    nb = json.loads(source[0])
    for cell in nb["cells"]:
        text = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        if cell["cell_type"] == "code" and "### BEGIN HIDDEN TESTS" in text:
            cell["source"] = HIDDEN.sub("", text).rstrip("\n")
    source[0] = json.dumps(nb)


def setup(app):
    app.connect("source-read", strip_hidden_tests)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
