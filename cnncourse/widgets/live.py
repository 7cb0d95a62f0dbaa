"""What every live widget shares: its JavaScript view, and NumPy arrays packed for the browser.

A live widget is an ``anywidget.AnyWidget`` whose view is an ES module carried in the widget
state, so it runs in JupyterLab and in the static book alike, with no kernel. Usage::

    import traitlets
    from .live import esm, pack

    class PoolingExplorer(anywidget.AnyWidget):
        _esm = esm("pooling_explorer")        # cnncourse/widgets/js/pooling_explorer.js
        kernel_size = traitlets.Int(2).tag(sync=True)     # a control: tests set it
        grid = traitlets.Dict().tag(sync=True)            # pack(array): compact data

        @traitlets.observe("kernel_size")
        def _recompute(self, change): ...                  # Python reference, for tests

``esm(name)`` returns the file's text preceded by ``js/_live.js``, the shared browser helpers
(no imports needed in a widget's file, and none allowed: the static page has no module paths).
In JavaScript, ``unpack(model.get("grid"))`` gives back a typed array with a ``shape``;
``toCanvas``, ``control`` and ``el`` there build the usual canvas and controls.

``one_of(name, choices)`` is a control's validator: in the class body,
``_check_mode = one_of("mode", MODES)`` refuses any other value with a ValueError naming it.

``pack(array, dtype)`` turns an array into ``{"dtype", "shape", "data"}`` with ``data`` its
little-endian bytes in base64 (float32 by default, or uint8 for images already in 0..255);
``unpack`` is the Python inverse, for tests.
"""

import base64
from importlib import resources

import numpy as np
import traitlets

from ..validation import as_array

DTYPES = ("float32", "uint8")
SHARED = "_live"


def esm_source(name):
    """The text of ``cnncourse/widgets/js/<name>.js`` alone (raises ValueError if there is none)."""
    if not isinstance(name, str) or not name.isidentifier():
        raise ValueError(f"name must be a widget script's name like 'kernel_explorer', got {name!r}")
    path = resources.files("cnncourse.widgets").joinpath("js", f"{name}.js")
    if not path.is_file():
        raise ValueError(f"name: there is no cnncourse/widgets/js/{name}.js")
    return path.read_text(encoding="utf-8")


def esm(name, *helpers):
    """The ES module for widget ``name``: the shared helpers, then ``js/<helper>.js`` for each of
    ``helpers`` (scripts several explorers share), then ``js/<name>.js``."""
    return "\n".join(esm_source(part) for part in (SHARED, *helpers, name))


def pack(array, dtype="float32"):
    """An array as ``{"dtype", "shape", "data"}`` (base64 of its bytes) for a Dict traitlet.

    dtype: "float32" (values rounded to float32) or "uint8" (values must be whole, 0..255).
    """
    if dtype not in DTYPES:
        raise ValueError(f"dtype must be one of {DTYPES}, got {dtype!r}")
    array = as_array(array, "array")
    if dtype == "uint8" and (array.min(initial=0) < 0 or array.max(initial=0) > 255
                             or not np.array_equal(array, np.round(array))):
        raise ValueError("array must hold whole numbers from 0 to 255 to be packed as uint8")
    raw = np.ascontiguousarray(array, dtype=np.dtype(dtype).newbyteorder("<")).tobytes()
    return {"dtype": dtype, "shape": list(array.shape), "data": base64.b64encode(raw).decode("ascii")}


def unpack(packed):
    """The array that :func:`pack` packed (float32 or uint8)."""
    if not isinstance(packed, dict) or set(packed) != {"dtype", "shape", "data"}:
        raise ValueError("packed must be a dict with keys 'dtype', 'shape' and 'data', as pack() makes")
    if packed["dtype"] not in DTYPES:
        raise ValueError(f"packed['dtype'] must be one of {DTYPES}, got {packed['dtype']!r}")
    values = np.frombuffer(base64.b64decode(packed["data"]), dtype=np.dtype(packed["dtype"]).newbyteorder("<"))
    return values.reshape(packed["shape"]).astype(packed["dtype"])


def one_of(name, choices):
    """A traitlets validator for the control ``name`` (assign it in the class body): a value not
    in ``choices`` (a collection, or a function of the widget that returns one) raises a
    ValueError naming the control, the value and the choices."""
    def check(widget, proposal):
        allowed = choices(widget) if callable(choices) else choices
        if proposal["value"] not in allowed:
            raise ValueError(f"{name} must be one of {', '.join(map(str, allowed))}, "
                             f"got {proposal['value']!r}")
        return proposal["value"]
    return traitlets.validate(name)(check)
