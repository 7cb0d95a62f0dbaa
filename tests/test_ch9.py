"""Chapter 9's additions: how codes cluster, classification plus localisation, attention pooling,
readable box labels, and the chapter as a learner sees it (issue 18's pass)."""

from pathlib import Path

import matplotlib
import numpy as np
import pytest
import torch
import torch.nn.functional as F

from cnncourse.demos.attention import attention_pool, stage_shapes
from cnncourse.demos.autoencoders import nearest_centroid_accuracy
from cnncourse.demos.localization import (Localizer, localization_data, localization_loss,
                                          localization_scores, localize)
from cnncourse.plotting.boxes import draw_boxes
from test_learner_view_ch1to7 import MAX_FIGURE_PX, MAX_LINE, code_cells, png_width

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "09_beyond.ipynb"


def test_nearest_centroid_accuracy_hand_computed():
    # class 3 centred at (1, 0), class 7 at (10, 1)
    train = np.array([[0, 0], [2, 0], [10, 0], [10, 2]])
    labels = np.array([3, 3, 7, 7])
    # (4, 0): 9 from class 3's centre, 37 from class 7's -> 3, right
    # (6, 0): 25 against 17 -> 7, wrong; (9, 1): 64 against 1 -> 7, right
    test = np.array([[4, 0], [6, 0], [9, 1]])
    assert nearest_centroid_accuracy(train, labels, test, np.array([3, 3, 7])) == pytest.approx(2 / 3)
    with pytest.raises(ValueError, match="train_codes"):
        nearest_centroid_accuracy(train, labels, test[:, :1], np.array([3, 3, 7]))
    with pytest.raises(ValueError, match="labels"):
        nearest_centroid_accuracy(train, labels[:3], test, np.array([3, 3, 7]))


def test_attention_pool_against_a_loop_and_average_pooling():
    torch.manual_seed(0)
    local, query = torch.randn(2, 3, 2, 4), torch.randn(2, 3)
    weights, attended = attention_pool(local, query)
    for n in range(2):
        scores = [float(local[n, :, i, j] @ query[n]) for i in range(2) for j in range(4)]
        expected = np.exp(scores) / np.exp(scores).sum()
        assert np.allclose(weights[n].flatten().numpy(), expected, atol=1e-6)
        vectors = local[n].reshape(3, -1).numpy()
        assert np.allclose(attended[n].numpy(), vectors @ expected, atol=1e-5)
    # equal scores: every position weighs 1 / (H W), and attention is average pooling
    uniform, average = attention_pool(local, torch.zeros(2, 3))
    assert torch.allclose(uniform, torch.full((2, 2, 4), 1 / 8))
    assert torch.allclose(average, local.mean(dim=(2, 3)), atol=1e-6)
    with pytest.raises(ValueError, match="query"):
        attention_pool(local, torch.zeros(2, 4))
    with pytest.raises(ValueError, match="local"):
        attention_pool(torch.zeros(2, 3), torch.zeros(2, 3))


def test_stage_shapes_records_each_layer():
    model = torch.nn.Sequential(torch.nn.Conv2d(3, 4, 3, padding=1), torch.nn.MaxPool2d(2),
                                torch.nn.Conv2d(4, 6, 3), torch.nn.Flatten())
    shapes = stage_shapes(model, torch.zeros(1, 3, 10, 10), {"first": model[0], "third": model[2]})
    # 10 x 10 kept by padding 1; pooled to 5 x 5; a 3x3 convolution without padding leaves 3 x 3
    assert shapes == {"first": (4, 10, 10), "third": (6, 3, 3)}


def test_localization_targets_loss_and_scores():
    images = np.zeros((2, 1, 16, 16), dtype=np.float32)
    boxes = [np.array([[2, 4, 0, 12, 8]]), np.array([[1, 0, 8, 16, 16]])]
    inputs, targets = localization_data(images, boxes).tensors
    assert torch.equal(targets, torch.tensor([[1, 0.25, 0, 0.75, 0.5], [0, 0, 0.5, 1, 1]]))
    output = torch.tensor([[0.0, 2.0, 0.0, 0.25, 0.0, 0.75, 0.5],
                           [1.0, 0.0, 0.0, 0.0, 0.5, 0.5, 1.0]])
    expected = F.cross_entropy(output[:, :3], torch.tensor([1, 0])) + (0.5 / 8)
    assert localization_loss(output, targets).item() == pytest.approx(expected.item(), rel=1e-6)

    class Fixed(torch.nn.Module):
        size = 16

        def forward(self, x):
            return output[:len(x)]
    classes, predicted = localize(Fixed(), images)
    assert classes.tolist() == [2, 1]
    assert predicted.tolist() == [[4, 0, 12, 8], [0, 8, 8, 16]]
    accuracy, ious = localization_scores(Fixed(), images, boxes)
    assert accuracy == 1.0 and np.allclose(ious, [1.0, 0.5])
    model = Localizer(num_classes=3, size=16)
    assert model(inputs).shape == (2, 7)
    with pytest.raises(ValueError, match="multiple of 8"):
        Localizer(size=20)
    with pytest.raises(ValueError, match="one object"):
        localization_data(images, [np.zeros((2, 5)), np.zeros((1, 5))])


def test_box_labels_are_readable_and_never_overlap():
    fig, ax = plt.subplots(figsize=(4, 4))
    ax.imshow(np.zeros((48, 48)), cmap="gray")
    # five boxes stacked almost on top of each other: the crowded case of the detection figure
    boxes = [(10, 10, 22, 22), (11, 10, 23, 22), (10, 12, 22, 24), (30, 30, 42, 42), (31, 31, 43, 43)]
    texts = draw_boxes(ax, boxes, [f"triangle 0.{k}" for k in range(5)],
                       ["gold", "tab:blue", "tab:red", "gold", "tab:blue"])
    renderer = fig.canvas.get_renderer()
    extents = [t.get_window_extent(renderer) for t in texts]
    for i in range(len(extents)):
        for j in range(i):
            assert not extents[i].overlaps(extents[j]), (texts[i].get_text(), texts[j].get_text())
    for text in texts:
        assert text.get_fontsize() >= 8
        # dark text on a light tag, whatever the image behind it
        assert matplotlib.colors.to_rgb(text.get_color()) == (0, 0, 0)
        assert matplotlib.colors.to_rgb(text.get_bbox_patch().get_facecolor()) == (1, 1, 1)
    with pytest.raises(ValueError, match="labels"):
        draw_boxes(ax, boxes, ["a"], ["gold"] * 5)
    with pytest.raises(ValueError, match="fontsize"):
        draw_boxes(ax, boxes[:1], ["a"], ["gold"], fontsize=6)
    plt.close(fig)


def test_chapter_9_as_a_learner_sees_it():
    """Issue 18's checks on chapter 9's stored outputs: no figure drawn twice or scaled down, no
    warning or traceback, code lines a narrow column shows whole."""
    for i, cell in code_cells(NOTEBOOK.stem):
        long = [line for line in cell.source.splitlines() if len(line) > MAX_LINE]
        assert not long, f"cell {i}: code lines over {MAX_LINE} characters: {long}"
        for out in cell.outputs:
            assert out.output_type != "error", f"cell {i}: {out.ename}"
            assert not (out.output_type == "stream" and out.name == "stderr"), f"cell {i} writes to stderr"
            data = out.get("data", {})
            if out.output_type == "execute_result":
                assert "image/png" not in data and not data.get("text/plain", "").startswith("<Figure"), \
                    f"cell {i}: the figure is drawn twice"
            if "image/png" in data:
                assert png_width(data["image/png"]) <= MAX_FIGURE_PX, f"cell {i}: a figure scaled down"
