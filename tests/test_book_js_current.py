"""The book's widgets run the package's current JavaScript (book/_ext/current_widget_js.py).

A notebook saves each anywidget's ES module (``_esm``) as it was when the notebook ran; the book
build replaces it by the module the widget's class builds from ``cnncourse/widgets/js`` now. So a
notebook whose saved modules are stale is fine for the book. (In JupyterLab and under nbval the
cells run again, and each widget sends the package's current module then.)
"""

import importlib
import importlib.util
import inspect
import json
import pkgutil
import sys
from pathlib import Path
from types import SimpleNamespace

import anywidget
import functools

import pytest
from bs4 import BeautifulSoup
from sphinx.errors import ExtensionError

import cnncourse.widgets

ROOT = Path(__file__).resolve().parents[1]
STATE_TYPE = "application/vnd.jupyter.widget-state+json"
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9]*.ipynb"))


@functools.cache
def package_modules():
    """{"module.Class": its ES module} for every anywidget class of cnncourse.widgets, as the package
    builds them now."""
    modules = {}
    for info in pkgutil.iter_modules(cnncourse.widgets.__path__, "cnncourse.widgets."):
        for name, cls in inspect.getmembers(importlib.import_module(info.name), inspect.isclass):
            if issubclass(cls, anywidget.AnyWidget) and cls.__module__ == info.name:
                modules[f"{info.name}.{name}"] = str(cls._esm)
    return modules


def anywidgets(state):
    """[(class id, saved ES module)] of the anywidget models in a saved widget state."""
    return sorted((m["state"]["_anywidget_id"], m["state"]["_esm"])
                  for m in state["state"].values() if m["model_module"] == "anywidget")


def page_state(html, notebook):
    soup = BeautifulSoup((html / "chapters" / f"{notebook.stem}.html").read_text(encoding="utf-8"), "html.parser")
    tag = soup.find("script", type=STATE_TYPE)
    return json.loads(tag.string) if tag else {"state": {}}


def extension():
    """book/_ext/current_widget_js.py, loaded without writing a __pycache__ into book/."""
    spec = importlib.util.spec_from_file_location("current_widget_js", ROOT / "book" / "_ext" / "current_widget_js.py")
    module = importlib.util.module_from_spec(spec)
    saved, sys.dont_write_bytecode = sys.dont_write_bytecode, True
    try:
        spec.loader.exec_module(module)
    finally:
        sys.dont_write_bytecode = saved
    return module


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.name)
def test_every_book_widget_carries_the_packages_javascript(book_build, notebook):
    current = package_modules()
    saved = json.loads(notebook.read_text(encoding="utf-8"))["metadata"]["widgets"][STATE_TYPE]
    shown = anywidgets(page_state(book_build.html, notebook))
    assert [name for name, _ in shown] == [name for name, _ in anywidgets(saved)], "the page lost a widget"
    assert shown, f"{notebook.name} shows no anywidget"
    for name, esm in shown:
        assert name in current, f"{name} is not a widget class of cnncourse.widgets"
        assert esm == current[name], (f"{notebook.name}: {name}'s JavaScript in the book differs from "
                                      "cnncourse/widgets/js; rebuild the book")


def fake_app(docname_path, dependencies):
    env = SimpleNamespace(doc2path=lambda docname: docname_path, note_dependency=dependencies.append)
    return SimpleNamespace(env=env)


def test_a_stale_saved_module_is_replaced_as_the_notebook_is_read():
    """A notebook saved with an old script (or none of the package's) reaches the page with the current one,
    and the page depends on the widget scripts, so Sphinx reads it again when one changes."""
    module = extension()
    notebook = json.loads(NOTEBOOKS[0].read_text(encoding="utf-8"))
    models = notebook["metadata"]["widgets"][STATE_TYPE]["state"]
    for model in models.values():
        if model["model_module"] == "anywidget":
            model["state"]["_esm"] = "export default { render() {} }; // stale"
    source, dependencies = [json.dumps(notebook)], []
    module.inject_current_js(fake_app("chapters/x.ipynb", dependencies), "chapters/x", source)
    read = anywidgets(json.loads(source[0])["metadata"]["widgets"][STATE_TYPE])
    current = package_modules()
    assert read and all(esm == current[name] for name, esm in read)
    js = ROOT / "cnncourse" / "widgets" / "js"
    assert {Path(d).resolve() for d in dependencies} == {p.resolve() for p in js.glob("*.js")}


def test_pages_without_widgets_and_other_files_are_left_alone():
    module = extension()
    plain = json.dumps({"cells": [], "metadata": {}})
    source, dependencies = [plain], []
    module.inject_current_js(fake_app("chapters/x.ipynb", dependencies), "chapters/x", source)
    assert source == [plain] and dependencies == []
    source = ["# a markdown page"]
    module.inject_current_js(fake_app("intro.md", dependencies), "intro", source)
    assert source == ["# a markdown page"]


def test_a_saved_widget_whose_class_is_gone_fails_the_build():
    module = extension()
    state = {"model_module": "anywidget", "state": {"_anywidget_id": "cnncourse.widgets.kernel_explorer.Gone"}}
    notebook = {"cells": [], "metadata": {"widgets": {STATE_TYPE: {"state": {"m": state}}}}}
    with pytest.raises(ExtensionError, match="Gone"):
        module.inject_current_js(fake_app("chapters/x.ipynb", []), "chapters/x", [json.dumps(notebook)])
