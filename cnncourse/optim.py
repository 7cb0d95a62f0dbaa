"""Optimizers and learning-rate schedules written from scratch on plain NumPy arrays.

Each optimizer holds a list of parameter arrays and updates them in place from a list of
gradients of the same shapes, step after step, exactly as ``torch.optim`` does:

- :class:`SGD`: ``p -= lr g``; with ``momentum`` torch's form ``v = mu v + g; p -= lr v``
  (the first step sets ``v = g``);
- :class:`Adam`: running means of ``g`` and ``g**2``, corrected for their start at zero, give
  each parameter its own step ``lr m_hat / (sqrt(v_hat) + eps)``.

Schedules change ``optimizer.lr`` once per epoch: :class:`StepLR` (times ``gamma`` every
``step_size`` epochs) and :class:`CosineAnnealingLR` (half a cosine from the initial rate down
to ``eta_min`` over ``T_max`` epochs).
"""

import math

import numpy as np

from .validation import as_array, as_int


class Optimizer:
    """Base class: the parameters (updated in place), the learning rate and the step count."""

    def __init__(self, params, lr):
        self.params = [_check_param(p, i) for i, p in enumerate(params)]
        if not self.params:
            raise ValueError("params must hold at least one array to optimize")
        self.lr = _check_positive(lr, "lr")
        self.initial_lr = self.lr
        self.steps = 0

    def step(self, grads):
        """Update every parameter from its gradient (a list in the order of ``params``)."""
        grads = list(grads)
        if len(grads) != len(self.params):
            raise ValueError(f"grads must hold one gradient per parameter: {len(self.params)}, got {len(grads)}")
        for i, (param, grad) in enumerate(zip(self.params, grads)):
            grad = as_array(grad, f"grads[{i}]")
            if grad.shape != param.shape:
                raise ValueError(f"grads[{i}] has shape {grad.shape} but its parameter has shape {param.shape}")
        self.steps += 1
        for i, (param, grad) in enumerate(zip(self.params, grads)):
            param -= self._update(i, np.asarray(grad, dtype=param.dtype))

    def _update(self, i, grad):
        """The amount to subtract from parameter i."""
        raise NotImplementedError


class SGD(Optimizer):
    """Mini-batch stochastic gradient descent, with optional momentum (torch's formulation)."""

    def __init__(self, params, lr, momentum=0.0):
        super().__init__(params, lr)
        if not 0.0 <= momentum < 1.0:
            raise ValueError(f"momentum must be in [0, 1), got {momentum!r}")
        self.momentum = float(momentum)
        self.velocity = [None] * len(self.params)

    def _update(self, i, grad):
        if self.momentum == 0.0:
            return self.lr * grad
        previous = self.velocity[i]
        self.velocity[i] = grad.copy() if previous is None else self.momentum * previous + grad
        return self.lr * self.velocity[i]


class Adam(Optimizer):
    """Adam (Kingma and Ba, 2015): momentum on the gradient and a per-parameter step size."""

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8):
        super().__init__(params, lr)
        if len(betas) != 2 or not all(0.0 <= b < 1.0 for b in betas):
            raise ValueError(f"betas must be two numbers in [0, 1), got {betas!r}")
        self.beta1, self.beta2 = map(float, betas)
        self.eps = _check_positive(eps, "eps")
        self.mean = [np.zeros_like(p) for p in self.params]
        self.square = [np.zeros_like(p) for p in self.params]

    def _update(self, i, grad):
        self.mean[i] = self.beta1 * self.mean[i] + (1 - self.beta1) * grad
        self.square[i] = self.beta2 * self.square[i] + (1 - self.beta2) * grad * grad
        mean_hat = self.mean[i] / (1 - self.beta1 ** self.steps)
        square_hat = self.square[i] / (1 - self.beta2 ** self.steps)
        return self.lr * mean_hat / (np.sqrt(square_hat) + self.eps)


class StepLR:
    """Multiply the learning rate by ``gamma`` every ``step_size`` epochs; call :meth:`step` after each."""

    def __init__(self, optimizer, step_size, gamma=0.1):
        self.optimizer = optimizer
        self.step_size = as_int(step_size, "step_size", minimum=1)
        self.gamma = _check_positive(gamma, "gamma")
        self.epoch = 0

    def step(self):
        self.epoch += 1
        self.optimizer.lr = self.optimizer.initial_lr * self.gamma ** (self.epoch // self.step_size)


class CosineAnnealingLR:
    """``lr = eta_min + (lr_0 - eta_min) (1 + cos(pi t / T_max)) / 2`` after epoch t; call :meth:`step` after each."""

    def __init__(self, optimizer, T_max, eta_min=0.0):
        self.optimizer = optimizer
        self.T_max = as_int(T_max, "T_max", minimum=1)
        if not eta_min >= 0:
            raise ValueError(f"eta_min must be >= 0, got {eta_min!r}")
        self.eta_min = float(eta_min)
        self.epoch = 0

    def step(self):
        self.epoch += 1
        cosine = (1 + math.cos(math.pi * self.epoch / self.T_max)) / 2
        self.optimizer.lr = self.eta_min + (self.optimizer.initial_lr - self.eta_min) * cosine


def _check_param(param, i):
    if not isinstance(param, np.ndarray) or not np.issubdtype(param.dtype, np.floating):
        raise TypeError(f"params[{i}] must be a floating NumPy array (updated in place), "
                        f"got {type(param).__name__}")
    return param


def _check_positive(value, name):
    if isinstance(value, bool) or not isinstance(value, (int, float, np.floating)) or not value > 0:
        raise ValueError(f"{name} must be a number > 0, got {value!r}")
    return float(value)
