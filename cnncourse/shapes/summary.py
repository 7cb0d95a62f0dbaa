"""A layer table of a PyTorch model, like Keras's ``model.summary()``: name, output shape, parameters.

One forward pass of a zero batch records, with forward hooks, the output shape of every leaf
module (a module without children) in the order they run.
"""

from dataclasses import dataclass

from ..validation import as_int


@dataclass(frozen=True)
class LayerRow:
    """One line of the table: the module's name and type, its output shape (batch axis first,
    shown as None) and its number of parameters."""

    name: str
    kind: str
    output_shape: tuple
    params: int


@dataclass(frozen=True)
class Summary:
    """The rows of a model's table, its total of parameters and a printable form."""

    rows: tuple
    total_params: int
    trainable_params: int

    def table(self, channels_last=False):
        """The table as text; ``channels_last`` prints image shapes (None, H, W, C) as Keras does."""
        lines = [("Layer (type)", "Output Shape", "Param #")]
        for row in self.rows:
            shape = row.output_shape
            if channels_last and len(shape) == 4:
                shape = (shape[0], shape[2], shape[3], shape[1])
            lines.append((f"{row.name} ({row.kind})", str(shape), f"{row.params:,}"))
        widths = [max(len(line[i]) for line in lines) for i in range(3)]
        text = [f"{a:<{widths[0]}}  {b:<{widths[1]}}  {c:>{widths[2]}}" for a, b, c in lines]
        rule = "-" * len(text[0])
        return "\n".join([text[0], rule, *text[1:], rule, f"Total params: {self.total_params:,}",
                          f"Trainable params: {self.trainable_params:,}"])

    def __str__(self):
        return self.table()


def summary(model, input_shape, device=None):
    """Run ``model`` on zeros of shape (1, *input_shape) and tabulate its leaf modules.

    input_shape: one example's shape, e.g. (1, 28, 28). Returns a :class:`Summary`. The model is
    put in eval mode for the pass and back in its former mode afterwards.
    """
    import torch  # here, not above: cnncourse.shapes' arithmetic needs no torch

    if not isinstance(model, torch.nn.Module):
        raise TypeError(f"model must be a torch.nn.Module, got {type(model).__name__}")
    input_shape = tuple(as_int(n, "input_shape", minimum=1) for n in input_shape)
    rows, hooks = [], []
    for name, module in model.named_modules():
        if name and not list(module.children()):
            hooks.append(module.register_forward_hook(_recorder(name, rows)))
    was_training = model.training
    device = device or next(model.parameters(), torch.empty(0)).device
    try:
        model.eval()
        with torch.no_grad():
            model(torch.zeros((1,) + input_shape, device=device))
    finally:
        for hook in hooks:
            hook.remove()
        model.train(was_training)
    total = sum(p.numel() for p in model.parameters())
    trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
    return Summary(tuple(rows), total, trainable)


def _recorder(name, rows):
    import torch

    def record(module, inputs, output):
        shape = (None,) + tuple(output.shape[1:]) if isinstance(output, torch.Tensor) else ()
        params = sum(p.numel() for p in module.parameters(recurse=False))
        rows.append(LayerRow(name, type(module).__name__, shape, params))
    return record
