"""Horzyk's trick (AGH lecture): run the frozen part of a network once, keep its outputs on disk,
train on them.

When the bottom of a network is frozen, the output of its last frozen layer for a given image never
changes, so computing it again every epoch is wasted work. :func:`cached_features` computes it once,
stores it in a file named after a hash of everything it depends on (the model's structure, every
parameter and buffer, the layer, the data), and returns a dataset of (features, label) pairs that
the unfrozen top trains on directly. The same call later reads the file; change the weights, the
layer or one pixel of the data and the hash, hence the file, changes.
"""

import hashlib
import os
import tempfile
from pathlib import Path

import torch
from tqdm.auto import tqdm

from ..device import get_device
from ..validation import as_int
from .freezing import check_module_names


class CachedFeatures(torch.utils.data.TensorDataset):
    """(features, label) pairs; ``path`` is the cache file, ``from_cache`` tells whether this call
    read it (True) or ran the model to write it (False)."""

    def __init__(self, features, labels, path, from_cache):
        super().__init__(features, labels)
        self.features, self.labels, self.path, self.from_cache = features, labels, path, from_cache


class _Reached(Exception):
    """Raised by a forward hook to stop the network once the cached layer has run."""

    def __init__(self, output):
        super().__init__()
        self.output = output


def cached_features(model, layer, dataset, cache_dir, batch_size=256, device=None, progress=True):
    """The outputs of ``model``'s sub-module ``layer`` for every input of ``dataset``, from the cache
    in ``cache_dir`` when there, otherwise computed (in eval mode, no gradients) and stored there.

    dataset: a dataset of (input, label) pairs the model accepts. Returns :class:`CachedFeatures`
    with features (N, *layer output shape) float32 on the CPU and labels (N,). The network stops
    right after ``layer``: the layers above it are not run.
    """
    (layer,) = check_module_names(model, layer, "layer")
    if not isinstance(dataset, torch.utils.data.Dataset):
        raise TypeError(f"dataset must be a torch.utils.data.Dataset, got {type(dataset).__name__}")
    if len(dataset) == 0:
        raise ValueError("dataset is empty")
    batch_size = as_int(batch_size, "batch_size", minimum=1)
    folder = _writable_folder(cache_dir)
    path = folder / f"{layer}-{_fingerprint(model, layer, dataset)[:24]}.pt"
    if path.is_file():
        stored = torch.load(path, weights_only=True)
        return CachedFeatures(stored["features"], stored["labels"], path, from_cache=True)
    features, labels = _compute(model, layer, dataset, batch_size, device, progress)
    partial = path.with_suffix(".part")
    torch.save({"features": features, "labels": labels}, partial)
    os.replace(partial, path)  # never leave a half-written cache file under the final name
    return CachedFeatures(features, labels, path, from_cache=False)


def _writable_folder(cache_dir):
    if not isinstance(cache_dir, (str, os.PathLike)):
        raise TypeError(f"cache_dir must be a folder path (str or Path), got {type(cache_dir).__name__}")
    folder = Path(cache_dir)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as error:
        raise ValueError(f"cache_dir {str(folder)!r} cannot be written ({error.strerror or error}); "
                         "choose a folder you can write to, e.g. one from tempfile.mkdtemp()") from None
    return folder


def _fingerprint(model, layer, dataset):
    """SHA-256 of the model's structure, parameters and buffers, the layer name and the data."""
    digest = hashlib.sha256(repr(model).encode() + b"\0" + layer.encode() + b"\0")
    for name, tensor in model.state_dict().items():
        digest.update(name.encode() + str(tensor.dtype).encode() + str(tuple(tensor.shape)).encode())
        digest.update(_bytes(tensor))
    tensors = dataset.tensors if isinstance(dataset, torch.utils.data.TensorDataset) else (
        item for pair in dataset for item in pair)
    for tensor in tensors:
        tensor = torch.as_tensor(tensor)
        digest.update(str(tensor.dtype).encode() + str(tuple(tensor.shape)).encode() + _bytes(tensor))
    return digest.hexdigest()


def _bytes(tensor):
    return tensor.detach().cpu().contiguous().reshape(-1).view(torch.uint8).numpy().tobytes()


@torch.no_grad()
def _compute(model, layer, dataset, batch_size, device, progress):
    device = torch.device(device) if device is not None else get_device()
    was_training = model.training
    model.to(device).eval()

    def stop(module, inputs, output):
        raise _Reached(output)

    hook = model.get_submodule(layer).register_forward_hook(stop)
    features, labels = [], []
    try:
        loader = torch.utils.data.DataLoader(dataset, batch_size=batch_size)
        for inputs, targets in tqdm(loader, desc=f"features of {layer}", unit="batch", disable=not progress):
            try:
                model(inputs.to(device))
            except _Reached as reached:
                features.append(reached.output.float().cpu())
            else:
                raise RuntimeError(f"layer {layer!r} did not run during the forward pass")
            labels.append(torch.as_tensor(targets))
    finally:
        hook.remove()
        model.train(was_training)
    return torch.cat(features), torch.cat(labels)
