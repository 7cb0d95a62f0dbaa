"""The NumPy-only CNN: its whole gradient passes the numerical check, and it learns the digits."""

import numpy as np
import pytest

from cnncourse.data import digit_arrays
from cnncourse.gradcheck import numerical_gradient, relative_error
from cnncourse.demos.numpy_cnn import PARAMETER_NAMES, TinyCNN, train_numpy_cnn


def test_full_gradient_passes_the_numerical_check():
    x, labels = digit_arrays("train")
    x, labels = x[:4], labels[:4]
    model = TinyCNN(filters=3, seed=1)
    model.params["conv_bias"][:] = [0.05, -0.02, 0.1]  # no ties at ReLU's kink or in max pooling
    _, grads = model.loss_and_gradients(x, labels)
    for name in PARAMETER_NAMES:
        original = model.params[name].copy()

        def loss_at(value, name=name):
            model.params[name] = value
            return np.array(model.loss_and_gradients(x, labels)[0])

        numeric = numerical_gradient(loss_at, original, np.array(1.0))
        model.params[name] = original
        assert relative_error(grads[name], numeric) < 1e-6, name


def test_initial_loss_is_near_log_10():
    x, labels = digit_arrays("train")
    loss, _ = TinyCNN(seed=0).loss_and_gradients(x[:256], labels[:256])
    assert abs(loss - np.log(10)) < 0.05


def test_training_lowers_the_loss_and_reaches_90_percent():
    result = train_numpy_cnn(epochs=6, seed=0)
    assert result.train_loss[-1] < result.train_loss[0] / 4
    assert result.test_accuracy[-1] >= 0.90


@pytest.mark.parametrize("kwargs, words", [(dict(epochs=0), "epochs must be >= 1"),
                                           (dict(batch_size=0), "batch_size must be >= 1")])
def test_bad_arguments(kwargs, words):
    with pytest.raises(ValueError, match=words):
        train_numpy_cnn(**kwargs)
