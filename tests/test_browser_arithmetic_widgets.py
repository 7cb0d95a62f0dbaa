"""Chapter 2's animator and shape calculator in headless Chromium: their JavaScript gives the
Python reference's layouts, drawings and tables exactly, and in the built book every control
(sliders, checkbox, play button, preset menu, text box) redraws what Python gives."""

import time

import numpy as np
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from browser import console_errors, js_calls, open_page, outside_requests, requests
from cnncourse.shapes.layer_specs import EXAMPLES
from cnncourse.widgets import ConvArithmeticAnimator, ShapeCalculator, calculate_shapes, conv_arithmetic
from cnncourse.widgets.arithmetic_animator import arithmetic_svg, caption_html
from cnncourse.widgets.shape_calculator import report_html

ANIMATOR, CALCULATOR = ConvArithmeticAnimator._esm, ShapeCalculator._esm
RNG = np.random.default_rng(0)
FIELDS = ("output_size", "valid", "axis_kind", "axis_source", "row", "col", "tap_rows", "tap_cols", "formula", "message")


def random_settings():
    limits = ConvArithmeticAnimator.LIMITS
    values = [int(RNG.integers(low, high + 1)) for low, high in limits.values()]
    return (*values, bool(RNG.integers(0, 2)))


def test_the_browser_lays_out_and_draws_what_python_does(browser):
    cases = []
    for _ in range(80):
        settings = random_settings()
        position = int(RNG.integers(0, max(conv_arithmetic(*settings).positions, 1)))
        cases.append((*settings, position))
    layouts = js_calls(browser, ANIMATOR, "convArithmetic", cases)
    drawings = js_calls(browser, ANIMATOR, "arithmeticSvg", [[got] for got in layouts])
    captions = js_calls(browser, ANIMATOR, "captionHtml", [[got] for got in layouts])
    for case, got, svg, caption in zip(cases, layouts, drawings, captions):
        view = conv_arithmetic(*case)
        for field in FIELDS:
            expected = getattr(view, field)
            assert (tuple(got[field]) if isinstance(got[field], list) else got[field]) == expected, (case, field)
        assert [tuple(pair) for pair in got["feeding"]] == list(view.feeding)
        assert svg == arithmetic_svg(view) and caption == caption_html(view), case


def random_network():
    lines = [f"input {RNG.integers(1, 64)} {RNG.integers(1, 80)}" + (f" {RNG.integers(1, 80)}" if RNG.random() < .5 else "")]
    for _ in range(int(RNG.integers(0, 6))):
        kind = RNG.choice(["conv", "maxpool", "avgpool", "conv", "pool", "conv"])
        k = int(RNG.integers(0, 8))
        words = [str(kind)] + ([str(RNG.integers(0, 40))] if kind == "conv" else []) + [str(k)]
        for letter in "spdq":
            if RNG.random() < 0.3:
                words.append(f"{letter}{RNG.integers(-1, 4)}")
        lines.append(" ".join(words) + ("  # a comment" if RNG.random() < .2 else ""))
    return "\n".join(lines)


def test_the_browser_computes_the_shape_table_python_computes(browser):
    texts = [*EXAMPLES.values(), "", "conv 3 3", "input 3 x 5", *(random_network() for _ in range(100))]
    reports = js_calls(browser, CALCULATOR, "calculateShapes", [[text] for text in texts])
    tables = js_calls(browser, CALCULATOR, "reportHtml", [[got] for got in reports])
    errors = 0
    for text, got, table in zip(texts, reports, tables):
        report = calculate_shapes(text)
        errors += bool(report.error)
        assert got["error"] == report.error, text
        assert [(r["layer"], tuple(r["output_shape"]), r["params"], r["multiplications"], r["values"]) for r in got["rows"]] \
            == [(r.layer, r.output_shape, r.params, r.multiplications, r.values) for r in report.rows], text
        assert [(f["layer"], f["size"], f["jump"], f["start"]) for f in got["fields"]] \
            == [(f.layer, f.size, f.jump, f.start) for f in report.fields], text
        assert table == report_html(report), text
    assert 10 < errors < 90  # both kinds of outcome were compared


def widgets(driver):
    live = driver.find_elements(By.CSS_SELECTOR, ".cnn-live")
    animator = next(w for w in live if w.find_elements(By.CSS_SELECTOR, ".cnn-drawing"))
    calculator = next(w for w in live if w.find_elements(By.CSS_SELECTOR, ".cnn-table"))
    return animator, calculator


def drawn(animator):
    return (animator.find_element(By.CSS_SELECTOR, ".cnn-drawing").get_attribute("innerHTML"),
            animator.find_element(By.CSS_SELECTOR, ".cnn-caption").get_attribute("innerHTML"))


def same_dom(element, html):
    """Does ``element`` hold what ``html`` parses to? (The browser's own serialisation of both.)"""
    return element.parent.execute_script(
        "const parsed = document.createElement('div'); parsed.innerHTML = arguments[1];"
        "return parsed.innerHTML === arguments[0].innerHTML;", element, html)


def same_as(reference, animator):
    return (same_dom(animator.find_element(By.CSS_SELECTOR, ".cnn-drawing"), reference.drawing)
            and same_dom(animator.find_element(By.CSS_SELECTOR, ".cnn-caption"), reference.caption))


def test_every_control_of_the_book_page_redraws_what_python_gives(browser, book_site):
    base, _ = book_site
    open_page(browser, base + "chapters/02_padding_stride.html")
    animator, calculator = widgets(browser)
    reference = ConvArithmeticAnimator(n=7, kernel_size=3, padding=1, stride=2)
    reference.position = 5
    assert same_as(reference, animator)

    def slide(trait, value):
        before = drawn(animator)
        control = animator.find_element(By.CSS_SELECTOR, f'[data-trait="{trait}"]')
        if control.get_attribute("type") == "checkbox":
            control.click()
        else:
            browser.execute_script("arguments[0].value = arguments[1];"
                                   "arguments[0].dispatchEvent(new Event('input'));", control, value)
        setattr(reference, trait, value)
        assert same_as(reference, animator), trait
        assert drawn(animator) != before, trait

    for trait, value in [("n", 9), ("kernel_size", 4), ("padding", 2), ("stride", 1), ("dilation", 2),
                         ("position", 7), ("transposed", True), ("stride", 3)]:
        slide(trait, value)
    slide("position", 0)
    play = animator.find_element(By.CSS_SELECTOR, ".cnn-play")
    play.click()
    time.sleep(1.6)  # two steps at 700 ms
    play.click()
    stepped = int(animator.find_element(By.CSS_SELECTOR, '[data-trait="position"]').get_attribute("value"))
    assert stepped >= 2 and "play" in play.text
    reference.position = stepped
    assert same_as(reference, animator)

    table = calculator.find_element(By.CSS_SELECTOR, ".cnn-table")
    checked = ShapeCalculator(preset="AlexNet, conv1 to pool5")
    assert same_dom(table, checked.table)
    Select(calculator.find_element(By.CSS_SELECTOR, '[data-trait="preset"]')).select_by_value("1x1 bottleneck before a 5x5 conv")
    checked.preset = "1x1 bottleneck before a 5x5 conv"
    assert same_dom(table, checked.table)
    box = calculator.find_element(By.CSS_SELECTOR, "textarea")
    box.send_keys("maxpool 2 s2\nconv 8 3 p1 q2")
    checked.text = checked.text + "maxpool 2 s2\nconv 8 3 p1 q2"
    assert checked.preset == "custom" and checked.report.error
    assert Select(calculator.find_element(By.CSS_SELECTOR, '[data-trait="preset"]')).first_selected_option.text == "custom"
    assert same_dom(table, checked.table)
    assert not console_errors(browser)
    assert not outside_requests(requests(browser), int(base.rsplit(":", 1)[1].strip("/")))
