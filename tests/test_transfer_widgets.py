"""Chapter 8's widgets: the feature-map explorer's maps against the network's own parts, the
transfer explorer against the runs it shows, and their JavaScript against the Python reference."""

import json
from types import SimpleNamespace

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from browser import js_call
from cnncourse.data import load_image
from cnncourse.models import efficientnet_lite0
from cnncourse.models.imagenet import lite0_input
from cnncourse.training import History
from cnncourse.widgets import FeatureMapExplorer, TransferExplorer, explore_feature_maps, explore_transfer
from cnncourse.widgets.feature_map_explorer import CHANNELS, PHOTOS, SHOWN_STAGES, stage_outputs
from cnncourse.widgets.live import unpack


@pytest.fixture(scope="module")
def lite0():
    return efficientnet_lite0(pretrained=True)


@pytest.fixture(scope="module")
def explorer(lite0):
    return FeatureMapExplorer(model=lite0)


def test_stage_outputs_are_what_the_network_parts_compute(lite0):
    image = load_image("coffee")
    outputs = stage_outputs(image, ("stem", "stage2", "head"), lite0)
    with torch.no_grad():
        x = lite0.stem(lite0.input(lite0_input(image)))
        stem = x
        for name in ("stage1", "stage2"):
            x = getattr(lite0, name)(x)
    np.testing.assert_allclose(outputs["stem"], stem[0].numpy(), atol=1e-5)
    np.testing.assert_allclose(outputs["stage2"], x[0].numpy(), atol=1e-5)
    assert outputs["head"].shape == (1280, 7, 7) and set(outputs) == {"stem", "stage2", "head"}


def test_the_explorer_carries_each_stages_strongest_channels_as_grey_maps(explorer):
    assert sorted(explorer.maps) == sorted(PHOTOS) and list(explorer.stages) == list(SHOWN_STAGES)
    outputs = explorer._outputs
    for stage in ("stem", "stage4"):
        means = torch.tensor(np.stack([outputs[p][stage].mean(axis=(1, 2)) for p in PHOTOS]).mean(axis=0))
        assert explorer.stages[stage]["channels"] == means.topk(CHANNELS).indices.tolist()
    explorer.photo, explorer.stage, explorer.channel = "coffee", "stage4", 2
    view = explorer.view
    raw = outputs["coffee"]["stage4"][explorer.stages["stage4"]["channels"][2]]
    assert view.values.shape == (14, 14) and np.array_equal(view.values, raw)
    carried = unpack(explorer.maps["coffee"]["stage4"])[2]
    np.testing.assert_array_equal(carried, np.round(255 * (raw - raw.min()) / (raw.max() - raw.min())))
    explorer.stage, explorer.channel = "stem", 0  # 112 x 112, carried average-pooled to 56 x 56
    grey = torch.from_numpy(explorer.view.grey())[None, None]
    pooled = F.avg_pool2d(grey, 2)[0, 0].numpy()
    np.testing.assert_allclose(unpack(explorer.maps["coffee"]["stem"])[0], np.round(pooled * 255), atol=1)
    size = len(json.dumps({k: getattr(explorer, k) for k in ("photos", "maps", "ranges", "stages")}))
    assert size < 300_000


def test_feature_map_bad_input_gets_clear_errors(explorer):
    with pytest.raises(Exception, match="photo must be one of chelsea"):
        explorer.photo = "camera"
    with pytest.raises(Exception, match="stage must be one of stem"):
        explorer.stage = "stage9"
    with pytest.raises(Exception, match="channel must be 0 to 3"):
        explorer.channel = 4
    with pytest.raises(ValueError, match="channel must be below 24"):
        explore_feature_maps({"stage2": np.zeros((24, 5, 5))}, "stage2", 24)
    with pytest.raises(ValueError, match="stage must be one of stage2"):
        explore_feature_maps({"stage2": np.zeros((24, 5, 5))}, "head", 0)


def fake_runs():
    curve = SimpleNamespace(per_class=(1, 5, 20), pretrained=np.array([[0.7, 0.9, 0.95], [0.8, 0.92, 0.97]]),
                            scratch=np.array([[0.3, 0.5, 0.7], [0.4, 0.6, 0.72]]))
    results = [SimpleNamespace(name=name, accuracy=acc, trainable=n, seconds=s, history=History(train_loss=loss))
               for name, acc, n, s, loss in [("feature extraction", 0.93, 10248, 3.5, [1.2, 0.6]),
                                             ("from scratch", 0.48, 3381256, 11.0, [2.1, 1.9, 1.7])]]
    return curve, results


def test_explore_transfer_reads_the_runs_it_is_given():
    curve, results = fake_runs()
    view = explore_transfer(curve, results, "from scratch", 5)
    assert (view.accuracy, view.trainable, view.seconds, view.train_loss) == (0.48, 3381256, 11.0, [2.1, 1.9, 1.7])
    assert view.pretrained == pytest.approx((0.91, 0.9, 0.92)) and view.scratch == pytest.approx((0.55, 0.5, 0.6))
    assert view.sentence() == ("With 5 labelled patches per class, a linear head on the pretrained features reaches "
                               "91.0% (90.0% to 92.0% over the seeds), the small CNN from scratch 55.0% (50.0% to "
                               "60.0%): 36.0 points for transfer.")
    widget = TransferExplorer(curve, results)
    assert (widget.strategy, widget.per_class) == ("feature extraction", 1)
    widget.per_class = 20
    assert widget.view.pretrained == pytest.approx((0.96, 0.95, 0.97))
    with pytest.raises(Exception, match="per_class must be one of 1, 5, 20"):
        widget.per_class = 3
    with pytest.raises(Exception, match="strategy must be one of feature extraction, from scratch"):
        widget.strategy = "fine-tune everything"
    with pytest.raises(ValueError, match="results is empty"):
        TransferExplorer(curve, [])


def test_the_browser_says_and_draws_what_python_computes(browser, explorer):
    curve, results = fake_runs()
    widget = TransferExplorer(curve, results)
    for k in curve.per_class:
        assert js_call(browser, widget._esm, "sentence", widget.curve, k) == explore_transfer(
            curve, results, "from scratch", k).sentence()
    got = js_call(browser, widget._esm, "spread", widget.curve["scratch"], 2)
    assert got == pytest.approx([0.71, 0.7, 0.72])
    packed = explorer.maps["chelsea"]["stage3"]
    shown = js_call(browser, explorer._esm, "mapOf", packed, 1)
    assert (shown["h"], shown["w"]) == (28, 28)
    np.testing.assert_allclose(shown["values"], unpack(packed)[1].ravel() / 255, atol=1e-7)
    info = explorer.stages["stage3"]
    text = js_call(browser, explorer._esm, "caption", "stage3", info, 1, explorer.ranges["chelsea"]["stage3"][1])
    assert text.startswith(f"stage3: 40 channels of 28x28. Channel {info['channels'][1]} (the 2nd strongest")


def test_the_browser_rounds_as_python_does(browser):
    values = [0.6625, 0.0125, 0.0375, 1.0, 0.99999, 0.5, 0.8165, 0.0, 0.123456, 0.00025] + [
        k / 80 for k in range(1, 80, 3)]
    esm = TransferExplorer._esm
    assert [js_call(browser, esm, "percent", v) for v in values] == [f"{v:.1%}" for v in values]
    assert [js_call(browser, esm, "fixed1", x) for x in (0.25, 0.35, 2.65, 22.8, 25.65, 3.0)] == [
        f"{x:.1f}" for x in (0.25, 0.35, 2.65, 22.8, 25.65, 3.0)]
