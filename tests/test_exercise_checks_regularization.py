"""Chapter 6's exercise checks accept right answers and explain every usual wrong one."""

import numpy as np
import pytest

from cnncourse.exercises import (ExerciseFailed, NotAttemptedYet, check_batch_norm_train, check_dropout,
                                 check_pad_and_crop)


def not_implemented(*args):
    raise NotImplementedError()


# -- dropout --------------------------------------------------------------------------------------------
def make_dropout(keep_rule="u >= p", scale="1/(1-p)", evaluation="identity", draw="rng"):
    def my_dropout(x, p, rng, training):
        if not training and evaluation == "identity":
            return x
        if not training and evaluation == "times keep":
            return x * (1 - p)
        u = rng.random(x.shape) if draw == "rng" else np.random.default_rng(12345).random(x.shape)
        keep = u >= p if keep_rule == "u >= p" else u < p
        factor = {"1/(1-p)": 1 / (1 - p), "none": 1.0, "1-p": 1 - p, "1/p": 1 / p if p else 1.0}[scale]
        return x * keep * factor
    return my_dropout


@pytest.mark.parametrize("hidden", [False, True])
def test_right_dropout_passes(hidden):
    assert "correct" in check_dropout(make_dropout(), hidden=hidden)


@pytest.mark.parametrize("wrong, hint", [
    (make_dropout(scale="none"), "did not scale the kept ones"),
    (make_dropout(scale="1-p"), "You multiplied the kept values by 1 - p"),
    (make_dropout(scale="1/p"), "not by p"),
    (make_dropout(keep_rule="u < p"), "so keep them where u >= p"),
    (make_dropout(keep_rule="u < p", scale="1/p"), "keep them where u >= p and divide by 1 - p"),
    (make_dropout(evaluation="dropout anyway"), "With training=False (evaluation) dropout does nothing"),
    (make_dropout(evaluation="times keep"), "At evaluation inverted dropout is the identity"),
    (make_dropout(draw="own generator"), "other values were dropped than expected"),
    (lambda x, p, rng, training: None, "forget the `return`"),
])
def test_wrong_dropouts_get_their_hint(wrong, hint):
    with pytest.raises(ExerciseFailed, match=None) as failure:
        check_dropout(wrong)
    assert hint in str(failure.value)


# -- batch norm in training mode ----------------------------------------------------------------------------
def make_batch_norm(var_ddof=0, running_ddof=1, eps_place="inside", affine=True, stats="batch",
                    momentum_rule="right", norm_axes=(0, 2, 3), blend="var", keepdims=False):
    def my_batch_norm(x, running_mean, running_var, gamma, beta, momentum, eps):
        axes = (0, 2, 3)
        mean = x.mean(axis=axes, keepdims=keepdims)
        use_mean = x.mean(axis=norm_axes, keepdims=True)
        use_var = x.var(axis=norm_axes, ddof=var_ddof, keepdims=True)
        if stats == "running":
            use_mean, use_var = running_mean.reshape(1, -1, 1, 1), running_var.reshape(1, -1, 1, 1)
        if eps_place == "inside":
            normalized = (x - use_mean) / np.sqrt(use_var + eps)
        elif eps_place == "outside":
            normalized = (x - use_mean) / (np.sqrt(use_var) + eps)
        else:
            normalized = (x - use_mean) / np.sqrt(use_var)
        out = gamma.reshape(1, -1, 1, 1) * normalized + beta.reshape(1, -1, 1, 1) if affine else normalized
        batch_var = x.var(axis=axes, ddof=running_ddof, keepdims=keepdims)
        if keepdims:  # everything kept as (1, C, 1, 1)
            running_mean, running_var = running_mean.reshape(mean.shape), running_var.reshape(mean.shape)
        if blend == "std":
            batch_var = np.sqrt(batch_var)
        if momentum_rule == "right":
            new_mean = (1 - momentum) * running_mean + momentum * mean
            new_var = (1 - momentum) * running_var + momentum * batch_var
        elif momentum_rule == "reversed":
            new_mean = momentum * running_mean + (1 - momentum) * mean
            new_var = momentum * running_var + (1 - momentum) * batch_var
        else:
            new_mean, new_var = mean, batch_var
        return out, new_mean, new_var
    return my_batch_norm


@pytest.mark.parametrize("hidden", [False, True])
def test_right_batch_norm_passes(hidden):
    assert "correct" in check_batch_norm_train(make_batch_norm(), hidden=hidden)


@pytest.mark.parametrize("wrong, hint", [
    (make_batch_norm(var_ddof=1), "Normalize with the biased batch variance"),
    (make_batch_norm(eps_place="none"), "Add eps inside the square root"),
    (make_batch_norm(eps_place="outside"), "not / (sqrt(var) + eps)"),
    (make_batch_norm(affine=False), "forgot the scale and shift"),
    (make_batch_norm(stats="running"), "not the running ones"),
    (make_batch_norm(running_ddof=0), "unbiased batch variance"),
    (make_batch_norm(momentum_rule="reversed"), "momentum weighs the new batch"),
    (make_batch_norm(momentum_rule="none"), "That is the batch mean itself"),
    (make_batch_norm(blend="std"), "not the standard deviation"),
    (make_batch_norm(norm_axes=0), "a mean and a variance per position (over axis 0 only)"),
    (make_batch_norm(norm_axes=None), "one mean and variance over the whole batch"),
    (make_batch_norm(keepdims=True), "Return one value per channel, shape (C,)"),
    (lambda *args: args[0], "should return three things"),
])
def test_wrong_batch_norms_get_their_hint(wrong, hint):
    with pytest.raises(ExerciseFailed) as failure:
        check_batch_norm_train(wrong)
    assert hint in str(failure.value)


# -- pad and crop -------------------------------------------------------------------------------------------
def make_crop(mode="constant", swap=False, sides="both", cut=True, pad_channels=False, squeeze=False):
    def my_crop(image, padding, top, left):
        p = padding
        spec = ((0, 0), (p, p), (p, p)) if sides == "both" else ((0, 0), (0, 2 * p), (0, 2 * p))
        if pad_channels:
            spec = ((p, p),) + spec[1:]
        padded = np.pad(image, spec, mode=mode)
        if not cut:
            return padded
        h, w = image.shape[1:]
        row, col = (left, top) if swap else (top, left)
        out = padded[:, row:row + h, col:col + w]
        return out[0] if squeeze else out
    return my_crop


@pytest.mark.parametrize("hidden", [False, True])
def test_right_crop_passes(hidden):
    assert "correct" in check_pad_and_crop(make_crop(), hidden=hidden)


@pytest.mark.parametrize("wrong, hint", [
    (make_crop(swap=True), "you swapped them"),
    (make_crop(mode="edge"), "mode='edge'"),
    (make_crop(sides="one"), "not 2 * padding at the bottom and right only"),
    (make_crop(cut=False), "That is the padded image"),
    (make_crop(pad_channels=True, cut=False), "Pad only the two spatial axes"),
    (make_crop(pad_channels=True), "Pad only the two spatial axes"),
    (make_crop(squeeze=True), "Keep the channel axis"),
])
def test_wrong_crops_get_their_hint(wrong, hint):
    with pytest.raises(ExerciseFailed) as failure:
        check_pad_and_crop(wrong)
    assert hint in str(failure.value)


@pytest.mark.parametrize("check", [check_dropout, check_batch_norm_train, check_pad_and_crop])
def test_untouched_exercises_say_not_attempted(check):
    with pytest.raises(NotAttemptedYet, match="not attempted yet"):
        check(not_implemented)


# -- the grader's path: plain records from the sandbox, judged without learner code ------------------------
from cnncourse.exercises import EXERCISES  # noqa: E402
from cnncourse.exercises.exercise import Learner, decode, encode, result_record  # noqa: E402

SOLUTIONS = {"check_dropout": (make_dropout(), make_dropout(scale="none")),
             "check_batch_norm_train": (make_batch_norm(), make_batch_norm(running_ddof=0)),
             "check_pad_and_crop": (make_crop(), make_crop(mode="edge"))}


def judged(exercise, function, cases):
    records = []
    for case in cases:
        record = result_record(exercise, Learner([function], exercise.labels), case)
        records.append({"outputs": decode(*encode(record["outputs"]))} if "outputs" in record else record)
    return exercise.judge(cases, records)


@pytest.mark.parametrize("name", SOLUTIONS)
def test_the_grader_judges_plain_records(name):
    exercise = EXERCISES[name]
    right, wrong = SOLUTIONS[name]
    cases = exercise.cases(hidden=True, secret="instructor")
    assert judged(exercise, right, cases) is None
    assert judged(exercise, wrong, cases)  # a message saying what is wrong
    again, other = exercise.cases(hidden=True, secret="instructor"), exercise.cases(hidden=True, secret="other")
    last = next(iter(cases[-1].values()))  # the random cases come after the fixed edges
    assert np.array_equal(last, next(iter(again[-1].values())))
    assert not np.array_equal(last, next(iter(other[-1].values())))
