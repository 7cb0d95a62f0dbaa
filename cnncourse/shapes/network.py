"""Shape calculator: what a stack of conv and pooling layers does to an image, layer by layer.

For each layer: the output shape (C, H, W), the number of trainable parameters and the number of
multiplications of one forward pass (one per weight per output position; pooling counts none).
"""

from dataclasses import dataclass
from math import prod

from ..functional.padding import conv_output_size
from .layer_specs import Conv, Pool, format_layer
from .parameters import conv2d_param_count
from ..validation import as_int, as_pair


@dataclass(frozen=True)
class LayerShape:
    """One row of the table: a layer, written as text, and what comes out of it."""

    layer: str
    output_shape: tuple  # (C, H, W)
    params: int
    multiplications: int

    @property
    def values(self):
        """Numbers in the output: C * H * W (what a flatten layer would pass on)."""
        return prod(self.output_shape)


def conv2d_multiplications(in_channels, out_channels, kernel_size, output_size):
    """Multiplications of a Conv2d forward pass: H_out * W_out * C_out * kH * kW * C_in (bias adds none).

    kernel_size and output_size: ints or pairs (height, width).
    """
    kh, kw = as_pair(kernel_size, "kernel_size", minimum=1)
    h, w = as_pair(output_size, "output_size", minimum=1)
    in_channels = as_int(in_channels, "in_channels", minimum=1)
    return h * w * as_int(out_channels, "out_channels", minimum=1) * kh * kw * in_channels


def network_table(input_shape, layers):
    """Rows of :class:`LayerShape`, the first for the input itself, then one per layer.

    input_shape: (channels, height, width); layers: :class:`Conv` and :class:`Pool` specs.
    Raises ValueError naming the layer where the image becomes too small for the kernel.
    """
    if not isinstance(input_shape, (tuple, list)) or len(input_shape) != 3:
        raise ValueError(f"input_shape must be (channels, height, width), got {input_shape!r}")
    channels, height, width = (as_int(v, "input_shape", minimum=1) for v in input_shape)
    rows = [LayerShape("input", (channels, height, width), 0, 0)]
    for index, layer in enumerate(layers, 1):
        if not isinstance(layer, (Conv, Pool)):
            raise TypeError(f"layer {index} must be a Conv or a Pool spec, got {type(layer).__name__}")
        try:
            height, width = conv_output_size((height, width), layer.kernel_size, layer.stride,
                                             layer.padding, layer.dilation)
        except ValueError as error:
            raise ValueError(f"layer {index} ({format_layer(layer)}): {error}") from None
        params = multiplications = 0
        if isinstance(layer, Conv):
            params = conv2d_param_count(channels, layer.out_channels, layer.kernel_size)
            multiplications = conv2d_multiplications(channels, layer.out_channels, layer.kernel_size,
                                                     (height, width))
            channels = layer.out_channels
        rows.append(LayerShape(format_layer(layer), (channels, height, width), params, multiplications))
    return rows

