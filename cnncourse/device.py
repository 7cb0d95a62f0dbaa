"""Which torch device the notebooks use: CUDA when present, unless ``CNNCOURSE_DEVICE`` says otherwise."""

import os

import torch

ENV_VAR = "CNNCOURSE_DEVICE"


def get_device():
    """Return the torch device to use.

    ``CNNCOURSE_DEVICE`` (e.g. ``cpu``, ``cuda``, ``cuda:1``) overrides the automatic choice; asking
    for CUDA where there is none raises, so a GPU run never silently falls back to the CPU.
    """
    requested = os.environ.get(ENV_VAR, "").strip()
    if not requested:
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    try:
        device = torch.device(requested)
    except RuntimeError:
        raise ValueError(f"{ENV_VAR}={requested!r} is not a torch device (try 'cpu' or 'cuda')") from None
    if device.type == "cuda" and not torch.cuda.is_available():
        raise RuntimeError(f"{ENV_VAR}={requested!r} but CUDA is not available on this machine")
    return device
