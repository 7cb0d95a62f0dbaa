"""`make lab` starts JupyterLab without nbgrader's instructor panels (create assignment, formgrader)."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LAB_CONFIG = ROOT / "tools" / "lab_config"
JUPYTER = Path(sys.executable).with_name("jupyter")


def test_make_lab_uses_the_learner_config():
    recipe = subprocess.run(["make", "-n", "lab"], cwd=ROOT, capture_output=True, text=True).stdout
    lab_line = next(line for line in recipe.splitlines() if " lab " in line and "jupyter" in line)
    assert f"JUPYTER_CONFIG_PATH={LAB_CONFIG}" in lab_line


def test_nbgrader_lab_extension_is_disabled_with_the_learner_config():
    env = {**os.environ, "JUPYTER_CONFIG_PATH": str(LAB_CONFIG)}
    listing = subprocess.run([str(JUPYTER), "labextension", "list"], env=env, capture_output=True, text=True)
    text = re.sub(r"\x1b\[[0-9;]*m", "", listing.stdout + listing.stderr)
    line = next(line for line in text.splitlines() if "@jupyter/nbgrader" in line and "v" in line)
    assert "disabled" in line, line


def test_every_nbgrader_server_extension_is_switched_off():
    """What ``jupyter server extension list`` reads, without loading every extension (6 s)."""
    from jupyter_core.paths import jupyter_config_path
    from jupyter_server.extension.config import ExtensionConfigManager

    enabled = ExtensionConfigManager(read_config_path=jupyter_config_path()).get_jpserver_extensions()
    names = {name for name in enabled if name.startswith("nbgrader.server_extensions.")}
    assert names, "nbgrader's server extensions were not found: is nbgrader installed?"
    config = json.loads((LAB_CONFIG / "jupyter_server_config.json").read_text())
    switched = config["ServerApp"]["jpserver_extensions"]
    assert {name: False for name in names} == {name: switched.get(name) for name in names}


def test_learner_lab_saves_widget_state_and_fetches_no_news(monkeypatch, tmp_path):
    """The defaults JupyterLab's server gives its settings with the learner config (the user's own
    settings, here none, could still change them): widget state saved with the notebook, and no
    "news" question, nor any request for news or updates."""
    from jupyter_core.paths import jupyter_path
    from jupyterlab.commands import get_app_dir
    from jupyterlab_server.settings_utils import get_settings

    monkeypatch.setenv("JUPYTER_CONFIG_PATH", str(LAB_CONFIG))
    app = Path(get_app_dir())

    def defaults(plugin):
        settings, _ = get_settings(str(app / "settings"), str(app / "schemas"), str(tmp_path), schema_name=plugin,
                                   labextensions_path=jupyter_path("labextensions"))
        return {name: spec.get("default") for name, spec in settings["schema"]["properties"].items()}

    assert defaults("@jupyter-widgets/jupyterlab-manager:plugin")["saveState"] is True
    news = defaults("@jupyterlab/apputils-extension:notification")
    assert (news["fetchNews"], news["checkForUpdates"]) == ("false", False)


def test_the_server_keeps_shown_widget_state_on_save():
    from jupyter_server.services.contents.largefilemanager import AsyncLargeFileManager
    from traitlets.config.loader import JSONFileConfigLoader

    from cnncourse.instructor.widget_state import pre_save_hook

    config = JSONFileConfigLoader("jupyter_server_config.json", path=str(LAB_CONFIG)).load_config()
    assert AsyncLargeFileManager(config=config).pre_save_hook is pre_save_hook
