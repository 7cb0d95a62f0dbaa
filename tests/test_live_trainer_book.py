"""Chapter 5's live trainer on the built book's page, in headless Chromium with no network: Train
makes the held-out accuracy readout climb past 90%, the curves, filters, confusion matrix and
mistakes are drawn, the seed decides the curve (another seed another curve, the same seed the
same curve exactly), and the page stays quiet and under 2 MB."""

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from browser import console_errors, open_page, outside_requests, requests

RUN_TIMEOUT = 120  # seconds for one 10-epoch run; a few on an idle machine


def state(browser, widget):
    return browser.execute_script("const r = arguments[0].querySelector('.cnn-readout');"
                                  "return [r.dataset.status, r.dataset.accuracy];", widget)


def train(browser, widget):
    """Click Train and wait for the run to end; the held-out accuracies read while it ran."""
    widget.find_element(By.CSS_SELECTOR, '[data-action="train"]').click()
    readings = []

    def finished(_):
        status, accuracy = state(browser, widget)
        if accuracy:
            readings.append(float(accuracy))
        return status in ("done", "diverged")
    WebDriverWait(browser, RUN_TIMEOUT, poll_frequency=0.2).until(finished)
    return readings


def curves(browser, widget):
    """Every line drawn in the trainer's two charts, as SVG points."""
    return browser.execute_script("return [...arguments[0].querySelectorAll('.cnn-chart polyline')]"
                                  ".map((p) => p.getAttribute('points'));", widget)


def wait_ready(browser, widget):
    """Wait for the worker's first snapshot of a fresh run: ready, no accuracy yet."""
    WebDriverWait(browser, 30, poll_frequency=0.1).until(lambda _: state(browser, widget) == ["ready", ""])


def set_seed(browser, widget, seed):
    browser.execute_script("const s = arguments[0].querySelector('[data-trait=\"seed\"]'); s.value = arguments[1];"
                           "s.dispatchEvent(new Event('change'));", widget, seed)


@pytest.fixture(scope="module")
def page(browser, book_site):
    requests(browser), console_errors(browser)  # only this page's traffic from here on
    base, _ = book_site
    open_page(browser, base + "chapters/05_training.html")
    trainers = [w for w in browser.find_elements(By.CSS_SELECTOR, ".cnn-explorer")
                if w.find_elements(By.CSS_SELECTOR, '[data-trait="architecture"]')]
    assert len(trainers) == 1
    return trainers[0]


def test_train_climbs_past_90_percent_and_draws_what_it_learned(browser, page):
    wait_ready(browser, page)
    page.find_element(By.CSS_SELECTOR, '[data-action="reset"]').click()
    wait_ready(browser, page)
    readings = train(browser, page)
    status, accuracy = state(browser, page)
    assert status == "done" and float(accuracy) >= 0.90
    assert readings and readings[-1] >= 0.9
    # it climbed: the accuracy chart's two curves (drawn last; SVG y grows downwards) end above where
    # they began (the readout itself may already read 90% at the first look on an idle machine)
    for line in curves(browser, page)[-2:]:
        ys = [float(point.split(",")[1]) for point in line.split()]
        assert len(ys) == 40 and ys[0] > ys[-1] and len(set(ys)) >= 3, ys
    lines = curves(browser, page)
    # every step's loss (470 steps), and 4 points an epoch for 10 epochs of the other 4 lines
    assert sorted(len(line.split()) for line in lines) == [40, 40, 40, 40, 470]
    assert page.find_element(By.CSS_SELECTOR, "canvas.cnn-filters").get_attribute("data-filters") == "8"
    counts = [int(c.text) for c in page.find_elements(By.CSS_SELECTOR, ".cnn-confusion td") if c.text]
    assert sum(counts) == 300
    wrong = round(300 * (1 - float(accuracy)))
    assert f"misclassified: {wrong} of 300" in page.find_element(By.CSS_SELECTOR, ".cnn-mistakes").text
    notes = page.find_element(By.CSS_SELECTOR, ".cnn-notes").text
    assert notes.startswith("Held-out accuracy") and "nan" not in notes.lower()


def test_the_seed_decides_the_curve(browser, page):
    if state(browser, page)[0] != "done":
        wait_ready(browser, page)
        train(browser, page)
    seed_0 = (curves(browser, page), page.find_element(By.CSS_SELECTOR, ".cnn-notes").text)
    set_seed(browser, page, 1)
    wait_ready(browser, page)  # a new setting resets the run
    train(browser, page)
    seed_1 = (curves(browser, page), page.find_element(By.CSS_SELECTOR, ".cnn-notes").text)
    assert seed_1[0] != seed_0[0]
    set_seed(browser, page, 0)
    wait_ready(browser, page)
    train(browser, page)
    assert (curves(browser, page), page.find_element(By.CSS_SELECTOR, ".cnn-notes").text) == seed_0


def test_the_page_is_quiet_offline_and_light(browser, book_site, page):
    port = int(book_site[0].rsplit(":", 1)[1].strip("/"))
    assert not console_errors(browser)
    received = requests(browser)
    assert received and not outside_requests(received, port)
    assert sum(received.values()) < 2_000_000
