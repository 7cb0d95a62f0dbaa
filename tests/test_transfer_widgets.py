"""Chapter 8's widgets: the feature-map explorer's maps against the network's own parts, the
transfer explorer against the runs it shows, and their JavaScript against the Python reference."""

import json
from types import SimpleNamespace

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from browser import js_call, js_calls
from cnncourse.data import load_image
from cnncourse.models import efficientnet_lite0
from cnncourse.models.imagenet import lite0_input
from cnncourse.training import History
from cnncourse.widgets import FeatureMapExplorer, TransferExplorer, explore_feature_maps, explore_transfer
from cnncourse.widgets.feature_map_explorer import CHANNELS, PHOTOS, SHOWN_STAGES, stage_outputs
from cnncourse.widgets.live import unpack
from cnncourse.widgets.transfer_explorer import curve_point, strategy_row


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


def test_the_explorer_carries_each_photos_strongest_channels_as_grey_maps(explorer):
    assert sorted(explorer.maps) == sorted(PHOTOS) and list(explorer.stages) == list(SHOWN_STAGES)
    outputs = explorer._outputs
    for photo in PHOTOS:  # ranked on the photo shown, by the channel's mean (in float64 here)
        for stage in ("stem", "stage4", "head"):
            means = outputs[photo][stage].astype(np.float64).mean(axis=(1, 2))
            chosen = explorer.channels[photo][stage]
            others = np.delete(means, chosen)
            slack = 1e-5 * np.abs(means).max()  # float32 sums may order near-ties differently
            assert len(set(chosen)) == CHANNELS and means[chosen].min() >= others.max() - slack
            assert (np.diff(means[chosen]) <= slack).all()  # strongest first
    explorer.photo, explorer.stage, explorer.channel = "coffee", "stage4", 2
    view = explorer.view
    raw = outputs["coffee"]["stage4"][explorer.channels["coffee"]["stage4"][2]]
    assert view.values.shape == (14, 14) and np.array_equal(view.values, raw)
    carried = unpack(explorer.maps["coffee"]["stage4"])[2]
    # grey levels: a value one rounding away from a half may round either way
    np.testing.assert_allclose(carried, np.round(255 * (raw - raw.min()) / (raw.max() - raw.min())), atol=1)
    explorer.stage, explorer.channel = "stem", 0  # 112 x 112, carried average-pooled to 56 x 56
    grey = torch.from_numpy(explorer.view.grey())[None, None]
    pooled = F.avg_pool2d(grey, 2)[0, 0].numpy()
    np.testing.assert_allclose(unpack(explorer.maps["coffee"]["stem"])[0], np.round(pooled * 255), atol=1)
    size = len(json.dumps({k: getattr(explorer, k) for k in ("photos", "maps", "ranges", "stages", "channels")}))
    assert size < 300_000


def test_no_carried_map_is_a_blank_square(explorer):
    """Ranked on the photo shown, every carried channel responds somewhere on it: no map of one value
    (the 'values 0.00 to 0.00' black square that ranking over all photos gave at the head)."""
    for photo in PHOTOS:
        for stage in SHOWN_STAGES:
            assert all(high > low for low, high in explorer.ranges[photo][stage]), (photo, stage)


def test_a_constant_map_says_why_it_is_one_grey(browser):
    constant = explore_feature_maps({"head": np.full((3, 7, 7), 6.0, dtype=np.float32)}, "head", 1)
    np.testing.assert_array_equal(constant.grey(), np.full((7, 7), 0.5))
    assert constant.caption(0) == ("head: 3 channels of 7x7. Channel 1 (the strongest on this photo), the same "
                                   "value, 6.00, at every position (drawn mid-grey).")
    varied = explore_feature_maps({"stem": np.arange(2 * 4 * 4.0).reshape(2, 4, 4) - 3.005}, "stem", 1)
    esm = FeatureMapExplorer._esm
    for view, rank in [(constant, 0), (varied, 3)]:
        assert js_call(browser, esm, "caption", view.stage, list(view.stage_shape), view.channel, rank,
                       [view.low, view.high]) == view.caption(rank)


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
                            scratch=np.array([[0.3, 0.5, 0.7], [0.4, 0.6, 0.72]]), test_size=640)
    results = [SimpleNamespace(name=name, accuracy=acc, trainable=n, seconds=s, history=History(train_loss=loss),
                               train_size=240, test_size=640)
               for name, acc, n, s, loss in [("feature extraction", 0.93, 10248, 3.5, [1.2, 0.6]),
                                             ("Lite0 from scratch", 0.48, 3381256, 11.0, [2.1, 1.9, 1.7])]]
    return curve, results


def test_explore_transfer_reads_the_runs_it_is_given_and_says_what_each_number_was_measured_on():
    curve, results = fake_runs()
    point, row = explore_transfer(curve, results, "Lite0 from scratch", 5)
    assert (row.accuracy, row.trainable, row.seconds, row.train_loss) == (0.48, 3381256, 11.0, [2.1, 1.9, 1.7])
    assert point.pretrained == pytest.approx((0.91, 0.9, 0.92)) and point.scratch == pytest.approx((0.55, 0.5, 0.6))
    assert point.sentence() == (
        "5 labelled patches per class (40 in all), test accuracy on the 640 test patches, mean (min to max) over 2 "
        "seeds: the linear head on the pretrained features 91.0% (90.0% to 92.0%), the small CNN from scratch 55.0% "
        "(50.0% to 60.0%): 36.0 points for transfer.")
    assert row.sentence() == ("Lite0 from scratch, trained on 30 labelled patches per class (240 in all), one seed: "
                              "test accuracy 48.0% on the 640 test patches, 3,381,256 trainable parameters, 11.0 s.")
    widget = TransferExplorer(curve, results)
    assert (widget.strategy, widget.per_class) == ("feature extraction", 1)
    widget.per_class = 20
    assert widget.view[0].pretrained == pytest.approx((0.96, 0.95, 0.97))
    assert widget.view[1].strategy == "feature extraction"  # per_class drives the curve only
    with pytest.raises(Exception, match="per_class must be one of 1, 5, 20"):
        widget.per_class = 3
    with pytest.raises(Exception, match="strategy must be one of feature extraction, Lite0 from scratch"):
        widget.strategy = "fine-tune everything"
    with pytest.raises(ValueError, match="results is empty"):
        TransferExplorer(curve, [])


# A stand-in for anywidget's model (synced state, change handlers), to operate the view with no kernel.
OPERATE = """
export function operate(state, changes) {
  const handlers = {};
  const model = {get: (k) => state[k], save_changes: () => {},
                 set: (k, v) => { state[k] = v; (handlers[`change:${k}`] || []).forEach((f) => f()); },
                 on: (e, f) => { (handlers[e] = handlers[e] || []).push(f); }};
  const el = document.createElement("div");
  document.body.append(el);
  render({model, el});
  const seen = () => ({curve: el.querySelector(".cnn-curve-words").textContent,
                       row: el.querySelector("p.cnn-row").textContent,
                       curvePanel: el.querySelector(".cnn-curve-words-panel").innerHTML,
                       rowPanel: el.querySelector(".cnn-row-panel").innerHTML});
  const shown = [seen()];
  for (const [name, value] of changes) { model.set(name, value); shown.push(seen()); }
  return shown;
}
"""


def test_each_control_drives_only_its_own_experiment_in_the_browser(browser):
    curve, results = fake_runs()
    widget = TransferExplorer(curve, results)
    state = {k: v for k, v in widget.get_state().items() if not k.startswith("_") and k != "layout"}
    first, curve_moved, row_moved = js_call(browser, widget._esm + OPERATE, "operate", state,
                                            [["per_class", 20], ["strategy", "Lite0 from scratch"]])
    point, row = explore_transfer(curve, results, "feature extraction", 1)
    assert (first["curve"], first["row"]) == (point.sentence(), row.sentence())
    assert "table (30 labelled patches per class, 240 in all, one seed)" in first["rowPanel"]
    assert curve_moved["curve"] == curve_point(curve, 20).sentence() and curve_moved["curvePanel"] != first["curvePanel"]
    assert curve_moved["rowPanel"] == first["rowPanel"]        # labels per class left the table alone
    assert row_moved["row"] == strategy_row(results, "Lite0 from scratch").sentence()
    assert row_moved["curvePanel"] == curve_moved["curvePanel"]  # the strategy left the curve alone


def test_the_browser_says_and_draws_what_python_computes(browser, explorer):
    curve, results = fake_runs()
    widget = TransferExplorer(curve, results)
    for k in curve.per_class:
        assert js_call(browser, widget._esm, "sentence", widget.curve, k, 8) == curve_point(curve, k).sentence()
    for carried, result in zip(widget.rows, results):
        assert js_call(browser, widget._esm, "rowSentence", carried, 8) == strategy_row(results, result.name).sentence()
    got = js_call(browser, widget._esm, "spread", widget.curve["scratch"], 2)
    assert got == pytest.approx([0.71, 0.7, 0.72])
    packed = explorer.maps["chelsea"]["stage3"]
    shown = js_call(browser, explorer._esm, "mapOf", packed, 1)
    assert (shown["h"], shown["w"]) == (28, 28)
    np.testing.assert_allclose(shown["values"], unpack(packed)[1].ravel() / 255, atol=1e-7)
    explorer.photo, explorer.stage, explorer.channel = "chelsea", "stage3", 1
    view = explorer.view
    text = js_call(browser, explorer._esm, "caption", "stage3", explorer.stages["stage3"],
                   explorer.channels["chelsea"]["stage3"][1], 1, explorer.ranges["chelsea"]["stage3"][1])
    assert text.startswith(f"stage3: 40 channels of 28x28. Channel {view.channel} (the 2nd strongest on this photo)")


def test_the_browser_rounds_as_python_does(browser):
    values = [0.6625, 0.0125, 0.0375, 1.0, 0.99999, 0.5, 0.8165, 0.0, 0.123456, 0.00025] + [
        k / 80 for k in range(1, 80, 3)]
    esm = TransferExplorer._esm
    assert js_calls(browser, esm, "percent", [(v,) for v in values]) == [f"{v:.1%}" for v in values]
    assert js_calls(browser, esm, "fixed1", [(x,) for x in (0.25, 0.35, 2.65, 22.8, 25.65, 3.0)]) == [
        f"{x:.1f}" for x in (0.25, 0.35, 2.65, 22.8, 25.65, 3.0)]
