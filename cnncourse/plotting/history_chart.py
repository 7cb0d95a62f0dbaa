"""Loss and accuracy curves of a training History as SVG (see :mod:`.svg_chart`), for live redraws."""

from .svg_chart import PALETTE, Line, line_chart


def history_chart(history, title="", width=640, height=260):
    """Two SVG charts side by side (loss, accuracy) of a History's curves, as an HTML string."""
    epochs = list(range(1, history.epochs + 1))
    loss = [Line(epochs, history.train_loss, "train", PALETTE[0])]
    accuracy = [Line(epochs, history.train_accuracy, "train", PALETTE[0])]
    if history.val_loss:
        loss.append(Line(epochs[:len(history.val_loss)], history.val_loss, "validation", PALETTE[1], True))
        accuracy.append(Line(epochs[:len(history.val_accuracy)], history.val_accuracy, "validation",
                             PALETTE[1], True))
    half = width // 2
    left = line_chart(loss, f"{title} loss".strip(), "epoch", "loss", width=half, height=height)
    right = line_chart(accuracy, f"{title} accuracy".strip(), "epoch", "accuracy", y_range=(0, 1),
                       width=half, height=height)
    return f"<div style='display:flex'>{left}{right}</div>"
