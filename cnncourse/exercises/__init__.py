"""Checks behind the auto-graded exercises: each raises :class:`ExerciseFailed` with a kind, precise hint.

The test cells of a chapter's notebook call these; nbgrader grades a cell as passed when it runs
without error. An exercise whose solution still raises ``NotImplementedError`` gets
:class:`NotAttemptedYet`.
"""

from .feedback import ExerciseFailed, NotAttemptedYet
from .convolution import check_conv_layer_params, check_corr2d, check_multichannel_conv

__all__ = [
    "ExerciseFailed", "NotAttemptedYet",
    "check_corr2d", "check_multichannel_conv", "check_conv_layer_params",
]
