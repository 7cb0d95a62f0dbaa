"""Chapter 8's explorers on the built book page, in headless Chromium, offline: every control
redraws, and what is shown is what Python computes from the same carried numbers."""

import json
from pathlib import Path
from types import SimpleNamespace

import numpy as np
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

from browser import console_errors, open_page, outside_requests, requests
from cnncourse.training import History
from cnncourse.widgets import FeatureMapExplorer, explore_transfer

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "08_transfer_learning.ipynb"


def page(browser, book_site):
    base, _ = book_site
    open_page(browser, base + "chapters/08_transfer_learning.html")
    WebDriverWait(browser, 30).until(lambda d: len(d.find_elements(By.CSS_SELECTOR, ".cnn-live [data-trait]")) >= 4)
    return {w.find_element(By.CSS_SELECTOR, "[data-trait]").get_attribute("data-trait"): w
            for w in browser.find_elements(By.CSS_SELECTOR, ".cnn-live")}


def choose(browser, widget, trait, value):
    control = widget.find_element(By.CSS_SELECTOR, f'[data-trait="{trait}"]')
    if control.tag_name == "select":
        Select(control).select_by_value(str(value))
    else:
        browser.execute_script("arguments[0].value = arguments[1];"
                               "arguments[0].dispatchEvent(new Event('input'));", control, value)


def stored_runs():
    """The transfer explorer's numbers as the notebook stored them, rebuilt as Python objects."""
    state = json.loads(NOTEBOOK.read_text())["metadata"]["widgets"]["application/vnd.jupyter.widget-state+json"]
    carried = next(m["state"] for m in state["state"].values() if "rows" in m["state"] and "curve" in m["state"])
    curve = SimpleNamespace(per_class=tuple(carried["curve"]["per_class"]),
                            pretrained=np.array(carried["curve"]["pretrained"]),
                            scratch=np.array(carried["curve"]["scratch"]), test_size=carried["curve"]["test_size"])
    results = [SimpleNamespace(name=r["name"], accuracy=r["accuracy"], trainable=r["trainable"], seconds=r["seconds"],
                               history=History(train_loss=r["train_loss"]), train_size=r["train_size"],
                               test_size=r["test_size"]) for r in carried["rows"]]
    return curve, results


def test_chapter_8_explorers_in_the_book(browser, book_site):
    widgets = page(browser, book_site)
    features, transfer = widgets["photo"], widgets["per_class"]
    reference = FeatureMapExplorer()  # as the notebook builds it
    seen = set()
    for trait, value in [("stage", "stage4"), ("channel", 2), ("photo", "brick"), ("stage", "head"),
                         ("channel", 0), ("photo", "coffee"), ("stage", "stem")]:
        choose(browser, features, trait, value)
        setattr(reference, trait, value)
        view = reference.view
        caption = features.find_element(By.CSS_SELECTOR, ".cnn-caption").text
        assert caption == view.caption(reference.channel)
        pixels = browser.execute_script(
            "const c = arguments[0].querySelector('canvas.cnn-map');"
            "return Array.from(c.getContext('2d').getImageData(0, 0, c.width, c.height).data).join(',')", features)
        assert (caption, pixels) not in seen, f"{trait}={value} changed nothing"
        seen.add((caption, pixels))

    curve, results = stored_runs()
    shown = lambda css: transfer.find_element(By.CSS_SELECTOR, css).text  # noqa: E731
    for trait, value in [("per_class", 1), ("strategy", "Lite0 from scratch"), ("per_class", 144),
                         ("strategy", "fine-tune the top")]:
        before = {css: shown(css) for css in (".cnn-curve-words", ".cnn-row")}
        choose(browser, transfer, trait, value)
        state = {"strategy": Select(transfer.find_element(By.CSS_SELECTOR, '[data-trait="strategy"]'))
                 .first_selected_option.text,
                 "per_class": int(Select(transfer.find_element(By.CSS_SELECTOR, '[data-trait="per_class"]'))
                                  .first_selected_option.text)}
        point, row = explore_transfer(curve, results, state["strategy"], state["per_class"])
        assert shown(".cnn-curve-words") == point.sentence() and shown(".cnn-row") == row.sentence()
        untouched = ".cnn-row" if trait == "per_class" else ".cnn-curve-words"
        assert shown(untouched) == before[untouched], f"{trait} changed the other experiment's panel"
        points = transfer.find_element(By.CSS_SELECTOR, "svg.cnn-loss polyline").get_attribute("points")
        assert len(points.split()) == len(row.train_loss)
    port = int(book_site[0].rsplit(":", 1)[1].strip("/"))
    assert not console_errors(browser)
    assert not outside_requests(requests(browser), port)
