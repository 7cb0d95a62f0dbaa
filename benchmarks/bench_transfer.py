"""Chapter 8: an epoch of the classifier on cached features against an epoch through the frozen
backbone (Horzyk's trick), and a cache read against computing the features.

Both epochs train the same classifier of the pretrained EfficientNet-Lite0 on the same 240 texture
patches (48 x 48), on one CPU thread; the backbone run is the baseline.
"""

import tempfile

from cnncourse.demos.transfer_comparison import task_data
from cnncourse.threads import one_thread
from cnncourse.training import fit
from cnncourse.transfer import cached_features, freeze, lite0_for_task

from .timing import paired_median_ratio, report, sized


def run(repeat=5):
    train, _ = task_data(per_class=sized(30, 2))
    model = freeze(lite0_for_task(8, size=48), trainable="classifier")
    options = dict(epochs=1, lr=3e-3, batch_size=32, progress=False, device="cpu", divergence_factor=None)
    with one_thread(), tempfile.TemporaryDirectory() as folder:
        features = cached_features(model, "head", train, folder, progress=False)
        cached, backbone, ratio = paired_median_ratio(
            lambda: fit(model.classifier, features, **options), lambda: fit(model, train, **options),
            repeat=repeat, warmup=1)
        print(f"one epoch of the classifier on {len(train)} patches, CPU, one thread")
        report("through the frozen backbone (baseline)", backbone, "-", True, "1.00x")
        report("on cached head features", cached, "at least 10x faster", 1 / ratio >= 10,
               f"{1 / ratio:.0f}x faster")
        again = lambda: cached_features(model, "head", train, folder, progress=False)  # noqa: E731
        fresh = lambda: cached_features(model, "head", train, tempfile.mkdtemp(dir=folder), progress=False)  # noqa: E731
        read, compute, ratio = paired_median_ratio(again, fresh, repeat=repeat, warmup=1)
        report("compute the features (baseline)", compute, "-", True, "1.00x")
        report("read them from the cache (hash + load)", read, "at least 5x faster", 1 / ratio >= 5,
               f"{1 / ratio:.0f}x faster")
