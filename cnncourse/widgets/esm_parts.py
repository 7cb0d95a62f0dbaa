"""The ES module of a live widget built from several scripts: :func:`cnncourse.widgets.live.esm`'s
shared helpers, then helper scripts that several explorers share, then the widget's own script."""

from .live import SHARED, esm_source


def esm_with(name, *helpers):
    """``js/_live.js``, then ``js/<helper>.js`` for each helper, then ``js/<name>.js``, as one module."""
    return "\n".join(esm_source(part) for part in (SHARED, *helpers, name))
