"""A tiny CNN trained with NumPy alone: every forward and backward pass is cnncourse.functional's.

conv 3x3 (8 filters) -> ReLU -> max pool 2x2 -> flatten -> linear -> softmax cross-entropy, on
the 8x8 digits: (N, 1, 8, 8) -> (N, 8, 6, 6) -> (N, 8, 3, 3) -> (N, 72) -> (N, 10) scores.
"""

from dataclasses import dataclass, field

import numpy as np

from ..data.handwritten_digits import NUM_CLASSES, digit_arrays
from ..functional import (conv2d, conv2d_backward, cross_entropy, cross_entropy_backward,
                         max_pool2d, max_pool2d_backward, relu, relu_grad)
from ..optim import Adam
from ..validation import as_int

PARAMETER_NAMES = ("conv_weight", "conv_bias", "linear_weight", "linear_bias")


class TinyCNN:
    """The network's parameters (a dict of float arrays) and its forward and backward passes."""

    def __init__(self, filters=8, image_size=8, num_classes=NUM_CLASSES, seed=0, dtype=np.float64):
        rng = np.random.default_rng(seed)
        side = (image_size - 2) // 2
        features = filters * side * side
        # He scale for the convolution; small scores at first, so the first loss is near log(classes).
        self.params = {
            "conv_weight": rng.normal(0, np.sqrt(2 / 9), (filters, 1, 3, 3)).astype(dtype),
            "conv_bias": np.zeros(filters, dtype),
            "linear_weight": rng.normal(0, 0.1 / np.sqrt(features), (num_classes, features)).astype(dtype),
            "linear_bias": np.zeros(num_classes, dtype),
        }

    def forward(self, x):
        """Scores (N, num_classes) for images x (N, 1, H, W), and what the backward pass needs."""
        p = self.params
        z = conv2d(x, p["conv_weight"], p["conv_bias"])
        a = relu(z)
        pooled = max_pool2d(a, 2)
        flat = pooled.reshape(len(x), -1)
        scores = flat @ p["linear_weight"].T + p["linear_bias"]
        return scores, (x, z, a, flat)

    def loss_and_gradients(self, x, labels):
        """The mean cross-entropy on (x, labels) and its gradient for every parameter (a dict)."""
        scores, (x, z, a, flat) = self.forward(x)
        p = self.params
        g_scores = cross_entropy_backward(scores, labels)        # (N, classes)
        g_flat = g_scores @ p["linear_weight"]                    # back through the linear layer
        g_pooled = g_flat.reshape(len(x), *a.shape[1:2], a.shape[2] // 2, a.shape[3] // 2)
        g_a = max_pool2d_backward(g_pooled, a, 2)                  # to each window's maximum
        g_z = g_a * relu_grad(z)                                   # through ReLU
        g_x, g_conv_w, g_conv_b = conv2d_backward(g_z, x, p["conv_weight"])
        grads = {"conv_weight": g_conv_w, "conv_bias": g_conv_b,
                 "linear_weight": g_scores.T @ flat, "linear_bias": g_scores.sum(axis=0)}
        return cross_entropy(scores, labels), grads

    def predict(self, x):
        """The class with the highest score for each image, (N,)."""
        return self.forward(x)[0].argmax(axis=1)


@dataclass
class NumpyTrainingResult:
    """The trained network and, per epoch, the mean training loss and the test accuracy."""

    model: TinyCNN
    train_loss: list = field(default_factory=list)
    test_accuracy: list = field(default_factory=list)


def train_numpy_cnn(epochs=8, batch_size=32, seed=0, optimizer=None, schedule=None):
    """Train :class:`TinyCNN` on the 8x8 digits, mini-batches shuffled by ``seed``.

    optimizer: a function ``params -> cnncourse.optim optimizer`` (default: Adam, lr 0.01).
    schedule: None or a function ``optimizer -> StepLR / CosineAnnealingLR``, stepped per epoch.
    """
    epochs = as_int(epochs, "epochs", minimum=1)
    batch_size = as_int(batch_size, "batch_size", minimum=1)
    x_train, y_train = digit_arrays("train", size=8)
    x_test, y_test = digit_arrays("test", size=8)
    model = TinyCNN(seed=seed)
    params = [model.params[name] for name in PARAMETER_NAMES]
    opt = optimizer(params) if optimizer is not None else Adam(params, lr=0.01)
    scheduler = schedule(opt) if schedule is not None else None
    rng = np.random.default_rng(seed)
    result = NumpyTrainingResult(model)
    for _ in range(epochs):
        order, losses = rng.permutation(len(x_train)), []
        for start in range(0, len(order), batch_size):
            batch = order[start:start + batch_size]
            loss, grads = model.loss_and_gradients(x_train[batch], y_train[batch])
            opt.step([grads[name] for name in PARAMETER_NAMES])
            losses.append(loss)
        if scheduler is not None:
            scheduler.step()
        result.train_loss.append(float(np.mean(losses)))
        result.test_accuracy.append(float(np.mean(model.predict(x_test) == y_test)))
    return result
