"""The book in headless Chromium: cold page weight per chapter, and the time from a control
change to the redrawn output for each live widget (target: one frame, 16 ms); and the same
for the kernel explorer in JupyterLab, where it used to wait for the kernel (150-220 ms).

Uses the build named by CNNCOURSE_BOOK (a folder given to ``python -m tools.build_book
--output``), or builds the book into a temporary folder first.
"""

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))  # the browser harness of the tests

from .timing import QUICK, Unavailable, report, sized  # noqa: E402

# widget on a chapter page -> (CSS selector of a control, values to cycle through)
CONTROLS = {
    "chapters/01_convolution.html": [
        ("kernel explorer: kernel", '.cnn-live [data-trait="kernel"]', ["gaussian_7x7", "sharpen", "log_5x5", "sobel_top"]),
        ("kernel explorer: photo", '.cnn-live [data-trait="photo"]', ["coins", "camera", "astronaut", "moon"]),
    ],
    "chapters/02_padding_stride.html": [
        ("arithmetic animator: input n", '.cnn-live [data-trait="n"]', ["12", "5", "9", "7"]),
        ("arithmetic animator: kernel at", '.cnn-live [data-trait="position"]', ["3", "9", "0", "12"]),
        ("shape calculator: preset", '.cnn-live [data-trait="preset"]',
         ["AlexNet, conv1 to pool5", "1x1 bottleneck before a 5x5 conv", "slides: 25x25 input, two strided convs"]),
    ],
}

# Sets a control's value, fires its event, and returns how long the widget took to redraw
# (its listeners run synchronously in the event).
TIME_CHANGE = """
const [selector, value] = arguments;
const control = document.querySelector(selector);
control.value = value;
const start = performance.now();
control.dispatchEvent(new Event(control.type === "range" ? "input" : "change"));
return performance.now() - start;
"""


def time_changes(driver, selector, values):
    """Median seconds from setting ``selector``'s value to the widget redrawn, over the values."""
    return statistics.median(driver.execute_script(TIME_CHANGE, selector, values[i % len(values)]) / 1000
                             for i in range(4 * len(values)))


def start_browser():
    """Headless Chromium, or :class:`Unavailable` saying how to install it."""
    import browser
    import system_packages

    if system_packages.missing("chromium"):
        raise Unavailable(system_packages.message("chromium"))
    return browser.start_browser()


def html_folder():
    if os.environ.get("CNNCOURSE_BOOK"):
        return Path(os.environ["CNNCOURSE_BOOK"]) / "_build" / "html"
    import book_build
    return book_build.build_once(Path(tempfile.mkdtemp(prefix="bench-book-"))).html


def run():
    import functools
    import http.server
    import threading

    import browser

    html = html_folder()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(browser.QuietHandler, directory=str(html)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}/"
    driver = start_browser()
    try:
        pages = sorted(p.relative_to(html).as_posix() for p in (html / "chapters").glob("*.html"))
        for page in sized(pages, pages[:1]):
            driver.get(base + page)
            time.sleep(sized(2, 0.5))  # what the page loads after its load event (MathJax's parts, fonts)
            weight = sum(browser.requests(driver).values())
            report(f"cold page weight, {page}", 0, "< 2 MB", weight < 2_000_000, unit=f"{weight / 1e6:.2f} MB")
            for name, selector, values in CONTROLS.get(page, []):
                seconds = time_changes(driver, selector, values)
                report(f"{name} change -> redrawn", seconds, "median < 16 ms", seconds < 0.016)
        if not QUICK:  # JupyterLab takes longer to start than the quick run may last
            jupyterlab(driver)
    finally:
        driver.quit()
        server.shutdown()


def jupyterlab(driver):
    """Run the kernel explorer in a JupyterLab on this machine and time a kernel change there."""
    import socket
    import subprocess

    import nbformat
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import WebDriverWait

    folder = Path(tempfile.mkdtemp(prefix="bench-lab-"))
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell("from cnncourse.widgets import KernelExplorer\nKernelExplorer()")]
    nbformat.write(notebook, folder / "explorer.ipynb")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    lab = subprocess.Popen([str(Path(sys.executable).with_name("jupyter")), "lab", "--no-browser", "--allow-root",
                            f"--port={port}", "--ServerApp.ip=127.0.0.1", "--ServerApp.token=",
                            "--ServerApp.password=", f"--ServerApp.root_dir={folder}"],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait = WebDriverWait(driver, 120)
        def listening(_):
            with socket.socket() as client:
                return client.connect_ex(("127.0.0.1", port)) == 0
        wait.until(listening)
        driver.get(f"http://127.0.0.1:{port}/lab/tree/explorer.ipynb?reset")
        wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, ".jp-Notebook .jp-Cell .jp-InputArea-editor"))
        time.sleep(3)
        for button in driver.find_elements(By.CSS_SELECTOR, ".jp-Dialog .jp-mod-accept"):  # kernel choice
            button.click()
            time.sleep(1)
        driver.find_element(By.CSS_SELECTOR, ".jp-Notebook .jp-Cell .jp-InputArea-editor").click()
        driver.switch_to.active_element.send_keys(Keys.SHIFT, Keys.ENTER)
        selector = '.jp-OutputArea [data-trait="kernel"]'
        wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, selector))
        seconds = time_changes(driver, selector, CONTROLS["chapters/01_convolution.html"][0][2])
        report("JupyterLab: kernel explorer kernel change", seconds, "median < 16 ms", seconds < 0.016)
    finally:
        lab.terminate()
        lab.wait(timeout=30)
