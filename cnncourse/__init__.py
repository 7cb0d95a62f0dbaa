"""cnncourse: tested reference implementations behind an interactive CNN course.

The folder tells the architecture; each module holds one concept.

Reference implementations (NumPy, the same arguments and layouts as PyTorch):

- :mod:`cnncourse.functional`  ``torch.nn.functional`` ops (NCHW / OIHW): convolution, padding,
  transposed convolution, pooling, activations, losses, with their backward passes.
- :mod:`cnncourse.optim`       SGD, momentum, Adam and learning-rate schedules (``torch.optim``).
- :mod:`cnncourse.gradcheck`   numerical gradients and the relative error that checks backward passes.
- :mod:`cnncourse.kernels`     the classic image kernels (blur, sharpen, edges, lines, ...).

Building blocks:

- :mod:`cnncourse.data`        offline data: bundled photos, the real handwritten digits, texture
  patches, generated scenes, and augmentations.
- :mod:`cnncourse.shapes`      shape arithmetic: layer stacks as text, output sizes, receptive
  fields, parameter counts, a Keras-style summary.
- :mod:`cnncourse.models`      the model zoo, LeNet-5 to EfficientNet, exact parameter counts,
  pretrained EfficientNet-Lite0.
- :mod:`cnncourse.training`    the one training loop (fit, evaluate, predict), its history and
  callbacks, data parallelism under torchrun, metrics.
- :mod:`cnncourse.transfer`    transfer learning: new heads, freezing (batch norm included),
  per-stage learning rates, cached features of a frozen backbone.
- :mod:`cnncourse.visualize`   what a network sees: saliency, Grad-CAM, occlusion, feature maps.
- :mod:`cnncourse.demos`       the chapters' experiments (pooling and shifts, vanishing gradients,
  a NumPy-only CNN, the digit classifier, over-fitting, plain vs residual, transfer strategies,
  autoencoders, segmentation, detection).

Presentation and teaching:

- :mod:`cnncourse.plotting`    matplotlib figures and SVG charts for the notebooks.
- :mod:`cnncourse.widgets`     interactive explorers: pure ``params -> data`` plus thin wiring.
- :mod:`cnncourse.exercises`   checks with kind, precise feedback for the auto-graded exercises.
- :mod:`cnncourse.instructor`  learner versions of the notebooks and grading (nbgrader).

Utilities: :mod:`cnncourse.device` (CUDA when present), :mod:`cnncourse.threads` (one CPU
thread for small nets), :mod:`cnncourse.validation` (argument checks with clear errors).
"""

__version__ = "0.1.0"
