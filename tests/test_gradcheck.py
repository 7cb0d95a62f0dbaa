"""The numerical gradient checker: right on functions with known gradients, and it catches wrong ones."""

import numpy as np
import pytest

from cnncourse.gradcheck import numerical_gradient, relative_error


def test_gradient_of_a_square_and_of_a_matrix_product():
    rng = np.random.default_rng(0)
    x, g = rng.normal(size=(3, 4)), rng.normal(size=(3, 4))
    assert relative_error(numerical_gradient(lambda v: v ** 2, x, g), 2 * x * g) < 1e-8
    a, g_product = rng.normal(size=(5, 3)), rng.normal(size=(5, 4))
    assert relative_error(numerical_gradient(lambda v: a @ v, x, g_product), a.T @ g_product) < 1e-8


def test_the_input_is_left_alone_and_integers_work():
    x = np.array([1.0, 2.0, 3.0])
    before = x.copy()
    numerical_gradient(np.sin, x, np.ones(3))
    np.testing.assert_array_equal(x, before)
    np.testing.assert_allclose(numerical_gradient(lambda v: 3 * v, [1, 2], [1, 1]), [3, 3], rtol=1e-8)


def test_a_wrong_backward_pass_is_caught():
    rng = np.random.default_rng(1)
    x, g = rng.normal(size=10), rng.normal(size=10)
    numeric = numerical_gradient(np.tanh, x, g)
    assert relative_error(numeric, (1 - np.tanh(x) ** 2) * g) < 1e-7
    assert relative_error(numeric, (1 - np.tanh(x)) * g) > 1e-2  # forgot the square


def test_relative_error():
    assert relative_error([1.0, 2.0], [1.0, 2.0]) == 0.0
    assert relative_error([0.0], [0.0]) == 0.0
    assert relative_error([1.0, 3.0], [1.0, 1.0]) == pytest.approx(0.5)  # |3 - 1| / (3 + 1)
    assert relative_error([1e-9], [0.0]) == pytest.approx(0.1)  # tiny values: 1e-8 floor
    assert relative_error(np.zeros((0, 3)), np.zeros((0, 3))) == 0.0


@pytest.mark.parametrize("call, error, words", [
    (lambda: relative_error([1, 2], [1, 2, 3]), ValueError, "same shape"),
    (lambda: relative_error(["a"], [1]), TypeError, "a must be an array of numbers"),
    (lambda: numerical_gradient(np.sin, [1.0], [1.0], eps=0), ValueError, "eps must be > 0"),
    (lambda: numerical_gradient(np.sum, [1.0, 2.0], [1.0, 1.0]), ValueError, "f(x) has shape ()"),
    (lambda: numerical_gradient(np.sin, "x", [1.0]), TypeError, "x must be an array of numbers"),
])
def test_bad_input_gets_a_clear_error(call, error, words):
    with pytest.raises(error) as info:
        call()
    assert words in str(info.value)
