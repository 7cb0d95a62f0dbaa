"""A small language for stacks of conv and pooling layers: specs, their one-line text form, torch.

One layer per line; ``#`` starts a comment. The first line gives the input as torch orders it::

    input 3 227 227        # channels, height, width (width defaults to height)
    conv 96 11 s4          # 96 filters of 11x11, stride 4 (s), padding 0 (p), dilation 1 (d)
    maxpool 3 s2           # 3x3 max pooling, stride 2 (defaults to the window size, as in torch)
    conv 256 5 p2
    avgpool 2

Options ``s``, ``p`` and ``d`` may come in any order; pooling takes ``s`` and ``p`` only.
"""

from dataclasses import dataclass
from typing import ClassVar, Optional


from ..validation import as_int

POOL_KINDS = ("max", "avg")
KEYWORDS = ("conv", "maxpool", "avgpool")


@dataclass(frozen=True)
class Conv:
    """A Conv2d layer with square kernels; its input channels come from the layer before."""

    out_channels: int
    kernel_size: int
    stride: int = 1
    padding: int = 0
    dilation: int = 1

    def __post_init__(self):
        as_int(self.out_channels, "out_channels", minimum=1)
        as_int(self.kernel_size, "kernel_size", minimum=1)
        as_int(self.stride, "stride", minimum=1)
        as_int(self.padding, "padding", minimum=0)
        as_int(self.dilation, "dilation", minimum=1)


@dataclass(frozen=True)
class Pool:
    """A max or average pooling layer with a square window; ``stride`` defaults to the window size."""

    kernel_size: int
    stride: Optional[int] = None
    padding: int = 0
    kind: str = "max"
    dilation: ClassVar[int] = 1

    def __post_init__(self):
        as_int(self.kernel_size, "kernel_size", minimum=1)
        if self.stride is None:
            object.__setattr__(self, "stride", self.kernel_size)
        as_int(self.stride, "stride", minimum=1)
        as_int(self.padding, "padding", minimum=0)
        if self.padding > self.kernel_size // 2:
            raise ValueError(f"pooling padding must be at most half the window (as in torch): "
                             f"padding {self.padding} with a {self.kernel_size}x{self.kernel_size} window")
        if self.kind not in POOL_KINDS:
            raise ValueError(f"kind must be one of {POOL_KINDS}, got {self.kind!r}")


class LayerSpecError(ValueError):
    """A line of a network description that cannot be read; the message starts with its line number."""


def format_layer(layer):
    """The one-line text form of a layer, options left out where they have their default value."""
    if isinstance(layer, Conv):
        words = ["conv", str(layer.out_channels), str(layer.kernel_size)]
        defaults = (("s", layer.stride, 1), ("p", layer.padding, 0), ("d", layer.dilation, 1))
    elif isinstance(layer, Pool):
        words = [f"{layer.kind}pool", str(layer.kernel_size)]
        defaults = (("s", layer.stride, layer.kernel_size), ("p", layer.padding, 0))
    else:
        raise TypeError(f"layer must be a Conv or a Pool, got {type(layer).__name__}")
    return " ".join(words + [f"{letter}{value}" for letter, value, default in defaults if value != default])


def parse_network(text):
    """Read a network description (see the module docstring).

    Returns ``(input_shape, layers)``: input_shape = (channels, height, width), layers = a list of
    :class:`Conv` and :class:`Pool`. Raises :class:`LayerSpecError` naming the line and the rule.
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, got {type(text).__name__}")
    lines = [(number, line.split("#")[0].split()) for number, line in enumerate(text.splitlines(), 1)]
    lines = [(number, words) for number, words in lines if words]
    if not lines or lines[0][1][0] != "input":
        raise LayerSpecError("the first line must give the input, e.g. 'input 3 227 227' "
                             "(channels, height, width)")
    input_shape = _read_input(*lines[0])
    layers = [_read_layer(number, words) for number, words in lines[1:]]
    return input_shape, layers


def _read_input(number, words):
    values = [_integer(number, word, "the input sizes") for word in words[1:]]
    if len(values) not in (2, 3):
        raise LayerSpecError(f"line {number}: write the input as 'input C H W' or 'input C H' "
                             f"(channels, height, width), got {' '.join(words)!r}")
    for value, name in zip(values, ("channels", "height", "width")):
        if value < 1:
            raise LayerSpecError(f"line {number}: the input {name} must be >= 1, got {value}")
    return tuple(values) if len(values) == 3 else (values[0], values[1], values[1])


def _read_layer(number, words):
    keyword = words[0]
    if keyword not in KEYWORDS:
        raise LayerSpecError(f"line {number}: unknown layer {keyword!r}: use one of {', '.join(KEYWORDS)}")
    is_conv = keyword == "conv"
    sizes = [w for w in words[1:] if w[:1].isdigit() or w[:1] == "-"]
    options = [w for w in words[1:] if w not in sizes]
    wanted = ("filters", "kernel size") if is_conv else ("window size",)
    if len(sizes) != len(wanted):
        example = "'conv 16 5' (16 filters of 5x5)" if is_conv else f"'{keyword} 2' (a 2x2 window)"
        raise LayerSpecError(f"line {number}: {keyword} needs its {' and '.join(wanted)}, e.g. {example}; "
                             f"got {' '.join(words)!r}")
    values = [_integer(number, word, name) for word, name in zip(sizes, wanted)]
    letters = "spd" if is_conv else "sp"
    names = {"s": "stride", "p": "padding", "d": "dilation"}
    settings = {}
    for option in options:
        letter = option[:1]
        if letter not in letters or len(option) < 2:
            allowed = ", ".join(f"{c}<{names[c]}>" for c in letters)
            raise LayerSpecError(f"line {number}: unknown option {option!r}: {keyword} takes {allowed}")
        if names[letter] in settings:
            raise LayerSpecError(f"line {number}: {names[letter]} is given twice")
        settings[names[letter]] = _integer(number, option[1:], names[letter])
    try:
        if is_conv:
            return Conv(*values, **settings)
        return Pool(*values, kind=keyword[:3], **settings)
    except (TypeError, ValueError) as error:
        raise LayerSpecError(f"line {number}: {error}") from None


def _integer(number, word, name):
    try:
        return int(word)
    except ValueError:
        raise LayerSpecError(f"line {number}: {name} must be a whole number, got {word!r}") from None


def to_torch(layers, in_channels):
    """The same stack as a ``torch.nn.Sequential`` (conv layers with bias), to check shapes and counts."""
    import torch  # here, not above: the layer language itself needs no torch

    modules, channels = [], as_int(in_channels, "in_channels", minimum=1)
    for layer in layers:
        if isinstance(layer, Conv):
            modules.append(torch.nn.Conv2d(channels, layer.out_channels, layer.kernel_size, layer.stride,
                                           layer.padding, layer.dilation))
            channels = layer.out_channels
        elif isinstance(layer, Pool):
            pool = torch.nn.MaxPool2d if layer.kind == "max" else torch.nn.AvgPool2d
            modules.append(pool(layer.kernel_size, layer.stride, layer.padding))
        else:
            raise TypeError(f"layers must hold Conv and Pool specs, got {type(layer).__name__}")
    return torch.nn.Sequential(*modules)


EXAMPLES = {
    "slides: 25x25 input, two strided convs": (
        "input 3 25 25\n"
        "conv 16 5 s2      # (25 + 0 - 5) / 2 + 1 = 11\n"
        "conv 32 3 s2 p1   # (11 + 2 - 3) / 2 + 1 = 6\n"
    ),
    "AlexNet, conv1 to pool5": (
        "input 3 227 227\n"
        "conv 96 11 s4     # conv1\n"
        "maxpool 3 s2\n"
        "conv 256 5 p2     # conv2\n"
        "maxpool 3 s2\n"
        "conv 384 3 p1     # conv3\n"
        "conv 384 3 p1     # conv4\n"
        "conv 256 3 p1     # conv5\n"
        "maxpool 3 s2\n"
    ),
    "1x1 bottleneck before a 5x5 conv": (
        "input 192 28 28\n"
        "conv 16 1         # 1x1: 192 -> 16 channels\n"
        "conv 32 5 p2      # 'same' 5x5 on 16 channels\n"
    ),
}
