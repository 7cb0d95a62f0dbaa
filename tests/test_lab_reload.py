"""Widgets survive a reload in `make lab`: run, save, shut the kernel down, reload, operate.

A learner's notebook (written as `make student` writes them) showing one explorer of every chapter
is run in JupyterLab with ``tools/lab_config``, saved, and its kernel shut down. After a reload of
the page every explorer is drawn again, from the state saved with the notebook, and moving one of
its controls changes what it draws. Saving again keeps that state, and `make student` leaves the
learner's notebook as it is.
"""

import json
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import nbformat
import pytest

from browser import start_browser
from cnncourse.instructor.student import KEPT, install
from cnncourse.instructor.widget_state import STATE, VIEW, pre_save_hook, shown_widget_state

ROOT = Path(__file__).resolve().parents[1]
LAB_CONFIG = ROOT / "tools" / "lab_config"
JUPYTER = Path(sys.executable).with_name("jupyter")
NAME = "00_reload.ipynb"
IMPORTS = """\
from cnncourse.models.autoencoder import ConvAutoencoder
from cnncourse.models.profile import profile
from cnncourse.widgets import (ActivationExplorer, ArchitectureExplorer, AutoencoderExplorer,
    ConvArithmeticAnimator, FeatureMapExplorer, KernelExplorer, LiveTrainer, NormalizationExplorer,
    PoolingExplorer)"""
EXPLORERS = {  # chapter: a cheap explorer of it
    1: 'KernelExplorer(photo="camera", kernel="sobel_left")',
    2: "ConvArithmeticAnimator(n=7, kernel_size=3, padding=1, stride=2)",
    3: 'PoolingExplorer(grid="4x4 (iii)", kernel_size=2, stride=1, image_size=96)',
    4: 'ActivationExplorer(names=("sigmoid", "tanh", "relu"), threshold=0.05)',
    5: "LiveTrainer()",
    6: "NormalizationExplorer(batch_size=8, training=True)",
    7: 'ArchitectureExplorer("alexnet", profiles={m: profile(m) for m in ("alexnet", "resnet18")})',
    8: "FeatureMapExplorer()",
    9: 'AutoencoderExplorer({"plain": ConvAutoencoder(code_size=4)})',
}
TIMEOUT = 120  # seconds for one step on a loaded machine; a working run needs far less

# Per code cell after the first, what it shows: {drawn, error, look}; `error` is a traceback or
# the widget manager's "Error displaying widget", `look` the widget's text, canvases and SVG.
OUTPUTS = """
const cells = [...document.querySelectorAll(".jp-Notebook .jp-CodeCell")].slice(1);
return cells.map((cell) => {
  const outputs = [...cell.querySelectorAll(".jp-OutputArea-output")];
  const out = outputs.find((o) => o.querySelector("canvas, svg, select, input"));
  const failed = outputs.filter((o) => o !== out && /Traceback|Error/.test(o.innerText));
  const drawn = Boolean(out) && out.getBoundingClientRect().height > 10;
  const look = !out ? "" : [out.innerText, ...[...out.querySelectorAll("canvas")].map((c) => c.toDataURL()),
                            ...[...out.querySelectorAll("svg")].map((s) => s.outerHTML)].join("|");
  return {drawn, error: failed.map((o) => o.innerText).join("\\n"), look};
});
"""
# Moves control number arguments[1] of code cell arguments[0] (a <select> or a slider bound to a
# trait) to another value, as a reader would; returns its trait's name, or null past the last one.
OPERATE = """
const [index, which] = arguments;
const cell = [...document.querySelectorAll(".jp-Notebook .jp-CodeCell")][index + 1];
const controls = [...cell.querySelectorAll(
  "select[data-trait]:not([multiple]), input[type=range][data-trait]")].filter((c) => !c.disabled);
const control = controls[which];
if (!control) return null;
if (control.tagName === "SELECT") {
  control.selectedIndex = (control.selectedIndex + 1) % control.options.length;
} else {
  control.value = Number(control.value) === Number(control.min) ? control.max : control.min;
}
for (const type of ["input", "change"]) control.dispatchEvent(new Event(type, {bubbles: true}));
return control.dataset.trait;
"""
COMMAND = """
const [command, done] = arguments;
window.jupyterapp.commands.execute(command).then(() => done(null), (e) => done(String(e)));
"""
SHUT_DOWN = """
const done = arguments[0];
window.jupyterapp.shell.currentWidget.sessionContext.shutdown().then(() => done(null), (e) => done(String(e)));
"""
NOTEBOOK_READY = """
const app = window.jupyterapp;
const panel = app && app.shell.currentWidget;
const kernel = panel && panel.sessionContext && panel.sessionContext.session
  && panel.sessionContext.session.kernel;
return Boolean(panel && panel.context && panel.context.isReady && kernel && kernel.status === "idle"
               && document.querySelectorAll(".jp-Notebook .jp-CodeCell").length > 0);
"""
NEWS = "return [...document.querySelectorAll('.Toastify__toast')].map((t) => t.innerText);"


def learner_notebook():
    """The notebook: the imports, then one cell per chapter displaying its explorer."""
    cells = [nbformat.v4.new_code_cell(IMPORTS)]
    cells += [nbformat.v4.new_code_cell(f"# chapter {chapter}\n{code}") for chapter, code in EXPLORERS.items()]
    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return nbformat.writes(nb).encode("utf-8")


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def api(base, token, path, method="GET"):
    request = urllib.request.Request(f"{base}{path}", method=method, headers={"Authorization": f"token {token}"})
    with urllib.request.urlopen(request, timeout=10) as response:
        body = response.read()
    return json.loads(body) if body else None


@contextmanager
def jupyter_lab(notebook_dir, scratch):
    """JupyterLab as `make lab` starts it (config tools/lab_config), on a free port with a token;
    user settings (windowingMode "none", so that every cell is drawn), workspaces and runtime files
    in ``scratch``. Yields (base URL, token); shuts the server and its kernels down after."""
    settings = scratch / "settings" / "@jupyterlab" / "notebook-extension"
    settings.mkdir(parents=True)
    (settings / "tracker.jupyterlab-settings").write_text(json.dumps({"windowingMode": "none"}))
    env = {**os.environ, "JUPYTER_CONFIG_PATH": str(LAB_CONFIG),
           "JUPYTERLAB_SETTINGS_DIR": str(scratch / "settings"),
           "JUPYTERLAB_WORKSPACES_DIR": str(scratch / "workspaces"),
           "JUPYTER_RUNTIME_DIR": str(scratch / "runtime")}
    port, token = free_port(), secrets.token_hex(16)
    command = [str(JUPYTER), "lab", "--no-browser", "--ip=127.0.0.1", f"--port={port}", "--ServerApp.port_retries=0",
               f"--IdentityProvider.token={token}", f"--notebook-dir={notebook_dir}",
               "--LabApp.expose_app_in_browser=True"]
    if os.geteuid() == 0:
        command.append("--allow-root")  # CI runs as root
    base = f"http://127.0.0.1:{port}/"
    log = open(scratch / "lab.log", "wb")
    server = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + TIMEOUT
        while True:
            try:
                api(base, token, "api/status")
                break
            except OSError:
                assert server.poll() is None and time.monotonic() < deadline, (
                    "JupyterLab did not start:\n" + (scratch / "lab.log").read_text(errors="replace")[-3000:])
                time.sleep(0.2)
        yield base, token
    finally:
        try:
            api(base, token, "api/shutdown", "POST")  # stops its kernels too
            server.wait(timeout=30)
        except (OSError, subprocess.TimeoutExpired):
            server.kill()
            server.wait()
        log.close()


def wait(driver, condition, what):
    from selenium.webdriver.support.ui import WebDriverWait
    return WebDriverWait(driver, TIMEOUT, poll_frequency=0.2).until(condition, what)


def wait_until_drawn(driver, when):
    """What every explorer shows, once all are drawn; fails at once on an error."""
    deadline = time.monotonic() + TIMEOUT
    while True:
        outputs = driver.execute_script(OUTPUTS)
        for chapter, output in zip(EXPLORERS, outputs):
            assert not output["error"], f"{when}, chapter {chapter}'s {EXPLORERS[chapter]}: {output['error'][-2000:]}"
        missing = [chapter for chapter, output in zip(EXPLORERS, outputs) if not output["drawn"]]
        if len(outputs) == len(EXPLORERS) and not missing:
            return outputs
        assert time.monotonic() < deadline, f"{when}, not drawn after {TIMEOUT} s: chapters {missing}"
        time.sleep(0.2)


def run_command(driver, command):
    error = driver.execute_async_script(COMMAND, command)
    assert error is None, f"{command}: {error}"


def saved_widgets(path):
    """(model ids the outputs show, model ids whose state is saved) in the notebook at ``path``."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    shown = {o["data"][VIEW]["model_id"] for cell in nb["cells"] for o in cell.get("outputs", [])
             if VIEW in o.get("data", {})}
    return shown, set(nb["metadata"].get("widgets", {}).get(STATE, {}).get("state", {}))


def test_every_chapters_explorer_works_after_save_kernel_shutdown_and_reload(tmp_path):
    student = tmp_path / "student"
    versions = {NAME: learner_notebook()}
    install(versions, student)
    notebook = student / NAME
    driver = start_browser()  # skips when Chromium is missing
    try:
        with jupyter_lab(student, tmp_path) as (base, token):
            driver.set_script_timeout(TIMEOUT)
            driver.get(f"{base}lab/tree/{NAME}?token={token}")
            wait(driver, lambda d: d.execute_script(NOTEBOOK_READY), "the notebook opened with a kernel")
            run_command(driver, "notebook:run-all-cells")
            wait_until_drawn(driver, "after Run All")
            run_command(driver, "docmanager:save")
            shown, saved = saved_widgets(notebook)
            assert len(shown) == len(EXPLORERS) and shown <= saved, "the widget state was not saved"
            assert driver.execute_async_script(SHUT_DOWN) is None
            assert api(base, token, "api/kernels") == []

            driver.execute_cdp_cmd("Network.setCacheDisabled", {"cacheDisabled": False})  # a faster reload
            driver.refresh()  # a fresh page, and a fresh kernel that holds no widget
            wait(driver, lambda d: d.execute_script(NOTEBOOK_READY), "the notebook reopened")
            before = wait_until_drawn(driver, "after the reload")
            for index, chapter in enumerate(EXPLORERS):
                moved = []
                while (trait := driver.execute_script(OPERATE, index, len(moved))) is not None:
                    moved.append(trait)
                    if driver.execute_script(OUTPUTS)[index]["look"] != before[index]["look"]:
                        break
                else:
                    pytest.fail(f"chapter {chapter}'s {EXPLORERS[chapter]} drew nothing new when "
                                f"its controls {moved} moved, after the reload")
            toasts = driver.execute_script(NEWS)
            assert not any("news" in toast.lower() for toast in toasts), toasts

            run_command(driver, "docmanager:save")  # the widgets have no kernel behind them now
            assert saved_widgets(notebook) == (shown, saved), "saving again lost the widget state"
    finally:
        driver.quit()
    learner_saved = notebook.read_bytes()
    assert install(versions, student).status == {NAME: KEPT}
    assert notebook.read_bytes() == learner_saved


def widget_output(model_id):
    return nbformat.v4.new_output("display_data", data={VIEW: {"model_id": model_id}, "text/plain": "widget"})


def notebook_dict(outputs, state, version_minor=0):
    """A notebook dict whose cells show ``outputs`` and whose saved widget state is ``state``."""
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("w", outputs=outputs)])
    if state is not None:
        nb.metadata["widgets"] = {STATE: {"version_major": 2, "version_minor": version_minor, "state": state}}
    return json.loads(nbformat.writes(nb))


def model(value, *names):
    """A widget's saved state: a value, and references to the models ``names``."""
    return {"model_name": "AnyModel", "state": {"value": value, "parts": [f"IPY_MODEL_{n}" for n in names]}}


def test_saved_state_is_what_the_outputs_show_from_the_newest_source():
    output_widget = {"model_name": "OutputModel", "state": {"outputs": [widget_output("inner")]}}
    new = notebook_dict([widget_output("a"), widget_output("b"), widget_output("out")],
                        {"a": model(2, "layout_a"), "layout_a": model(0), "rerun_leftover": model(9),
                         "out": output_widget}, version_minor=1)
    previous = notebook_dict([widget_output("b")], {"a": model(1), "b": model(1, "layout_b"), "layout_b": model(0),
                                                    "inner": model(5), "gone": model(7)})
    state = shown_widget_state(new, previous)
    assert (state["version_major"], state["version_minor"]) == (2, 1)
    assert state["state"] == {"a": model(2, "layout_a"), "layout_a": model(0), "b": model(1, "layout_b"),
                              "layout_b": model(0), "out": output_widget, "inner": model(5)}
    assert shown_widget_state(notebook_dict([widget_output("a")], None), notebook_dict([], None)) is None
    assert shown_widget_state(notebook_dict([widget_output("a")], None), None) is None


def test_saving_again_with_no_live_widget_keeps_the_state_on_disk(tmp_path):
    """What JupyterLab sends once the widgets are drawn from saved state: an empty widget state."""
    from jupyter_server.services.contents.filemanager import FileContentsManager

    manager = FileContentsManager(root_dir=str(tmp_path))
    manager.register_pre_save_hook(pre_save_hook)
    first = notebook_dict([widget_output("a")], {"a": model(1), "old_run": model(0)})
    again = notebook_dict([widget_output("a")], {})
    for content in (first, again):
        manager.save({"type": "notebook", "format": "json", "content": content}, "learner.ipynb")
    on_disk = json.loads((tmp_path / "learner.ipynb").read_text())
    assert on_disk["metadata"]["widgets"][STATE]["state"] == {"a": model(1)}
    manager.save({"type": "notebook", "format": "json", "content": notebook_dict([], None)}, "plain.ipynb")
    assert "widgets" not in json.loads((tmp_path / "plain.ipynb").read_text())["metadata"]
    manager.save({"type": "file", "format": "text", "content": "not a notebook"}, "notes.txt")
    assert (tmp_path / "notes.txt").read_text() == "not a notebook"
