"""Convolution-arithmetic animator in Python: move a control -> the SVG it draws, over settings up to
the largest grids (the browser's redraw is timed in bench_browser_widgets)."""

import itertools

from cnncourse.widgets import ConvArithmeticAnimator, conv_arithmetic

from .timing import median_seconds, report

# (control, value) changes cycled through: ordinary steps and the biggest drawings the sliders allow.
CHANGES = [("stride", 1), ("padding", 3), ("dilation", 3), ("n", 12), ("kernel_size", 7),
           ("transposed", True), ("stride", 4), ("position", 40), ("transposed", False), ("n", 7),
           ("kernel_size", 3), ("dilation", 1), ("padding", 1), ("stride", 2), ("position", 5)]


def run():
    animator = ConvArithmeticAnimator()
    changes = itertools.cycle(CHANGES)

    def move_a_slider():
        name, value = next(changes)
        setattr(animator, name, value)
        return animator.drawing

    seconds = median_seconds(move_a_slider, repeat=3 * len(CHANGES), warmup=len(CHANGES))
    v = animator.view
    baseline = median_seconds(lambda: conv_arithmetic(v.n, v.kernel_size, v.padding, v.stride, v.dilation,
                                                      v.transposed, v.position), repeat=45, warmup=3)
    report("arithmetic animator update (control -> SVG)", seconds, "median < 100 ms", seconds < 0.1,
           f"{seconds / baseline:.1f}x the pure layout")
