"""Chapter 8's experiment helpers: the small scratch CNN, the shared top of a network, the learning
curve's summary, the comparison table and the input scalings."""

import numpy as np
import pytest
import torch

from cnncourse.demos.transfer_comparison import (INPUT_SCALINGS, LearningCurve, StrategyResult, _epochs_for,
                                                 format_table, imagenet_top1, small_cnn, strategy_folder, top_part)
from cnncourse.training import History
from cnncourse.transfer import lite0_for_task


def test_small_cnn_halves_four_times_and_scores_every_class():
    model = small_cnn(num_classes=5, width=4).eval()
    assert model(torch.zeros(3, 3, 48, 48)).shape == (3, 5)
    convs = [m for m in model.modules() if isinstance(m, torch.nn.Conv2d)]
    assert [c.out_channels for c in convs] == [4, 8, 16, 16] and all(c.stride == (2, 2) for c in convs)


def test_top_part_shares_the_networks_own_modules():
    model = lite0_for_task(3, size=32)
    top = top_part(model, ["stage7", "head", "classifier"])
    assert top.stage7 is model.stage7 and top.classifier is model.classifier
    model.eval()
    x = torch.randn(2, 3, 32, 32)
    with torch.no_grad():
        below = model.stage6(model.stage5(model.stage4(model.stage3(model.stage2(model.stage1(model.stem(x)))))))
        torch.testing.assert_close(top(below), model(x))


def test_epochs_give_about_the_asked_number_of_steps():
    assert _epochs_for(8, 100, 16) == 100      # one batch per epoch
    assert _epochs_for(1152, 100, 16) == 1     # 72 batches per epoch, at least one epoch
    assert _epochs_for(400, 100, 16) == 4      # 25 batches per epoch


def test_learning_curve_summary_is_mean_min_max_per_point():
    curve = LearningCurve((1, 5), (0, 1, 2), np.array([[0.5, 0.9], [0.7, 0.8], [0.6, 1.0]]),
                          np.array([[0.1, 0.3], [0.2, 0.3], [0.3, 0.3]]), test_size=640)
    k, p_mean, p_min, p_max, s_mean, s_min, s_max = curve.summary()[1]
    assert (k, p_min, p_max, s_min, s_max) == (5, 0.8, 1.0, 0.3, 0.3)
    assert p_mean == pytest.approx(0.9) and s_mean == pytest.approx(0.3)


def test_format_table_has_one_aligned_row_per_strategy():
    rows = [StrategyResult("feature extraction", 0.934, 10248, 3.27, History(), 240, 640),
            StrategyResult("Lite0 from scratch", 0.467, 3381256, 27.2, History(), 240, 640)]
    assert format_table(rows).splitlines() == [
        "strategy                 accuracy   trainable  seconds",
        "feature extraction          93.4%      10,248      3.3",
        "Lite0 from scratch          46.7%   3,381,256     27.2"]


def test_input_scalings_and_their_bad_name():
    pixels = torch.tensor([0.0, 127.0, 255.0])
    torch.testing.assert_close(INPUT_SCALINGS["(p - 127) / 128"](pixels), torch.tensor([-127 / 128, 0, 1]))
    torch.testing.assert_close(INPUT_SCALINGS["p / 255"](pixels), torch.tensor([0, 127 / 255, 1]))
    with pytest.raises(ValueError, match="scaling must be one of"):
        imagenet_top1(("chelsea",), scaling="imagenet mean")


def test_strategy_folder_is_where_each_caching_strategy_keeps_its_features(tmp_path):
    assert [strategy_folder(tmp_path, name).name for name in
            ("feature extraction", "fine-tune the top", "progressive unfreezing")] == ["strategy1", "strategy2",
                                                                                       "strategy3"]
    assert strategy_folder(str(tmp_path), "feature extraction").parent == tmp_path
    with pytest.raises(ValueError, match="name must be one of .*got 'Lite0 from scratch'"):
        strategy_folder(tmp_path, "Lite0 from scratch")
