"""Shape calculator: type a stack of layers, one per line, and read its shapes, parameters and fields.

``calculate_shapes`` is the pure part (text in, a :class:`ShapeReport` out, with any mistake as a
message rather than an exception) and ``report_html`` its table: the reference for the widget's
JavaScript (js/shape_calculator.js), which computes the same in the browser as the reader types,
so ``ShapeCalculator`` works in the static book too.
"""

from dataclasses import dataclass
from html import escape

import anywidget
import traitlets

from ..shapes.layer_specs import EXAMPLES, parse_network
from ..shapes.receptive_field import receptive_fields
from ..shapes.network import network_table
from .live import esm, one_of

CUSTOM = "custom"


@dataclass(frozen=True)
class ShapeReport:
    """The table for a network description: ``rows`` (LayerShape) and ``fields`` (ReceptiveField),
    the input first, one entry per layer after it; or empty ones and an ``error`` saying what is wrong."""

    rows: tuple
    fields: tuple
    error: str = ""

    @property
    def total_params(self):
        return sum(row.params for row in self.rows)

    @property
    def total_multiplications(self):
        return sum(row.multiplications for row in self.rows)


def calculate_shapes(text):
    """Parse ``text`` (see :mod:`cnncourse.shapes.layer_specs`) and compute every layer's output."""
    try:
        input_shape, layers = parse_network(text)
        rows = network_table(input_shape, layers)
    except ValueError as error:  # a LayerSpecError or a layer the image is too small for
        return ShapeReport((), (), str(error))
    return ShapeReport(tuple(rows), tuple(receptive_fields(layers)))


def report_html(report):
    """An HTML table of the report, or its error in red."""
    if report.error:
        return f"<p style='color:#c0392b'><b>Cannot compute:</b> {escape(report.error)}</p>"
    head = ("<tr><th>#</th><th>layer</th><th>output C x H x W</th><th>values</th><th>parameters</th>"
            "<th>multiplications</th><th>receptive field</th><th>jump</th></tr>")
    body = "".join(
        f"<tr><td>{i}</td><td><code>{escape(row.layer)}</code></td>"
        f"<td>{' x '.join(map(str, row.output_shape))}</td><td>{row.values:,}</td><td>{row.params:,}</td>"
        f"<td>{row.multiplications:,}</td><td>{field.size}x{field.size}</td><td>{field.jump}</td></tr>"
        for i, (row, field) in enumerate(zip(report.rows, report.fields)))
    total = (f"<tr><td></td><td><b>total</b></td><td></td><td></td><td><b>{report.total_params:,}</b></td>"
             f"<td><b>{report.total_multiplications:,}</b></td><td></td><td></td></tr>")
    style = ("<style>.cnn-shapes td,.cnn-shapes th{border:1px solid #ccc;padding:2px 8px;text-align:right}"
             ".cnn-shapes td:nth-child(2){text-align:left}"
             ".cnn-shapes{border-collapse:collapse}</style>")
    return f"{style}<table class='cnn-shapes'>{head}{body}{total}</table>"


class ShapeCalculator(anywidget.AnyWidget):
    """A text box with one layer per line, a preset menu and the resulting table.

    The controls are traits: ``preset`` (a name of :data:`~cnncourse.shapes.layer_specs.EXAMPLES`
    or "custom") and ``text``. Choosing a preset replaces the text; editing the text turns the
    preset into "custom", as in the browser. ``report`` (a :class:`ShapeReport`) and ``table``
    (its HTML) are what the browser shows for the text.
    """

    _esm = esm("shape_calculator")
    preset = traitlets.Unicode().tag(sync=True)
    text = traitlets.Unicode().tag(sync=True)
    presets = traitlets.Dict().tag(sync=True)

    def __init__(self, preset="slides: 25x25 input, two strided convs", **kwargs):
        if preset not in EXAMPLES:
            raise ValueError(f"preset must be one of {list(EXAMPLES)}, got {preset!r}")
        super().__init__(presets=dict(EXAMPLES), **kwargs)
        self.preset = preset

    _valid_preset = one_of("preset", (*EXAMPLES, CUSTOM))

    @traitlets.observe("preset")
    def _on_preset(self, change):
        if change["new"] != CUSTOM:
            self.text = EXAMPLES[change["new"]]

    @traitlets.observe("text")
    def _on_text(self, change):
        if self.preset != CUSTOM and change["new"] != EXAMPLES[self.preset]:
            self.preset = CUSTOM

    @property
    def report(self):
        """The :class:`ShapeReport` of the text."""
        return calculate_shapes(self.text)

    @property
    def table(self):
        """The HTML the browser shows for the text."""
        return report_html(self.report)
