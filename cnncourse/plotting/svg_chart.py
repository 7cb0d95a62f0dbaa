"""Line charts as SVG text for ``ipywidgets.HTML``: the browser draws them, in a millisecond.

Used where a widget redraws a plot on every slider move and matplotlib would be too slow.
"""

from dataclasses import dataclass
from html import escape

import numpy as np

PALETTE = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2",
           "#17becf", "#7f7f7f")
MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP, MARGIN_BOTTOM = 54, 12, 26, 38


@dataclass(frozen=True)
class Line:
    """One curve: points (x[i], y[i]); non-finite points are left out, and so is an empty label."""

    x: np.ndarray
    y: np.ndarray
    label: str
    colour: str
    dashed: bool = False


@dataclass(frozen=True)
class Band:
    """A shaded vertical strip from x = start to x = end."""

    start: float
    end: float
    colour: str


def nice_ticks(lo, hi, count=5):
    """About ``count`` round tick values (steps of 1, 2 or 5 times a power of ten) within [lo, hi]."""
    if not hi > lo:
        return np.array([lo])
    power = 10.0 ** np.floor(np.log10((hi - lo) / count))
    step = next(m * power for m in (1, 2, 5, 10) if (hi - lo) / (m * power) <= count + 2)
    first = np.ceil(lo / step - 1e-9) * step
    return np.arange(first, hi + step * 1e-9, step) + 0.0  # + 0.0 turns -0.0 into 0.0


def line_chart(lines, title="", x_label="", y_label="", bands=(), y_range=None, log_y=False,
               width=380, height=250):
    """An SVG chart of ``lines`` (a list of :class:`Line`) with axes, ticks, grid and a legend.

    bands: :class:`Band` strips shaded behind the lines. y_range: (low, high) in data units, or
    None to fit the data. log_y: a logarithmic y axis (non-positive values are left out).
    Returns the SVG as a string.
    """
    plot_w, plot_h = width - MARGIN_LEFT - MARGIN_RIGHT, height - MARGIN_TOP - MARGIN_BOTTOM
    shown = [_finite(line, log_y) for line in lines]
    xs = np.concatenate([x for x, _ in shown] or [np.zeros(1)])
    ys = np.concatenate([y for _, y in shown] or [np.zeros(1)])
    x_lo, x_hi = _padded_range(xs, 0.0)
    if y_range is None:
        y_lo, y_hi = _padded_range(ys, 0.05)
    else:
        y_lo, y_hi = np.log10(y_range) if log_y else map(float, y_range)

    def px(x):
        return MARGIN_LEFT + (np.asarray(x, float) - x_lo) / (x_hi - x_lo) * plot_w

    def py(y):
        return MARGIN_TOP + (y_hi - np.asarray(y, float)) / (y_hi - y_lo) * plot_h

    parts = [f"<svg xmlns='http://www.w3.org/2000/svg' width='{width}' height='{height}' "
             "font-family='sans-serif' font-size='11'>",
             f"<text x='{width / 2:.0f}' y='15' text-anchor='middle' font-size='13'>{escape(title)}</text>"]
    for band in bands:
        left, right = np.clip(px([band.start, band.end]), MARGIN_LEFT, MARGIN_LEFT + plot_w)
        parts.append(f"<rect x='{left:.1f}' y='{MARGIN_TOP}' width='{max(right - left, 1.0):.1f}' "
                     f"height='{plot_h}' fill='{band.colour}' fill-opacity='0.13'/>")
    for tick in nice_ticks(x_lo, x_hi):
        parts.append(_tick(px(tick), MARGIN_TOP, px(tick), MARGIN_TOP + plot_h, f"{tick:g}",
                           px(tick), MARGIN_TOP + plot_h + 14, "middle"))
    for tick in nice_ticks(y_lo, y_hi):
        label = f"{10.0 ** tick:.2g}" if log_y else f"{tick:g}"
        parts.append(_tick(MARGIN_LEFT, py(tick), MARGIN_LEFT + plot_w, py(tick), label,
                           MARGIN_LEFT - 5, py(tick) + 4, "end"))
    parts.append(f"<rect x='{MARGIN_LEFT}' y='{MARGIN_TOP}' width='{plot_w}' height='{plot_h}' "
                 "fill='none' stroke='#555'/>")
    parts.append(f"<svg x='{MARGIN_LEFT}' y='{MARGIN_TOP}' width='{plot_w}' height='{plot_h}' "
                 f"viewBox='{MARGIN_LEFT} {MARGIN_TOP} {plot_w} {plot_h}'>")
    for line, (x, y) in zip(lines, shown):
        points = " ".join(f"{a:.1f},{b:.1f}" for a, b in zip(px(x), py(y)))
        dash = " stroke-dasharray='5,3'" if line.dashed else ""
        parts.append(f"<polyline points='{points}' fill='none' stroke='{line.colour}' "
                     f"stroke-width='2'{dash}/>")
    parts.append("</svg>")
    labelled = [line for line in lines if line.label]
    if labelled:
        box_w = 34 + 6.5 * max(len(line.label) for line in labelled)
        parts.append(f"<rect x='{MARGIN_LEFT + 2}' y='{MARGIN_TOP + 2}' width='{box_w:.0f}' "
                     f"height='{14 * len(labelled) + 4}' fill='white' fill-opacity='0.85'/>")
    for i, line in enumerate(labelled):
        y = MARGIN_TOP + 12 + 14 * i
        dash = " stroke-dasharray='5,3'" if line.dashed else ""
        parts.append(f"<line x1='{MARGIN_LEFT + 6}' y1='{y - 4}' x2='{MARGIN_LEFT + 24}' y2='{y - 4}' "
                     f"stroke='{line.colour}' stroke-width='2'{dash}/>"
                     f"<text x='{MARGIN_LEFT + 28}' y='{y}'>{escape(line.label)}</text>")
    parts.append(f"<text x='{MARGIN_LEFT + plot_w / 2:.0f}' y='{height - 4}' "
                 f"text-anchor='middle'>{escape(x_label)}</text>")
    parts.append(f"<text transform='translate(12,{MARGIN_TOP + plot_h / 2:.0f}) rotate(-90)' "
                 f"text-anchor='middle'>{escape(y_label)}</text>")
    parts.append("</svg>")
    return "".join(parts)


def _finite(line, log_y):
    x, y = np.asarray(line.x, float), np.asarray(line.y, float)
    if log_y:
        with np.errstate(divide="ignore", invalid="ignore"):
            y = np.where(y > 0, np.log10(y), np.nan)
    keep = np.isfinite(x) & np.isfinite(y)
    return x[keep], y[keep]


def _padded_range(values, margin):
    lo, hi = (float(values.min()), float(values.max())) if values.size else (0.0, 1.0)
    if hi - lo < 1e-12:
        lo, hi = lo - 1.0, hi + 1.0
    pad = (hi - lo) * margin
    return lo - pad, hi + pad


def _tick(x1, y1, x2, y2, label, text_x, text_y, anchor):
    return (f"<line x1='{x1:.1f}' y1='{y1:.1f}' x2='{x2:.1f}' y2='{y2:.1f}' stroke='#ddd'/>"
            f"<text x='{text_x:.1f}' y='{text_y:.1f}' text-anchor='{anchor}' fill='#333'>{label}</text>")
