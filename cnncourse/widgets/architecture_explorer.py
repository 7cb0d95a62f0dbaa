"""Architecture explorer: pick a model of the zoo and read its stages; compare all models' costs.

Pure parts: :func:`explore_architecture` (a profile -> its stage table and a bar chart of parameters
per stage) and :func:`compare_models` (profiles, published accuracies and measured latencies ->
one point per model, drawn as the "accuracy against cost" bubble chart). Profiles need PyTorch and
are computed once (see :func:`cnncourse.models.profile.zoo_profiles`); ``ArchitectureExplorer`` is
an anywidget that carries them and whose JavaScript (``js/architecture_explorer.js``) draws the
same table and charts, live in the static book with no kernel. Everything scales down to the
width of the book's column.
"""

from dataclasses import dataclass
from html import escape

import anywidget
import numpy as np
import traitlets

from ..models.profile import zoo_profiles
from ..models.published import IMAGENET_TOP1
from ..plotting.svg_chart import PALETTE, nice_ticks
from .live import esm, one_of

X_AXES = {"MACs (millions)": "macs", "CPU latency (ms, measured here)": "latency_ms"}


@dataclass(frozen=True)
class ArchitectureView:
    """One model's stage table as HTML, its parameters per stage as an SVG bar chart, and totals."""

    name: str
    table_html: str
    chart_svg: str
    params: int
    macs: int


@dataclass(frozen=True)
class ModelPoint:
    """A model in the comparison: parameters, MACs, published top-1 (%) and latency (ms); None if unknown."""

    name: str
    params: int
    macs: int
    top1: float
    latency_ms: float


def _shape(shape):
    return " x ".join(map(str, shape))


def stage_table_html(profile):
    """The stages of a :class:`~cnncourse.models.profile.ModelProfile` as an HTML table with totals."""
    head = "<tr><th>stage</th><th>output shape</th><th>parameters</th><th>MACs</th></tr>"
    body = "".join(f"<tr><td>{escape(r.name)}</td><td>{_shape(r.output_shape)}</td><td>{r.params:,}</td>"
                   f"<td>{r.macs:,}</td></tr>" for r in profile.stages)
    total = (f"<tr><td><b>total</b></td><td>input {_shape(profile.input_shape)}</td><td><b>{profile.params:,}</b>"
             f"</td><td><b>{profile.macs:,}</b></td></tr>")
    style = ("<style>.cnn-zoo td,.cnn-zoo th{border:1px solid #ccc;padding:2px 8px;text-align:right}"
             ".cnn-zoo td:first-child{text-align:left}.cnn-zoo{border-collapse:collapse}</style>")
    return f"{style}<table class='cnn-zoo'>{head}{body}{total}</table>"


def stage_bars_svg(profile, width=420, bar_height=16):
    """Horizontal bars, one per stage, of length proportional to its parameters (SVG text)."""
    rows = profile.stages
    biggest = max(max(r.params for r in rows), 1)
    left, height = 110, 30 + bar_height * len(rows)
    parts = [f"<svg xmlns='http://www.w3.org/2000/svg' width='{width}' height='{height}' font-family='sans-serif' "
             f"font-size='11'><text x='{width / 2:.0f}' y='14' text-anchor='middle' font-size='12'>"
             f"{escape(profile.name)}: parameters per stage</text>"]
    for i, row in enumerate(rows):
        y = 22 + i * bar_height
        length = (width - left - 90) * row.params / biggest
        parts.append(f"<text x='{left - 4}' y='{y + bar_height - 5}' text-anchor='end'>{escape(row.name)}</text>"
                     f"<rect x='{left}' y='{y + 2}' width='{length:.1f}' height='{bar_height - 4}' "
                     f"fill='{PALETTE[0]}'/><text x='{left + length + 4:.1f}' y='{y + bar_height - 5}'>"
                     f"{row.params:,}</text>")
    return "".join(parts) + "</svg>"


def explore_architecture(name, profiles=None):
    """The :class:`ArchitectureView` of the zoo model ``name``; ``profiles`` defaults to the cached zoo."""
    profiles = profiles if profiles is not None else zoo_profiles()
    if name not in profiles:
        raise ValueError(f"unknown model {name!r}; choose one of {', '.join(profiles)}")
    profile = profiles[name]
    return ArchitectureView(name, stage_table_html(profile), stage_bars_svg(profile), profile.params, profile.macs)


def compare_models(profiles=None, latencies=None):
    """One :class:`ModelPoint` per model with a published ImageNet top-1 (see
    :mod:`cnncourse.models.published`); ``latencies``: ``{name: seconds}`` measured here, may be partial."""
    profiles = profiles if profiles is not None else zoo_profiles()
    latencies = latencies or {}
    return [ModelPoint(name, p.params, p.macs, IMAGENET_TOP1[name][0],
                       latencies[name] * 1e3 if name in latencies else None)
            for name, p in profiles.items() if name in IMAGENET_TOP1]


# a label's size in the chart's 10 px sans-serif: width per character, height above and below
# its baseline
LABEL_CHAR_PX, LABEL_ASCENT, LABEL_DESCENT = 5.6, 8, 2


def label_places(bubbles, box):
    """Where each bubble's name goes without covering a name placed before it: right of the bubble,
    else left, above or below it, inside ``box``; None where none of the four fits (the bubble's
    tooltip still names it).

    bubbles: [(x, y, radius, text)] in pixels; box: (left, top, right, bottom) of the plot area.
    Returns [(x, baseline y, text-anchor) or None], one per bubble.
    """
    placed, places = [], []
    for x, y, radius, text in bubbles:
        width = LABEL_CHAR_PX * len(text)
        candidates = [(x + radius + 2, y + 3, "start"), (x - radius - 2, y + 3, "end"),
                      (x, y - radius - 3, "middle"), (x, y + radius + 10, "middle")]
        for tx, ty, anchor in candidates:
            x0 = tx - {"start": 0, "end": width, "middle": width / 2}[anchor]
            rect = (x0, ty - LABEL_ASCENT, x0 + width, ty + LABEL_DESCENT)
            inside = box[0] <= rect[0] and rect[2] <= box[2] and box[1] <= rect[1] and rect[3] <= box[3]
            if inside and not any(rect[0] < o[2] and o[0] < rect[2] and rect[1] < o[3] and o[1] < rect[3]
                                  for o in placed):
                placed.append(rect)
                places.append((tx, ty, anchor))
                break
        else:
            places.append(None)
    return places


def comparison_svg(points, x_axis="macs", width=620, height=360):
    """The bubble chart: x = MACs (millions) or latency (ms) on a log axis, y = top-1 %, bubble area
    proportional to the parameters. Points without a value for ``x_axis`` are left out."""
    if x_axis not in X_AXES.values():
        raise ValueError(f"x_axis must be one of {list(X_AXES.values())}, got {x_axis!r}")
    shown = [p for p in points if getattr(p, x_axis) is not None]
    xs = np.log10([p.macs / 1e6 if x_axis == "macs" else p.latency_ms for p in shown] or [1.0])
    ys = np.array([p.top1 for p in shown] or [50.0])
    x_lo, x_hi = np.floor(xs.min() * 4) / 4 - 0.1, np.ceil(xs.max() * 4) / 4 + 0.1
    y_lo, y_hi = np.floor(ys.min()) - 2, np.ceil(ys.max()) + 2
    left, right, top, bottom = 50, 20, 28, 40

    def px(x):
        return left + (x - x_lo) / (x_hi - x_lo) * (width - left - right)

    def py(y):
        return top + (y_hi - y) / (y_hi - y_lo) * (height - top - bottom)

    label = "MACs (millions)" if x_axis == "macs" else "CPU latency, batch 1 (ms, measured here)"
    parts = [f"<svg xmlns='http://www.w3.org/2000/svg' width='{width}' height='{height}' font-family='sans-serif' "
             f"font-size='10'><text x='{width / 2:.0f}' y='16' text-anchor='middle' font-size='12'>ImageNet top-1 "
             f"against cost (bubble area: parameters)</text>"]
    for power in range(int(np.ceil(x_lo)), int(np.floor(x_hi)) + 1):
        parts.append(f"<line x1='{px(power):.1f}' y1='{top}' x2='{px(power):.1f}' y2='{height - bottom}' "
                     f"stroke='#ddd'/><text x='{px(power):.1f}' y='{height - bottom + 13}' "
                     f"text-anchor='middle'>{10 ** power:g}</text>")
    for tick in nice_ticks(y_lo, y_hi):
        parts.append(f"<line x1='{left}' y1='{py(tick):.1f}' x2='{width - right}' y2='{py(tick):.1f}' "
                     f"stroke='#ddd'/><text x='{left - 4}' y='{py(tick) + 3:.1f}' text-anchor='end'>{tick:g}</text>")
    parts.append(f"<text x='{width / 2:.0f}' y='{height - 6}' text-anchor='middle'>{label}, log scale</text>"
                 f"<text x='12' y='{height / 2:.0f}' transform='rotate(-90 12 {height / 2:.0f})' "
                 "text-anchor='middle'>top-1 %</text>")
    radii = [3 + 14 * np.sqrt(p.params / 150e6) for p in shown]
    places = label_places([(px(x), py(y), r, p.name) for p, x, y, r in zip(shown, xs, ys, radii)],
                          (left, top, width - right, height - bottom))
    for i, (p, x, y, radius, place) in enumerate(zip(shown, xs, ys, radii, places)):
        parts.append(f"<circle cx='{px(x):.1f}' cy='{py(y):.1f}' r='{radius:.1f}' fill='{PALETTE[i % len(PALETTE)]}' "
                     f"fill-opacity='0.45'><title>{escape(p.name)}: {p.params:,} parameters</title></circle>")
        if place:
            parts.append(f"<text x='{place[0]:.1f}' y='{place[1]:.1f}' text-anchor='{place[2]}'>"
                         f"{escape(p.name)}</text>")
    return "".join(parts) + "</svg>"


def carried_profile(profile):
    """A :class:`~cnncourse.models.profile.ModelProfile` as JSON-able data for the browser."""
    return {"name": profile.name, "input_shape": list(profile.input_shape), "params": profile.params,
            "macs": profile.macs, "stages": [[r.name, list(r.output_shape), r.params, r.macs] for r in profile.stages]}


class ArchitectureExplorer(anywidget.AnyWidget):
    """A model menu with its stage table and bar chart, and the comparison chart of all models.

    Controls are traitlets: ``model`` (a name of the zoo) and ``x_axis`` ("macs" or "latency_ms").
    ``view`` (an :class:`ArchitectureView`) and ``comparison`` (the bubble chart's SVG) are what the
    browser shows. latencies: ``{name: seconds}`` measured on this machine, for the latency axis.
    """

    _esm = esm("architecture_explorer", "ui")
    models = traitlets.List().tag(sync=True)
    chart_points = traitlets.List().tag(sync=True)   # the points as data for the browser
    x_axes = traitlets.List([[value, label] for label, value in X_AXES.items()]).tag(sync=True)
    model = traitlets.Unicode().tag(sync=True)
    x_axis = traitlets.Unicode("macs").tag(sync=True)

    def __init__(self, model="resnet18", latencies=None, profiles=None):
        self.profiles = profiles if profiles is not None else zoo_profiles()
        self.points = compare_models(self.profiles, latencies)
        super().__init__(models=[carried_profile(p) for p in self.profiles.values()],
                         chart_points=[vars(p) for p in self.points], model=model)

    _check_model = one_of("model", lambda self: self.profiles)

    _check_x_axis = one_of("x_axis", X_AXES.values())

    @property
    def view(self):
        """The chosen model's stage table and bars."""
        return explore_architecture(self.model, self.profiles)

    @property
    def comparison(self):
        """The bubble chart of every model against the chosen cost."""
        return comparison_svg(self.points, self.x_axis)
