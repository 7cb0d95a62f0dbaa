"""Feature-map explorer: a photo, a stage of the pretrained EfficientNet-Lite0 and one of its
channels -> the map that channel computes on the photo.

:func:`stage_outputs` runs the network once per photo and keeps every shown stage's output;
:func:`explore_feature_maps` is the pure reference for one (stage, channel). The
:class:`FeatureMapExplorer` carries, for each photo and stage, the :data:`CHANNELS` channels that
respond most strongly to that photo (ranked per photo), as uint8 maps, so its JavaScript view
(js/feature_map_explorer.js) switches between them in the static book with no kernel.
"""

from contextlib import ExitStack
from dataclasses import dataclass

import anywidget
import numpy as np
import torch
import traitlets

from ..data import load_image
from ..models import efficientnet_lite0
from ..models.imagenet import center_square, lite0_input
from ..threads import one_thread
from ..validation import as_array, as_int
from ..visualize.hooks import capture
from .live import esm, one_of, pack

PHOTOS = ("chelsea", "coffee", "brick")
SHOWN_STAGES = ("stem", "stage2", "stage3", "stage4", "stage6", "head")
CHANNELS = 4          # channels carried per stage
MAX_SIDE = 56         # larger maps (the stem's 112 x 112) are carried average-pooled to this side
PHOTO_SIDE = 96       # the photo as shown next to the maps
RANKS = ("strongest", "2nd strongest", "3rd strongest", "4th strongest")[:CHANNELS]


@torch.no_grad()
def stage_outputs(image, stages=SHOWN_STAGES, model=None):
    """``{stage: (C, H, W) float32 array}``: what each of ``stages`` outputs for one RGB photo
    (H, W, 3) in [0, 1], fed to the pretrained Lite0 as its central 224 x 224 square."""
    model = efficientnet_lite0(pretrained=True) if model is None else model.eval()
    with ExitStack() as stack:
        seen = {stage: stack.enter_context(capture(model.get_submodule(stage))) for stage in stages}
        model(lite0_input(image))
    return {stage: record["output"][0].float().numpy() for stage, record in seen.items()}


@dataclass(frozen=True)
class FeatureMapView:
    """One channel's map: values (H, W) as computed, their range, and the stage's output shape."""

    stage: str
    channel: int
    values: np.ndarray
    low: float
    high: float
    stage_shape: tuple

    def grey(self):
        """The map stretched to 0..1 for display (mid-grey 0.5 when the map is constant)."""
        span = self.high - self.low
        return (self.values - self.low) / span if span > 0 else np.full_like(self.values, 0.5)

    def caption(self, rank):
        """The words under the map; ``rank`` is the channel's rank on its photo (0: strongest)."""
        c, h, w = self.stage_shape
        if self.high > self.low:
            values = f"values {self.low:.2f} to {self.high:.2f} (black to white)"
        else:  # nothing to stretch: say so rather than draw a black square
            values = f"the same value, {self.low:.2f}, at every position (drawn mid-grey)"
        return (f"{self.stage}: {c} channels of {h}x{w}. Channel {self.channel} (the {RANKS[rank]} on "
                f"this photo), {values}.")


def explore_feature_maps(outputs, stage, channel):
    """Channel ``channel`` of stage ``stage`` from ``outputs`` (as :func:`stage_outputs` returns)."""
    if stage not in outputs:
        raise ValueError(f"stage must be one of {', '.join(outputs)}, got {stage!r}")
    maps = as_array(outputs[stage], "outputs[stage]", ndim=3)
    channel = as_int(channel, "channel", minimum=0)
    if channel >= maps.shape[0]:
        raise ValueError(f"channel must be below {maps.shape[0]} (stage {stage} has {maps.shape[0]} channels), "
                         f"got {channel}")
    values = maps[channel]
    return FeatureMapView(stage, channel, values, float(values.min()), float(values.max()), tuple(maps.shape))


def strongest_channels(outputs, stage, count=CHANNELS):
    """The ``count`` channels of ``stage`` with the largest mean activation on one photo
    (``outputs``: that photo's ``{stage: (C, H, W)}``), strongest first."""
    if stage not in outputs:
        raise ValueError(f"stage must be one of {', '.join(outputs)}, got {stage!r}")
    means = outputs[stage].mean(axis=(1, 2))
    return [int(c) for c in np.argsort(-means, kind="stable")[:count]]



def _carried(view):
    """The map as carried to the browser: average-pooled to at most MAX_SIDE, grey levels 0..255."""
    grey = view.grey()
    factor = max(1, grey.shape[0] // MAX_SIDE)
    h, w = grey.shape[0] // factor, grey.shape[1] // factor
    pooled = grey[:h * factor, :w * factor].reshape(h, factor, w, factor).mean(axis=(1, 3))
    return np.round(pooled * 255)


class FeatureMapExplorer(anywidget.AnyWidget):
    """Controls (traits): ``photo`` (one of :data:`PHOTOS`), ``stage`` (one of :data:`SHOWN_STAGES`)
    and ``channel`` (0 .. CHANNELS - 1: the rank among the stage's strongest channels on that photo,
    strongest first). ``view`` is what is shown, from :func:`explore_feature_maps`."""

    _esm = esm("feature_map_explorer", "ui")
    photo = traitlets.Unicode(PHOTOS[0]).tag(sync=True)
    stage = traitlets.Unicode(SHOWN_STAGES[0]).tag(sync=True)
    channel = traitlets.Int(0).tag(sync=True)
    photos = traitlets.Dict().tag(sync=True)    # name -> pack(uint8 (PHOTO_SIDE, PHOTO_SIDE, 3))
    maps = traitlets.Dict().tag(sync=True)      # photo -> stage -> pack(uint8 (CHANNELS, h, w))
    ranges = traitlets.Dict().tag(sync=True)    # photo -> stage -> [[low, high] per carried channel]
    channels = traitlets.Dict().tag(sync=True)  # photo -> stage -> [channel ids, strongest first]
    stages = traitlets.Dict().tag(sync=True)    # stage -> [C, H, W]

    def __init__(self, photo=PHOTOS[0], stage=SHOWN_STAGES[0], channel=0, model=None, **kwargs):
        model = efficientnet_lite0(pretrained=True) if model is None else model
        images = {name: _rgb(load_image(name)) for name in PHOTOS}
        with one_thread():
            self._outputs = {name: stage_outputs(image, SHOWN_STAGES, model) for name, image in images.items()}
        stages = {s: list(self._outputs[PHOTOS[0]][s].shape) for s in SHOWN_STAGES}
        maps, ranges, channels = {}, {}, {}
        for name, outputs in self._outputs.items():
            maps[name], ranges[name], channels[name] = {}, {}, {}
            for s in SHOWN_STAGES:
                channels[name][s] = strongest_channels(outputs, s)
                views = [explore_feature_maps(outputs, s, c) for c in channels[name][s]]
                maps[name][s] = pack(np.stack([_carried(v) for v in views]), "uint8")
                ranges[name][s] = [[round(v.low, 4), round(v.high, 4)] for v in views]
        shown = {name: pack(np.round(_resized(image) * 255), "uint8") for name, image in images.items()}
        super().__init__(photos=shown, maps=maps, ranges=ranges, channels=channels, stages=stages, **kwargs)
        self.photo, self.stage, self.channel = photo, stage, channel

    _valid_photo = one_of("photo", PHOTOS)

    _valid_stage = one_of("stage", SHOWN_STAGES)

    @traitlets.validate("channel")
    def _valid_channel(self, proposal):
        if not 0 <= proposal["value"] < CHANNELS:
            raise ValueError(f"channel must be 0 to {CHANNELS - 1} (the stage's strongest channels), "
                             f"got {proposal['value']!r}")
        return proposal["value"]

    @property
    def view(self):
        """The :class:`FeatureMapView` for the current controls."""
        index = self.channels[self.photo][self.stage][self.channel]
        return explore_feature_maps(self._outputs[self.photo], self.stage, index)


def _rgb(image):
    """A grey photo (H, W) as (H, W, 3); colour photos unchanged."""
    return image if image.ndim == 3 else np.repeat(image[..., None], 3, axis=-1)


def _resized(image):
    """The photo's central square at PHOTO_SIDE x PHOTO_SIDE, as Lite0 sees it (in [0, 1])."""
    return center_square(image, PHOTO_SIDE)
