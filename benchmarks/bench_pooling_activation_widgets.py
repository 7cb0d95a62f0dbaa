"""Chapters 3 and 4's widgets: time from a control change to the redrawn view.

Baseline for each widget: a bare redraw (its ``update()`` with unchanged controls), in the same run.
"""

import itertools

from cnncourse.widgets import ActivationExplorer, GradientFlowExplorer, PoolingExplorer, TranslationExplorer

from .timing import median_seconds, report

TARGET_SECONDS = 0.1


def _bench(name, explorer, control, values):
    """Median time of setting ``control`` to the next of ``values``, and of a bare update()."""
    choices = itertools.cycle(values)

    def change():
        control.value = next(choices)

    seconds = median_seconds(change, repeat=15, warmup=2)
    baseline = median_seconds(explorer.update, repeat=15, warmup=1)
    report(name, seconds, "median < 100 ms", seconds < TARGET_SECONDS, f"{seconds / baseline:.2f}x a bare redraw")


def run():
    pooling = PoolingExplorer(photo="camera", image_size=256)
    _bench("pooling explorer: window, 256x256 photo", pooling, pooling.kernel_size, [3, 2, 4, 5])
    _bench("pooling explorer: max / average", pooling, pooling.mode, ["average", "max"])
    translation = TranslationExplorer(photo="camera", image_size=128)
    _bench("translation explorer: shift, 128x128", translation, translation.shift, [1, 2, 3, 5, -2])
    activations = ActivationExplorer()
    _bench("activation explorer: flatness threshold", activations, activations.threshold, [0.01, 0.1, 0.2])
    _bench("activation explorer: all nine functions", activations, activations.functions,
           [tuple(activations.functions.options), ("sigmoid", "tanh", "relu")])
    gradients = GradientFlowExplorer(depth=20)
    _bench("gradient flow explorer: depth 20..60", gradients, gradients.depth, [30, 45, 60, 20])
