"""Chapter 6's explorers: augmentation, normalization and over-fitting. Each carries what its view
draws; the carried data equals the pure function's result, which is checked against an
independent construction; bad control values are refused with the control's name."""

import json

import numpy as np
import pytest

from browser import browser, js_call  # noqa: F401  (browser is a fixture)
from cnncourse.data.augment import TRANSFORMS
from cnncourse.training import History
from cnncourse.widgets.augmentation_explorer import AugmentationExplorer, explore_augmentation
from cnncourse.widgets.live import unpack
from cnncourse.widgets.normalization_explorer import (BATCH_SIZES, MOMENTUM, WARMUP_BATCHES, NormalizationExplorer,
                                                      activations, explore_normalization)
from cnncourse.widgets.overfitting_explorer import OverfittingExplorer, explore_overfitting, gap_sentence

EPS = 1e-5


@pytest.fixture(scope="module")
def augmentation():
    return AugmentationExplorer()


def test_augmentation_carries_what_the_pure_function_computes(augmentation):
    assert sorted(augmentation.transforms) == sorted(TRANSFORMS)
    for source, transform, strength, seed in [("photo", "rotate", 0.5, 1), ("digit", "salt_and_pepper", 1.0, 2),
                                              ("digit", "crop", 0.25, 0)]:
        augmentation.source, augmentation.transform = source, transform
        augmentation.strength, augmentation.seed = strength, seed
        shown = augmentation.shown
        carried = unpack(augmentation.carried(source, transform, strength, seed))
        np.testing.assert_array_equal(carried, np.round(shown["augmented"] * 255))
        assert shown["augmented"].shape == shown["original"].shape
    flip = explore_augmentation("photo", "flip", 1.0, 0)
    np.testing.assert_array_equal(flip["augmented"], flip["original"][:, ::-1])
    assert len(json.dumps(augmentation.images)) < 300_000


@pytest.mark.parametrize("control, value, match", [
    ("source", "cat", "source must be one of"), ("transform", "blur", "transform must be one of .*, got 'blur'"),
    ("strength", 0.3, "strength must be one of"), ("seed", 7, "seed must be one of"),
])
def test_augmentation_refuses_bad_controls(augmentation, control, value, match):
    with pytest.raises(ValueError, match=match):
        setattr(augmentation, control, value)


def running_statistics(batch_size, seed):
    """The running mean and variance after the warm-up batches, by the update rule written out."""
    rng = np.random.default_rng(seed)
    mean, var = 0.0, 1.0
    for _ in range(WARMUP_BATCHES):
        x = activations(batch_size, rng)
        mean = (1 - MOMENTUM) * mean + MOMENTUM * x.mean()
        var = (1 - MOMENTUM) * var + MOMENTUM * x.var(ddof=1)
    return mean, var


@pytest.mark.parametrize("batch_size", [2, 16, 128])
def test_normalization_uses_batch_statistics_in_training_and_running_ones_in_evaluation(batch_size):
    mean, var = running_statistics(batch_size, seed=0)
    train, evaluation = explore_normalization(batch_size, True), explore_normalization(batch_size, False)
    x = train["x"]
    np.testing.assert_array_equal(x, evaluation["x"])
    assert train["running_mean"] == pytest.approx(mean, abs=1e-12) and train["running_var"] == pytest.approx(var, abs=1e-12)
    np.testing.assert_allclose(train["y"], (x - x.mean()) / np.sqrt(x.var() + EPS), atol=1e-12)
    np.testing.assert_allclose(evaluation["y"], (x - mean) / np.sqrt(var + EPS), atol=1e-12)
    assert train["output_mean"] == pytest.approx(0, abs=1e-9) and train["output_std"] == pytest.approx(1, abs=1e-3)


def test_a_batch_of_two_normalizes_to_plus_and_minus_d_over_root_d_squared_plus_four_eps():
    """Two values a distance d apart: mean in the middle, biased variance d^2 / 4, so the outputs are
    +-(d / 2) / sqrt(d^2 / 4 + eps) = +-d / sqrt(d^2 + 4 eps): -1 and +1 only up to eps."""
    x = explore_normalization(2, True)["x"]
    d = abs(x[0] - x[1])
    expected = d / np.sqrt(d ** 2 + 4 * EPS)
    np.testing.assert_allclose(np.sort(explore_normalization(2, True)["y"]), [-expected, expected], rtol=1e-12)
    assert expected < 1


def test_normalization_widget_carries_every_batch_size_and_mode():
    explorer = NormalizationExplorer(batch_size=4, training=False)
    assert explorer.batch_sizes == list(BATCH_SIZES) and len(explorer.results) == 2 * len(BATCH_SIZES)
    for size, training in [(4, False), (64, True)]:
        explorer.batch_size, explorer.training = size, training
        np.testing.assert_allclose(explorer.carried["y"], explorer.shown["y"], atol=1e-6)
    with pytest.raises(ValueError, match="batch_size must be one of"):
        explorer.batch_size = 3
    with pytest.raises(ValueError, match="batch_size must be >= 2"):
        explore_normalization(1)


def fake_grid():
    """Runs with known curves: bigger training sets and regularization close the gap."""
    grid = {}
    for size in (50, 150):
        for decay in (0.0, 0.001):
            for dropout in (0.0, 0.5):
                gap = 0.3 * 50 / size - decay * 50 - dropout * 0.1
                val_loss = [1.0, 0.6, 0.5, 0.55, 0.7]
                grid[(size, decay, dropout)] = History(
                    train_loss=[1.0, 0.5, 0.2, 0.1, 0.05], val_loss=val_loss,
                    train_accuracy=[0.5, 0.8, 0.9, 1.0, 1.0], val_accuracy=[0.5, 0.7, 0.75, 0.8, 1.0 - gap])
    return grid


def test_overfitting_explorer_picks_the_run_and_measures_the_gap():
    grid = fake_grid()
    result = explore_overfitting(grid, 50, 0.0, 0.0)
    assert result["gap"] == pytest.approx(0.3) and result["best_epoch"] == 3
    assert "a gap of 30.0 points" in gap_sentence(result) and "epoch 3 of 5" in gap_sentence(result)
    explorer = OverfittingExplorer(grid)
    assert explorer.train_sizes == [50, 150] and explorer.weight_decays == [0.0, 0.001]
    explorer.train_size, explorer.weight_decay, explorer.dropout = 150, 0.001, 0.5
    assert explorer.carried["val_accuracy"] == [round(v, 4) for v in explorer.shown["val_accuracy"]]
    assert explorer.shown["gap"] < result["gap"] and "gap of" in explorer.caption


def test_overfitting_explorer_refuses_bad_input():
    explorer = OverfittingExplorer(fake_grid())
    with pytest.raises(ValueError, match="train_size must be one of"):
        explorer.train_size = 75
    with pytest.raises(ValueError, match="dropout must be one of"):
        explorer.dropout = 0.3
    with pytest.raises(TypeError, match="grid must be"):
        OverfittingExplorer({})
    with pytest.raises(ValueError, match="no run for train_size=75"):
        explore_overfitting(fake_grid(), 75, 0.0, 0.0)


def test_gap_sentence_in_the_browser_is_pythons(browser):
    grid = fake_grid()
    explorer = OverfittingExplorer(grid)
    for key in [(50, 0.0, 0.0), (150, 0.001, 0.5)]:
        carried = explorer.runs[f"{key[0]}|{key[1]:g}|{key[2]:g}"]
        result = explore_overfitting({key: History(**carried)}, *key)
        assert js_call(browser, OverfittingExplorer._esm, "gapSentence", carried) == gap_sentence(result)


@pytest.mark.parametrize("name", ["augmentation_explorer", "normalization_explorer", "overfitting_explorer"])
def test_views_fetch_nothing(name):
    from cnncourse.widgets.live import esm_source
    source = esm_source(name)
    assert "fetch(" not in source and "http" not in source and "import " not in source


# A stand-in for the widget model of anywidget: the synced state, change handlers, no kernel.
SMOKE = """
export function smoke(state, clicks) {
  const handlers = {};
  const model = {get: (k) => state[k], set: (k, v) => { state[k] = v; (handlers[`change:${k}`] || []).forEach(f => f()); },
                 on: (e, f) => { (handlers[e] = handlers[e] || []).push(f); }, save_changes: () => {}};
  const el = document.createElement("div");
  document.body.append(el);
  render({model, el});
  const seen = () => ({text: el.textContent, canvases: [...el.querySelectorAll("canvas")].map(c => [c.width, c.height]),
                       svgs: el.querySelectorAll("svg").length});
  const before = seen();
  for (const [control, value] of clicks) el.querySelector(`[data-trait="${control}"] [data-value="${value}"]`).click();
  return {before, after: seen(), state};
}
"""


def synced(widget):
    return {k: v for k, v in widget.get_state().items() if not k.startswith("_") and k != "layout"}


def test_views_draw_and_react_in_the_browser(browser):
    normalization = NormalizationExplorer(batch_size=8, training=True)
    got = js_call(browser, NormalizationExplorer._esm + SMOKE, "smoke", synced(normalization), [["training", "false"]])
    assert got["before"]["svgs"] == 2 and "batch's own statistics" in got["before"]["text"]
    assert got["state"]["training"] is False and "the running statistics" in got["after"]["text"]
    normalization.training = False
    assert f"{normalization.carried['running_mean']:.3f}" in got["after"]["text"]

    overfitting = OverfittingExplorer(fake_grid())
    got = js_call(browser, OverfittingExplorer._esm + SMOKE, "smoke", synced(overfitting), [["train_size", "150"]])
    assert got["before"]["svgs"] == 2 + 2 and got["state"]["train_size"] == 150  # two charts, two legend keys
    overfitting.train_size = 150
    assert gap_sentence(overfitting.shown) in got["after"]["text"]

    augmentation = AugmentationExplorer(source="photo", transform="flip")
    got = js_call(browser, AugmentationExplorer._esm + SMOKE, "smoke", synced(augmentation), [["source", "digit"]])
    photo = augmentation.shown["original"].shape
    assert got["before"]["canvases"] == [[photo[1] * 5, photo[0] * 5]] * 2
    assert got["after"]["canvases"] == [[16 * 12, 16 * 12]] * 2 and "flip, strength 0.5, seed 0" in got["after"]["text"]


LAYOUT = """
export function layout(state) {
  const model = {get: (k) => state[k], set: () => {}, on: () => {}, save_changes: () => {}};
  const el = document.createElement("div");
  el.style.width = "700px";
  document.body.append(el);
  render({model, el});
  const left = (name) => el.querySelector(`[data-trait="${name}"]`).getBoundingClientRect().left;
  return {buttons: ["train_size", "weight_decay", "dropout"].map(left),
          chartTexts: [...el.querySelectorAll(".cnn-chart svg text")].map((t) => t.textContent),
          legend: el.querySelector(".cnn-legend").textContent};
}
"""


def test_overfitting_explorer_aligns_its_rows_and_keeps_the_legend_off_the_curves(browser):
    """The three control rows start their buttons at one x (the 'dropout' row was out of line), and
    the legend is under the charts, not inside them where the training curve runs near 1.0."""
    got = js_call(browser, OverfittingExplorer._esm + LAYOUT, "layout", synced(OverfittingExplorer(fake_grid())))
    assert len(set(got["buttons"])) == 1, got["buttons"]
    assert not {"train", "validation"} & set(got["chartTexts"])
    assert got["legend"] == "training setvalidation set"
