"""Kernel explorer: change the kernel -> new output image drawn, on a 512x512 photo."""

import itertools

from cnncourse.widgets import KernelExplorer

from .timing import median_seconds, report


def run():
    explorer = KernelExplorer(photo="camera", kernel="sobel_left", image_size=512)
    choices = itertools.cycle(["gaussian_7x7", "sharpen", "log_5x5", "sobel_top", "box_blur"])

    def change_kernel():
        explorer.kernel.value = next(choices)

    seconds = median_seconds(change_kernel, repeat=15, warmup=2)
    baseline = median_seconds(explorer.update, repeat=15, warmup=1)
    report("kernel explorer update, 512x512 photo", seconds, "median < 100 ms", seconds < 0.1,
           f"{seconds / baseline:.2f}x a bare redraw")
