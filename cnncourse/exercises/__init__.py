"""Checks behind the auto-graded exercises: each raises :class:`ExerciseFailed` with a kind, precise hint.

The test cells of a chapter's notebook call these for instant feedback; an exercise whose solution
still raises ``NotImplementedError`` gets :class:`NotAttemptedYet`. Each check is an
:class:`~cnncourse.exercises.exercise.Exercise` (cases, a run step, a pure compare step);
:data:`EXERCISES` maps a check's name to it, which is how the grader
(:mod:`cnncourse.instructor.grade`) runs the learner's functions in a sandbox and compares the
results in its own process. In a Jupyter kernel, a test cell run before its solution cell gets one
clean line too (:mod:`cnncourse.exercises.notebook`).
"""

from .feedback import ExerciseFailed, NotAttemptedYet
from . import exercise as exercise_module
from . import activations, architectures, convolution, padding, pooling, regularization, training
from . import transfer
from . import beyond
from .convolution import check_conv_layer_params, check_corr2d, check_multichannel_conv
from .padding import check_output_size, check_strided_conv, check_zero_pad
from .pooling import check_global_avg_pool, check_max_pool, check_max_pool_backward
from .activations import check_relu, check_softmax, check_softmax_backward
from .training import check_conv2d_grad_weight, check_cross_entropy, check_momentum_step
from .regularization import check_batch_norm_train, check_dropout, check_pad_and_crop
from .architectures import (check_residual_block, check_separable_block, check_separable_cost_ratio,
                            check_vgg_block_parameters)
from .transfer import check_cache_outputs, check_count_trainable, check_prepare_for_transfer
from .beyond import check_box_iou, check_nms, check_saliency_map
from . import notebook

EXERCISES = {f"check_{exercise.name}": exercise for module in
             (convolution, padding, pooling, activations, training, regularization, architectures, transfer, beyond)
             for exercise in vars(module).values() if isinstance(exercise, exercise_module.Exercise)}
notebook.install()  # in a Jupyter kernel: a test cell run before its solution cell gets one clean line

__all__ = [
    "ExerciseFailed", "NotAttemptedYet", "EXERCISES",
    # chapter 1
    "check_corr2d", "check_multichannel_conv", "check_conv_layer_params",
    # chapter 2
    "check_output_size", "check_zero_pad", "check_strided_conv",
    # chapter 3
    "check_max_pool", "check_max_pool_backward", "check_global_avg_pool",
    # chapter 4
    "check_relu", "check_softmax", "check_softmax_backward",
    # chapter 5
    "check_cross_entropy", "check_conv2d_grad_weight", "check_momentum_step",
    # chapter 6
    "check_dropout", "check_batch_norm_train", "check_pad_and_crop",
    # chapter 7
    "check_residual_block", "check_vgg_block_parameters", "check_separable_block", "check_separable_cost_ratio",
    # chapter 8
    "check_count_trainable", "check_prepare_for_transfer", "check_cache_outputs",
    # chapter 9
    "check_box_iou", "check_nms", "check_saliency_map",
]
