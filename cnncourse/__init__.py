"""cnncourse: tested reference implementations behind an interactive CNN course.

Modules, one concept each:

- :mod:`cnncourse.functional`  NumPy versions of ``torch.nn.functional`` ops (NCHW / OIHW).
- :mod:`cnncourse.kernels`     the classic image kernels (blur, sharpen, edges, lines, ...).
- :mod:`cnncourse.parameters`  parameter counts of layers.
- :mod:`cnncourse.data`        offline images (scikit-image's bundled photos).
- :mod:`cnncourse.device`      picks the torch device (CUDA when present).
- :mod:`cnncourse.widgets`     interactive explorers: pure ``params -> data`` plus ipywidgets wiring.
- :mod:`cnncourse.exercises`   checks with kind, precise feedback for the auto-graded exercises.
"""

__version__ = "0.1.0"
