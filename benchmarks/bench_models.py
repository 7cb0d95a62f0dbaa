"""Forward latency of every model of the zoo: batch 1, CPU, median, with its ratio to ResNet-18.

Each model is built once, timed, and freed before the next (VGG-19 alone is 575 MB of weights).
ResNet-18 is timed first and last in the same run; the ratios use the mean of its two medians, and
the drift between them says how much the machine's load moved during the run.
"""

import torch

from cnncourse.models import MODELS, build

from .timing import median_seconds, report, sized


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
    base = sized("resnet18", "lenet5")  # quick mode: the smallest models
    baseline_first = time_model(base)
    names = sized(list(MODELS), ["alexnet"])
    results = {name: time_model(name) for name in names if name != base}
    baseline_last = time_model(base)
    baseline = (baseline_first + baseline_last) / 2
    results[base] = baseline
    for name in MODELS:
        if name in results:
            shape = "x".join(map(str, MODELS[name].input_shape))
            report(f"forward {name} ({shape})", results[name], "-", True,
                   f"{results[name] / baseline:.2f}x {base}")
    print(f"{base} drift during the run: {baseline_first * 1e3:.1f} ms first, {baseline_last * 1e3:.1f} ms last")


if __name__ == "__main__":
    run()
