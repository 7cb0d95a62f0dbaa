"""The widget state a learner's notebook keeps when ``make lab`` saves it.

JupyterLab's widget manager (setting ``saveState``, on in ``tools/lab_config``) writes the state of
the widgets *its kernel still holds* into ``metadata.widgets``. Two things go wrong with that alone:

- after a reload the widgets are drawn from the saved state, with no kernel behind them, so the
  next save (autosave included) writes an empty state and the reload after it shows
  "Error displaying widget: model not found";
- every re-run of a cell leaves the old widget in the kernel, so its state piles up in the file.

:func:`pre_save_hook` (the server's ``ContentsManager.pre_save_hook`` in ``tools/lab_config``)
saves exactly the widgets the outputs show, and the widgets those refer to: each from the state
being saved when it is there, else from the file on disk.
"""

import json
import os

STATE = "application/vnd.jupyter.widget-state+json"
VIEW = "application/vnd.jupyter.widget-view+json"
REFERENCE = "IPY_MODEL_"  # how a widget's state names another widget


def referenced_models(value):
    """Model ids that ``value`` (outputs, or a widget's state: nested dicts and lists) shows or names."""
    found = set()
    if isinstance(value, dict):
        if isinstance(value.get(VIEW), dict) and "model_id" in value[VIEW]:
            found.add(value[VIEW]["model_id"])
        for item in value.values():
            found |= referenced_models(item)
    elif isinstance(value, list):
        for item in value:
            found |= referenced_models(item)
    elif isinstance(value, str) and value.startswith(REFERENCE):
        found.add(value[len(REFERENCE):])
    return found


def saved_state(notebook):
    """The widget state saved in ``notebook`` (a dict in nbformat 4), or None."""
    widgets = notebook.get("metadata", {}).get("widgets")
    state = widgets.get(STATE) if isinstance(widgets, dict) else None
    return state if isinstance(state, dict) else None


def shown_widget_state(notebook, previous=None):
    """The widget state (``metadata.widgets[STATE]``) that ``notebook`` should be saved with.

    Keeps the models its outputs show and, transitively, the models those refer to; each model's
    state comes from ``notebook``'s own widget state, else from ``previous`` (the notebook as last
    saved), else it is left out. Returns None when neither notebook has widget state.
    """
    saved = [state for state in (saved_state(notebook), saved_state(previous or {})) if state is not None]
    if not saved:
        return None
    models = {}
    for state in reversed(saved):  # the notebook's own state wins over the file's
        models.update(state.get("state") or {})
    kept, todo = {}, referenced_models([cell.get("outputs", []) for cell in notebook.get("cells", [])])
    while todo:
        model_id = todo.pop()
        if model_id in models and model_id not in kept:
            kept[model_id] = models[model_id]
            todo |= referenced_models(models[model_id])
    versions = {key: saved[0].get(key, default) for key, default in (("version_major", 2), ("version_minor", 0))}
    return {**versions, "state": kept}


def pre_save_hook(model, path, contents_manager, **kwargs):
    """Jupyter server pre-save hook: give a notebook being saved the widget state its outputs need
    (see :func:`shown_widget_state`), taking what the kernel no longer holds from the file on disk."""
    if model.get("type") != "notebook" or not isinstance(model.get("content"), dict):
        return
    notebook, previous = model["content"], None
    os_path = contents_manager._get_os_path(path)
    if os.path.isfile(os_path):
        try:
            with open(os_path, encoding="utf-8") as file:
                previous = json.load(file)
        except (OSError, ValueError):
            pass  # an unreadable old file has nothing to give
    state = shown_widget_state(notebook, previous if isinstance(previous, dict) else None)
    if state is not None:
        notebook.setdefault("metadata", {}).setdefault("widgets", {})[STATE] = state
