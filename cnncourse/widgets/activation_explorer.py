"""Activation explorer: each function next to its derivative, with the flat (saturated) parts shaded.

``explore_activations`` is the pure part (names and settings in, curves and intervals out);
``ActivationExplorer`` wires it to controls and draws SVG charts.
"""

from dataclasses import dataclass

import ipywidgets as w
import numpy as np

from ..functional.activations import ACTIVATIONS, get_activation
from ..validation import as_int
from ..plotting.svg_chart import PALETTE, Band, Line, line_chart

CHART_WIDTH = 300  # two charts side by side fit the book's text column
# One colour per activation, the same in every chart.
ACTIVATION_COLOURS = {name: PALETTE[i % len(PALETTE)] for i, name in enumerate(ACTIVATIONS)}


@dataclass(frozen=True)
class ActivationCurve:
    """One function sampled on the view's x: values, derivative, and where the derivative is flat."""

    name: str
    description: str
    y: np.ndarray        # f(x)
    dy: np.ndarray       # f'(x)
    flat: tuple          # ((start, end), ...): x intervals where |f'(x)| < threshold


@dataclass(frozen=True)
class ActivationView:
    """Everything the explorer shows."""

    x: np.ndarray        # (points,) sample positions
    threshold: float
    curves: tuple        # one ActivationCurve per chosen name, in the order given


def flat_intervals(x, dy, threshold):
    """The maximal runs of samples where |dy| < threshold, as ((x_start, x_end), ...).

    x: (n,) increasing; dy: (n,). A run of one sample is the degenerate interval (x_i, x_i).
    """
    flat = np.abs(np.asarray(dy)) < threshold
    edges = np.flatnonzero(np.diff(np.concatenate([[0], flat.astype(np.int8), [0]])))
    return tuple((float(x[start]), float(x[stop - 1])) for start, stop in zip(edges[::2], edges[1::2]))


def explore_activations(names, x_min=-6.0, x_max=6.0, threshold=0.05, points=481):
    """Sample each activation in ``names`` and its derivative on ``points`` values of [x_min, x_max].

    names: activation names (keys of ``ACTIVATIONS``). threshold: a derivative below it in size
    counts as flat: a gradient passing through there almost vanishes.
    """
    if isinstance(names, str):
        names = [names]
    activations = [get_activation(name) for name in names]
    if not x_max > x_min:
        raise ValueError(f"x_max must be greater than x_min, got x_min={x_min}, x_max={x_max}")
    if not threshold >= 0:
        raise ValueError(f"threshold must be >= 0, got {threshold}")
    x = np.linspace(x_min, x_max, as_int(points, "points", minimum=2))
    curves = []
    for name, activation in zip(names, activations):
        dy = activation.derivative(x)
        curves.append(ActivationCurve(name, activation.description, activation.function(x), dy,
                                      flat_intervals(x, dy, threshold)))
    return ActivationView(x, float(threshold), tuple(curves))


def describe_flat(curve, threshold):
    """One line of text: where ``curve``'s derivative is below ``threshold`` in size."""
    if not curve.flat:
        return f"<b>{curve.name}</b>: |f'(x)| &ge; {threshold:g} everywhere shown"
    spans = ", ".join(f"{a:.2f} to {b:.2f}" if a != b else f"{a:.2f}" for a, b in curve.flat)
    return f"<b>{curve.name}</b>: |f'(x)| &lt; {threshold:g} for x in {spans}"


class ActivationExplorer:
    """Choose activation functions and a flatness threshold; see f and f' side by side.

    The controls are attributes (``functions``, ``threshold``, ``x_range``); setting their
    ``value`` updates ``view`` (an :class:`ActivationView`) and the charts.
    """

    def __init__(self, names=("sigmoid", "tanh", "relu"), threshold=0.05, x_range=(-6.0, 6.0)):
        for name in names:
            get_activation(name)  # a clear error for an unknown name
        self.functions = w.SelectMultiple(options=list(ACTIVATIONS), value=tuple(names),
                                          rows=len(ACTIVATIONS), description="functions")
        self.threshold = w.FloatSlider(value=threshold, min=0.0, max=0.5, step=0.01,
                                       description="flat below", continuous_update=False)
        self.x_range = w.FloatRangeSlider(value=x_range, min=-10.0, max=10.0, step=0.5, readout_format=".1f",
                                          description="x range", continuous_update=False)
        self.charts = w.HTML()
        self.notes = w.HTML()
        for control in (self.functions, self.threshold, self.x_range):
            control.observe(lambda change: self.update(), "value")
        self.update()

    def update(self):
        """Recompute the view from the controls and redraw."""
        x_min, x_max = self.x_range.value
        self.view = explore_activations(self.functions.value, x_min, x_max, self.threshold.value)
        bands = [Band(a, b, ACTIVATION_COLOURS[c.name]) for c in self.view.curves for a, b in c.flat]
        values = [Line(self.view.x, c.y, c.name, ACTIVATION_COLOURS[c.name]) for c in self.view.curves]
        slopes = [Line(self.view.x, c.dy, c.name + "'", ACTIVATION_COLOURS[c.name]) for c in self.view.curves]
        threshold = self.view.threshold
        ends = self.view.x[[0, -1]]
        limits = [Line(ends, [threshold] * 2, f"|f'| = {threshold:g}", "#999", dashed=True),
                  Line(ends, [-threshold] * 2, "", "#999", dashed=True)] if threshold > 0 else []
        self.charts.value = (
            "<div style='display:flex;flex-wrap:wrap;gap:8px'>"
            + line_chart(values, "f(x)", "x", "f(x)", bands, width=CHART_WIDTH)
            + line_chart(slopes + limits, "f'(x), flat parts shaded", "x", "f'(x)", bands, width=CHART_WIDTH)
            + "</div>"
        )
        self.notes.value = "<br>".join(
            describe_flat(c, threshold) + f" <span style='color:#666'>({c.description})</span>"
            for c in self.view.curves)

    def widget(self):
        """The assembled interface."""
        return w.VBox([w.HBox([self.functions, w.VBox([self.threshold, self.x_range])]),
                       self.charts, self.notes])

    def _ipython_display_(self):
        from IPython.display import display
        display(self.widget())
