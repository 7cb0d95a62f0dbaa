"""cnncourse.functional.conv2d (NumPy im2col) and conv2d_naive vs torch.nn.functional.conv2d on CPU."""

import numpy as np
import torch
import torch.nn.functional as F

from cnncourse.functional import conv2d, conv2d_naive

from .timing import median_seconds, paired_median_ratio, report, sized


def run():
    rng = np.random.default_rng(0)
    x = rng.normal(size=sized((16, 16, 32, 32), (2, 16, 8, 8))).astype(np.float32)
    weight = rng.normal(size=(32, 16, 3, 3)).astype(np.float32)
    bias = rng.normal(size=32).astype(np.float32)
    tx, tw, tb = map(torch.from_numpy, (x, weight, bias))
    with torch.no_grad():
        ours, baseline, ratio = paired_median_ratio(lambda: conv2d(x, weight, bias, padding=1),
                                                    lambda: F.conv2d(tx, tw, tb, padding=1))
    naive = median_seconds(lambda: conv2d_naive(x, weight, bias, padding=1), repeat=3, warmup=0)
    print(f"conv2d, CPU float32, x {x.shape}, weight {weight.shape}, padding 1 "
          f"(torch threads: {torch.get_num_threads()})")
    report("torch.nn.functional.conv2d (baseline)", baseline, "-", True, "1.00x")
    report("cnncourse conv2d (im2col)", ours, "within 3x of torch", ratio <= 3,
           f"{ratio:.2f}x torch (paired)")
    report("cnncourse conv2d_naive (loops)", naive, "none, for reading", True,
           f"{naive / baseline:.0f}x torch, {naive / ours:.0f}x im2col")
