"""NumPy reference implementations with the names, arguments and layouts of ``torch.nn.functional``.

Images are ``(N, C, H, W)`` (or ``(C, H, W)`` unbatched) and weights ``(C_out, C_in / groups, kH, kW)``.
"""

from .activations import (ACTIVATIONS, elu, elu_grad, gelu, gelu_grad, get_activation, leaky_relu,
                          leaky_relu_grad, relu, relu6, relu6_grad, relu_grad, sigmoid, sigmoid_grad,
                          silu, silu_grad, softmax, softmax_backward, softplus, softplus_grad, tanh,
                          tanh_grad)
from .convolution import conv2d, conv2d_naive, convolve2d, corr2d
from .convolution_backward import conv2d_backward
from .dropout import dropout, dropout2d, dropout_backward
from .losses import (cross_entropy, cross_entropy_backward, log_softmax, mse_loss,
                     mse_loss_backward)
from .normalization import batch_norm, batch_norm_backward
from .padding import conv_output_size, pad2d, same_padding
from .pooling import (adaptive_avg_pool2d, avg_pool2d, avg_pool2d_backward, max_pool2d,
                      max_pool2d_backward)
from .regularization import l1_penalty, l1_penalty_grad, l2_penalty, l2_penalty_grad
from .transposed import conv_transpose2d, conv_transpose_output_size

__all__ = [
    # convolution (chapter 1)
    "conv2d", "conv2d_naive", "convolve2d", "corr2d",
    # padding, stride, transposed convolution (chapter 2)
    "conv_output_size", "pad2d", "same_padding", "conv_transpose2d", "conv_transpose_output_size",
    # pooling (chapter 3)
    "max_pool2d", "avg_pool2d", "adaptive_avg_pool2d", "max_pool2d_backward", "avg_pool2d_backward",
    # activations (chapter 4)
    "ACTIVATIONS", "get_activation", "relu", "relu_grad", "relu6", "relu6_grad", "softplus",
    "softplus_grad", "sigmoid", "sigmoid_grad", "tanh", "tanh_grad", "leaky_relu", "leaky_relu_grad",
    "elu", "elu_grad", "gelu", "gelu_grad", "silu", "silu_grad", "softmax", "softmax_backward",
    # losses and backpropagation through convolution (chapter 5)
    "conv2d_backward", "mse_loss", "mse_loss_backward", "log_softmax", "cross_entropy",
    "cross_entropy_backward",
    # regularization (chapter 6)
    "dropout", "dropout2d", "dropout_backward", "batch_norm", "batch_norm_backward",
    "l2_penalty", "l2_penalty_grad", "l1_penalty", "l1_penalty_grad",
]
