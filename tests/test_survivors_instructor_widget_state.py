"""The widget state a learner's notebook is saved with (cnncourse/instructor/widget_state.py): exactly
the widgets its outputs show and those they refer to, each from the newest state that has it, on
small hand-made notebooks."""

import json
import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import cnncourse

from cnncourse.instructor.widget_state import STATE, VIEW, pre_save_hook, referenced_models, shown_widget_state


def shows(*model_ids):
    return {"cell_type": "code", "outputs": [{"output_type": "display_data",
                                              "data": {VIEW: {"model_id": m, "version_major": 2}}}
                                             for m in model_ids]}


def notebook(cells, models=None, **versions):
    nb = {"cells": cells, "metadata": {}}
    if models is not None:
        nb["metadata"]["widgets"] = {STATE: {**versions, "state": models}}
    return nb


def test_references_are_found_in_views_and_ipy_model_strings_at_any_depth():
    value = {"a": [{VIEW: {"model_id": "v1"}}, "IPY_MODEL_m2", ["x", {"deep": ("IPY_MODEL_no",)}]],
             "b": {VIEW: {"other": 1}}, "c": "not IPY_MODEL_m3", "d": {VIEW: "v9"}, "IPY_MODEL_key": 1}
    assert referenced_models(value) == {"v1", "m2"}


def test_only_shown_widgets_and_what_they_refer_to_are_kept():
    models = {"box": {"state": {"children": ["IPY_MODEL_slider", "IPY_MODEL_gone"]}},
              "slider": {"state": {"layout": "IPY_MODEL_layout"}}, "layout": {"state": {}},
              "old": {"state": {"children": ["IPY_MODEL_layout"]}}}
    nb = notebook([shows("box"), {"cell_type": "markdown"}], models, version_major=2, version_minor=1)
    assert shown_widget_state(nb) == {"version_major": 2, "version_minor": 1,
                                      "state": {k: models[k] for k in ("box", "slider", "layout")}}


def test_the_notebook_s_own_state_wins_and_the_file_on_disk_fills_the_rest():
    own = notebook([shows("a", "b")], {"a": {"state": {"value": "new"}}})
    on_disk = notebook([], {"a": {"state": {"value": "old"}}, "b": {"state": {"value": 1}}},
                       version_major=3, version_minor=5)
    assert shown_widget_state(own, on_disk) == {"version_major": 2, "version_minor": 0,
                                                "state": {"a": {"state": {"value": "new"}},
                                                          "b": {"state": {"value": 1}}}}
    reloaded = notebook([shows("a", "b")])  # after a reload: no kernel, so no state of its own
    assert shown_widget_state(reloaded, on_disk)["version_major"] == 3
    assert set(shown_widget_state(reloaded, on_disk)["state"]) == {"a", "b"}


def test_without_any_saved_state_there_is_nothing_to_save():
    assert shown_widget_state(notebook([shows("a")])) is None
    assert shown_widget_state(notebook([shows("a")]), {"metadata": {"widgets": []}}) is None
    assert shown_widget_state({"cells": [shows("a")], "metadata": {"widgets": {STATE: []}}}) is None
    assert shown_widget_state(notebook([shows("a")], None) | {"metadata": {"widgets": {STATE: {}}}}) == {
        "version_major": 2, "version_minor": 0, "state": {}}
    assert shown_widget_state({"metadata": {"widgets": {STATE: {"state": {"a": {}}}}}}) == {
        "version_major": 2, "version_minor": 0, "state": {}}  # no cells at all: nothing shown


def manager(tmp_path):
    return SimpleNamespace(_get_os_path=lambda path: str(tmp_path / path))


def test_the_save_hook_keeps_the_shown_widgets_from_the_file_on_disk(tmp_path):
    (tmp_path / "n.ipynb").write_text(json.dumps(notebook([], {"a": {"state": {"v": 1}}, "z": {}})))
    model = {"type": "notebook", "content": notebook([shows("a")])}
    pre_save_hook(model, "n.ipynb", manager(tmp_path))
    assert model["content"]["metadata"]["widgets"] == {STATE: {"version_major": 2, "version_minor": 0,
                                                               "state": {"a": {"state": {"v": 1}}}}}


def test_the_save_hook_leaves_other_files_and_unreadable_old_copies_alone(tmp_path):
    (tmp_path / "bad.ipynb").write_text("{not json")
    model = {"type": "notebook", "content": notebook([shows("a")], {"a": {}})}
    pre_save_hook(model, "bad.ipynb", manager(tmp_path))
    assert model["content"]["metadata"]["widgets"][STATE]["state"] == {"a": {}}
    (tmp_path / "list.ipynb").write_text("[1]")
    model = {"type": "notebook", "content": {"cells": [shows("a")]}}
    pre_save_hook(model, "list.ipynb", manager(tmp_path))
    assert "metadata" not in model["content"]
    (tmp_path / "dir.ipynb").mkdir()
    pre_save_hook(model, "dir.ipynb", manager(tmp_path))
    assert "metadata" not in model["content"]
    text = {"type": "file", "content": notebook([shows("a")], {"a": {}})}
    pre_save_hook(text, "f.txt", manager(tmp_path))
    assert text["content"]["metadata"]["widgets"][STATE] == {"state": {"a": {}}}
    odd = {"type": "notebook", "content": "raw"}
    pre_save_hook(odd, "f.ipynb", manager(tmp_path))
    assert odd["content"] == "raw"


def test_the_save_hook_gives_a_notebook_without_metadata_the_state_from_disk(tmp_path):
    (tmp_path / "n.ipynb").write_text(json.dumps(notebook([], {"a": {"state": {"v": 1}}})))
    model = {"type": "notebook", "content": {"cells": [shows("a")]}}
    pre_save_hook(model, "n.ipynb", manager(tmp_path))
    assert model["content"]["metadata"] == {"widgets": {STATE: {"version_major": 2, "version_minor": 0,
                                                                "state": {"a": {"state": {"v": 1}}}}}}


READ_IN_ASCII_LOCALE = """
import json, sys
from types import SimpleNamespace
from cnncourse.instructor.widget_state import pre_save_hook
model = {"type": "notebook", "content": {"cells": json.loads(sys.argv[2]), "metadata": {}}}
pre_save_hook(model, "n.ipynb", SimpleNamespace(_get_os_path=lambda path: sys.argv[1]))
print(json.dumps(model["content"]["metadata"]))
"""


def test_the_file_on_disk_is_read_as_utf_8_whatever_the_locale(tmp_path):
    """A label with an accent, saved by Jupyter in UTF-8, read back where the locale is ASCII."""
    path = tmp_path / "n.ipynb"
    path.write_text(json.dumps(notebook([], {"a": {"state": {"description": "Größe"}}}), ensure_ascii=False),
                    encoding="utf-8")
    env = {**os.environ, "LC_ALL": "C", "PYTHONCOERCECLOCALE": "0", "PYTHONUTF8": "0",
           "PYTHONPATH": str(Path(cnncourse.__file__).resolve().parents[1])}
    out = subprocess.run([sys.executable, "-c", READ_IN_ASCII_LOCALE, str(path), json.dumps([shows("a")])],
                         capture_output=True, text=True, env=env, check=True).stdout
    assert json.loads(out)["widgets"][STATE]["state"] == {"a": {"state": {"description": "Größe"}}}
