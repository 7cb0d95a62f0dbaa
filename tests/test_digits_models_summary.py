"""The digits datasets, the seed's MNIST network (30,762 parameters, its Keras table), and the
chapter's recipe reaching 97% test accuracy on the real digits."""

import numpy as np
import pytest
import torch

from cnncourse.data import digit_arrays, digits
from cnncourse.demos.digit_classifier import train_digit_classifier
from cnncourse.models import mnist_cnn
from cnncourse.shapes import summary
from cnncourse.training import evaluate

# The seed's Keras table: layer type, output shape (channels last), parameters.
KERAS_TABLE = [("Conv2d", (None, 26, 26, 16), 160), ("MaxPool2d", (None, 13, 13, 16), 0),
               ("Conv2d", (None, 11, 11, 32), 4640), ("MaxPool2d", (None, 5, 5, 32), 0),
               ("Flatten", (None, 800), 0), ("Linear", (None, 32), 25632), ("Linear", (None, 10), 330)]


def test_digits_are_real_scaled_resized_and_split_once():
    train, test = digits("train"), digits("test")
    assert (len(train), len(test)) == (1347, 450)
    images, labels = train.tensors
    assert images.shape == (1347, 1, 28, 28) and images.dtype == torch.float32
    assert 0.0 <= images.min() and images.max() <= 1.0 and labels.dtype == torch.int64
    assert sorted(set(labels.tolist())) == list(range(10))
    x8, y8 = digit_arrays("train")
    assert x8.shape == (1347, 1, 8, 8) and np.array_equal(y8, labels.numpy())
    again, _ = digit_arrays("train")
    assert np.array_equal(x8, again)
    assert len(digits("test", limit=50)) == 50


@pytest.mark.parametrize("kwargs, error, words", [
    (dict(split="validation"), ValueError, "split must be 'train' or 'test'"),
    (dict(split="train", size=4), ValueError, "size must be >= 8"),
    (dict(split="train", test_fraction=1.5), ValueError, "test_fraction must be between 0 and 1"),
    (dict(split="train", limit=0), ValueError, "limit must be >= 1"),
])
def test_digits_bad_arguments(kwargs, error, words):
    with pytest.raises(error, match=words):
        digits(**kwargs)


def test_mnist_cnn_has_the_seed_parameter_count_and_table():
    model = mnist_cnn()
    table = summary(model, (1, 28, 28))
    assert table.total_params == table.trainable_params == 30_762
    weighted = [row for row in table.rows if row.kind != "ReLU"]
    channels_last = [(r.kind, (r.output_shape[0],) + r.output_shape[2:] + r.output_shape[1:2]
                      if len(r.output_shape) == 4 else r.output_shape, r.params) for r in weighted]
    assert channels_last == KERAS_TABLE
    text = table.table(channels_last=True)
    assert "(None, 26, 26, 16)" in text and "Total params: 30,762" in text
    assert "(None, 16, 26, 26)" in str(table)
    assert model(torch.zeros(2, 1, 28, 28)).shape == (2, 10)
    assert summary(mnist_cnn(num_classes=3), (1, 28, 28)).rows[-1].output_shape == (None, 3)


def test_summary_leaves_the_model_mode_alone_and_checks_input():
    model = mnist_cnn().train()
    summary(model, (1, 28, 28))
    assert model.training
    with pytest.raises(TypeError, match="model must be a torch.nn.Module"):
        summary(lambda x: x, (1, 28, 28))
    with pytest.raises(ValueError, match="input_shape must be >= 1"):
        summary(model, (1, 0, 28))
    with pytest.raises(ValueError, match="num_classes must be >= 2"):
        mnist_cnn(num_classes=1)


@pytest.fixture(scope="module")
def trained():
    """The chapter's recipe, trained once for this module (one thread: quicker on a busy 2-core CPU)."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield train_digit_classifier(seed=0, device="cpu")
    finally:
        torch.set_num_threads(threads)


def test_mnist_cnn_reaches_97_percent_on_the_real_digits(trained):
    model, history, test_data = trained
    assert history.epochs == 20 and not history.diverged
    assert history.val_accuracy[-1] >= 0.97
    assert evaluate(model, test_data)["accuracy"] == pytest.approx(history.val_accuracy[-1])
    assert history.train_loss[-1] < 0.1 < np.log(10) * 0.9 < history.train_loss[0] * 1.5
