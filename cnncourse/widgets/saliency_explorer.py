"""What the network sees: a photo, one of its classes and an explanation method -> the map over the photo.

:func:`explain_photos` computes, with the real pretrained EfficientNet-Lite0, every map the explorer
can show (each photo x its classes x :data:`~cnncourse.demos.what_cnns_see.METHODS`);
:func:`explore_saliency` is the pure lookup the view performs. :class:`SaliencyExplorer` carries the
photos (uint8 RGB) and the maps (uint8, 56 x 56) so its JavaScript (``js/saliency_explorer.js``)
stays live in the static book with no kernel.
"""

import anywidget
import numpy as np
import torch
import traitlets
from tqdm.auto import tqdm

from ..demos.what_cnns_see import METHODS, explain
from ..models.imagenet import class_names, lite0_input
from .live import esm, one_of, pack

MAP_SIDE, PHOTO_SIDE = 56, 112
OPTIONS = {"smoothgrad": {"samples": 6}, "occlusion": {"patch": 64, "stride": 32}}


def _shrink(array, side):
    """(H, W[, C]) with H, W multiples of ``side`` -> (side, side[, C]) by block means."""
    k = array.shape[0] // side
    return array.reshape(side, k, side, k, *array.shape[2:]).mean(axis=(1, 3))


def explain_photos(model, photos, progress=True):
    """Every map of the explorer: ``photos`` maps a name to ``(image (224, 224, 3) in [0, 1], classes)``,
    classes a tuple of ImageNet indices. Returns ``{"photos": {name: (112, 112, 3) uint8},
    "classes": {name: [(index, class name, probability)]}, "maps": {(name, index, method): (56, 56)
    float in [0, 1]}}``."""
    if not isinstance(photos, dict) or not photos:
        raise ValueError("photos must be a non-empty dict name -> (image, classes)")
    result = {"photos": {}, "classes": {}, "maps": {}}
    jobs = [(name, c, m) for name, (_, classes) in photos.items() for c in classes for m in METHODS]
    bar = tqdm(total=len(jobs), desc="maps", disable=not progress)
    for name, (image, classes) in photos.items():
        image = np.asarray(image, dtype=np.float64)
        if image.shape != (224, 224, 3):
            raise ValueError(f"photos[{name!r}] must be a (224, 224, 3) image, got {image.shape}")
        x = lite0_input(image)
        with torch.no_grad():
            probabilities = model(x).softmax(dim=1)[0]
        result["photos"][name] = np.round(_shrink(image, PHOTO_SIDE) * 255).astype(np.uint8)
        result["classes"][name] = [(int(c), class_names()[int(c)], float(probabilities[int(c)])) for c in classes]
        for method in METHODS:  # all the classes at once: occlusion shares its forward passes
            heats = explain(model, x, [int(c) for c in classes], method, **OPTIONS.get(method, {}))
            for c, heat in zip(classes, heats):
                result["maps"][(name, int(c), method)] = _shrink(np.asarray(heat), MAP_SIDE)
                bar.update()
    bar.close()
    return result


def explore_saliency(results, photo, target, method):
    """``{"photo" (112, 112, 3) uint8, "heat" (56, 56) in [0, 1], "caption"}`` for one choice."""
    if photo not in results["photos"]:
        raise ValueError(f"photo must be one of {', '.join(results['photos'])}, got {photo!r}")
    classes = {c: (name, p) for c, name, p in results["classes"][photo]}
    if target not in classes:
        raise ValueError(f"target must be one of the classes of {photo!r}: {sorted(classes)}, got {target!r}")
    if method not in METHODS:
        raise ValueError(f"method must be one of {', '.join(METHODS)}, got {method!r}")
    heat = results["maps"][(photo, target, method)]
    name, probability = classes[target]
    caption = f"{method.replace('_', '-')} map of '{name}' (probability {probability:.1%}) on {photo}"
    return {"photo": results["photos"][photo], "heat": heat, "caption": caption}


class SaliencyExplorer(anywidget.AnyWidget):
    """Controls ``photo``, ``target`` (an ImageNet index among the photo's classes) and ``method``."""

    _esm = esm("saliency_explorer", "ui")
    photos = traitlets.Dict().tag(sync=True)      # name -> packed (112, 112, 3) uint8
    classes = traitlets.Dict().tag(sync=True)     # name -> [[index, class name, probability], ...]
    maps = traitlets.Dict().tag(sync=True)        # "photo|index|method" -> packed (56, 56) uint8
    methods = traitlets.List(list(METHODS)).tag(sync=True)
    photo = traitlets.Unicode().tag(sync=True)
    target = traitlets.Int().tag(sync=True)
    method = traitlets.Unicode("grad_cam").tag(sync=True)

    def __init__(self, results, photo=None, target=None, method="grad_cam"):
        self.results = {**results, "maps": {k: np.round(v * 255) / 255 for k, v in results["maps"].items()}}
        photo = photo if photo is not None else next(iter(results["photos"]))
        target = target if target is not None else results["classes"][photo][0][0]
        explore_saliency(self.results, photo, target, method)  # checks the choice
        super().__init__(
            photos={k: pack(v, "uint8") for k, v in results["photos"].items()},
            classes={k: [list(c) for c in v] for k, v in results["classes"].items()},
            maps={f"{p}|{c}|{m}": pack(np.round(v * 255), "uint8") for (p, c, m), v in results["maps"].items()},
            photo=photo, target=target, method=method)

    _check_photo = one_of("photo", lambda self: self.results["photos"])

    _check_method = one_of("method", METHODS)

    @traitlets.observe("photo")
    def _first_class(self, change):
        if self.target not in [c for c, _, _ in self.results["classes"][change.new]]:
            self.target = self.results["classes"][change.new][0][0]

    @property
    def shown(self):
        """What the view shows for the current controls (see :func:`explore_saliency`)."""
        return explore_saliency(self.results, self.photo, self.target, self.method)
