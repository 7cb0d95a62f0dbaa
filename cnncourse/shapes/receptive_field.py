"""Receptive fields: which input pixels one value deep in a stack of conv and pooling layers sees.

Along one axis, after each layer three numbers describe every output position i at once:

- ``size``  the width of the input window that position i depends on,
- ``jump``  how many input pixels apart neighbouring positions' windows lie (the product of strides),
- ``start`` the input coordinate of the centre of position 0's window (pixel centres at 0, 1, ...;
  negative or fractional values mean it lies in the padding or between pixels),

so position i sees the input pixels from ``start + i * jump - (size - 1) / 2`` to
``start + i * jump + (size - 1) / 2``. A layer with kernel k, dilation d (span ``d(k - 1) + 1``),
stride s and padding p updates them as::

    size  += (span - 1) * jump
    start += ((span - 1) / 2 - p) * jump
    jump  *= s
"""

from dataclasses import dataclass

from .layer_specs import Conv, Pool, format_layer


@dataclass(frozen=True)
class ReceptiveField:
    """The receptive field of the values after one layer, in input pixels (same along both axes)."""

    layer: str
    size: int
    jump: int
    start: float


def receptive_fields(layers):
    """One :class:`ReceptiveField` for the input itself (size 1, jump 1, start 0), then one per layer.

    layers: :class:`~cnncourse.shapes.layer_specs.Conv` and :class:`~cnncourse.shapes.layer_specs.Pool` specs.
    """
    size, jump, start = 1, 1, 0.0
    rows = [ReceptiveField("input", size, jump, start)]
    for index, layer in enumerate(layers, 1):
        if not isinstance(layer, (Conv, Pool)):
            raise TypeError(f"layer {index} must be a Conv or a Pool spec, got {type(layer).__name__}")
        span = layer.dilation * (layer.kernel_size - 1) + 1
        size += (span - 1) * jump
        start += ((span - 1) / 2 - layer.padding) * jump
        jump *= layer.stride
        rows.append(ReceptiveField(format_layer(layer), size, jump, start))
    return rows
