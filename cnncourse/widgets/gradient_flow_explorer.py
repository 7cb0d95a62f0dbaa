"""Gradient flow explorer: how much gradient reaches each layer, for a chosen depth and activations.

The pure part is :func:`cnncourse.demos.vanishing.layer_gradient_norms`; this module collects its
results for several activations (:func:`explore_gradient_flow`) and draws them as an SVG chart.
"""

from dataclasses import dataclass

import ipywidgets as w
import numpy as np

from ..functional.activations import ACTIVATIONS
from ..demos.vanishing import layer_gradient_norms
from .activation_explorer import ACTIVATION_COLOURS
from ..plotting.svg_chart import Line, line_chart


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


class GradientFlowExplorer:
    """Depth and weight-scale sliders and a choice of activations; a log-scale chart of the
    gradient per layer.

    The controls are attributes (``depth``, ``scale``, ``functions``); setting their ``value``
    updates ``view`` (a :class:`GradientFlowView`) and the chart.
    """

    def __init__(self, names=("sigmoid", "tanh", "relu"), depth=20, scale=1.0, width=64, seed=0, device=None):
        self.width, self.seed, self.device = width, seed, device
        self.depth = w.IntSlider(value=depth, min=2, max=60, description="depth", continuous_update=False)
        self.scale = w.FloatSlider(value=scale, min=0.25, max=3.0, step=0.25, description="weights x",
                                   continuous_update=False)
        self.functions = w.SelectMultiple(options=list(ACTIVATIONS), value=tuple(names),
                                          rows=len(ACTIVATIONS), description="functions")
        self.chart = w.HTML()
        self.notes = w.HTML()
        for control in (self.depth, self.scale, self.functions):
            control.observe(lambda change: self.update(), "value")
        self.update()

    def update(self):
        """Recompute the gradient norms from the controls and redraw."""
        self.view = explore_gradient_flow(self.functions.value, self.depth.value, self.width,
                                          self.seed, self.scale.value, self.device)
        layers = np.arange(1, self.view.depth + 1)
        lines = [Line(layers, norms, name, ACTIVATION_COLOURS[name]) for name, norms in self.view.norms.items()]
        self.chart.value = line_chart(
            lines, f"gradient reaching each layer: {self.view.depth} layers of width {self.width}, "
            f"weights x{self.view.scale:g}",
            "layer (1 = next to the input)", "gradient norm (log scale)", log_y=True,
            width=600, height=300)
        self.notes.value = "<br>".join(
            f"<b>{name}</b>: layer 1 gets {self.view.first_to_last(name):.1e} times the gradient of "
            f"layer {self.view.depth}" for name in self.view.norms)

    def widget(self):
        """The assembled interface."""
        return w.VBox([w.HBox([self.functions, w.VBox([self.depth, self.scale])]), self.chart, self.notes])

    def _ipython_display_(self):
        from IPython.display import display
        display(self.widget())
