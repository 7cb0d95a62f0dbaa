"""cnncourse: tested reference implementations behind an interactive CNN course.

Modules, one concept each:

- :mod:`cnncourse.functional`      NumPy versions of ``torch.nn.functional`` ops (NCHW / OIHW):
  convolution, padding, transposed convolution, pooling, activations, losses, with backward passes.
- :mod:`cnncourse.gradcheck`       numerical gradients and the relative error that checks backward passes.
- :mod:`cnncourse.kernels`         the classic image kernels (blur, sharpen, edges, lines, ...).
- :mod:`cnncourse.parameters`      parameter counts of layers.
- :mod:`cnncourse.layer_specs`     a small text language for layer stacks (``conv 96 11 s4``).
- :mod:`cnncourse.shapes`          output shapes, parameters and multiplications through a stack.
- :mod:`cnncourse.receptive_field` receptive-field size, jump and start per layer.
- :mod:`cnncourse.invariance`      how pooling makes feature maps tolerate small shifts.
- :mod:`cnncourse.vanishing`       gradient norms through deep stacks of activations.
- :mod:`cnncourse.optim`           SGD, momentum, Adam and learning-rate schedules on NumPy arrays.
- :mod:`cnncourse.numpy_cnn`       a tiny CNN trained with NumPy alone.
- :mod:`cnncourse.training`        the one training loop for PyTorch models: fit, evaluate, predict.
- :mod:`cnncourse.callbacks`       early stopping, checkpoints and a live plot for the training loop.
- :mod:`cnncourse.distributed`     the same loop, data-parallel under torchrun.
- :mod:`cnncourse.digit_classifier` the chapter-5 recipe that trains the digit CNN.
- :mod:`cnncourse.metrics`         confusion matrix.
- :mod:`cnncourse.summary`         a Keras-style layer table: output shapes and parameters.
- :mod:`cnncourse.models`          the model zoo, LeNet-5 to EfficientNet, with exact parameter counts
  and pretrained EfficientNet-Lite0.
- :mod:`cnncourse.data`            offline images (scikit-image's bundled photos).
- :mod:`cnncourse.datasets`        the real handwritten digits as torch datasets.
- :mod:`cnncourse.device`          picks the torch device (CUDA when present).
- :mod:`cnncourse.threads`         run torch on one CPU thread for a while (small nets, steady timings).
- :mod:`cnncourse.plotting`        small matplotlib helpers for the notebooks.
- :mod:`cnncourse.widgets`         interactive explorers: pure ``params -> data`` plus ipywidgets wiring.
- :mod:`cnncourse.exercises`       checks with kind, precise feedback for the auto-graded exercises.
- :mod:`cnncourse.instructor`      learner versions of the notebooks and grading (nbgrader).
"""

__version__ = "0.1.0"
