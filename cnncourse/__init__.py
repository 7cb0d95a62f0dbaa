"""cnncourse: tested reference implementations behind an interactive CNN course.

Modules, one concept each:

- :mod:`cnncourse.functional`      NumPy versions of ``torch.nn.functional`` ops (NCHW / OIHW):
  convolution, padding, transposed convolution, pooling, activations, with backward passes.
- :mod:`cnncourse.gradcheck`       numerical gradients and the relative error that checks backward passes.
- :mod:`cnncourse.kernels`         the classic image kernels (blur, sharpen, edges, lines, ...).
- :mod:`cnncourse.parameters`      parameter counts of layers.
- :mod:`cnncourse.layer_specs`     a small text language for layer stacks (``conv 96 11 s4``).
- :mod:`cnncourse.shapes`          output shapes, parameters and multiplications through a stack.
- :mod:`cnncourse.receptive_field` receptive-field size, jump and start per layer.
- :mod:`cnncourse.invariance`      how pooling makes feature maps tolerate small shifts.
- :mod:`cnncourse.vanishing`       gradient norms through deep stacks of activations.
- :mod:`cnncourse.data`            offline images (scikit-image's bundled photos).
- :mod:`cnncourse.device`          picks the torch device (CUDA when present).
- :mod:`cnncourse.plotting`        small matplotlib helpers for the notebooks.
- :mod:`cnncourse.widgets`         interactive explorers: pure ``params -> data`` plus ipywidgets wiring.
- :mod:`cnncourse.exercises`       checks with kind, precise feedback for the auto-graded exercises.
- :mod:`cnncourse.instructor`      learner versions of the notebooks and grading (nbgrader).
"""

__version__ = "0.1.0"
