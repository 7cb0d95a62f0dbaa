"""Checks behind the auto-graded exercises: each raises :class:`ExerciseFailed` with a kind, precise hint.

The test cells of a chapter's notebook call these for instant feedback; an exercise whose solution
still raises ``NotImplementedError`` gets :class:`NotAttemptedYet`. Each check is an
:class:`~cnncourse.exercises.exercise.Exercise` (cases, a run step, a pure compare step);
:data:`EXERCISES` maps a check's name to it, which is how the grader
(:mod:`cnncourse.instructor.grade`) runs the learner's functions in a sandbox and compares the
results in its own process. In a Jupyter kernel, a test cell run before its solution cell gets one
clean line too (:mod:`cnncourse.exercises.notebook`).
"""

import importlib

from .feedback import ExerciseFailed, NotAttemptedYet
from . import notebook

# Each chapter's checks, by the module that holds them. A module is imported when one of its checks
# is first asked for: chapter 1's checks need NumPy only, so a notebook (or a grading sandbox)
# that uses them does not wait for torch, which the later chapters' checks import.
CHAPTERS = {
    "convolution": ("check_corr2d", "check_multichannel_conv", "check_conv_layer_params"),
    "padding": ("check_output_size", "check_zero_pad", "check_strided_conv"),
    "pooling": ("check_max_pool", "check_max_pool_backward", "check_global_avg_pool"),
    "activations": ("check_relu", "check_softmax", "check_softmax_backward"),
    "training": ("check_cross_entropy", "check_conv2d_grad_weight", "check_momentum_step"),
    "regularization": ("check_dropout", "check_batch_norm_train", "check_pad_and_crop"),
    "architectures": ("check_residual_block", "check_vgg_block_parameters", "check_separable_block",
                      "check_separable_cost_ratio"),
    "transfer": ("check_count_trainable", "check_prepare_for_transfer", "check_cache_outputs"),
    "beyond": ("check_box_iou", "check_nms", "check_saliency_map"),
}
MODULE_OF = {check: module for module, checks in CHAPTERS.items() for check in checks}


def exercise_for(check):
    """The :class:`~cnncourse.exercises.exercise.Exercise` behind the check named ``check`` (e.g.
    ``"check_corr2d"``), importing only the module that defines it."""
    from .exercise import Exercise

    if check not in MODULE_OF:
        raise ValueError(f"check must be the name of one of the course's checks (e.g. 'check_corr2d'), "
                         f"got {check!r}")
    module = importlib.import_module(f".{MODULE_OF[check]}", __name__)
    (found,) = [value for value in vars(module).values()
                if isinstance(value, Exercise) and f"check_{value.name}" == check]
    return found


def __getattr__(name):
    """The checks, the chapter modules and :data:`EXERCISES`, each imported on first use."""
    if name in MODULE_OF:
        return getattr(importlib.import_module(f".{MODULE_OF[name]}", __name__), name)
    if name in CHAPTERS:
        return importlib.import_module(f".{name}", __name__)
    if name == "EXERCISES":  # every check's Exercise, by check name: imports every chapter
        globals()[name] = {check: exercise_for(check) for check in MODULE_OF}
        return globals()[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted({*globals(), *MODULE_OF, *CHAPTERS, "EXERCISES"})


notebook.install()  # in a Jupyter kernel: a test cell run before its solution cell gets one clean line

__all__ = ["ExerciseFailed", "NotAttemptedYet", "EXERCISES", *MODULE_OF]
