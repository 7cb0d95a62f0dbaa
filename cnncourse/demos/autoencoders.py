"""Chapter 9's autoencoder experiments on the real digits: train one with a given bottleneck (and
optionally on noisy inputs), and read the codes it gives."""

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
