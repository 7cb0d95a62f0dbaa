"""Convolution arithmetic animator: the padded input grid, the kernel's footprint and the output grid.

``conv_arithmetic`` is the pure part: sizes in, a :class:`ConvArithmetic` describing the grids out.
``arithmetic_svg`` draws one as an SVG string and ``caption_html`` words it. They are the reference
for the widget's JavaScript (js/arithmetic_animator.js), which does the same in the browser, so
``ConvArithmeticAnimator``'s sliders and play button work in the static book too.

A transposed convolution is drawn the way it can be computed: a stride-1 convolution over the
input with ``s - 1`` zeros inserted between neighbouring pixels and ``d(k - 1) - p`` zeros of
padding around it (a negative amount crops instead).
"""

from dataclasses import dataclass

import anywidget
import traitlets

from ..functional.padding import conv_output_size
from ..functional.transposed import conv_transpose_output_size
from ..validation import as_int
from .live import esm

INPUT, PADDING, INSERTED = "input", "padding", "inserted"


@dataclass(frozen=True)
class ConvArithmetic:
    """What the animator shows for one setting; all sizes are per axis (square input and kernel).

    axis_kind[g] says what grid row/column g of the drawn input holds: 'input', 'padding' or (for a
    transposed convolution) 'inserted' zeros; axis_source[g] is the input pixel index there, or -1.
    For output cell (row, col), the kernel's taps cover grid rows ``tap_rows`` and columns
    ``tap_cols``; ``feeding`` lists the input pixels (r, c) among them, the ones that contribute.
    """

    n: int
    kernel_size: int
    padding: int
    stride: int
    dilation: int
    transposed: bool
    position: int
    valid: bool
    output_size: int        # 0 when there is no output
    axis_kind: tuple
    axis_source: tuple
    row: int
    col: int
    tap_rows: tuple
    tap_cols: tuple
    feeding: tuple
    formula: str
    message: str

    @property
    def grid_size(self):
        """Side of the drawn input grid."""
        return len(self.axis_kind)

    @property
    def positions(self):
        """Number of kernel positions, one per output cell."""
        return self.output_size ** 2


def conv_arithmetic(n, kernel_size, padding=0, stride=1, dilation=1, transposed=False, position=0):
    """Lay out a square convolution (or transposed convolution) for drawing.

    n: input side; position: which output cell the kernel is on, counted row by row from 0.
    A combination that gives no output is not an error: ``valid`` is False and ``message`` says why.
    """
    n = as_int(n, "n", minimum=1)
    k = as_int(kernel_size, "kernel_size", minimum=1)
    p = as_int(padding, "padding", minimum=0)
    s = as_int(stride, "stride", minimum=1)
    d = as_int(dilation, "dilation", minimum=1)
    if not isinstance(transposed, bool):
        raise TypeError(f"transposed must be True or False, got {transposed!r}")
    position = as_int(position, "position", minimum=0)
    span = d * (k - 1) + 1
    try:
        size = (conv_transpose_output_size if transposed else conv_output_size)(n, k, s, p, dilation=d)
        notes = _notes(n, k, p, s, d, span, transposed)
    except ValueError as error:
        size, notes = 0, str(error)
    if position >= max(size ** 2, 1):
        raise ValueError(f"position={position} is outside the output, which has {size ** 2} cells "
                         f"(0..{size ** 2 - 1})")
    kind, source = _grid_axis(n, p, s, d, k, transposed)
    row, col = divmod(position, size) if size else (0, 0)
    step = 1 if transposed else s
    tap_rows = tuple(row * step + a * d for a in range(k)) if size else ()
    tap_cols = tuple(col * step + b * d for b in range(k)) if size else ()
    feeding = tuple((source[r], source[c]) for r in tap_rows for c in tap_cols
                    if source[r] >= 0 and source[c] >= 0)
    return ConvArithmetic(n, k, p, s, d, transposed, position, size > 0, size, kind, source, row, col,
                          tap_rows, tap_cols, feeding, _formula(n, k, p, s, d, transposed), notes)


def _grid_axis(n, p, s, d, k, transposed):
    """Kinds and input indices along one axis of the drawn input grid."""
    if not transposed:
        kind = (PADDING,) * p + (INPUT,) * n + (PADDING,) * p
        source = (-1,) * p + tuple(range(n)) + (-1,) * p
        return kind, source
    offset = d * (k - 1) - p  # padding of the equivalent stride-1 convolution; negative crops
    stuffed = (n - 1) * s + 1
    kind, source = [], []
    for g in range(max(stuffed + 2 * offset, 0)):
        inside = g - offset  # coordinate in the zero-stuffed input
        is_pixel = 0 <= inside < stuffed and inside % s == 0
        kind.append(INPUT if is_pixel else INSERTED if 0 <= inside < stuffed else PADDING)
        source.append(inside // s if is_pixel else -1)
    return tuple(kind), tuple(source)


def _formula(n, k, p, s, d, transposed):
    """The output-size rule, then the same with the numbers put in, then the value."""
    if transposed:
        value = (n - 1) * s - 2 * p + d * (k - 1) + 1
        return (f"o = (n − 1)·s − 2p + d(k − 1) + 1 = ({n} − 1)·{s} − 2·{p} + {d}·({k} − 1) + 1 = {value}"
                + ("" if value > 0 else " ≤ 0: no output"))
    top = n + 2 * p - d * (k - 1) - 1
    value = top // s + 1
    return (f"o = ⌊(n + 2p − d(k − 1) − 1) / s⌋ + 1 = ⌊({n} + 2·{p} − {d}·({k} − 1) − 1) / {s}⌋ + 1 "
            f"= ⌊{top} / {s}⌋ + 1 = {value}" + ("" if value > 0 else " ≤ 0: no output"))


def _notes(n, k, p, s, d, span, transposed):
    """Plain-words remarks on a valid setting."""
    if transposed:
        offset = d * (k - 1) - p
        return (f"Transposed: {s - 1} zero(s) inserted between neighbouring input pixels, then "
                + (f"{offset} zero(s) of padding on each side" if offset >= 0 else
                   f"{-offset} cell(s) cropped from each side (padding {p} > d(k−1) = {d * (k - 1)})")
                + ", and a stride-1 convolution over that.")
    notes = [f"The kernel spans d(k − 1) + 1 = {span} cells of the padded input ({n} + 2·{p} = {n + 2 * p})."]
    left_over = (n + 2 * p - span) % s
    if left_over:
        notes.append(f"The last {left_over} row(s) and column(s) are never covered: the stride {s} does "
                     f"not divide {n + 2 * p} − {span} = {n + 2 * p - span}, and the floor drops the remainder.")
    if p >= span:
        notes.append(f"Padding {p} ≥ span {span}: the corner outputs see nothing but zeros.")
    return " ".join(notes)


# -- drawing -----------------------------------------------------------------------------------
_FILL = {INPUT: "#cfe2f3", PADDING: "#ececec", INSERTED: "#f7f7f7"}
_TAP_FILL = {INPUT: "#f08a24", PADDING: "#f9cf9f", INSERTED: "#f9cf9f"}
_GAP = 36


def _cell_size(cells):
    return max(6, min(26, 340 // max(cells, 1)))


def _cell_kind(row_kind, col_kind):
    """An input pixel where both axes hold one; padding wins over inserted zeros."""
    if row_kind == col_kind == INPUT:
        return INPUT
    return PADDING if PADDING in (row_kind, col_kind) else INSERTED


def arithmetic_svg(view):
    """An SVG picture of ``view``: the input grid with the kernel's taps, an arrow, the output grid."""
    g, o = view.grid_size, view.output_size
    c_in, c_out = _cell_size(g), _cell_size(o)
    side_in, side_out = g * c_in, o * c_out
    title = f"input {view.n}x{view.n}, " + ("zero-stuffed and " if view.transposed else "") + f"padded: {g}x{g}"
    left_out = max(side_in + 2 * _GAP, 7 * len(title) + 24)  # room for the title
    bottom = max(side_in, side_out, 20) + 24
    parts = [f"<svg xmlns='http://www.w3.org/2000/svg' width='{max(left_out + max(side_out, 90), 480)}' "
             f"height='{bottom + 22}' font-family='sans-serif' font-size='12'>",
             _legend(bottom + 6, view.transposed),
             f"<text x='0' y='12'>{title}</text><text x='{left_out}' y='12'>output {o}x{o}</text>",
             "<g transform='translate(1,20)'>"]
    taps_r, taps_c = set(view.tap_rows), set(view.tap_cols)
    for r, kind_r in enumerate(view.axis_kind):
        fills = [(_TAP_FILL if r in taps_r and c in taps_c else _FILL)[_cell_kind(kind_r, kind_c)]
                 for c, kind_c in enumerate(view.axis_kind)]
        parts.extend(_row_runs(fills, r, c_in))
    parts.append(_grid_lines(g, c_in))
    if view.valid:
        top, left = view.tap_rows[0] * c_in, view.tap_cols[0] * c_in
        extent = (view.tap_rows[-1] - view.tap_rows[0] + 1) * c_in
        parts.append(f"<rect x='{left}' y='{top}' width='{extent}' height='{extent}' fill='none' "
                     "stroke='#c0392b' stroke-width='2'/>")
    middle = max(side_in, side_out) / 2
    parts.append(f"<path d='M{side_in + 8},{middle} H{left_out - 16} m0,-5 l6,5 l-6,5 z' stroke='#555' "
                 "stroke-width='2' fill='#555'/></g>")
    parts.append(f"<g transform='translate({left_out},20)'>")
    current = view.row * o + view.col
    for r in range(o):
        fills = ["#c0392b" if index == current else ("#f6c9a8" if index < current else "#ffffff")
                 for index in range(r * o, (r + 1) * o)]
        parts.extend(_row_runs(fills, r, c_out))
    parts.append(_grid_lines(o, c_out))
    if not view.valid:
        parts.append("<text x='0' y='14' fill='#c0392b'>no output</text>")
    parts.append("</g></svg>")
    return "".join(parts)


def _legend(y, transposed):
    """A row of colour swatches explaining the cells."""
    entries = [(_FILL[INPUT], "input"), (_FILL[PADDING], "padding (0)")]
    entries += [(_FILL[INSERTED], "inserted 0")] if transposed else []
    entries += [(_TAP_FILL[INPUT], "kernel on input"), (_TAP_FILL[PADDING], "kernel on a zero")]
    parts, x = [], 0
    for colour, label in entries:
        parts.append(f"<rect x='{x}' y='{y}' width='12' height='12' fill='{colour}' stroke='#999' "
                     f"stroke-width='0.6'/><text x='{x + 16}' y='{y + 11}'>{label}</text>")
        x += 24 + 7 * len(label)
    return "".join(parts)


def _row_runs(fills, row, cell):
    """One rectangle per run of equal colours along a grid row."""
    rects, start = [], 0
    for c in range(1, len(fills) + 1):
        if c == len(fills) or fills[c] != fills[start]:
            rects.append(f"<rect x='{start * cell}' y='{row * cell}' width='{(c - start) * cell}' "
                         f"height='{cell}' fill='{fills[start]}'/>")
            start = c
    return rects


def _grid_lines(cells, cell):
    """The lines between the cells of a cells x cells grid, as one path."""
    side = cells * cell
    lines = "".join(f"M{i * cell},0v{side}M0,{i * cell}h{side}" for i in range(cells + 1))
    return f"<path d='{lines}' stroke='#999' stroke-width='0.6' fill='none'/>" if cells else ""


def caption_html(view):
    """The formula with the numbers put in, and the remarks (in red when there is no output)."""
    colour = "#333" if view.valid else "#c0392b"
    where = (f"Output cell ({view.row}, {view.col}) is computed from input pixels "
             f"{', '.join(map(str, view.feeding)) or 'none (only zeros)'}." if view.valid else "")
    return (f"<p style='font-family:monospace'>{view.formula}</p>"
            f"<p style='color:{colour}'>{view.message}</p><p>{where}</p>")


class ConvArithmeticAnimator(anywidget.AnyWidget):
    """Sliders for the sizes, a play button stepping the kernel over the output, and the picture.

    The controls are traits: ``n``, ``kernel_size``, ``padding``, ``stride``, ``dilation``
    (ints within :attr:`LIMITS`), ``transposed``, ``position`` (the output cell the kernel is on,
    kept below :attr:`positions`, as the slider is) and ``playing`` (the play button; the browser
    steps ``position`` every ``interval`` ms). ``view`` is what is drawn (a :class:`ConvArithmetic`),
    ``drawing`` and ``caption`` the SVG and HTML the browser shows for it.
    """

    LIMITS = {"n": (1, 12), "kernel_size": (1, 7), "padding": (0, 4), "stride": (1, 4), "dilation": (1, 3)}
    _esm = esm("arithmetic_animator")
    n = traitlets.Int(7).tag(sync=True)
    kernel_size = traitlets.Int(3).tag(sync=True)
    padding = traitlets.Int(1).tag(sync=True)
    stride = traitlets.Int(2).tag(sync=True)
    dilation = traitlets.Int(1).tag(sync=True)
    transposed = traitlets.Bool(False).tag(sync=True)
    position = traitlets.Int(0).tag(sync=True)
    playing = traitlets.Bool(False).tag(sync=True)
    interval = traitlets.Int(700).tag(sync=True)
    limits = traitlets.Dict().tag(sync=True)

    def __init__(self, n=7, kernel_size=3, padding=1, stride=2, dilation=1, transposed=False, **kwargs):
        super().__init__(limits={name: list(bounds) for name, bounds in self.LIMITS.items()}, **kwargs)
        self.n, self.kernel_size, self.padding, self.stride, self.dilation = n, kernel_size, padding, stride, dilation
        self.transposed = transposed

    @traitlets.validate("n", "kernel_size", "padding", "stride", "dilation")
    def _within_limits(self, proposal):
        name = proposal["trait"].name
        low, high = self.LIMITS[name]
        value = as_int(proposal["value"], name, minimum=low)
        if value > high:
            raise ValueError(f"{name} must be <= {high}, got {value}")
        return value

    @traitlets.validate("position")
    def _inside_output(self, proposal):
        return min(as_int(proposal["value"], "position", minimum=0), max(self.positions - 1, 0))

    @traitlets.validate("interval")
    def _valid_interval(self, proposal):
        return as_int(proposal["value"], "interval", minimum=50)

    @traitlets.observe("n", "kernel_size", "padding", "stride", "dilation", "transposed")
    def _follow(self, change):
        self.position = self.position  # validated again: fewer positions move it back

    @property
    def settings(self):
        """(n, kernel_size, padding, stride, dilation, transposed)."""
        return (self.n, self.kernel_size, self.padding, self.stride, self.dilation, self.transposed)

    @property
    def positions(self):
        """Number of kernel positions, one per output cell."""
        return conv_arithmetic(*self.settings).positions

    @property
    def view(self):
        """What is drawn now: a :class:`ConvArithmetic`."""
        return conv_arithmetic(*self.settings, self.position)

    @property
    def drawing(self):
        """The SVG the browser draws for :attr:`view`."""
        return arithmetic_svg(self.view)

    @property
    def caption(self):
        """The HTML the browser shows under the drawing."""
        return caption_html(self.view)
