"""Kernel explorer, Python side: change the kernel -> the reference view recomputed, 256x256 photo."""

import itertools

from cnncourse.widgets import KernelExplorer

from .timing import median_seconds, report, sized


def run():
    explorer = KernelExplorer(photo="camera", kernel="sobel_left", image_size=sized(256, 64))
    choices = itertools.cycle(["gaussian_7x7", "sharpen", "log_5x5", "sobel_top", "box_blur"])

    def change_kernel():
        explorer.kernel = next(choices)
        return explorer.view

    seconds = median_seconds(change_kernel, repeat=15, warmup=2)
    baseline = median_seconds(lambda: explorer.view, repeat=15, warmup=1)
    report("kernel explorer kernel change + view, 256x256 photo", seconds, "median < 100 ms", seconds < 0.1,
           f"{seconds / baseline:.2f}x recomputing the view alone")
