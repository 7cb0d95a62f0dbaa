"""Shape calculator: type a stack of layers, one per line, and read its shapes, parameters and fields.

``calculate_shapes`` is the pure part (text in, a :class:`ShapeReport` out, with any mistake as a
message rather than an exception); ``ShapeCalculator`` wires it to a text box and presets.
"""

from dataclasses import dataclass
from html import escape

import ipywidgets as w

from ..shapes.layer_specs import EXAMPLES, parse_network
from ..shapes.receptive_field import receptive_fields
from ..shapes.network import network_table

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


class ShapeCalculator:
    """A text box with one layer per line, a preset menu and the resulting table.

    Controls are attributes: ``preset`` (a Dropdown of :data:`~cnncourse.shapes.layer_specs.EXAMPLES`
    plus 'custom') and ``text`` (a Textarea). Setting their ``value`` recomputes ``report`` (a
    :class:`ShapeReport`) and the HTML ``table``. Editing the text turns the preset into 'custom'.
    """

    def __init__(self, preset="slides: 25x25 input, two strided convs"):
        if preset not in EXAMPLES:
            raise ValueError(f"preset must be one of {list(EXAMPLES)}, got {preset!r}")
        self.preset = w.Dropdown(options=list(EXAMPLES) + [CUSTOM], value=preset, description="preset",
                                 layout=w.Layout(width="420px"))
        self.text = w.Textarea(value=EXAMPLES[preset], rows=10, layout=w.Layout(width="420px"),
                               placeholder="input 3 32 32\nconv 16 3 p1\nmaxpool 2")
        self.help = w.HTML("One layer per line: <code>input C H W</code>, then <code>conv FILTERS K</code> "
                           "or <code>maxpool K</code> / <code>avgpool K</code>, with options "
                           "<code>s</code>tride, <code>p</code>adding, <code>d</code>ilation "
                           "(e.g. <code>conv 32 3 s2 p1</code>); <code>#</code> starts a comment.")
        self.table = w.HTML()
        self._choosing = False
        self.preset.observe(self._on_preset, "value")
        self.text.observe(self._on_text, "value")
        self.update()

    def _on_preset(self, change):
        if change["new"] == CUSTOM:
            return
        self._choosing = True  # the text is replaced by the preset: not a learner's edit
        self.text.value = EXAMPLES[change["new"]]
        self._choosing = False
        self.update()

    def _on_text(self, change):
        if self._choosing:
            return
        if self.preset.value != CUSTOM and change["new"] != EXAMPLES[self.preset.value]:
            self.preset.value = CUSTOM
        self.update()

    def update(self):
        """Recompute the report from the text and redraw the table."""
        self.report = calculate_shapes(self.text.value)
        self.table.value = report_html(self.report)

    def widget(self):
        """The assembled interface."""
        return w.VBox([self.preset, w.HBox([self.text, self.help]), self.table])

    def _ipython_display_(self):
        from IPython.display import display
        display(self.widget())
