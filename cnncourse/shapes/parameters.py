"""How many parameters a layer has: the arithmetic behind "weight sharing saves parameters"."""

from ..validation import as_int, as_pair


def conv2d_param_count(in_channels, out_channels, kernel_size, bias=True, groups=1):
    """Weights plus biases of a Conv2d layer: (in_channels / groups * kH * kW + bias) * out_channels."""
    in_channels = as_int(in_channels, "in_channels", minimum=1)
    out_channels = as_int(out_channels, "out_channels", minimum=1)
    groups = as_int(groups, "groups", minimum=1)
    if in_channels % groups or out_channels % groups:
        raise ValueError(f"groups={groups} must divide in_channels and out_channels")
    kh, kw = as_pair(kernel_size, "kernel_size", minimum=1)
    if not isinstance(bias, bool):
        raise TypeError(f"bias must be True or False, got {bias!r}")
    return (in_channels // groups * kh * kw + int(bias)) * out_channels


def linear_param_count(in_features, out_features, bias=True):
    """Weights plus biases of a fully connected layer: (in_features + bias) * out_features."""
    in_features = as_int(in_features, "in_features", minimum=1)
    out_features = as_int(out_features, "out_features", minimum=1)
    if not isinstance(bias, bool):
        raise TypeError(f"bias must be True or False, got {bias!r}")
    return (in_features + int(bias)) * out_features
