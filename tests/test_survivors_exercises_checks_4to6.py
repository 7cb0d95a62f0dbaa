"""Chapters 4 to 6's exercise checks (activations, training, regularization), pinned by behaviour: each
usual mistake gets its whole hint, a near miss just outside a tolerance fails and a value inside it
passes, and the hidden cases hold their edges. The compare steps get plain results computed by
independent oracles (torch's functions and autograd, numpy)."""

import numpy as np
import pytest
import torch
from torch.nn import functional

from cnncourse.exercises import EXERCISES, ExerciseFailed


def verdict(check, case, out):
    """The compare step's message for the plain results ``out``, or None when they pass."""
    try:
        EXERCISES[check].compare(case, out)
    except ExerciseFailed as failure:
        return str(failure)
    return None


def hidden(check, secrets=10):
    return [EXERCISES[check].cases(True, f"secret {s}") for s in range(secrets)]


# ----- chapter 4: relu and its derivative, softmax, softmax's gradient

XR = np.array([[-3.0, -0.5, 0.0], [0.5, 3.0, 100.0]])
RELU = np.maximum(XR, 0)
STEP = (XR > 0).astype(float)
KEPT = "changed its input array x in place (e.g. x[x < 0] = 0 or x -= ...). Leave x as it is and return a new array."


def relu_out(relu=RELU, grad=STEP, relu_changed=False, grad_changed=False):
    return {"relu": relu, "relu_changed": relu_changed, "grad": grad, "grad_changed": grad_changed}


@pytest.mark.parametrize("out, text", [
    (relu_out(), None),
    (relu_out(relu_changed=True), f"relu(x of shape (2, 3)) {KEPT}"),
    (relu_out(grad_changed=True), f"relu_grad(x of shape (2, 3)) {KEPT}"),
    (relu_out(relu=np.abs(XR)), "Negative inputs must become 0, not |x|."),
    (relu_out(relu=np.where(XR > 0, XR, 0.01 * XR)), "That is a leaky ReLU: negative inputs become 0."),
    (relu_out(relu=np.minimum(XR, 0)), "That keeps the negative part: ReLU keeps max(x, 0)."),
    (relu_out(grad=RELU), "That is ReLU itself, not its derivative: the slope is 1 where x > 0 and 0 where x < 0."),
    (relu_out(grad=(XR >= 0).astype(float)), "At x = 0 ReLU has a kink and no derivative; use 0 there, as "
     "PyTorch does (x > 0, not x >= 0)."),
    (relu_out(grad=(XR < 0).astype(float)), "The slope is 1 for positive inputs and 0 for negative ones, not the "
     "other way round."),
])
def test_relu_mistakes_get_their_hint(out, text):
    message = verdict("check_relu", {"x": XR}, out)
    assert message is None if text is None else message.endswith(text)


XS = np.array([[1.0, 2.0, 3.0], [4.0, 6.0, 5.0], [0.5, -1.0, 2.0]])
SOFT = torch.softmax(torch.tensor(XS), dim=1).numpy()
EXPS = np.exp(XS - XS.max(axis=1, keepdims=True))
OVERFLOW = ("softmax(x of shape (3, 3)): the result holds nan or inf (first in row {}). Overflow: subtract the "
            "max before exp. In floating point e^1000 is inf (and e^-1000 is 0), so the division gives inf / inf "
            "(or 0 / 0) = nan. Subtracting each row's own maximum, x - x.max(axis=1, keepdims=True), changes "
            "nothing mathematically.")


@pytest.mark.parametrize("out, text", [
    (EXPS, "Each row must add up to 1: divide by its sum, exps.sum(axis=1, keepdims=True)."),
    (np.exp(XS - 6) / np.exp(XS - 6).sum(), "Each row must add up to 1 on its own: sum over axis=1 "
     "(keepdims=True), not over the whole array."),
    (EXPS / EXPS.sum(), "Each row must add up to 1 on its own: sum over axis=1 (keepdims=True), not over the "
     "whole array."),
    (torch.softmax(torch.tensor(XS), dim=0).numpy(), "You normalised the columns: the softmax runs along each row "
     "(axis=1)."),
    (EXPS.sum(axis=1), "Return one probability per score, shape (N, K): divide by the row sums, don't return "
     "them."),
    (EXPS.sum(axis=1, keepdims=True), "Return one probability per score, shape (N, K)."),
    (np.where(XS == 5.0, np.nan, SOFT), OVERFLOW.format(1)),
    (np.array([0.5, 0.5, np.inf]), OVERFLOW.format(0)),  # one row
])
def test_softmax_mistakes_get_their_hint(out, text):
    assert verdict("check_softmax", {"x": XS}, {"y": out, "changed": False}).endswith(text)


def test_softmax_right_answers_edits_and_empty_results():
    assert verdict("check_softmax", {"x": XS}, {"y": SOFT, "changed": False}) is None
    assert verdict("check_softmax", {"x": XS}, {"y": SOFT, "changed": True}) == f"softmax(x of shape (3, 3)) {KEPT}"
    assert verdict("check_softmax", {"x": XS}, {"y": np.zeros((0,)), "changed": False}) == (
        "softmax(x of shape (3, 3)): output shape (0,), expected (3, 3).")


G = np.array([[0.5, -1.0, 2.0], [1.0, 0.25, -0.5]])
Y = torch.softmax(torch.tensor([[0.2, 1.0, -0.7], [2.0, 0.1, 0.4]], dtype=torch.float64), dim=1).numpy()


def softmax_grad(g, y_logits):
    """torch's gradient of the softmax of each row, at the logits whose softmax is ``Y``."""
    z = torch.tensor(y_logits, requires_grad=True)
    torch.softmax(z, dim=1).backward(torch.tensor(g))
    return z.grad.numpy()


RIGHT_SOFTMAX_GRAD = Y * (G - (G * Y).sum(axis=1, keepdims=True))


@pytest.mark.parametrize("out, text", [
    (Y * (1 - Y) * G, "That uses only the diagonal of the Jacobian, dy_i/dx_i = y_i (1 - y_i). Every output "
     "depends on every input (dy_i/dx_j = -y_i y_j), so add the sum: y * (g - sum(g * y, axis=1, keepdims=True))."),
    (G - (G * Y).sum(axis=1, keepdims=True), "Almost: multiply by y at the end, y * (g - sum(g * y))."),
    (Y * (G - (G * Y).sum()), "The sum runs over each row on its own (axis=1, keepdims=True), not over the whole "
     "array."),
    (G, "Softmax changes the gradient on its way back: apply its Jacobian, y * (g - sum(g * y, axis=1, "
     "keepdims=True))."),
    (-RIGHT_SOFTMAX_GRAD, "The sign is flipped: y * (g - sum(g * y, axis=1, keepdims=True)), not y * (sum(g * y) "
     "- g)."),
])
def test_softmax_backward_mistakes_get_their_hint(out, text):
    case = {"grad_output": G, "y": Y}
    assert verdict("check_softmax_backward", case, {"grad": out}).endswith(" " + text)
    right = softmax_grad(G, [[0.2, 1.0, -0.7], [2.0, 0.1, 0.4]])
    assert verdict("check_softmax_backward", case, {"grad": right}) is None


def test_activation_hidden_cases_hold_their_edges():
    for relu_cases, soft, back in zip(hidden("check_relu"), hidden("check_softmax"), hidden("check_softmax_backward")):
        assert relu_cases[0]["x"].tolist() == [-2.0, -1e-9, 0.0, 1e-9, 2.0]
        assert relu_cases[1]["x"].tolist() == [[-1, -2, -3], [-4, -5, -6]]
        assert relu_cases[2]["x"].shape == (4, 5) and (relu_cases[2]["x"].flat[::5] == 0).all()
        assert relu_cases[3]["x"].shape == (3, 2, 4) and np.abs(relu_cases[3]["x"]).max() > 100
        assert [c["x"].shape for c in soft] == [(2, 3), (1, 2), (5, 4), (2, 7), (1, 1)]
        assert soft[0]["x"].tolist() == [[5, 5, 5], [0, 0, -1000]] and soft[1]["x"].tolist() == [[-3, 4]]
        assert np.abs(soft[2]["x"]).max() > 200 and soft[3]["x"].max() < -700
        assert back[0]["y"][0, 0] > 0.99 and np.allclose(back[0]["y"][1], 1 / 3)
        assert back[1]["grad_output"].tolist() == [[0.7] * 4]
        assert [c["y"].shape for c in back[3:]] == [(1, 2), (3, 10)]
        assert 2 <= back[2]["y"].shape[0] <= 5 and 3 <= back[2]["y"].shape[1] <= 10
        assert all(np.allclose(c["y"].sum(axis=1), 1) for c in back)
    assert len({c[2]["y"].shape for c in hidden("check_softmax_backward", 30)}) > 8
