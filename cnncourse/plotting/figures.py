"""Small matplotlib helpers shared by the notebooks."""

import numpy as np


def show_images(images, titles=None, ncols=4, size=2.6, cmap="gray"):
    """Show 2-D arrays (grey) or (H, W, 3) arrays (colour) in a grid; returns the figure."""
    images = list(images)
    titles = list(titles) if titles is not None else [""] * len(images)
    if len(titles) != len(images):
        raise ValueError(f"titles must have one entry per image ({len(images)}), got {len(titles)}")
    ncols = min(ncols, len(images))
    nrows = -(-len(images) // ncols)
    import matplotlib.pyplot as plt  # here: a training run that draws nothing does not load matplotlib

    fig, axes = plt.subplots(nrows, ncols, figsize=(size * ncols, size * nrows), squeeze=False)
    for ax in axes.ravel():
        ax.axis("off")
    for ax, image, title in zip(axes.ravel(), images, titles):
        image = np.asarray(image)
        ax.imshow(image, cmap=cmap if image.ndim == 2 else None)
        ax.set_title(title, fontsize=9)
    fig.tight_layout()
    return fig


def show_matrix(ax, matrix, title="", fmt="{:g}"):
    """Draw a small matrix as a grid of numbers on ``ax``."""
    matrix = np.asarray(matrix)
    ax.imshow(matrix, cmap="coolwarm", vmin=-np.abs(matrix).max() or -1, vmax=np.abs(matrix).max() or 1)
    for (i, j), value in np.ndenumerate(matrix):
        ax.text(j, i, fmt.format(value), ha="center", va="center", fontsize=9)
    ax.set_xticks([]); ax.set_yticks([])
    ax.set_title(title, fontsize=10)
