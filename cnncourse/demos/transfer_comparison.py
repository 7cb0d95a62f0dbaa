"""Chapter 8's experiments: four ways to use ImageNet weights on the texture task, against scratch.

Every strategy starts from EfficientNet-Lite0 (:func:`cnncourse.transfer.lite0_for_task`) on the
48 x 48 grey patches of :mod:`cnncourse.data.textures`, and reports a :class:`StrategyResult`
(test accuracy, trainable parameters, seconds of wall time, the training history, and how many
patches it was trained and tested on):

1. feature extraction: everything frozen but the classifier, trained on cached features;
2. fine-tuning the top: stage7, head and classifier trained on cached stage6 outputs;
3. progressive unfreezing: the classifier, then the top, then the whole network with small,
   per-stage learning rates (batch-norm statistics kept fixed);
4. the same network (Lite0) from random weights, every parameter trained.

:func:`learning_curve` compares a linear classifier on the frozen features with a small CNN
trained from scratch, over labels per class and seeds. :func:`imagenet_top1` and
:func:`drifting_batch_norm` reproduce the two classic mistakes.
"""

import math
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch
from torch import nn

from ..data import load_image
from ..data.textures import TEXTURES, per_class_subset, texture_arrays
from ..models import efficientnet_lite0
from ..models.imagenet import lite0_input, top_k
from ..models.layers import classifier_head, conv_bn_act
from ..threads import one_thread
from ..training import History, evaluate, fit
from ..transfer import (cached_features, changed_tensors, freeze, lite0_for_task, lite0_pixels, parameter_groups,
                        state_fingerprint, trainable_parameters, unfreeze)
from ..validation import as_int

SIZE = 48
NUM_CLASSES = len(TEXTURES)
TOP = ("stage7", "head", "classifier")
STRATEGIES = ("feature extraction", "fine-tune the top", "progressive unfreezing", "Lite0 from scratch")
# Per-stage learning rates of the last phase of progressive unfreezing: small at the bottom.
STAGE_LRS = {"stem": 1e-5, "stage1": 1e-5, "stage2": 1e-5, "stage3": 1e-5, "stage4": 3e-5, "stage5": 3e-5,
             "stage6": 3e-5, "stage7": 1e-4, "head": 1e-4, "classifier": 3e-4}
RECIPES = {  # epochs, learning rate, batch size
    "classifier": (20, 3e-3, 32), "top": (8, 1e-3, 32), "scratch": (3, 3e-3, 16),
    "all": (1, STAGE_LRS["classifier"], 32),  # the learning rates of STAGE_LRS' groups apply
}


@dataclass
class StrategyResult:
    """One row of the comparison table, and the run behind it: ``accuracy`` is measured on
    ``test_size`` test patches after training on ``train_size`` labelled patches."""

    name: str
    accuracy: float
    trainable: int
    seconds: float
    history: History = field(repr=False)
    train_size: int
    test_size: int


def task_data(size=SIZE, per_class=None, seed=0):
    """The texture task as ``(train, test)`` TensorDatasets, inputs scaled for Lite0 with
    :func:`cnncourse.transfer.lite0_pixels`. per_class: training patches per class, drawn with
    ``seed`` (None: all 144 at 48 x 48)."""
    datasets = []
    for split, count in (("train", per_class), ("test", None)):
        images, labels = texture_arrays(split, size)
        keep = per_class_subset(labels, count, seed)
        datasets.append(torch.utils.data.TensorDataset(lite0_pixels(torch.from_numpy(images[keep])),
                                                       torch.from_numpy(labels[keep])))
    return tuple(datasets)


def _lite0(train, seed, pretrained=True):
    """Lite0 for the texture classes, sized for the images of the dataset ``train``. Its weights are
    stored channels last (NHWC), the layout in which the CPU's depthwise convolutions run fastest:
    training is about a quarter faster here; the model and its inputs stay NCHW to the reader."""
    model = lite0_for_task(NUM_CLASSES, size=train[0][0].shape[-1], pretrained=pretrained, seed=seed)
    return model.to(memory_format=torch.channels_last)


def top_part(model, names):
    """The sub-modules ``names`` of ``model`` chained as one ``nn.Sequential`` (sharing their weights),
    to train on the cached output of the layer below them."""
    return nn.Sequential(OrderedDict((name, model.get_submodule(name)) for name in names))


def _fit(model, train, recipe, seed, **options):
    """``fit`` with a recipe of :data:`RECIPES`. Only a nan or infinite loss stops it: a phase that
    starts from a trained head starts from a tiny loss, which ordinary noise multiplies by ten."""
    epochs, lr, batch_size = RECIPES[recipe]
    return fit(model, train, epochs=epochs, lr=lr, batch_size=batch_size, seed=seed,
               progress=False, divergence_factor=None, **options)


def _on_cache(model, names, layer, train, test, cache_dir, recipe, seed):
    """Train ``names`` of ``model`` on the cached outputs of ``layer``; (history, test accuracy)."""
    top = top_part(model, names)
    features = [cached_features(model, layer, data, cache_dir, progress=False) for data in (train, test)]
    history = _fit(top, features[0], recipe, seed)
    return history, evaluate(top, features[1])["accuracy"]


def feature_extraction(train, test, cache_dir, seed=0):
    """Strategy 1: freeze all but the classifier; train it on the cached outputs of ``head``."""
    start = time.perf_counter()
    model = freeze(_lite0(train, seed), trainable="classifier")
    history, accuracy = _on_cache(model, ["classifier"], "head", train, test, cache_dir, "classifier", seed)
    return StrategyResult(STRATEGIES[0], accuracy, trainable_parameters(model), time.perf_counter() - start, history,
                          len(train), len(test))


def fine_tune_top(train, test, cache_dir, seed=0):
    """Strategy 2: freeze up to stage6; train stage7, head and classifier on cached stage6 outputs."""
    start = time.perf_counter()
    model = freeze(_lite0(train, seed), trainable=TOP)
    history, accuracy = _on_cache(model, TOP, "stage6", train, test, cache_dir, "top", seed)
    return StrategyResult(STRATEGIES[1], accuracy, trainable_parameters(model), time.perf_counter() - start, history,
                          len(train), len(test))


def progressive_unfreezing(train, test, cache_dir, seed=0, device=None):
    """Strategy 3: the classifier on cached features, then stage7 to classifier on cached stage6
    outputs, then every stage with :data:`STAGE_LRS` on the images (batch-norm statistics fixed).
    The history is the three phases' epochs, one after the other."""
    start = time.perf_counter()
    model = freeze(_lite0(train, seed), trainable="classifier")
    phases = [_on_cache(model, ["classifier"], "head", train, test, cache_dir, "classifier", seed)[0]]
    unfreeze(model, TOP, norm_statistics=False)
    phases.append(_on_cache(model, TOP, "stage6", train, test, cache_dir, "top", seed)[0])
    unfreeze(model, list(STAGE_LRS), norm_statistics=False)
    phases.append(_fit(model, train, "all", seed, parameters=parameter_groups(model, STAGE_LRS), device=device))
    accuracy = evaluate(model, test, device=device)["accuracy"]
    history = History(**{key: sum((getattr(h, key) for h in phases), []) for key in ("train_loss", "train_accuracy",
                                                                                     "lr")})
    return StrategyResult(STRATEGIES[2], accuracy, trainable_parameters(model), time.perf_counter() - start, history,
                          len(train), len(test))


def fine_tune_top_on_images(per_class=10, epochs=1, batch_size=32, seed=0, device=None):
    """Chapter 8's fine-tuning as one run on the images, for ``torchrun``: Lite0 with the ImageNet
    weights, frozen below stage7, its top (:data:`TOP`) trained at the rates of :data:`STAGE_LRS`
    on ``per_class`` texture patches per class, batch-norm statistics fixed; returns (model,
    history). Under torchrun each process trains on its share of every global batch of
    ``batch_size`` (see :mod:`cnncourse.demos.data_parallel`)."""
    train, _ = task_data(per_class=per_class, seed=seed)
    model = freeze(_lite0(train, seed), trainable=TOP, norm_statistics=False)
    history = fit(model, train, epochs=epochs, lr=STAGE_LRS["classifier"], batch_size=batch_size,
                  seed=seed, device=device, progress=False, divergence_factor=None,
                  parameters=parameter_groups(model, {name: STAGE_LRS[name] for name in TOP}))
    return model, history


def from_scratch(train, test, seed=0, device=None):
    """Strategy 4: the same network with random weights, everything trained."""
    start = time.perf_counter()
    model = _lite0(train, seed, pretrained=False)
    history = _fit(model, train, "scratch", seed, device=device)
    accuracy = evaluate(model, test, device=device)["accuracy"]
    return StrategyResult(STRATEGIES[3], accuracy, trainable_parameters(model), time.perf_counter() - start, history,
                          len(train), len(test))


def strategy_folder(cache_dir, name):
    """The sub-folder of ``cache_dir`` where :func:`compare_strategies` caches the features of the
    strategy ``name`` (one of the first three of :data:`STRATEGIES`)."""
    if name not in STRATEGIES[:3]:
        raise ValueError(f"name must be one of {', '.join(STRATEGIES[:3])} (the strategies that cache), got {name!r}")
    return Path(cache_dir) / f"strategy{STRATEGIES.index(name) + 1}"


def compare_strategies(train, test, cache_dir, seed=0, device=None):
    """The four strategies on the same data, in :data:`STRATEGIES` order, on one CPU thread. Each
    caches into its own sub-folder of ``cache_dir`` (:func:`strategy_folder`), so its seconds include
    computing its features."""
    folders = [strategy_folder(cache_dir, name) for name in STRATEGIES[:3]]
    with one_thread():
        return [feature_extraction(train, test, folders[0], seed), fine_tune_top(train, test, folders[1], seed),
                progressive_unfreezing(train, test, folders[2], seed, device), from_scratch(train, test, seed, device)]


def format_table(results):
    """The comparison as text: strategy, test accuracy, trainable parameters, seconds."""
    lines = [f"{'strategy':24s} {'accuracy':>8s} {'trainable':>11s} {'seconds':>8s}"]
    lines += [f"{r.name:24s} {r.accuracy:8.1%} {r.trainable:11,d} {r.seconds:8.1f}" for r in results]
    return "\n".join(lines)


def small_cnn(num_classes=NUM_CLASSES, width=16):
    """A small CNN to train from scratch: four stride-2 conv-BN-ReLU blocks (width, 2 width, 4 width,
    4 width channels) and a pooled linear head: (N, 3, H, W) -> (N, num_classes)."""
    widths = [3, width, 2 * width, 4 * width, 4 * width]
    blocks = [(f"block{i + 1}", conv_bn_act(c_in, c_out, 3, stride=2)) for i, (c_in, c_out) in
              enumerate(zip(widths, widths[1:]))]
    return nn.Sequential(OrderedDict(blocks + [("classifier", classifier_head(widths[-1], num_classes))]))


def _epochs_for(examples, steps, batch_size):
    """Epochs that give about ``steps`` optimizer steps on ``examples`` examples (at least one)."""
    return max(1, round(steps / math.ceil(examples / batch_size)))


@dataclass
class LearningCurve:
    """Test accuracy (on ``test_size`` test patches) against labelled examples per class, one row
    per seed: ``pretrained`` and ``scratch`` are (len(seeds), len(per_class)) arrays."""

    per_class: tuple
    seeds: tuple
    pretrained: np.ndarray
    scratch: np.ndarray
    test_size: int

    def summary(self):
        """Rows (labels per class, pretrained mean, min, max, scratch mean, min, max)."""
        return [(k, *(f(a[:, i]) for a in (self.pretrained, self.scratch) for f in (np.mean, np.min, np.max)))
                for i, k in enumerate(self.per_class)]


def learning_curve(train_features, test_features, train_images, test_images, per_class=(1, 5, 10, 50, 144),
                   seeds=(0, 1, 2), steps=60):
    """For each labels-per-class count and seed, the same random subset of training patches trains
    (a) a linear classifier on the frozen, cached Lite0 features and (b) :func:`small_cnn` from
    scratch, each for about ``steps`` steps of Adam (batch 16). Returns a :class:`LearningCurve`.

    train_features, test_features: datasets of (pooled or unpooled features, label); train_images,
    test_images: the matching datasets of images (same order)."""
    per_class = tuple(as_int(k, "per_class", minimum=1) for k in per_class)
    labels = train_images.tensors[1].numpy()
    scores = np.zeros((2, len(seeds), len(per_class)))
    with one_thread():
        for s, seed in enumerate(seeds):
            for i, k in enumerate(per_class):
                keep = torch.from_numpy(per_class_subset(labels, k, seed))
                epochs = _epochs_for(len(keep), steps, 16)
                for m, (model, train, test) in enumerate((
                        (_linear_head(train_features, seed), train_features, test_features),
                        (_seeded(small_cnn, seed), train_images, test_images))):
                    subset = torch.utils.data.TensorDataset(*(t[keep] for t in train.tensors))
                    fit(model, subset, epochs=epochs, lr=3e-3, batch_size=16, seed=seed, progress=False)
                    scores[m, s, i] = evaluate(model, test)["accuracy"]
    return LearningCurve(per_class, tuple(seeds), scores[0], scores[1], len(test_images))


def _seeded(build, seed):
    torch.manual_seed(seed)
    return build()


def _linear_head(features, seed):
    """Lite0's classifier shape (pool, flatten, dropout 0.2, linear) for ``features``' channels."""
    torch.manual_seed(seed)
    return classifier_head(features.tensors[0].shape[1], NUM_CLASSES, dropout=0.2)


INPUT_SCALINGS = {  # what a pixel p in 0..255 becomes
    "(p - 127) / 128": lambda p: (p - 127.0) / 128.0,  # what the weights were trained with
    "p / 255": lambda p: p / 255.0,                     # a [0, 1] image passed as it is
    "p": lambda p: p,                                   # raw pixel values
}


def imagenet_top1(photos, scaling="(p - 127) / 128", model=None):
    """``{photo: (class index, class name, probability)}``: the pretrained Lite0's top-1 guess for
    each bundled photo, its pixels scaled by ``scaling`` (a key of :data:`INPUT_SCALINGS`; the
    others than the first reproduce the classic mistake)."""
    if scaling not in INPUT_SCALINGS:
        raise ValueError(f"scaling must be one of {', '.join(INPUT_SCALINGS)}, got {scaling!r}")
    model = efficientnet_lite0(pretrained=True) if model is None else model.eval()
    guesses = {}
    with torch.no_grad():
        for name in photos:
            pixels = lite0_input(load_image(name)) * 128 + 127  # back to 0..255
            guesses[name] = top_k(model(INPUT_SCALINGS[scaling](pixels)), k=1)[0]
    return guesses


def drifting_batch_norm(train, test, seed=0):
    """The second classic mistake: the backbone's parameters frozen by ``requires_grad_(False)``
    alone, then the classifier trained on the images with the model in train mode.

    Returns ``{"changed": names of backbone tensors that changed, "accuracy": test accuracy,
    "frozen_accuracy": the same run with :func:`cnncourse.transfer.freeze`}``.
    """
    outcome = {}
    with one_thread():
        for careful in (False, True):
            model = _lite0(train, seed)
            if careful:
                freeze(model, trainable="classifier")
            else:
                for name, parameter in model.named_parameters():
                    parameter.requires_grad_(name.startswith("classifier."))
            before = state_fingerprint(model)
            fit(model, train, epochs=2, lr=3e-3, batch_size=32, seed=seed, progress=False)
            key = "frozen_accuracy" if careful else "accuracy"
            outcome[key] = evaluate(model, test)["accuracy"]
            if not careful:
                outcome["changed"] = [n for n in changed_tensors(model, before) if not n.startswith("classifier.")]
    return outcome
