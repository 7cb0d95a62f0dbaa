"""Chapters 4 to 6's exercise checks (activations, training, regularization), pinned by behaviour: each
usual mistake gets its whole hint, a near miss just outside a tolerance fails and a value inside it
passes, and the hidden cases hold their edges. The compare steps get plain results computed by
independent oracles (torch's functions and autograd, numpy)."""

import numpy as np
import pytest
import torch
from torch.nn import functional

from cnncourse.exercises import EXERCISES
from survivors_exercises import hidden_sets, verdict


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
    sets = zip(hidden_sets("check_relu", 10), hidden_sets("check_softmax", 10),
               hidden_sets("check_softmax_backward", 10))
    for relu_cases, soft, back in sets:
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
    assert len({c[2]["y"].shape for c in hidden_sets("check_softmax_backward", 30)}) > 8


# ----- chapter 5: cross-entropy and its gradient, a conv's weight gradient, momentum

LOGITS = np.array([[2.0, 1.0, 0.1], [0.5, 2.5, 0.0]])
TARGET = np.array([2, 0])
CE_NAME = "my_cross_entropy(logits of shape (2, 3))"


def torch_cross_entropy(logits, target):
    z = torch.tensor(logits, requires_grad=True)
    loss = functional.cross_entropy(z, torch.tensor(target))
    loss.backward()
    return loss.item(), z.grad.numpy()


LOSS, CE_GRAD = torch_cross_entropy(LOGITS, TARGET)
PROBS = torch.softmax(torch.tensor(LOGITS), dim=1).numpy()


@pytest.mark.parametrize("loss, grad, text", [
    (LOSS, CE_GRAD, None),
    (LOSS + 0.9e-6 * LOSS, CE_GRAD, None),  # within its tolerance, 1e-6 of the loss
    (np.array(LOSS), CE_GRAD, None),  # a 0-d array is one number
    (LOSS + 3e-6 * LOSS, CE_GRAD, f"{CE_NAME}: loss {LOSS + 3e-6 * LOSS:.6g}, expected {LOSS:.6g}."),
    (2 * LOSS, CE_GRAD, f"{CE_NAME}: loss {2 * LOSS:.6g}, expected {LOSS:.6g}. That is the sum over the batch: "
     "divide by N for the mean."),
    (-LOSS, CE_GRAD, f"{CE_NAME}: loss {-LOSS:.6g}, expected {LOSS:.6g}. The sign is flipped: the loss is minus "
     "the log-probability of the true class."),
    (np.array([LOSS, LOSS]), CE_GRAD, f"{CE_NAME}: the loss should be one number, got array of float64."),
    (float("inf"), CE_GRAD, f"{CE_NAME}: the loss is inf. For large scores exp overflows: use log_softmax = z - "
     "max - log(sum(exp(z - max))) instead of log(softmax(z))."),
    (LOSS, PROBS / 2, "Subtract 1 at the true class: the gradient is (softmax - one_hot) / N."),
    (LOSS, CE_GRAD * 2, "Divide by N: the loss is a mean over the batch, so is its gradient."),
    (LOSS, -CE_GRAD, "The sign is flipped: (softmax - one_hot) / N, not (one_hot - softmax) / N."),
])
def test_cross_entropy_mistakes_get_their_hint(loss, grad, text):
    message = verdict("check_cross_entropy", {"logits": LOGITS, "target": TARGET}, {"loss": loss, "grad": grad})
    assert message is None if text is None else message.endswith(text)


def test_cross_entropy_of_one_image_and_of_a_missing_pair():
    one = {"logits": LOGITS[:1], "target": TARGET[:1]}
    loss, _ = torch_cross_entropy(LOGITS[:1], TARGET[:1])
    assert verdict("check_cross_entropy", one, {"loss": 2 * loss, "grad": CE_GRAD[:1]}).endswith(
        f"expected {loss:.6g}.")  # a batch of one has no sum to confuse with its mean
    big = {"logits": LOGITS * 400, "target": TARGET}
    big_loss, big_grad = torch_cross_entropy(LOGITS * 400, TARGET)
    assert big_loss > 100
    assert verdict("check_cross_entropy", big, {"loss": big_loss * (1 + 5e-7), "grad": big_grad}) is None
    assert verdict("check_cross_entropy", big, {"loss": big_loss * (1 + 2e-6), "grad": big_grad}) is not None
    from cnncourse.exercises.feedback import Other
    assert verdict("check_cross_entropy", {"logits": LOGITS, "target": TARGET}, {"loss": Other("float"),
                                                                                  "grad": None}) == (
        f"{CE_NAME} should return two things, the loss and its gradient, as a tuple: `return a, b`.")


XW = np.random.default_rng(3).normal(size=(2, 2, 4, 5)).round(2)


def weight_grad(x, grad_output, k):
    """torch's gradient of sum(conv2d(x, w) * grad_output) with respect to w (C_out, C_in, k, k)."""
    w = torch.zeros(grad_output.shape[1], x.shape[1], k, k, dtype=torch.float64, requires_grad=True)
    functional.conv2d(torch.tensor(x), w).backward(torch.tensor(grad_output))
    return w.grad.numpy()




def test_conv_weight_gradient_mistakes_get_their_hint():
    x, g = XW, np.random.default_rng(4).normal(size=(2, 3, 3, 4)).round(2)
    case = {"x": x, "grad_output": g, "k": 2}
    right = weight_grad(x, g, 2)
    assert verdict("check_conv2d_grad_weight", case, {"grad": right}) is None
    for out, text in [
        (right[..., ::-1, ::-1], "The kernel is flipped: weight (a, b) meets the input at x[..., i + a, j + b], so "
         "no flipping is needed for the weights."),
        (right / 2, "Don't divide by N: sum the contributions of the whole batch."),
        (weight_grad(x[:1], g[:1], 2), "Only the first image counts: sum over the batch axis too."),
        (right.transpose(1, 0, 2, 3), "The shape is (C_out, C_in, k, k): output channels first."),
    ]:
        assert verdict("check_conv2d_grad_weight", case, {"grad": out}).endswith(" " + text)


def test_training_hidden_cases_hold_their_edges():
    for ce, conv, momentum in zip(hidden_sets("check_cross_entropy", 10), hidden_sets("check_conv2d_grad_weight", 10),
                                  hidden_sets("check_momentum_step", 10)):
        assert [c["logits"].shape for c in ce[:3]] == [(1, 4), (3, 5), (3, 2)]
        assert ce[0]["target"].tolist() == [3] and ce[1]["target"].tolist() == [0, 4, 2]
        assert ce[2]["target"].tolist() == [1, 1, 0] and not ce[1]["logits"].any()
        assert ce[4]["logits"].shape == (1, 4) and np.abs(ce[4]["logits"]).max() > 100
        assert ce[5]["logits"].shape == (5, 3) and ce[5]["logits"].max() < -990
        assert all(c["target"].shape == (c["logits"].shape[0],) and c["target"].max() < c["logits"].shape[1]
                   for c in ce)
        assert [(c["x"].shape, c["grad_output"].shape) for c in conv[:2]] == [
            ((1, 2, 3, 5), (1, 3, 2, 4)), ((2, 1, 3, 3), (2, 2, 1, 1))]
        assert [c["k"] for c in conv[3:]] == [2, 1] and 2 <= conv[2]["k"] <= 3
        for c in conv:
            n, _, h, w = c["x"].shape
            assert c["grad_output"].shape[::2] == (n, h - c["k"] + 1) and c["grad_output"].shape[3] == w - c["k"] + 1
        assert [(c["lr"], c["momentum"]) for c in momentum[:2]] == [(0.3, 0.0), (1.0, 0.6)]
        assert momentum[0]["params"].shape == (3, 2, 3) and momentum[1]["params"].shape == (3, 4)
        assert momentum[2]["lr"] in (0.01, 0.05, 0.2) and momentum[2]["momentum"] in (0.5, 0.8, 0.95)
        for c in momentum:  # each step starts from the right parameter and velocity of the one before
            assert not c["velocities"][0].any()
            for step in (1, 2):
                v = c["momentum"] * c["velocities"][step - 1] + c["grads"][step - 1]
                assert np.allclose(c["velocities"][step], v)
                assert np.allclose(c["params"][step], c["params"][step - 1] - c["lr"] * v)


P0, V0, G0 = np.array([1.0, -2.0, 0.5]), np.array([0.3, 0.1, -0.4]), np.array([0.2, -1.0, 0.7])


def momentum_case(lr=0.3, mu=0.5):
    stack = [P0, P0, P0]
    return {"params": np.stack(stack), "velocities": np.stack([V0] * 3), "grads": np.stack([G0] * 3), "lr": lr,
            "momentum": mu}


def step(param, velocity):
    return {"param0": param, "velocity0": velocity}


V1 = 0.5 * V0 + G0


@pytest.mark.parametrize("out, text", [
    (step(P0 - 0.3 * V1, 0.5 * V0 - 0.3 * G0), "That is the other formulation (v = mu v - lr g). torch's velocity "
     "holds no learning rate: v = mu v + g, and the step is -lr v."),
    (step(P0 - 0.3 * V1, 0.5 * V0 + 0.5 * G0), "That is a moving average (Adam's first moment): torch's momentum "
     "adds the whole gradient, v = mu v + g."),
    (step(P0 - 0.3 * V1, 0.9 * V0 + G0), "Use the momentum argument (0.5 here), not a fixed 0.9."),
    (step(P0 - 0.3 * V0, V1), "Update the velocity first, then step with the new one."),
    (step(P0 - 0.3 * G0, V1), "That is plain SGD: step along the velocity, param - lr v."),
    (step(P0 + 0.3 * V1, V1), "Subtract: a step goes against the gradient."),
    (step(P0 - 0.1 * V1, V1), "Use the lr argument (0.3 here), not a fixed 0.1."),
])
def test_momentum_mistakes_get_their_hint(out, text):
    message = verdict("check_momentum_step", momentum_case(), out)
    assert message.startswith("my_momentum_step (step 1), the ") and message.endswith(" " + text)


def test_a_right_momentum_step_passes_every_step():
    out = {}
    for i in range(3):
        out.update({f"param{i}": P0 - 0.3 * V1, f"velocity{i}": V1})
    assert verdict("check_momentum_step", momentum_case(), out) is None
    out["velocity2"] = V1 + 1e-5
    assert verdict("check_momentum_step", momentum_case(), out).startswith("my_momentum_step (step 3), the velocity")


# ----- chapter 6: inverted dropout, batch norm in training mode, the padded random crop

XD = np.random.default_rng(8).uniform(1, 5, size=(3, 4)).round(2)
UD = np.random.default_rng(5).random((3, 4))
PD = float(np.sort(UD.ravel())[6])  # drawn exactly once: u > p and u >= p differ there
KEEP, DROP = UD >= PD, UD < PD
DROPOUT_NAME = f"dropout(x of shape (3, 4), p={PD:g}, rng=np.random.default_rng(5), training="
RIGHT_DROPOUT = XD * KEEP / (1 - PD)


@pytest.mark.parametrize("out, text", [
    (XD, "That is x unchanged: with training=True drop each value where u < p (u = rng.random(x.shape)) and divide "
     "the others by 1 - p."),
    (XD * KEEP, "You dropped the right values but did not scale the kept ones: divide them by 1 - p, so that each "
     "value's expected output equals its input."),
    (XD * KEEP * (1 - PD), "You multiplied the kept values by 1 - p; inverted dropout divides them by 1 - p during "
     "training (and then does nothing at evaluation)."),
    (XD * KEEP / PD, "Divide by the probability of keeping a value, 1 - p, not by p."),
    (XD * (UD > PD) / (1 - PD), "Keep x where u >= p, not u > p: a number drawn exactly equal to p is kept (a value "
     "is dropped with probability p: where u < p)."),
    (XD * DROP / (1 - PD), "You kept the values where u < p, that is with probability p: p is the probability of "
     "dropping, so keep them where u >= p."),
    (XD * DROP / PD, "You kept the values where u < p, that is with probability p: p is the probability of dropping, "
     "so keep them where u >= p and divide by 1 - p."),
    (XD * np.roll(KEEP, 1) / (1 - PD), f"{DROPOUT_NAME}True): the kept values are scaled right, but other values "
     "were dropped than expected. Draw the random numbers once, u = rng.random(x.shape), from the rng you are "
     "given (not np.random, not a new generator), and keep x where u >= p."),
])
def test_dropout_mistakes_in_training_get_their_hint(out, text):
    case = {"x": XD, "p": PD, "seed": 5, "training": True}
    assert verdict("check_dropout", case, {"y": RIGHT_DROPOUT}) is None
    assert verdict("check_dropout", case, {"y": out}).endswith(text)


def test_dropout_at_evaluation_is_the_identity():
    case = {"x": XD, "p": 0.3, "seed": 5, "training": False}
    assert verdict("check_dropout", case, {"y": XD}) is None
    assert verdict("check_dropout", case, {"y": XD * (UD >= 0.3) / 0.7}).endswith(
        " With training=False (evaluation) dropout does nothing: return x unchanged, without drawing random numbers.")
    assert verdict("check_dropout", case, {"y": XD * 0.7}).endswith(
        " At evaluation inverted dropout is the identity: the kept values were already scaled by 1 / (1 - p) during "
        "training, so return x unchanged.")
    nothing_dropped = {"x": XD, "p": 0.0, "seed": 5, "training": True}
    assert verdict("check_dropout", nothing_dropped, {"y": XD}) is None
    assert verdict("check_dropout", nothing_dropped, {"y": XD * 2}).startswith(
        "dropout(x of shape (3, 4), p=0, rng=np.random.default_rng(5), training=True): 12 of 12 values differ")


XB = np.random.default_rng(9).normal(2, 3, size=(2, 3, 2, 2)).round(2)
MEAN, VAR = np.array([0.5, -1.0, 0.2]), np.array([1.5, 0.7, 2.0])
GAMMA, BETA = np.array([1.5, 0.5, 2.0]), np.array([0.3, -0.2, 1.0])
BN_CASE = {"x": XB, "running_mean": MEAN, "running_var": VAR, "gamma": GAMMA, "beta": BETA, "momentum": 0.2,
           "eps": 0.01}
BN_NAME = "batch_norm_train(x of shape (2, 3, 2, 2), ..., momentum=0.2, eps=0.01)"


def torch_batch_norm(case):
    """torch's batch norm in training mode: (out, new running mean, new running var)."""
    mean, var = torch.tensor(case["running_mean"]), torch.tensor(case["running_var"])
    out = functional.batch_norm(torch.tensor(case["x"]), mean, var, torch.tensor(case["gamma"]),
                                torch.tensor(case["beta"]), training=True, momentum=case["momentum"], eps=case["eps"])
    return out.numpy(), mean.numpy(), var.numpy()


OUT, NEW_MEAN, NEW_VAR = torch_batch_norm(BN_CASE)
AXES = (0, 2, 3)
BATCH_MEAN, BIASED, UNBIASED = XB.mean(axis=AXES), XB.var(axis=AXES), XB.var(axis=AXES, ddof=1)


def per_channel(v):
    return v[:, None, None]


def affine(normalized):
    return per_channel(GAMMA) * normalized + per_channel(BETA)


CENTRED = XB - per_channel(BATCH_MEAN)


@pytest.mark.parametrize("part, value, text", [
    ("out", affine(CENTRED / np.sqrt(per_channel(UNBIASED) + 0.01)), "Normalize with the biased batch variance, the "
     "mean of the squared deviations (divide by M = N * H * W = 8); only the running variance uses the unbiased one."),
    ("out", affine(CENTRED / np.sqrt(per_channel(BIASED))), "Add eps inside the square root: (x - mean) / "
     "sqrt(var + eps)."),
    ("out", affine(CENTRED / (np.sqrt(per_channel(BIASED)) + 0.01)), "eps goes inside the square root: (x - mean) / "
     "sqrt(var + eps), not / (sqrt(var) + eps)."),
    ("out", CENTRED / np.sqrt(per_channel(BIASED) + 0.01), "You normalized but forgot the scale and shift: multiply "
     "by gamma and add beta, channel by channel."),
    ("out", affine((XB - per_channel(MEAN)) / np.sqrt(per_channel(VAR) + 0.01)), "In training mode normalize with "
     "the statistics of the current batch, not the running ones (those are for evaluation)."),
    ("out", affine((XB - XB.mean(axis=0)) / np.sqrt(XB.var(axis=0) + 0.01)), "You computed a mean and a variance per "
     "position (over axis 0 only): batch normalization after a convolution has one mean and one variance per "
     "channel, over axes 0, 2 and 3 (the batch and every position)."),
    ("out", affine((XB - XB.mean()) / np.sqrt(XB.var() + 0.01)), "You computed one mean and variance over the whole "
     "batch: each channel has its own, over axes 0, 2 and 3."),
    ("mean", 0.9 * MEAN + 0.1 * BATCH_MEAN, "Use the momentum argument (0.2 here), not a fixed 0.1."),
    ("mean", 0.2 * MEAN + 0.8 * BATCH_MEAN, "momentum weighs the new batch: running = (1 - momentum) * running + "
     "momentum * batch_mean."),
    ("mean", BATCH_MEAN, "That is the batch mean itself: blend it into the running mean, (1 - momentum) * "
     "running_mean + momentum * batch_mean."),
    ("mean", NEW_MEAN.reshape(1, 3, 1, 1), "Return one value per channel, shape (C,): average without keepdims, or "
     "reshape the result with .reshape(-1)."),
    ("var", 0.8 * VAR + 0.2 * BIASED, "PyTorch updates the running variance with the unbiased batch variance, the "
     "sum of squared deviations / (M - 1) with M = 8 values per channel (np.var(..., ddof=1)), even though it "
     "normalizes with the biased one."),
    ("var", 0.2 * VAR + 0.8 * UNBIASED, "momentum weighs the new batch: running = (1 - momentum) * running + "
     "momentum * batch_var."),
    ("var", 0.8 * VAR + 0.2 * np.sqrt(UNBIASED), "Blend the variance into the running variance, not the standard "
     "deviation."),
    ("var", NEW_VAR.reshape(1, 3, 1, 1), "Return one value per channel, shape (C,): compute the variance without "
     "keepdims, or reshape the result with .reshape(-1)."),
])
def test_batch_norm_mistakes_get_their_hint(part, value, text):
    right = {"out": OUT, "mean": NEW_MEAN, "var": NEW_VAR}
    assert verdict("check_batch_norm_train", BN_CASE, right) is None
    message = verdict("check_batch_norm_train", BN_CASE, {**right, part: value})
    assert message.startswith(BN_NAME + " -> ") and message.endswith(" " + text)


def test_batch_norm_returns_three_things_and_a_fixed_momentum_of_0_1_is_right_when_asked():
    assert verdict("check_batch_norm_train", BN_CASE, {"returned": None}) == (
        f"{BN_NAME} should return three things, (out, new_running_mean, new_running_var); it returned NoneType.")
    case = {**BN_CASE, "momentum": 0.1}
    out, mean, var = torch_batch_norm(case)
    assert np.allclose(mean, 0.9 * MEAN + 0.1 * BATCH_MEAN)
    assert verdict("check_batch_norm_train", case, {"out": out, "mean": mean, "var": var}) is None


IMAGE = np.random.default_rng(10).uniform(0.1, 1, size=(2, 4, 7)).round(2)
PADDED = np.pad(IMAGE, ((0, 0), (2, 2), (2, 2)))


@pytest.mark.parametrize("out, text", [
    (PADDED[:, 3:7, 1:8], "top counts rows (axis 1) and left counts columns (axis 2): you swapped them."),
    (np.pad(IMAGE, ((0, 0), (2, 2), (2, 2)), mode="edge")[:, 1:5, 3:10], "Pad with zeros: you repeated the border "
     "pixels (mode='edge'); np.pad's default mode='constant' adds zeros."),
    (np.pad(IMAGE, ((0, 0), (0, 4), (0, 4)))[:, 1:5, 3:10], "Pad 2 pixels on every side (top and bottom, left and "
     "right), not 2 * padding at the bottom and right only."),
    (PADDED, "That is the padded image: cut the H x W window starting at (top, left) out of it."),
    (np.pad(IMAGE, 2), "Pad only the two spatial axes, not the channels: np.pad(image, ((0, 0), (p, p), (p, p)))."),
    (np.zeros((6, 4, 7)), "Pad only the two spatial axes, not the channels: np.pad(image, ((0, 0), (p, p), (p, p)))."),
    (PADDED[0, 1:5, 3:10], "Keep the channel axis: the result has the shape of the image, (C, H, W)."),
])
def test_pad_and_crop_mistakes_get_their_hint(out, text):
    case = {"image": IMAGE, "padding": 2, "top": 1, "left": 3}
    assert verdict("check_pad_and_crop", case, {"y": PADDED[:, 1:5, 3:10]}) is None
    assert verdict("check_pad_and_crop", case, {"y": out}).endswith(" " + text)


def test_regularization_cases():
    dropout = EXERCISES["check_dropout"].cases()
    assert [(c["x"].shape, c["p"], c["seed"], c["training"]) for c in dropout] == [
        ((3, 6), 0.2, 1, True), ((4, 5), 0.5, 0, True), ((2, 4), 0.5, 2, False)]
    norms = EXERCISES["check_batch_norm_train"].cases()
    assert [(c["x"].shape, c["momentum"], c["eps"]) for c in norms] == [
        ((4, 3, 2, 2), 0.1, 1e-3), ((2, 2, 3, 3), 0.1, 1e-3), ((2, 3, 2, 4), 0.5, 0.01)]
    crops = EXERCISES["check_pad_and_crop"].cases()
    assert [(c["image"].shape, c["padding"], c["top"], c["left"]) for c in crops] == [((1, 5, 5), 1, 0, 2),
                                                                                      ((3, 4, 6), 2, 3, 1)]
    offsets = {1: set(), 2: set(), 3: set()}
    sets = zip(hidden_sets("check_dropout", 20), hidden_sets("check_batch_norm_train", 20),
               hidden_sets("check_pad_and_crop", 40))
    for d, b, c in sets:
        assert [(x["x"].shape, x["p"], x["training"]) for x in d[:5]][::3] == [((1, 3, 4), 0.0, True),
                                                                              ((3, 2), 0.7, False)]
        assert [x["training"] for x in d[5:]] == [True, True, True, False]
        assert all(0.1 <= x["p"] <= 0.8 and 1 <= x["x"].ndim <= 3 and 2 <= min(x["x"].shape) <= max(x["x"].shape) <= 6
                   for x in d[5:])
        assert [(x["x"].shape, x["momentum"], x["eps"]) for x in b[:3]] == [
            ((1, 3, 2, 3), 0.3, 1e-5), ((4, 2, 3, 2), 0.0, 0.5), ((3, 1, 1, 3), 1.0, 1e-3)]
        assert all(x["momentum"] in (0.05, 0.2, 0.5) and x["eps"] in (1e-5, 1e-2, 0.1) for x in b[3:])
        assert all(2 <= x["x"].shape[0] <= 5 and 1 <= x["x"].shape[1] <= 4 and x["x"].shape[2] != x["x"].shape[3]
                   for x in b[3:])
        assert [(x["image"].shape, x["padding"], x["top"], x["left"]) for x in c[:4]] == [
            ((2, 3, 5), 0, 0, 0), ((1, 4, 3), 2, 0, 4), ((3, 5, 4), 1, 2, 0), ((2, 4, 6), 3, 6, 6)]
        for x in c[4:]:
            assert 1 <= x["image"].shape[0] <= 3 and x["image"].shape[1] != x["image"].shape[2]
            assert x["top"] != x["left"]
            offsets[x["padding"]] |= {x["top"], x["left"]}
    assert offsets == {p: set(range(2 * p + 1)) for p in (1, 2, 3)}  # every offset from 0 to 2p
