"""Transfer learning: reuse a network trained on ImageNet for a new, small task.

:mod:`.freezing` (a new head, frozen parts whose batch norm stays put, progressive unfreezing),
:mod:`.learning_rates` (a learning rate per part, for :func:`cnncourse.training.fit`),
:mod:`.feature_cache` (the frozen part's outputs computed once and stored on disk) and
:mod:`.lite0` (EfficientNet-Lite0's input scaling, on smaller images, with a new head).
"""

from .feature_cache import CachedFeatures, cached_features
from .freezing import (changed_tensors, freeze, frozen_norms, replace_head, state_fingerprint,
                       trainable_parameters, unfreeze)
from .learning_rates import parameter_groups
from .lite0 import lite0_for_task, lite0_pixels

__all__ = ["replace_head", "freeze", "unfreeze", "trainable_parameters", "frozen_norms", "state_fingerprint",
           "changed_tensors", "parameter_groups", "cached_features", "CachedFeatures", "lite0_pixels",
           "lite0_for_task"]
