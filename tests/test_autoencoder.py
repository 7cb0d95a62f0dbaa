"""The convolutional autoencoder, its noisy pairs, and fit's handling of non-class targets."""

import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from cnncourse.data import digit_arrays
from cnncourse.models.autoencoder import ConvAutoencoder, add_salt_and_pepper, reconstruction_pairs
from cnncourse.training import evaluate, fit
from cnncourse.training.loop import correct_count


def test_shapes_and_bottleneck():
    model = ConvAutoencoder(code_size=5, size=16, channels=(4, 6))
    x = torch.rand(3, 1, 16, 16)
    assert model.encode(x).shape == (3, 5)
    out = model(x)
    assert out.shape == x.shape and out.min() >= 0 and out.max() <= 1
    # the decoder sees only the code: the same code gives the same image
    assert torch.equal(model.decode(model.encode(x)), out)
    linear = model.encoder[-1]
    assert linear.in_features == 6 * 4 * 4 and linear.out_features == 5


def test_bad_arguments():
    with pytest.raises(ValueError, match="size"):
        ConvAutoencoder(size=18)
    with pytest.raises(ValueError, match="code_size"):
        ConvAutoencoder(code_size=0)
    with pytest.raises(ValueError, match="expects input"):
        ConvAutoencoder()(torch.zeros(1, 1, 8, 8))
    with pytest.raises(ValueError, match="code"):
        ConvAutoencoder(code_size=4).decode(torch.zeros(1, 3))
    with pytest.raises(ValueError, match="images"):
        reconstruction_pairs(np.zeros((2, 16, 16)))


def test_salt_and_pepper_pairs_are_deterministic_and_hit_the_asked_fraction():
    images = np.full((50, 1, 20, 20), 0.5)
    noisy = add_salt_and_pepper(images, 0.2, seed=3)
    changed = (noisy != 0.5).float().mean().item()
    assert 0.17 < changed < 0.23
    assert set(noisy[noisy != 0.5].unique().tolist()) == {0.0, 1.0}
    assert torch.equal(noisy, add_salt_and_pepper(images, 0.2, seed=3))
    inputs, targets = reconstruction_pairs(images, noise=0.2, seed=3).tensors
    assert torch.equal(inputs, noisy) and torch.all(targets == 0.5)
    clean_inputs, clean_targets = reconstruction_pairs(images).tensors
    assert torch.equal(clean_inputs, clean_targets)


def test_correct_count_per_example_per_pixel_and_float_targets():
    scores = torch.tensor([[2.0, 1.0], [0.0, 3.0], [5.0, 1.0]])
    assert correct_count(scores, torch.tensor([0, 1, 1])).item() == 2
    # per-pixel labels: 2 examples of 2x2 pixels, 3 of 4 right in the first, 4 of 4 in the second
    pixel_scores = torch.zeros(2, 2, 2, 2)
    pixel_scores[:, 1] = torch.tensor([[[1.0, 1.0], [-1.0, -1.0]], [[1.0, -1.0], [1.0, -1.0]]])
    labels = torch.tensor([[[1, 1], [0, 1]], [[1, 0], [1, 0]]])
    assert correct_count(pixel_scores, labels).item() == pytest.approx(0.75 + 1.0)
    assert math.isnan(correct_count(torch.zeros(2, 1, 3, 3), torch.zeros(2, 1, 3, 3)).item())


def test_fit_trains_an_autoencoder_with_mse_and_beats_the_mean_image():
    torch.set_num_threads(1)
    images, _ = digit_arrays("train", size=16)
    images = images[:400]
    torch.manual_seed(0)
    model = ConvAutoencoder(code_size=8, channels=(8, 16))
    data = reconstruction_pairs(images)
    history = fit(model, data, data, epochs=15, lr=5e-3, loss_fn=F.mse_loss, batch_size=32, progress=False,
                  device="cpu")
    assert all(math.isnan(a) for a in history.train_accuracy + history.val_accuracy)
    mean_image_mse = float(((images - images.mean(axis=0)) ** 2).mean())
    assert history.val_loss[-1] < 0.7 * mean_image_mse
    assert history.train_loss[-1] < history.train_loss[0]
    # evaluate agrees with an independent mean squared error over all pixels
    with torch.no_grad():
        direct = F.mse_loss(model(data.tensors[0]), data.tensors[1]).item()
    assert evaluate(model, data, loss_fn=F.mse_loss)["loss"] == pytest.approx(direct, rel=1e-5)


def test_fit_still_reports_classification_accuracy():
    torch.manual_seed(0)
    x = torch.randn(64, 4)
    y = (x[:, 0] > 0).long()
    model = torch.nn.Linear(4, 2)
    history = fit(model, torch.utils.data.TensorDataset(x, y), epochs=30, lr=0.1, progress=False, device="cpu")
    with torch.no_grad():
        expected = (model(x).argmax(1) == y).float().mean().item()
    assert history.train_accuracy[-1] > 0.9
    assert evaluate(model, torch.utils.data.TensorDataset(x, y))["accuracy"] == pytest.approx(expected)
