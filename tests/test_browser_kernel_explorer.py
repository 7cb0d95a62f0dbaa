"""Chapter 1's kernel explorer in headless Chromium: its JavaScript gives the Python reference's
numbers, and in the built book every control redraws what Python computes for the same settings."""

import numpy as np
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from browser import console_errors, js_call, open_page, outside_requests, requests
from cnncourse.widgets import KernelExplorer, explore_kernel
from cnncourse.widgets.kernel_explorer import MODES

SOURCE = KernelExplorer._esm
RNG = np.random.default_rng(0)


def test_the_browser_computes_what_explore_kernel_computes(browser):
    for _ in range(8):
        h, w = (int(v) for v in RNG.integers(5, 20, size=2))
        k = int(RNG.choice([1, 2, 3, 5]))
        image, kernel = RNG.random((h, w)), RNG.normal(size=(k, k))
        row, col = int(RNG.integers(0, h - k + 1)), int(RNG.integers(0, w - k + 1))
        for mode in MODES:
            got = js_call(browser, SOURCE, "explore", image.ravel().tolist(), h, w, kernel.ravel().tolist(), row, col, mode)
            view = explore_kernel(image, kernel, row, col, mode)
            assert (got["rows"], got["cols"]) == view.output.shape
            np.testing.assert_allclose(np.reshape(got["output"], view.output.shape), view.output, rtol=0, atol=1e-6)
            np.testing.assert_allclose(got["patch"], view.patch.ravel(), atol=1e-6)
            np.testing.assert_allclose(got["slid"], view.slid.ravel(), atol=1e-6)
            assert abs(got["total"] - view.total) < 1e-6


def shown(driver):
    widget = driver.find_element(By.CSS_SELECTOR, ".cnn-live")
    return {"caption": widget.find_element(By.CSS_SELECTOR, ".cnn-caption").text,
            "total": float(widget.find_element(By.CSS_SELECTOR, ".cnn-total").text),
            "output": driver.execute_script(
                "const c = document.querySelector('.cnn-live canvas.cnn-output'); return [c.width, c.height];")}


def matches(driver, reference):
    """The page shows the output pixel sum and size Python computes for the same settings."""
    now, view = shown(driver), reference.view
    assert abs(now["total"] - view.total) < 5e-5, (now, view.total)  # shown with 4 decimals
    assert f"Output {view.output.shape[0]}x{view.output.shape[1]}" in now["caption"]
    return now


def test_every_control_of_the_book_page_redraws_what_python_computes(browser, book_site):
    base, _ = book_site
    open_page(browser, base + "chapters/01_convolution.html")
    reference = KernelExplorer(photo="camera", kernel="sobel_left")
    reference.row, reference.col = 30, 45
    widget = browser.find_element(By.CSS_SELECTOR, ".cnn-live")
    before = matches(browser, reference)

    def choose(trait, value):
        Select(widget.find_element(By.CSS_SELECTOR, f'[data-trait="{trait}"]')).select_by_value(str(value))
        setattr(reference, trait, value)
        return matches(browser, reference)

    def slide(trait, value):
        slider = widget.find_element(By.CSS_SELECTOR, f'[data-trait="{trait}"]')
        browser.execute_script("arguments[0].value = arguments[1];"
                               "arguments[0].dispatchEvent(new Event('input'));", slider, value)
        setattr(reference, trait, value)
        return matches(browser, reference)

    after_photo = choose("photo", "coins")
    assert after_photo != before
    assert "gaussian_7x7" in choose("kernel", "gaussian_7x7")["caption"]
    boxes = widget.find_elements(By.CSS_SELECTOR, ".cnn-kernel-grid input")
    assert len(boxes) == 49  # 1/4096 and friends: no box may cut its number off
    assert all(browser.execute_script("return arguments[0].scrollWidth <= arguments[0].clientWidth", box)
               for box in boxes)
    assert choose("mode", "convolution") != after_photo
    slide("row", 80)  # past the 90x90 output's end: both clamp
    slide("col", 12)
    choose("kernel", "sobel_left")
    box = widget.find_elements(By.CSS_SELECTOR, ".cnn-kernel-grid input")[4]
    box.clear()
    box.send_keys("10\n")
    edited = list(reference.weights)
    edited[4] = 10.0
    reference.weights = edited
    assert "custom" in matches(browser, reference)["caption"] and reference.kernel == "custom"
    assert len(widget.find_elements(By.CSS_SELECTOR, ".cnn-kernel-grid input")) == 9
    choose("size", 5)
    assert len(widget.find_elements(By.CSS_SELECTOR, ".cnn-kernel-grid input")) == 25
    assert not console_errors(browser)
    assert not outside_requests(requests(browser), int(base.rsplit(":", 1)[1].strip("/")))
