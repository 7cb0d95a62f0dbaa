"""The book's widgets run the package's current JavaScript, not the copy a notebook saved.

A notebook's saved widget state holds each anywidget's view as it was when the notebook was
executed (``_esm``). As a notebook is read, every anywidget's ``_esm`` is replaced by the ES module
its class builds now from ``cnncourse/widgets/js`` (``_anywidget_id`` names the class), so a changed
widget script reaches the page with ``make book`` alone. The scripts are recorded as the page's
dependencies: changing one makes Sphinx read the notebook again. The files are not touched.
"""

import importlib
import json
from pathlib import Path

from sphinx.errors import ExtensionError

STATE_TYPE = "application/vnd.jupyter.widget-state+json"
JS = Path(__file__).resolve().parents[2] / "cnncourse" / "widgets" / "js"


def current_esm(anywidget_id):
    """The ES module that the widget class ``module.Class`` builds from the package now."""
    module, _, name = anywidget_id.rpartition(".")
    try:
        widget = getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError, ValueError) as error:
        raise ExtensionError(f"current_widget_js: no widget class {anywidget_id!r} ({error})") from error
    if getattr(widget, "_esm", None) is None:
        raise ExtensionError(f"current_widget_js: {anywidget_id} has no ES module (_esm)")
    return str(widget._esm)  # as anywidget puts it in the state (a file: its text)


def inject_current_js(app, docname, source):
    path = app.env.doc2path(docname)
    if not str(path).endswith(".ipynb"):
        return
    nb = json.loads(source[0])
    models = nb.get("metadata", {}).get("widgets", {}).get(STATE_TYPE, {}).get("state", {})
    live = [m["state"] for m in models.values() if m.get("model_module") == "anywidget"]
    for state in live:
        if "_anywidget_id" not in state:
            raise ExtensionError(f"current_widget_js: {path}: an anywidget's saved state names no class")
        state["_esm"] = current_esm(state["_anywidget_id"])
    if live:
        for script in sorted(JS.glob("*.js")):
            app.env.note_dependency(str(script))
        source[0] = json.dumps(nb)


def setup(app):
    app.connect("source-read", inject_current_js)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
