"""Chapter 9's autoencoder experiments on the real digits: train one with a given bottleneck (and
optionally on noisy inputs), and read the codes it gives."""

import numpy as np
import torch
import torch.nn.functional as F

from ..data.handwritten_digits import digit_arrays
from ..models.autoencoder import ConvAutoencoder, reconstruction_pairs
from ..training import fit

SIZE = 16  # the 8x8 digits resized to 16x16


def train_autoencoder(code_size, noise=0.0, epochs=15, lr=3e-3, seed=0, progress=True):
    """A :class:`ConvAutoencoder` with ``code_size`` numbers in its bottleneck, trained with
    :func:`cnncourse.training.fit` (mean squared error) on the training digits, inputs with a
    fraction ``noise`` of salt-and-pepper pixels. Returns (model, history); the history's val_loss is
    the test digits' error against their clean versions."""
    train, _ = digit_arrays("train", size=SIZE)
    test, _ = digit_arrays("test", size=SIZE)
    torch.manual_seed(seed)
    model = ConvAutoencoder(code_size=code_size, size=SIZE)
    history = fit(model, reconstruction_pairs(train, noise, seed=seed),
                  reconstruction_pairs(test, noise, seed=seed + 1), epochs=epochs, lr=lr, batch_size=64,
                  loss_fn=F.mse_loss, seed=seed, progress=progress)
    return model.cpu().eval(), history


@torch.no_grad()
def encode_digits(model, split="test"):
    """The codes (N, code_size) of one split's digits and their labels (N,), as NumPy arrays."""
    images, labels = digit_arrays(split, size=model.size)
    return model.encode(torch.as_tensor(images, dtype=torch.float32)).numpy(), labels


@torch.no_grad()
def reconstruct(model, images):
    """The model's reconstructions of images (N, 1, size, size) in [0, 1], a NumPy array of that shape."""
    return model(torch.as_tensor(images, dtype=torch.float32)).numpy()


def nearest_centroid_accuracy(train_codes, train_labels, test_codes, test_labels):
    """How well codes cluster by class: the fraction of test codes (M, D) whose nearest class
    centroid (the mean of that class's training codes (N, D), Euclidean distance) is their own
    class. Chance is about 1 / classes; 1 means every class forms its own cluster."""
    train_codes, test_codes = (np.asarray(c, dtype=np.float64) for c in (train_codes, test_codes))
    train_labels, test_labels = np.asarray(train_labels), np.asarray(test_labels)
    if train_codes.ndim != 2 or test_codes.ndim != 2 or train_codes.shape[1] != test_codes.shape[1]:
        raise ValueError(f"train_codes and test_codes must be (N, D) and (M, D), got "
                         f"{train_codes.shape} and {test_codes.shape}")
    if train_labels.shape != (len(train_codes),) or test_labels.shape != (len(test_codes),):
        raise ValueError("train_labels and test_labels must hold one label per code")
    classes = np.unique(train_labels)
    centroids = np.stack([train_codes[train_labels == c].mean(axis=0) for c in classes])
    distances = ((test_codes[:, None, :] - centroids[None]) ** 2).sum(axis=2)
    return float((classes[distances.argmin(axis=1)] == test_labels).mean())
