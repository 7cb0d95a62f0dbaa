"""Activation explorer: each function next to its derivative, with the flat (saturated) parts shaded.

``explore_activations`` is the pure part (names and settings in, curves and intervals out);
``ActivationExplorer`` is an anywidget whose JavaScript (``js/activation_explorer.js``) computes
the same curves in the browser and draws them, so it stays live in the static book with no kernel.
"""

from dataclasses import dataclass

import anywidget
import numpy as np
import traitlets

from ..functional.activations import ACTIVATIONS, get_activation
from ..validation import as_int
from ..plotting.svg_chart import PALETTE
from .live import esm

CHART_WIDTH = 320  # two charts side by side fit the book's text column
POINTS = 481
X_LIMIT = 10.0   # the x range's ends are multiples of 0.5 within [-X_LIMIT, X_LIMIT]
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


class ActivationExplorer(anywidget.AnyWidget):
    """Choose activation functions, a flatness threshold and an x range; see f and f' side by side.

    The controls are traitlets (``functions``, ``threshold``, ``x_min``, ``x_max``); the browser
    recomputes the curves from them. ``view`` (an :class:`ActivationView`) and ``notes`` (one
    :func:`describe_flat` line per function) are what it shows.
    """

    _esm = esm("activation_explorer", "ui")
    names = traitlets.List(list(ACTIVATIONS)).tag(sync=True)
    descriptions = traitlets.Dict({name: a.description for name, a in ACTIVATIONS.items()}).tag(sync=True)
    colours = traitlets.Dict(ACTIVATION_COLOURS).tag(sync=True)
    points = traitlets.Int(POINTS).tag(sync=True)
    chart_width = traitlets.Int(CHART_WIDTH).tag(sync=True)
    functions = traitlets.List(traitlets.Unicode()).tag(sync=True)
    threshold = traitlets.Float(0.05).tag(sync=True)
    x_min = traitlets.Float(-6.0).tag(sync=True)
    x_max = traitlets.Float(6.0).tag(sync=True)

    def __init__(self, names=("sigmoid", "tanh", "relu"), threshold=0.05, x_range=(-6.0, 6.0)):
        super().__init__(functions=list(names), threshold=threshold, x_min=x_range[0], x_max=x_range[1])

    @traitlets.validate("functions")
    def _check_functions(self, proposal):
        for name in proposal.value:
            get_activation(name)  # a clear error for an unknown name
        return list(proposal.value)

    @traitlets.validate("threshold")
    def _check_threshold(self, proposal):
        if not 0 <= proposal.value <= 0.5:
            raise ValueError(f"threshold must be between 0 and 0.5, got {proposal.value}")
        return proposal.value

    @traitlets.validate("x_min", "x_max")
    def _check_x(self, proposal):
        name, value = proposal.trait.name, proposal.value
        if not (-X_LIMIT <= value <= X_LIMIT and value * 2 == round(value * 2)):
            raise ValueError(f"{name} must be a multiple of 0.5 between {-X_LIMIT:g} and {X_LIMIT:g}, got {value}")
        return value

    @property
    def view(self):
        """The curves the browser draws for the current controls."""
        return explore_activations(self.functions, self.x_min, self.x_max, self.threshold, self.points)

    @property
    def notes(self):
        """The lines under the charts (HTML)."""
        return "<br>".join(describe_flat(c, self.threshold) + f" <span style='color:#666'>({c.description})</span>"
                           for c in self.view.curves)
