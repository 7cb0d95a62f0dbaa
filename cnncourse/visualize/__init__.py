"""What a trained CNN responds to: filters and feature maps (:mod:`.feature_maps`), input
gradients and their smoothed variant (:mod:`.saliency`), Grad-CAM (:mod:`.grad_cam`), occlusion
sensitivity (:mod:`.occlusion`), the random-weights sanity check (:mod:`.sanity`) and helpers to
lay a map over a photo and measure where it falls (:mod:`.overlay`).

Every method takes a model, one input ``x`` of shape (1, 3, H, W) prepared as the model's
weights expect (e.g. :func:`cnncourse.models.imagenet.lite0_input`), a class index ``target``
and, where it needs one, a ``layer`` that is a module of the model.
"""

from .feature_maps import feature_maps, filters_as_images
from .grad_cam import grad_cam
from .hooks import capture, check_input, check_layer, check_target
from .occlusion import occlusion
from .overlay import normalize_map, overlay, share_inside
from .saliency import saliency, smooth_saliency
from .sanity import randomized_copy

__all__ = ["feature_maps", "filters_as_images", "grad_cam", "capture", "check_input", "check_layer",
           "check_target", "occlusion", "normalize_map", "overlay", "share_inside", "saliency",
           "smooth_saliency", "randomized_copy"]
