"""Cases for the explorers' pure functions, answered by their Python references: the convolution
arithmetic animator, the shape calculator, the pooling, activation and translation explorers, and
ui.js's number formats (Python's format()). Mirrors the browser tests' comparisons
(tests/test_browser_arithmetic_widgets.py, tests/test_browser_widgets_ch3to7.py) without a browser.
"""

import dataclasses
import math

import numpy as np

from cnncourse import kernels
from cnncourse.demos.invariance import compare_shift, correlation
from cnncourse.functional import corr2d
from cnncourse.shapes.layer_specs import EXAMPLES
from cnncourse.widgets import calculate_shapes, conv_arithmetic
from cnncourse.widgets.activation_explorer import ACTIVATIONS, describe_flat, explore_activations, flat_intervals
from cnncourse.widgets.arithmetic_animator import ConvArithmeticAnimator, arithmetic_svg, caption_html
from cnncourse.widgets.pooling_explorer import explore_pooling, pooling_limits
from cnncourse.widgets.shape_calculator import report_html

from .js_mutation_engine import refused


def number(x):
    """A number for JSON: nan and the infinities as {"number": "NaN"} or "-Infinity", "Infinity"
    (tests/js/harness.mjs reads them back)."""
    if math.isfinite(x):
        return x
    return {"number": "NaN" if math.isnan(x) else "Infinity" if x > 0 else "-Infinity"}


def arithmetic_fixtures(rng):
    parts, layouts, drawings, captions = ["_live", "arithmetic_animator"], [], [], []
    limits = ConvArithmeticAnimator.LIMITS.values()
    chosen = [  # (n, k, p, s, d, transposed): the edges of each formula, then random ones
        (3, 3, 0, 1, 1, False), (2, 3, 0, 1, 1, False), (3, 1, 1, 1, 1, False), (13, 5, 0, 5, 1, False),
        (1, 1, 0, 1, 1, True), (1, 1, 1, 1, 1, True), (2, 2, 1, 1, 1, True), (2, 1, 1, 1, 1, True)]
    while len(layouts) < 30:
        settings = chosen[len(layouts)] if len(layouts) < len(chosen) else (
            *(int(rng.integers(low, high + 1)) for low, high in limits), len(layouts) % 2 == 1)
        position = int(rng.integers(0, max(conv_arithmetic(*settings).positions, 1)))
        view = conv_arithmetic(*settings, position)
        plain = json_ready(dataclasses.asdict(view))
        layouts.append({"args": [*settings, position], "expected": plain})
        if len(layouts) <= len(chosen) or len(layouts) % 3 == 1:   # the chosen and every third drawn (long)
            drawings.append({"args": [plain], "expected": arithmetic_svg(view)})
        captions.append({"args": [plain], "expected": caption_html(view)})
    assert {case["expected"]["valid"] for case in layouts} == {True, False}
    for settings in [(5, 3, 0, 1, 1, False, 9), (3, 3, 0, 1, 1, False, 1), (2, 3, 0, 1, 1, False, 1)]:
        assert refused(conv_arithmetic, *settings)   # past the last output cell (of 9, 1, none)
        layouts.append({"args": list(settings), "throws": True})
    helpers = ["outputLength", "transposedLength", "gridAxis", "formula", "notes"]
    return [{"parts": parts, "function": "convArithmetic", "mutate": helpers, "atol": 0, "cases": layouts},
            {"parts": parts, "function": "arithmeticSvg", "mutate": ["cellKind", "legend", "rowRuns", "gridLines"],
             "atol": 0, "cases": drawings},
            {"parts": parts, "function": "captionHtml", "atol": 0, "cases": captions}]


def json_ready(value):
    """Tuples as lists, recursively (what JSON and the JavaScript objects hold)."""
    if isinstance(value, dict):
        return {key: json_ready(v) for key, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_ready(v) for v in value]
    return value


def random_network(rng):
    """A network text: an input line, then up to five layers with options, some of them wrong."""
    lines = [f"input {rng.integers(1, 64)} {rng.integers(1, 80)} {rng.integers(1, 80)}"]
    for _ in range(int(rng.integers(0, 6))):
        kind = str(rng.choice(["conv", "maxpool", "avgpool", "conv", "pool"]))
        words = [kind, *([str(rng.integers(0, 40))] if kind == "conv" else []), str(rng.integers(0, 8))]
        words += [f"{letter}{rng.integers(-1, 4)}" for letter in "spdq" if rng.random() < 0.3]
        lines.append(" ".join(words) + ("  # a comment" if rng.random() < 0.2 else ""))
    return "\n".join(lines)


def shape_fixtures(rng):
    chosen = ["input 3 5 5\nconv 4 3\nconv 4 3\nconv 4 3", "input 1 28\nconv 2 3 s2", "input 3 5 0", "input 0 5 5",
              "input 3 0 5", "input 7", "input 1 1 1\nconv 1 1", "input 1 6 6\nmaxpool 3 p2", "input 1 6 6\nmaxpool 4 p2",
              "input 1 6 6\nmaxpool 5 p2", "conv 16", "input 1 8 8\nconv 16", "input 1 8 8\nmaxpool",
              "input 1 8 8\navgpool 2 3", "input 1 4 4\nconv 2 3 d2", "input 1 2 2\nconv 2 5 p1", "input 1 3 3\nconv 2 5 p1",
              "input 1 8 8\nconv s2 4 3"]
    texts = [*EXAMPLES.values(), *chosen, "", "conv 3 3", "input 3 x 5", "input 3 9 7\nconv 4 3 s2 p1 d2\navgpool 3 s1 p1",
             *(random_network(rng) for _ in range(40))]
    reports, tables = [], []
    for text in texts:
        report = calculate_shapes(text)
        rows = [{key: json_ready(getattr(row, key)) for key in ("layer", "output_shape", "params", "multiplications",
                                                                "values")} for row in report.rows]
        fields = [{key: getattr(field, key) for key in ("layer", "size", "jump", "start")} for field in report.fields]
        plain = {"rows": rows, "fields": fields, "error": report.error}
        reports.append({"args": [text], "expected": plain})
        tables.append({"args": [plain], "expected": report_html(report)})
    errors = sum(bool(case["expected"]["error"]) for case in reports)
    assert 5 < errors < len(reports) - 5   # both outcomes
    parts = ["_live", "shape_calculator"]
    return [{"parts": parts, "function": "calculateShapes", "atol": 0, "cases": reports,
             "mutate": ["integer", "atLeast", "readInput", "readLayer", "parseNetwork", "formatLayer", "outputLength"]},
            {"parts": parts, "function": "reportHtml", "atol": 0, "cases": tables}]


def pooling_fixtures(rng):
    limits, explained = [], []
    for rows, cols in [(4, 6), (7, 5), (3, 3), (9, 8)]:
        for k, stride, padding in [(5, 1, 2), (3, 2, 1), (2, 3, 0)]:
            limits.append({"args": [rows, cols, k, stride, padding],
                           "expected": pooling_limits((rows, cols), k, stride, padding)})
    for (rows, cols), k, stride, padding in [((5, 6), 3, 2, 1), ((4, 4), 2, 1, 1), ((6, 5), 3, 3, 0), ((5, 7), 2, 2, 1),
                                             ((1, 5), 1, 1, 0)]:
        grid = rng.integers(-4, 5, size=(rows, cols)) / 2.0   # ties: the first maximum wins
        for mode in ("max", "average"):
            out_rows, out_cols = ((n + 2 * padding - k) // stride + 1 for n in (rows, cols))
            row, col = int(rng.integers(0, out_rows)), int(rng.integers(0, out_cols))
            view = explore_pooling(grid, mode, k, stride, padding, row, col)
            explained.append({"args": [grid.tolist(), k, stride, padding, mode, row, col], "expected": {
                "padded": [[number(v) for v in line] for line in view.padded.tolist()],
                "output": {"values": view.output.ravel().tolist(), "rows": out_rows, "cols": out_cols},
                "top": view.top, "left": view.left, "window": [number(v) for v in view.window.ravel().tolist()],
                "winner": list(view.winner) if view.winner else None, "value": view.value}})
    parts = ["_live", "ui", "pool2d", "pooling_explorer"]
    return [{"parts": parts, "function": "poolingLimits", "atol": 0, "cases": limits},
            {"parts": parts, "function": "explainPooling", "atol": 1e-12, "cases": explained}]


def activation_fixtures(rng):
    explored, described, intervals = [], [], []
    names = list(ACTIVATIONS)
    # kinks and ends on the samples: 0 and 6 (relu6) among the x, and far tails where the curves are flat
    for x_min, x_max, threshold, points in [(-6.0, 6.0, 0.05, 25), (-45.0, 45.0, 0.2, 31), (-1.0, 7.0, 0.01, 17)]:
        view = explore_activations(names, x_min, x_max, threshold, points)
        curves = [{"name": c.name, "y": c.y.tolist(), "dy": c.dy.tolist(), "flat": json_ready(c.flat)}
                  for c in view.curves]
        explored.append({"args": [names, x_min, x_max, threshold, points], "expected": {"x": view.x.tolist(),
                                                                                        "curves": curves}})
        for curve, reference in zip(curves, view.curves):
            plain = describe_flat(reference, threshold).replace("<b>", "").replace("</b>", "")
            described.append({"args": [curve, threshold],
                              "expected": plain.replace("&lt;", "<").replace("&ge;", "\u2265")})
    view = explore_activations(["tanh"], -3.0, 3.0, 0.1234567, 13)   # a threshold with more than 6 digits
    curve = view.curves[0]
    described.append({"args": [{"name": curve.name, "flat": json_ready(curve.flat)}, 0.1234567],
                      "expected": describe_flat(curve, 0.1234567).replace("<b>", "").replace("</b>", "")
                      .replace("&lt;", "<")})
    x = np.linspace(-2, 2, 9)
    for dy in ([0.0, 0.0, 1, 1, 0.0, 1, 0.0, 0.0, 0.0], [1.0] * 9, [0.0] * 9, [0.02, 1, 1, 1, 1, 1, 1, 1, 0.05]):
        intervals.append({"args": [x.tolist(), dy, 0.05], "expected": json_ready(flat_intervals(x, dy, 0.05))})
    parts = ["_live", "ui", "activation_explorer"]
    return [{"parts": parts, "function": "exploreActivations", "mutate": ["ACTIVATION_FUNCTIONS", "normalCdf", "sigmoid",
                                                                           "linspace"],
             "atol": 1e-12, "rtol": 1e-9, "cases": explored},
            {"parts": parts, "function": "describeFlat", "atol": 0, "cases": described},
            {"parts": parts, "function": "flatIntervals", "atol": 0, "cases": intervals}]


def translation_fixtures(rng):
    weights = kernels.get("sobel_left")
    compared, relu_maps, correlations = [], [], []
    for shift, pool_size, mode in [(2, 4, "max"), (-5, 2, "average"), (0, 3, "max"), (7, 1, "average")]:
        image = rng.integers(0, 256, size=(12, 30)) / 255
        c = compare_shift(image, shift, pool_size, mode, margin=8)
        grid = lambda a: {"values": a.ravel().tolist(), "rows": a.shape[0], "cols": a.shape[1]}  # noqa: E731
        compared.append({"args": [image.ravel().tolist(), 12, 30, shift, pool_size, mode, weights.ravel().tolist(),
                                  3, 3, 8],
                         "expected": {"original": grid(c.original), "shifted": grid(c.shifted),
                                      "features": grid(c.features), "shiftedFeatures": grid(c.shifted_features),
                                      "pooled": grid(c.pooled), "shiftedPooled": grid(c.shifted_pooled),
                                      "before": c.correlation_before, "after": c.correlation_after}})
    for rows, cols, kh, kw in [(5, 6, 3, 2), (4, 4, 1, 3)]:
        values, kernel = rng.normal(size=(rows, cols)), rng.normal(size=(kh, kw))
        out = np.maximum(corr2d(values, kernel), 0)
        relu_maps.append({"args": [values.ravel().tolist(), rows, cols, kernel.ravel().tolist(), kh, kw],
                          "expected": {"values": out.ravel().tolist(), "rows": out.shape[0], "cols": out.shape[1]}})
    for a, b in [(rng.normal(size=7), rng.normal(size=7)), (np.full(4, 2.0), rng.normal(size=4)),
                 (np.arange(5.0), 3 * np.arange(5.0) + 1)]:
        correlations.append({"args": [a.tolist(), b.tolist()], "expected": float(correlation(a, b))})
    parts = ["_live", "ui", "pool2d", "translation_explorer"]
    return [{"parts": parts, "function": "compareShift", "atol": 1e-12, "rtol": 1e-9, "cases": compared},
            {"parts": parts, "function": "reluCorr2d", "atol": 1e-12, "rtol": 1e-12, "cases": relu_maps},
            {"parts": parts, "function": "correlation", "atol": 1e-12, "cases": correlations}]


def format_fixtures(rng):
    values = [0.0, -0.0, 5.25, 1.0625, 2.5e-5, 12345.0, -3.0, 0.125, 99995.0, 1 / 3, -2.875, 0.5, 9.96, 0.99996,
              3e-12, 0.015, 2.675, 1e20, 1.0, 0.00012345, 0.0005, -0.00099996, *rng.normal(scale=100, size=8).tolist(),
              *(10.0 ** rng.uniform(-30, 8, size=8)).tolist()]
    parts = ["_live", "ui"]
    cases = {"formatF": [{"args": [v, d], "expected": f"{v:.{d}f}"} for v in values for d in (0, 2, 3)],
             "formatE": [{"args": [v, d], "expected": f"{v:.{d}e}"} for v in values for d in (0, 1, 3)],
             "formatG": [{"args": [v, p], "expected": f"{v:.{p}g}"} for v in values for p in (1, 3, 4, 6)],
             "formatInt": [{"args": [v], "expected": f"{v:,}"} for v in (0, 7, 999, 1000, 123456, 1234567, -45210)]}
    for name, default in (("formatF", 2), ("formatE", 1), ("formatG", 4)):
        cases[name] += [{"args": [v], "expected": format(v, f".{default}{name[-1].lower()}")} for v in values[:6]]
    for name in ("formatF", "formatE", "formatG"):
        cases[name] += [{"args": [number(v)], "expected": f"{v:{name[-1].lower()}}"} for v in (math.inf, -math.inf)]
    helpers = {"formatE": ["roundDigits", "exponentForm"]}
    return [{"parts": parts, "function": name, "mutate": helpers.get(name, []), "atol": 0, "cases": c}
            for name, c in cases.items()]


def widget_fixtures(rng):
    return [*arithmetic_fixtures(rng), *shape_fixtures(rng), *pooling_fixtures(rng), *activation_fixtures(rng),
            *translation_fixtures(rng), *format_fixtures(rng)]
