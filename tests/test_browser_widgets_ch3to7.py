"""Chapters 3 to 7's explorers in headless Chromium: their JavaScript gives the Python reference's
numbers on random inputs (1e-6 for floats, exact for shapes, indices and text), and on the built
book's pages every control changes what is shown, to what Python computes, offline and quietly."""

import html
import re

import numpy as np
import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

from browser import console_errors, js_call, js_calls, open_page, outside_requests, requests
from cnncourse import kernels
from cnncourse.demos.invariance import compare_shift
from cnncourse.functional import ACTIVATIONS, avg_pool2d, max_pool2d
from cnncourse.models.profile import ModelProfile, StageRow, profile
from cnncourse.widgets import (ActivationExplorer, ArchitectureExplorer, GradientFlowExplorer, PoolingExplorer,
                               TrainingExplorer, TranslationExplorer, describe_run, explore_activations)
from cnncourse.widgets.activation_explorer import describe_flat
from cnncourse.widgets.architecture_explorer import ModelPoint, carried_profile
from cnncourse.widgets.gradient_flow_explorer import DEPTHS, SCALES
from cnncourse.widgets.pooling_explorer import explore_pooling, photo_caption, pooling_html, pooling_limits
from cnncourse.widgets.training_explorer import carried_history, replay

RNG = np.random.default_rng(0)
POOLING = PoolingExplorer._esm
TRANSLATION = TranslationExplorer._esm
ACTIVATION = ActivationExplorer._esm


def test_pooling_matches_torch_semantics(browser):
    calls, expected = [], []
    for _ in range(12):
        rows, cols = RNG.integers(3, 12, size=2)
        k = int(RNG.integers(1, min(rows, cols, 5) + 1))
        stride, padding = int(RNG.integers(1, 4)), int(RNG.integers(0, k // 2 + 1))
        values = RNG.normal(size=(rows, cols))
        for mode, pool in (("max", max_pool2d), ("average", avg_pool2d)):
            calls.append((values.ravel().tolist(), int(rows), int(cols), k, stride, padding, mode))
            expected.append(pool(values[None], k, stride, padding)[0])
    for got, want in zip(js_calls(browser, POOLING, "pool2d", calls), expected, strict=True):
        assert (got["rows"], got["cols"]) == want.shape
        np.testing.assert_allclose(np.reshape(got["values"], want.shape), want, rtol=1e-6, atol=1e-12)


def test_pooling_explanation_and_limits_match_python(browser):
    explained, limited, views, limits = [], [], [], []
    for _ in range(10):
        rows, cols = (int(n) for n in RNG.integers(3, 8, size=2))
        grid = RNG.integers(0, 100, size=(rows, cols)).astype(float)
        k = int(RNG.integers(1, min(rows, cols, 5) + 1))
        stride, padding = int(RNG.integers(1, 3)), int(RNG.integers(0, k // 2 + 1))
        mode = ("max", "average")[int(RNG.integers(2))]
        out_rows, out_cols = ((n + 2 * padding - k) // stride + 1 for n in (rows, cols))
        row, col = int(RNG.integers(out_rows)), int(RNG.integers(out_cols))
        views.append(explore_pooling(grid, mode, k, stride, padding, row, col))
        explained.append((grid.tolist(), k, stride, padding, mode, row, col))
        limited.append((rows, cols, 5, stride, 2))
        limits.append(pooling_limits((rows, cols), 5, stride, 2))
    for got, view in zip(js_calls(browser, POOLING, "explainPooling", explained), views, strict=True):
        assert (got["top"], got["left"]) == (view.top, view.left) and got["value"] == pytest.approx(view.value, rel=1e-6)
        window = [-np.inf if v is None else v for v in got["window"]]  # JSON has no -inf
        np.testing.assert_array_equal(window, view.window.ravel())
        assert tuple(got["winner"] or ()) == view.winner
    assert js_calls(browser, POOLING, "poolingLimits", limited) == limits


def test_photo_caption_rounds_halves_as_python_does(browser):
    # (shape, pooled shape): zoom 5 / 2 = 2.5 and 7 / 2 = 3.5; shares 2.5%, 12.5%, 37.5% and 62.5%
    cases = [((5, 4), (2, 2)), ((7, 7), (2, 2)), ((8, 10), (1, 2)), ((8, 8), (2, 4)), ((8, 8), (4, 6)),
             ((8, 8), (5, 8)), ((64, 64), (32, 32)), ((6, 6), (6, 6))]
    calls = [("camera", *shape, *pooled, 2, 2, 0, "max") for shape, pooled in cases]
    expected = [photo_caption("camera", shape, pooled, 2, 2, 0, "max") for shape, pooled in cases]
    assert js_calls(browser, POOLING, "photoCaption", calls) == expected
    assert [e.split(": ")[2] for e in expected[:6]] == [  # by hand, half to even
        "20% of the values (shown enlarged 2x)", "8% of the values (shown enlarged 4x)",
        "2% of the values (shown enlarged 8x)", "12% of the values (shown enlarged 4x)",
        "38% of the values (shown enlarged 2x)", "62% of the values (shown enlarged 2x)"]


def test_number_formats_are_pythons(browser):
    values = [0.0, 5.25, 1.0625, 2.5e-5, 12345.0, -3.0, 0.125, 99995.0, 1 / 3, -2.875, 0.5, 9.96, 0.99996, 3e-12,
              *RNG.normal(scale=100, size=20), *10.0 ** RNG.uniform(-30, 8, size=20)]
    every = POOLING + "\nexport const formatAll = (vs) => vs.map((v) => [formatG(v, 4), formatF(v, 2), formatE(v, 1)]);"
    got = js_call(browser, every, "formatAll", values)
    assert got == [[f"{v:.4g}", f"{v:.2f}", f"{v:.1e}"] for v in values]


def test_translation_comparison_matches_compare_shift(browser):
    weights = kernels.get("sobel_left")
    for shift, pool_size, mode in [(2, 4, "max"), (-5, 2, "average"), (0, 8, "max"), (7, 1, "average")]:
        image = RNG.integers(0, 256, size=(30, 40)) / 255
        expected = compare_shift(image, shift, pool_size, mode, margin=8)
        got = js_call(browser, TRANSLATION, "compareShift", image.ravel().tolist(), 30, 40, shift, pool_size, mode,
                      weights.ravel().tolist(), 3, 3, 8)
        assert (got["pooled"]["rows"], got["pooled"]["cols"]) == expected.pooled.shape
        np.testing.assert_allclose(np.reshape(got["shiftedPooled"]["values"], expected.pooled.shape),
                                   expected.shifted_pooled, rtol=1e-6, atol=1e-12)
        assert got["before"] == pytest.approx(expected.correlation_before, abs=1e-9)
        assert got["after"] == pytest.approx(expected.correlation_after, abs=1e-9)


def test_activations_and_their_derivatives_match_python(browser):
    names = list(ACTIVATIONS)
    for _ in range(3):
        x_min = float(RNG.integers(-20, 19)) / 2
        x_max = float(RNG.integers(2 * x_min + 1, 21)) / 2
        threshold, points = round(float(RNG.uniform(0, 0.5)), 2), int(RNG.integers(50, 500))
        view = explore_activations(names, x_min, x_max, threshold, points)
        got = js_call(browser, ACTIVATION, "exploreActivations", names, x_min, x_max, threshold, points)
        np.testing.assert_array_equal(got["x"], view.x)
        for mine, reference in zip(got["curves"], view.curves, strict=True):
            np.testing.assert_allclose(mine["y"], reference.y, rtol=1e-6, atol=1e-12, err_msg=reference.name)
            np.testing.assert_allclose(mine["dy"], reference.dy, rtol=1e-6, atol=1e-12, err_msg=reference.name)
            assert [tuple(span) for span in mine["flat"]] == list(reference.flat)
        plain = [describe_flat(reference, threshold).replace("<b>", "").replace("</b>", "")
                 for reference in view.curves]
        assert (js_calls(browser, ACTIVATION, "describeFlat", [(mine, threshold) for mine in got["curves"]])
                == [words.replace("&lt;", "<").replace("&ge;", "\u2265") for words in plain])


# -- the built book: every control of every explorer redraws what Python computes ----------------
def page_widgets(browser, book_site, chapter):
    """Open a chapter page of the built book; {first control's trait: widget} of its live widgets."""
    base, _ = book_site
    open_page(browser, base + f"chapters/{chapter}.html")
    WebDriverWait(browser, 20).until(lambda d: d.find_elements(By.CSS_SELECTOR, ".cnn-explorer [data-trait]"))
    return {w.find_element(By.CSS_SELECTOR, "[data-trait]").get_attribute("data-trait"): w
            for w in browser.find_elements(By.CSS_SELECTOR, ".cnn-explorer")}


def operate(browser, widget, trait, value):
    """Move a control as a reader would: a slider, a select (several values for a multi-select) or
    a toggle button."""
    control = widget.find_element(By.CSS_SELECTOR, f'[data-trait="{trait}"]')
    if control.tag_name == "input":
        browser.execute_script("arguments[0].value = arguments[1];"
                               "arguments[0].dispatchEvent(new Event('input'));", control, value)
    elif control.tag_name == "select" and control.get_attribute("multiple"):
        browser.execute_script("for (const o of arguments[0].options) o.selected = arguments[1].includes(o.value);"
                               "arguments[0].dispatchEvent(new Event('change'));", control, list(value))
    elif control.tag_name == "select":
        Select(control).select_by_value(str(value))
    else:
        control.find_element(By.CSS_SELECTOR, f'button[data-value="{value}"]').click()


def text(widget, selector):
    return widget.find_element(By.CSS_SELECTOR, selector).get_attribute("textContent")


def plain(markup):
    """HTML as the browser's textContent would read it."""
    return html.unescape(re.sub(r"</?[a-z][^>]*>", "", re.sub(r"<style>.*?</style>", "", markup)))


def assert_page_is_quiet(browser, book_site):
    port = int(book_site[0].rsplit(":", 1)[1].strip("/"))
    assert not console_errors(browser)
    assert not outside_requests(requests(browser), port)


def test_chapter_3_explorers_in_the_book(browser, book_site):
    widgets = page_widgets(browser, book_site, "03_pooling")
    pooling, translation = widgets["grid"], widgets["photo"]
    reference = PoolingExplorer(grid="4x4 (iii)", kernel_size=2, stride=1, image_size=96)  # as the notebook
    reference.row, reference.col = 1, 2
    seen = set()
    for trait, value in [("grid", "5x5"), ("kernel_size", 3), ("stride", 2), ("padding", 1), ("row", 2),
                         ("col", 0), ("mode", "average"), ("photo", "coins"), ("grid", "4x4 (i)"),
                         ("kernel_size", 4), ("stride", 1), ("mode", "max")]:
        operate(browser, pooling, trait, value)
        setattr(reference, trait, value)
        shown = (text(pooling, ".cnn-numbers"), text(pooling, ".cnn-caption"))
        assert shown == (plain(pooling_html(reference.view)), reference.caption), (trait, value)
        assert shown not in seen, f"{trait}={value} changed nothing"
        seen.add(shown)
    width = browser.execute_script("return arguments[0].querySelector('canvas.cnn-pooled').width", pooling)
    assert width == 2 * reference.photo_output.shape[1] * max(1, round(96 / reference.photo_output.shape[0]))

    reference = TranslationExplorer(photo="camera", shift=2, pool_size=4, image_size=96)
    seen = set()
    for trait, value in [("shift", -3), ("pool_size", 8), ("mode", "average"), ("photo", "text"), ("shift", 1)]:
        operate(browser, translation, trait, value)
        setattr(reference, trait, value)
        shown = text(translation, ".cnn-caption")
        assert shown == reference.caption and shown not in seen, (trait, value)
        seen.add(shown)
        size = browser.execute_script("const c = arguments[0].querySelector('canvas.cnn-pooled'); return [c.height, c.width]",
                                      translation)
        assert size == [n * 2 * reference.pool_size for n in reference.view.pooled.shape]
    assert_page_is_quiet(browser, book_site)


def test_chapter_4_explorers_in_the_book(browser, book_site):
    widgets = page_widgets(browser, book_site, "04_activations")
    assert list(widgets) == ["functions"]  # both explorers start with the functions menu
    activations, flow = browser.find_elements(By.CSS_SELECTOR, ".cnn-explorer")
    reference = ActivationExplorer(names=("sigmoid", "tanh", "relu"), threshold=0.05)
    seen = set()
    for trait, value in [("functions", ["gelu", "elu", "relu6"]), ("threshold", 0.2), ("x_min", -2.5),
                         ("x_max", 7.0), ("threshold", 0.0), ("functions", list(ACTIVATIONS))]:
        operate(browser, activations, trait, value)
        setattr(reference, trait, [n for n in ACTIVATIONS if n in value] if trait == "functions" else value)
        shown = text(activations, ".cnn-notes")
        assert shown == plain(reference.notes.replace("<br>", "")) and shown not in seen, (trait, value)
        seen.add(shown)
        polylines = len(activations.find_elements(By.CSS_SELECTOR, "polyline"))
        assert polylines == 2 * len(reference.functions) + (2 if reference.threshold > 0 else 0)

    reference = GradientFlowExplorer(names=("sigmoid", "tanh", "relu"), depth=20, device="cpu",
                                     depths=(20, 5, 60), scales=(1.0, 0.5, 2.0))
    seen = set()
    for trait, value in [("depth", 60), ("scale", 0.5), ("functions", ["gelu", "silu"]), ("depth", 5), ("scale", 2.0)]:
        index = (DEPTHS if trait == "depth" else SCALES).index(value) if trait != "functions" else value
        operate(browser, flow, trait, index)
        setattr(reference, trait, [n for n in ACTIVATIONS if n in value] if trait == "functions" else value)
        shown = text(flow, ".cnn-notes")
        assert shown == "".join(reference.notes) and shown not in seen, (trait, value)
        seen.add(shown)
    assert_page_is_quiet(browser, book_site)


# -- chapter 5: the training explorer replays carried runs ----------------------------------------
@pytest.fixture(scope="module")
def small_training():
    return TrainingExplorer(lr=0.003, epochs=2, lrs=(0.003, 10.0), batch_sizes=(32,), max_epochs=2, device="cpu")


def test_training_replay_and_words_match_python(browser, small_training):
    source = small_training._esm
    for key, run in small_training.runs.items():
        lr = small_training.lrs[int(key.split()[-1])]
        full = carried_history(run, lr)
        replays = js_calls(browser, source, "replay", [(run, epochs) for epochs in range(3)])
        expected = [replay(full, epochs) for epochs in range(3)]
        for got, want in zip(replays, expected):
            assert got["train_loss"] == [None if v != v else v for v in want.train_loss]  # nan -> null
            assert got["val_accuracy"] == want.val_accuracy and got["diverged"] == want.diverged
        assert (js_calls(browser, source, "describeRun", [(got, lr) for got in replays])
                == [describe_run(want, lr) for want in expected]), key


def saved_state(browser, trait):
    """The saved state of the page's anywidget that has ``trait``."""
    return browser.execute_script(
        "const all = JSON.parse(document.querySelector('script[type=\"application/vnd.jupyter.widget-state+json\"]')"
        ".textContent).state; return Object.values(all).map((m) => m.state).find((s) => s && arguments[0] in s);", trait)


def test_chapter_5_train_button_replays_each_setting(browser, book_site):
    widget = page_widgets(browser, book_site, "05_training")["lr"]
    # the replay's clock runs 30 times faster (300 ms an epoch on the page): what is drawn at the
    # end of each run is what this test reads
    browser.execute_script("const every = window.setInterval;"
                           "window.setInterval = (step, ms, ...rest) => every(step, ms / 30, ...rest);")
    state = saved_state(browser, "runs")
    lrs = state["lrs"]
    settings = dict(lr=state["lr"], optimizer=state["optimizer"], batch_size=state["batch_size"], epochs=state["epochs"])
    seen = set()
    for trait, value in [("lr", 10.0), ("optimizer", "sgd"), ("batch_size", 128), ("lr", 0.01), ("epochs", 3),
                         ("optimizer", "momentum"), ("lr", 1e-4)]:
        operate(browser, widget, trait, lrs.index(value) if trait == "lr" else value)
        settings[trait] = value
        assert text(widget, ".cnn-notes") == "Press train to start a run."
        widget.find_element(By.CSS_SELECTOR, '[data-action="train"]').click()
        WebDriverWait(browser, 10).until(lambda d: not text(widget, ".cnn-notes").startswith("epoch "))
        run = state["runs"][f"{settings['optimizer']} {settings['batch_size']} {lrs.index(settings['lr'])}"]
        history = replay(carried_history(run, settings["lr"]), settings["epochs"])
        notes = text(widget, ".cnn-notes")
        points = browser.execute_script("const p = arguments[0].querySelectorAll('svg')[1].querySelector('polyline');"
                                        "return p ? p.getAttribute('points').split(' ').length : 0", widget)
        assert notes == describe_run(history, settings["lr"]), (trait, value)
        assert points == history.epochs  # the training accuracy curve has one point per epoch shown
        assert (notes, points) not in seen, f"{trait}={value} changed nothing"
        seen.add((notes, points))
    assert_page_is_quiet(browser, book_site)


# -- chapter 7: the architecture explorer draws carried profiles, within the column ---------------
def test_architecture_drawings_match_python(browser):
    profiles = {name: profile(name) for name in ("lenet5", "resnet50", "mobilenet_v2", "vgg16")}
    explorer = ArchitectureExplorer("lenet5", latencies={"resnet50": 0.041, "vgg16": 0.29}, profiles=profiles)
    source, state = explorer._esm, explorer.get_state()
    wrap = "\nexport const textOf = (name, ...args) => ({stageTable, stageBars, comparisonChart})[name](...args).textContent;"
    calls, expected = [], []
    for carried in state["models"]:
        explorer.model = carried["name"]
        calls += [("stageTable", carried), ("stageBars", carried)]
        expected += [plain(explorer.view.table_html), plain(explorer.view.chart_svg)]
    for axis in ("macs", "latency_ms"):
        explorer.x_axis = axis
        calls.append(("comparisonChart", state["chart_points"], axis))
        expected.append(plain(explorer.comparison))
    assert js_calls(browser, source + wrap, "textOf", calls) == expected


def test_chapter_7_explorer_in_the_book_fits_the_column(browser, book_site):
    widget = page_widgets(browser, book_site, "07_architectures")["model"]
    state = saved_state(browser, "models")
    carried = {m["name"]: m for m in state["models"]}
    for name in ("lenet5", "resnet50", "vgg19_bn"):  # the page carries what the zoo computes now
        assert carried[name] == carried_profile(profile(name))
    # the Python drawings of the profiles the page carries (all checked in test_architecture_explorer)
    profiles = {name: ModelProfile(name, tuple(m["input_shape"]), tuple(
        StageRow(row, tuple(shape), params, macs) for row, shape, params, macs in m["stages"]))
        for name, m in carried.items()}
    reference = ArchitectureExplorer(state["model"], profiles=profiles)
    reference.points = [ModelPoint(**p) for p in state["chart_points"]]  # the latencies measured in the notebook
    seen = set()
    for trait, value in [("model", "lenet5"), ("x_axis", "latency_ms"), ("model", "mobilenet_v2"), ("x_axis", "macs"),
                         ("model", "vgg19_bn")]:
        operate(browser, widget, trait, value)
        setattr(reference, trait, value)
        shown = tuple(text(widget, selector) for selector in (".cnn-table", ".cnn-bars", ".cnn-comparison"))
        assert shown == (plain(reference.view.table_html), plain(reference.view.chart_svg), plain(reference.comparison))
        assert shown not in seen, (trait, value)
        seen.add(shown)
        overflow = browser.execute_script(
            "const article = document.querySelector('article.bd-article') || document.body;"
            "const edge = article.getBoundingClientRect().right + 1;"
            "return [...arguments[0].querySelectorAll('*')].filter((n) => n.getBoundingClientRect().right > edge)"
            ".map((n) => n.tagName);", widget)
        assert overflow == [], f"wider than the column at 1366 px after {trait}={value}: {overflow[:5]}"
    assert_page_is_quiet(browser, book_site)
