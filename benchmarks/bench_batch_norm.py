"""Chapter 6: NumPy batch_norm forward + backward (training mode) vs torch's, CPU float32."""

import numpy as np
import torch
import torch.nn.functional as F

from cnncourse.functional import batch_norm, batch_norm_backward

from .timing import paired_median_ratio, report, sized


def run():
    rng = np.random.default_rng(0)
    x = rng.normal(size=sized((32, 64, 32, 32), (2, 64, 4, 4))).astype(np.float32)
    weight, bias = rng.uniform(0.5, 2, 64).astype(np.float32), rng.normal(size=64).astype(np.float32)
    grad_output = rng.normal(size=x.shape).astype(np.float32)
    tx, tw, tb = (torch.from_numpy(v).requires_grad_() for v in (x, weight, bias))
    tg = torch.from_numpy(grad_output)

    def ours():
        batch_norm(x, np.zeros(64, np.float32), np.ones(64, np.float32), weight, bias, training=True)
        return batch_norm_backward(grad_output, x, weight=weight, training=True)

    def theirs():
        out = F.batch_norm(tx, torch.zeros(64), torch.ones(64), tw, tb, training=True)
        return torch.autograd.grad(out, (tx, tw, tb), tg)

    seconds, baseline, ratio = paired_median_ratio(ours, theirs, repeat=11, warmup=2)
    print(f"batch_norm forward + backward, training mode, CPU float32, x {x.shape} "
          f"(torch threads: {torch.get_num_threads()})")
    report("torch forward + autograd backward (baseline)", baseline, "-", True, "1.00x")
    report("cnncourse batch_norm + batch_norm_backward", seconds, "within 20x of torch", ratio <= 20,
           f"{ratio:.2f}x torch")
