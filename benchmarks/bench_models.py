"""Forward latency of every model of the zoo: batch 1, CPU, median, with its ratio to ResNet-18.

Each model is built once, timed, and freed before the next (VGG-19 alone is 575 MB of weights).
ResNet-18 is timed first and last in the same run; the ratios use the mean of its two medians, and
the drift between them says how much the machine's load moved during the run.
"""

import torch

from cnncourse.models import MODELS, build

from .timing import median_seconds


def time_model(name, repeat=5):
    """Median seconds of one batch-1 forward pass of the zoo model ``name``, without gradients."""
    model = build(name).eval()
    x = torch.randn(1, *MODELS[name].input_shape)
    with torch.no_grad():
        seconds = median_seconds(lambda: model(x), repeat=repeat, warmup=1)
    del model
    return seconds


def run():
    print(f"forward latency, batch 1, CPU float32, torch threads: {torch.get_num_threads()}")
    baseline_first = time_model("resnet18")
    results = {name: time_model(name) for name in MODELS if name != "resnet18"}
    baseline_last = time_model("resnet18")
    baseline = (baseline_first + baseline_last) / 2
    results["resnet18"] = baseline
    print(f"{'model':22s} {'input':>12s} {'median ms':>10s} {'x resnet18':>11s}")
    for name in MODELS:
        shape = "x".join(map(str, MODELS[name].input_shape))
        print(f"{name:22s} {shape:>12s} {results[name] * 1e3:10.1f} {results[name] / baseline:10.2f}x", flush=True)
    print(f"resnet18 drift during the run: {baseline_first * 1e3:.1f} ms first, {baseline_last * 1e3:.1f} ms last")


if __name__ == "__main__":
    run()
