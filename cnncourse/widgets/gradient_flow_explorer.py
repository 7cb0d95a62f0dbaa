"""Gradient flow explorer: how much gradient reaches each layer, for a chosen depth, weight scale
and activations.

The pure part is :func:`cnncourse.demos.vanishing.layer_gradient_norms`, which needs PyTorch; so
:func:`gradient_flow_table` runs it once for every activation, weight scale and depth the explorer
offers, and ``GradientFlowExplorer`` (an anywidget, ``js/gradient_flow_explorer.js``) carries that
table and lets the browser pick and draw, live in the static book with no kernel.
"""

from dataclasses import dataclass

import anywidget
import numpy as np
import traitlets
from .progress import progress

from ..demos.vanishing import layer_gradient_norms
from ..functional.activations import ACTIVATIONS, get_activation
from .activation_explorer import ACTIVATION_COLOURS
from .live import esm, pack, unpack

DEPTHS = (2, 5, 10, 15, 20, 25, 30, 40, 50, 60)
SCALES = (0.25, 0.5, 0.75, 1.0, 1.25, 1.5, 2.0, 2.5, 3.0)


@dataclass(frozen=True)
class GradientFlowView:
    """Gradient norms per layer (layer 1 = nearest the input) for each activation."""

    depth: int
    scale: float          # weights at this multiple of torch's recommended initialisation
    norms: dict           # activation name -> (depth,) array

    def first_to_last(self, name):
        """The gradient norm at layer 1 divided by the one at the last layer."""
        return float(self.norms[name][0] / self.norms[name][-1])


def explore_gradient_flow(names, depth, width=64, seed=0, scale=1.0, device=None):
    """:func:`layer_gradient_norms` for each activation in ``names``, same depth, width, seed, scale."""
    return GradientFlowView(depth, scale, {
        name: layer_gradient_norms(name, depth, width, seed, scale=scale, device=device) for name in names})


def gradient_flow_table(names=tuple(ACTIVATIONS), scales=SCALES, depths=DEPTHS, width=64, seed=0, device=None):
    """log10 of :func:`layer_gradient_norms` for every (activation, scale, depth), in that nesting
    order, concatenated into one 1-D array of len(names) * len(scales) * sum(depths) values."""
    return np.concatenate([np.log10(layer_gradient_norms(name, depth, width, seed, scale=scale, device=device))
                           for name in progress(names, "gradient norms", "activation")
                           for scale in scales for depth in depths])


def flow_notes(view):
    """One line per activation: how the gradient at layer 1 compares with the last layer's."""
    return [f"{name}: layer 1 gets {view.first_to_last(name):.1e} times the gradient of layer {view.depth}"
            for name in view.norms]


class GradientFlowExplorer(anywidget.AnyWidget):
    """Depth and weight-scale sliders and a choice of activations; a log-scale chart of the
    gradient per layer.

    The controls are traitlets (``depth``, ``scale``, ``functions``), each limited to the values
    whose norms were computed (``depths``, ``scales``: the constructor arguments, at most about
    300 KB of table). ``view`` (a :class:`GradientFlowView` read from the carried table) and
    ``notes`` are what the browser shows.
    """

    _esm = esm("gradient_flow_explorer", "ui")
    names = traitlets.List(list(ACTIVATIONS)).tag(sync=True)
    colours = traitlets.Dict(ACTIVATION_COLOURS).tag(sync=True)
    depths = traitlets.List().tag(sync=True)
    scales = traitlets.List().tag(sync=True)
    width = traitlets.Int(64).tag(sync=True)
    log_norms = traitlets.Dict().tag(sync=True)
    functions = traitlets.List(traitlets.Unicode()).tag(sync=True)
    depth = traitlets.Int().tag(sync=True)
    scale = traitlets.Float().tag(sync=True)

    def __init__(self, names=("sigmoid", "tanh", "relu"), depth=20, scale=1.0, width=64, seed=0, device=None,
                 depths=DEPTHS, scales=SCALES):
        depths, scales = [int(d) for d in depths], [float(s) for s in scales]
        table = gradient_flow_table(tuple(ACTIVATIONS), scales, depths, width, seed, device)
        super().__init__(depths=depths, scales=scales, width=width, log_norms=pack(table, "float32"),
                         functions=list(names), depth=depth, scale=scale)

    @traitlets.validate("functions")
    def _check_functions(self, proposal):
        for name in proposal.value:
            get_activation(name)
        return list(proposal.value)

    @traitlets.validate("depth", "scale")
    def _check_offered(self, proposal):
        name = proposal.trait.name
        offered = self.depths if name == "depth" else self.scales
        if proposal.value not in offered:
            raise ValueError(f"{name} must be one of the computed values {offered}, got {proposal.value!r}")
        return proposal.value

    def norms(self, name, scale, depth):
        """The carried (depth,) gradient norms of activation ``name`` at this scale and depth."""
        per_scale = sum(self.depths)
        start = ((self.names.index(name) * len(self.scales) + self.scales.index(scale)) * per_scale
                 + sum(self.depths[:self.depths.index(depth)]))
        return 10.0 ** unpack(self.log_norms)[start:start + depth].astype(np.float64)

    @property
    def view(self):
        """The norms the browser draws for the current controls."""
        return GradientFlowView(self.depth, self.scale, {name: self.norms(name, self.scale, self.depth)
                                                         for name in self.functions})

    @property
    def notes(self):
        """The lines under the chart."""
        return flow_notes(self.view)
