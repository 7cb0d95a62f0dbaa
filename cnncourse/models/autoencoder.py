"""A convolutional autoencoder: an encoder squeezes an image into a short code (the bottleneck),
a decoder rebuilds the image from the code alone, and training asks output = input.

Trained to rebuild clean images from noisy ones it becomes a denoising autoencoder: the code has
room for the digit but not for the noise. Train it with :func:`cnncourse.training.fit` on
:func:`reconstruction_pairs` and ``loss_fn=torch.nn.functional.mse_loss``.
"""

import numpy as np
import torch
from torch import nn

from ..data.augment import SaltAndPepper
from ..validation import as_int


class ConvAutoencoder(nn.Module):
    """(N, 1, size, size) in [0, 1] -> code (N, code_size) -> (N, 1, size, size) in [0, 1].

    encoder: conv 3x3/2 (1 -> c1), ReLU, conv 3x3/2 (c1 -> c2), ReLU, flatten, linear -> code.
    decoder: linear, ReLU, then two transposed convolutions 4x4/2 that double the size, sigmoid.
    size must be a multiple of 4.
    """

    def __init__(self, code_size=8, size=16, channels=(16, 32)):
        super().__init__()
        self.code_size = as_int(code_size, "code_size", minimum=1)
        self.size = as_int(size, "size", minimum=4)
        if self.size % 4:
            raise ValueError(f"size must be a multiple of 4 (two stride-2 halvings), got {size}")
        if len(channels) != 2:
            raise ValueError(f"channels must be a pair (c1, c2), got {channels!r}")
        c1, c2 = (as_int(c, "channels", minimum=1) for c in channels)
        small = self.size // 4
        self.encoder = nn.Sequential(
            nn.Conv2d(1, c1, 3, stride=2, padding=1), nn.ReLU(),
            nn.Conv2d(c1, c2, 3, stride=2, padding=1), nn.ReLU(),
            nn.Flatten(), nn.Linear(c2 * small * small, self.code_size))
        self.decoder = nn.Sequential(
            nn.Linear(self.code_size, c2 * small * small), nn.ReLU(), nn.Unflatten(1, (c2, small, small)),
            nn.ConvTranspose2d(c2, c1, 4, stride=2, padding=1), nn.ReLU(),
            nn.ConvTranspose2d(c1, 1, 4, stride=2, padding=1), nn.Sigmoid())

    def encode(self, x):
        """Images (N, 1, size, size) -> codes (N, code_size)."""
        if x.dim() != 4 or tuple(x.shape[1:]) != (1, self.size, self.size):
            raise ValueError(f"the autoencoder expects input (N, 1, {self.size}, {self.size}), got {tuple(x.shape)}")
        return self.encoder(x)

    def decode(self, code):
        """Codes (N, code_size) -> images (N, 1, size, size)."""
        if code.dim() != 2 or code.shape[1] != self.code_size:
            raise ValueError(f"code must have shape (N, {self.code_size}), got {tuple(code.shape)}")
        return self.decoder(code)

    def forward(self, x):
        return self.decode(self.encode(x))


def reconstruction_pairs(images, noise=0.0, seed=0):
    """A ``TensorDataset`` of (input, target) float32 pairs for an autoencoder: the target is the image
    (N, 1, H, W) in [0, 1]; the input is the same image with a fraction ``noise`` of its pixels set to
    0 or 1 (salt and pepper, one fixed draw per image from ``seed``); noise=0 gives input = target."""
    images = torch.as_tensor(np.asarray(images), dtype=torch.float32)
    if images.dim() != 4 or images.shape[1] != 1:
        raise ValueError(f"images must have shape (N, 1, H, W), got {tuple(images.shape)}")
    noisy = add_salt_and_pepper(images, noise, seed)
    return torch.utils.data.TensorDataset(noisy, images)


def add_salt_and_pepper(images, amount, seed=0):
    """Images (N, 1, H, W) in [0, 1] with a fraction ``amount`` of each one's pixels set to 0 or 1
    (:class:`cnncourse.data.augment.SaltAndPepper`); image i draws from the seed (seed, i)."""
    noise = SaltAndPepper(amount)
    seed = as_int(seed, "seed", minimum=0)
    images = np.array(images.detach().cpu().numpy() if isinstance(images, torch.Tensor) else images, dtype=np.float32)
    out = [noise(image, np.random.default_rng([seed, i]), layout="CHW") for i, image in enumerate(images)]
    return torch.from_numpy(np.stack(out) if out else images).float()
