"""The digits datasets and the lecture's MNIST network (30,762 parameters, its Keras table). That
the chapter's recipe reaches 97% test accuracy on the real digits is asserted in chapter 5's
notebook, which tests/test_notebook_runs.py runs."""

import numpy as np
import pytest
import torch

from cnncourse.data import digit_arrays, digits
from cnncourse.models import mnist_cnn
from cnncourse.shapes import summary

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
