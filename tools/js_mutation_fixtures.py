"""The widgets' JavaScript cases, with the answers of their Python references: tests/js/fixtures.json.

``python -m tools.js_mutation_fixtures`` writes the file; tests/test_js_mutation_fixtures.py checks
that it still holds what the references give and that the JavaScript passes it, and
``node tools/js_mutation.mjs`` (``make mutation AREA=js``) plants mutants in the functions it names
and counts the ones it catches. Each entry: the widget scripts a module is made of (as
``cnncourse.widgets.live.esm`` joins them; the last is the one mutated), the exported function (or
class, or constant), optionally the script's private helpers it also answers for (``mutate``) and
a ``driver`` of tests/js/drivers.mjs that calls it, and cases ``{"args": [...], "expected": ...}``
(numbers to within ``atol + rtol * |expected|``; for an object, its keys) or ``{"args", "throws":
true}``. Typed arrays travel as ``{"f64": [...]}`` (also f32, i32).
"""

import json
import math
from pathlib import Path

import numpy as np

from cnncourse.functional import avg_pool2d, max_pool2d
from cnncourse.widgets.kernel_explorer import MODES, explore_kernel

from .js_mutation_engine import functional_fixtures, optim_fixtures
from .js_mutation_trainer import generator_fixtures, tiny_cnn_fixtures, trainer_fixtures
from .js_mutation_views import view_fixtures
from .js_mutation_widgets import widget_fixtures

FIXTURES = Path(__file__).resolve().parents[1] / "tests" / "js" / "fixtures.json"


def kernel_cases(rng):
    cases = []
    for h, w, k in [(5, 7, 3), (6, 4, 2), (4, 4, 1), (8, 5, 3)]:
        image, kernel = rng.random((h, w)).round(3), rng.normal(size=(k, k)).round(3)
        for row, col, mode in [(h - k, 0, MODES[0]), (0, w - k, MODES[1]), (h - k, w - k, MODES[1])]:
            view = explore_kernel(image, kernel, row, col, mode)
            cases.append({"args": [image.ravel().tolist(), h, w, kernel.ravel().tolist(), row, col, mode],
                          "expected": {"k": k, "rows": view.output.shape[0], "cols": view.output.shape[1],
                                       "output": view.output.ravel().tolist(), "slid": view.slid.ravel().tolist(),
                                       "patch": view.patch.ravel().tolist(),
                                       "products": view.products.ravel().tolist(), "total": view.total}})
    return cases


def unit_range_cases():
    """toUnitRange: values inside [0, 1] kept, others stretched min-max (a constant map to 0)."""
    cases = []
    for values in ([0.0, 0.5, 1.0], [-1.0, 0.0, 3.0], [2.0, 2.0], [0.25, 1.5]):
        lo, hi = min(values), max(values)
        inside = lo >= 0 and hi <= 1
        shown = values if inside else [(v - lo) / (hi - lo) if hi > lo else 0.0 for v in values]
        cases.append({"args": [values], "expected": {"shown": shown, "lo": lo, "hi": hi, "stretched": not inside}})
    return cases


def pool_cases(rng):
    cases = []
    for rows, cols, k, stride, padding in [(5, 6, 2, 2, 0), (7, 5, 3, 2, 1), (4, 4, 3, 1, 1), (6, 7, 2, 1, 0), (6, 7, 2, 2, 0)]:
        grid = rng.normal(size=(rows, cols)).round(3)
        for mode, pool in (("max", max_pool2d), ("avg", avg_pool2d)):
            out = pool(grid[None], k, stride, padding)[0]
            cases.append({"args": [grid.ravel().tolist(), rows, cols, k, stride, padding, mode],
                          "expected": {"values": out.ravel().tolist(), "rows": out.shape[0], "cols": out.shape[1]}})
    return cases


def erfc_cases():
    return [{"args": [z], "expected": math.erfc(z)} for z in (-3.5, -1.2, -0.3, 0.0, 0.4, 1.1, 2.5, 2.99, 3.2, 3.9, 4.0, 6.0)]


def fixtures():
    """Every fixture, from the Python references (seeded: the same file each time)."""
    rng = np.random.default_rng(17)
    return [
        {"parts": ["_live", "kernel_explorer"], "function": "explore", "mutate": ["corr2d"], "atol": 1e-9, "cases": kernel_cases(rng)},
        {"parts": ["_live", "kernel_explorer"], "function": "toUnitRange", "atol": 1e-12, "cases": unit_range_cases()},
        {"parts": ["pool2d"], "function": "pool2d", "atol": 1e-9, "cases": pool_cases(rng)},
        # erfc to double precision, relative: a series below 3 (its 1 - (1 - erfc) loses about 1e-11 of
        # erfc(2.99)), a continued fraction beyond (the series there would lose 3e-9 of erfc(3.9))
        {"parts": ["_live", "ui", "activation_explorer"], "function": "erfc", "atol": 0, "rtol": 1e-10,
         "cases": erfc_cases()},
        *functional_fixtures(rng), *optim_fixtures(rng), *generator_fixtures(), *tiny_cnn_fixtures(rng),
        *trainer_fixtures(rng), *widget_fixtures(rng), *view_fixtures(rng),
    ]


def main():
    lines = (json.dumps(fixture, separators=(",", ":")) for fixture in fixtures())   # one fixture a line
    FIXTURES.write_text("[\n" + ",\n".join(lines) + "\n]\n", encoding="utf-8")
    print(f"wrote {FIXTURES}")


if __name__ == "__main__":
    main()
