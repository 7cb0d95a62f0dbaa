"""Shape arithmetic: layer stacks written as text (:mod:`.layer_specs`), output shapes and
multiplications through them (:mod:`.network`), receptive fields (:mod:`.receptive_field`),
parameter counts (:mod:`.parameters`) and a Keras-style table of a torch model (:mod:`.summary`)."""

from .layer_specs import EXAMPLES, Conv, Pool, parse_network, to_torch
from .network import network_table
from .parameters import conv2d_param_count, linear_param_count
from .receptive_field import receptive_fields
from .summary import summary
