"""Chapters 3 to 7's explorers in the built book, in headless Chromium: time from a control
change to the redrawn view (target: one frame, 16 ms), the browser computing or picking from
the carried results. Uses the build named by CNNCOURSE_BOOK, or builds one first."""

import functools
import http.server
import threading
import time

from .bench_browser_widgets import html_folder, start_browser, time_changes
from .timing import report, sized

POOLING = '.cnn-explorer:has([data-trait="grid"]) '
# chapter page -> (what is changed, CSS selector of the control, values to cycle through)
CONTROLS = {
    "chapters/03_pooling.html": [
        ("pooling explorer: window", POOLING + '[data-trait="kernel_size"]', ["3", "1", "4", "2"]),
        ("pooling explorer: photo", POOLING + '[data-trait="photo"]', ["coins", "astronaut", "camera"]),
        ("translation explorer: shift", '.cnn-explorer [data-trait="shift"]', ["1", "5", "-3", "0"]),
    ],
    "chapters/04_activations.html": [
        ("activation explorer: function", '.cnn-explorer [data-trait="functions"]', ["gelu", "sigmoid", "elu"]),
        ("activation explorer: threshold", '.cnn-explorer [data-trait="threshold"]', ["0.01", "0.2", "0.4"]),
        ("gradient flow explorer: depth", '.cnn-explorer [data-trait="depth"]', ["9", "0", "5", "3"]),
    ],
    "chapters/05_training.html": [
        ("training explorer: learning rate", '.cnn-explorer [data-trait="lr"]', ["4", "0", "2"]),
    ],
    "chapters/07_architectures.html": [
        ("architecture explorer: model", '.cnn-explorer [data-trait="model"]', ["vgg16", "lenet5", "resnet152"]),
    ],
}


def run():
    import browser

    html = html_folder()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(browser.QuietHandler, directory=str(html)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    driver = start_browser()
    try:
        for page, controls in sized(list(CONTROLS.items()), list(CONTROLS.items())[:1]):
            driver.get(f"http://127.0.0.1:{server.server_port}/{page}")
            time.sleep(sized(2, 0.5))  # the widgets render after the load event
            for name, selector, values in controls:
                seconds = time_changes(driver, selector, values)
                report(f"{name} change -> redrawn", seconds, "median < 16 ms", seconds < 0.016)
    finally:
        driver.quit()
        server.shutdown()
