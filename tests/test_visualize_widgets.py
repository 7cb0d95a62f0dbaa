"""Chapter 9's explorers (pure functions and the data their views carry) and the Lite0 demo."""

import json
from collections import OrderedDict

import numpy as np
import pytest
import torch
from torch import nn

from browser import browser, js_call, js_calls  # noqa: F401  (browser is a fixture)
from cnncourse.data import digit_arrays
from cnncourse.demos.what_cnns_see import METHODS, explain, side_by_side
from cnncourse.models import efficientnet_lite0
from cnncourse.models.autoencoder import ConvAutoencoder, add_salt_and_pepper
from cnncourse.models.imagenet import lite0_input
from cnncourse.visualize import share_inside
from cnncourse.widgets import AutoencoderExplorer, SaliencyExplorer, explore_autoencoder, explore_saliency
from cnncourse.widgets.autoencoder_explorer import (NOISES, autoencoder_caption, explorer_digits,
                                                    image_error)
from cnncourse.widgets.live import unpack
from cnncourse.widgets.saliency_explorer import explain_photos


def tiny_imagenet_model():
    """A stand-in with Lite0's interface: 224x224 RGB -> 1000 scores, a conv module called `head`."""
    torch.manual_seed(0)
    return nn.Sequential(OrderedDict(head=nn.Conv2d(3, 4, 16, stride=16), act=nn.ReLU(),
                                     pool=nn.AdaptiveAvgPool2d(1), flat=nn.Flatten(), fc=nn.Linear(4, 1000)))


def test_side_by_side_halves():
    pair = side_by_side("chelsea", "coffee", size=64)
    assert pair.shape == (64, 64, 3) and 0 <= pair.min() and pair.max() <= 1
    assert side_by_side("chelsea", "coffee", size=65).shape == (65, 65, 3)
    with pytest.raises(ValueError, match="grey"):
        side_by_side("camera", "coffee")
    with pytest.raises(ValueError, match="unknown photo"):
        side_by_side("dog", "coffee")


def test_pretrained_grad_cam_of_cat_falls_on_the_cat():
    model = efficientnet_lite0(pretrained=True)
    x = lite0_input(side_by_side("chelsea", "coffee"))
    cat = explain(model, x, 285, "grad_cam")
    espresso = explain(model, x, 967, "grad_cam")
    assert cat.shape == (224, 224) and cat.min() >= 0 and cat.max() == pytest.approx(1.0)
    assert share_inside(cat, slice(None), slice(0, 112)) > 0.7
    assert share_inside(espresso, slice(None), slice(0, 112)) < 0.3
    with pytest.raises(ValueError, match="method"):
        explain(model, x, 285, "guided")


@pytest.mark.parametrize("method", METHODS)
def test_explain_of_several_classes_gives_each_class_its_own_map(method):
    model, x = tiny_imagenet_model(), lite0_input(side_by_side("chelsea", "coffee"))
    options = {"samples": 2} if method == "smoothgrad" else {"patch": 64, "stride": 64} if method == "occlusion" else {}
    torch.manual_seed(0)
    together = explain(model, x, [1, 7], method, **options)
    torch.manual_seed(0)
    alone = [explain(model, x, c, method, **options) for c in (1, 7)]
    assert len(together) == 2
    for got, expected in zip(together, alone):
        np.testing.assert_allclose(got, expected, rtol=0, atol=1e-6)
    with pytest.raises(ValueError, match="non-empty"):
        explain(model, x, [], method)


@pytest.fixture(scope="module")
def results():
    image = side_by_side("chelsea", "coffee")
    return explain_photos(tiny_imagenet_model(), {"pair": (image, (1, 7))}, progress=False)


def test_explain_photos_gives_every_map(results):
    assert results["photos"]["pair"].shape == (112, 112, 3) and results["photos"]["pair"].dtype == np.uint8
    assert [c for c, _, _ in results["classes"]["pair"]] == [1, 7]
    assert set(results["maps"]) == {("pair", c, m) for c in (1, 7) for m in METHODS}
    for heat in results["maps"].values():
        assert heat.shape == (56, 56) and heat.min() >= 0 and heat.max() <= 1
    # the 56 x 56 map is the 4 x 4 block mean of the full map
    model, x = tiny_imagenet_model(), lite0_input(side_by_side("chelsea", "coffee"))
    full = explain(model, x, 7, "grad_cam")
    assert np.allclose(results["maps"][("pair", 7, "grad_cam")], full.reshape(56, 4, 56, 4).mean(axis=(1, 3)),
                       atol=1e-6)
    with pytest.raises(ValueError, match="224"):
        explain_photos(tiny_imagenet_model(), {"bad": (np.zeros((10, 10, 3)), (1,))}, progress=False)


def test_saliency_explorer_carries_what_the_pure_function_shows(results):
    explorer = SaliencyExplorer(results, photo="pair", target=7, method="occlusion")
    shown = explorer.shown
    assert shown["caption"].startswith("occlusion map of 'cock' (probability")
    carried = unpack(explorer.maps["pair|7|occlusion"])
    assert np.array_equal(carried, np.round(shown["heat"] * 255))
    assert np.array_equal(unpack(explorer.photos["pair"]), results["photos"]["pair"])
    explorer.method = "saliency"
    assert np.allclose(explorer.shown["heat"], np.round(results["maps"][("pair", 7, "saliency")] * 255) / 255)
    assert len(str(explorer.maps)) + len(str(explorer.photos)) < 300_000
    with pytest.raises(Exception, match="method"):
        explorer.method = "magic"
    with pytest.raises(ValueError, match="target"):
        explore_saliency(results, "pair", 3, "grad_cam")
    with pytest.raises(ValueError, match="photo"):
        explore_saliency(results, "nope", 1, "grad_cam")
    assert "export default {render}" in explorer._esm


def test_explorer_digits_are_each_class_typical_member():
    digits = explorer_digits(16)
    images, labels = digit_arrays("test", size=16)
    for d in range(10):
        members = images[labels == d]
        mean = members.mean(axis=0)
        # the chosen image is a member of class d, and no member lies nearer the class mean
        assert any(np.array_equal(m, digits[d]) for m in members)
        nearest = min(float(np.linalg.norm(m - mean)) for m in members)
        assert float(np.linalg.norm(digits[d] - mean)) <= nearest


def test_autoencoder_explorer_shows_clean_input_and_rebuilds():
    torch.manual_seed(0)
    models = {"plain": ConvAutoencoder(code_size=4), "other": ConvAutoencoder(code_size=3)}
    shown = explore_autoencoder(models, 3, 0.2)
    assert list(shown["images"]) == ["clean", "input", "plain", "other"]
    clean = explorer_digits(16)[3:4]
    noisy = add_salt_and_pepper(clean, 0.2, seed=3).numpy()
    assert np.array_equal(shown["images"]["clean"], np.round(clean[0, 0] * 255))
    assert np.array_equal(shown["images"]["input"], np.round(noisy[0, 0] * 255))
    with torch.no_grad():
        rebuilt = models["plain"](torch.from_numpy(noisy).float()).numpy()[0, 0]
    assert np.abs(shown["images"]["plain"] - np.round(rebuilt * 255)).max() <= 1
    # each error is the mean squared difference from the clean digit on the [0, 1] scale
    levels = {k: v.astype(np.float64) / 255 for k, v in shown["images"].items()}
    error = ((levels["plain"] - levels["clean"]) ** 2).mean()
    assert shown["captions"]["plain"] == f"plain: error {error:.3f}"
    assert shown["captions"]["clean"] == "clean: a test 3"
    assert shown["captions"]["input"].startswith("input: 20% noise, error 0.")
    # at noise 0 the input is the clean digit, and is not called noisy
    silent = explore_autoencoder(models, 3, 0.0)
    assert np.array_equal(silent["images"]["input"], silent["images"]["clean"])
    assert silent["captions"]["input"] == "input: no noise"


def test_autoencoder_explorer_carries_what_the_pure_function_shows():
    torch.manual_seed(0)
    models = {"plain": ConvAutoencoder(code_size=4), "other": ConvAutoencoder(code_size=3)}
    explorer = AutoencoderExplorer(models, digit=3, noise=0.2)
    assert explorer.names == ["plain", "other"]
    assert len(explorer.images) == 10 * len(NOISES) * 3
    # carried images (one batch per model) agree with the pure function (one image), to one grey level
    for key in ("3|0.2|other", "0|0|plain", "9|0.1|other", "5|0.3|input", "7|0.4|input"):
        digit, noise, name = key.split("|")
        expected = explore_autoencoder(models, int(digit), float(noise))["images"][name]
        assert np.abs(unpack(explorer.images[key]) - expected.astype(int)).max() <= 1
    explorer.digit, explorer.noise = 7, 0.4
    assert np.array_equal(unpack(explorer.images["7|0.4|input"]), explorer.shown["images"]["input"])
    with pytest.raises(Exception, match="noise"):
        explorer.noise = 0.25
    with pytest.raises(ValueError, match="digit"):
        explore_autoencoder(models, 10, 0.2)
    with pytest.raises(TypeError, match="models"):
        explore_autoencoder({"x": nn.Linear(2, 2)}, 1, 0.2)
    with pytest.raises(ValueError, match="models"):
        explore_autoencoder({"input": ConvAutoencoder()}, 1, 0.2)


def test_browser_caption_and_keys_are_pythons(browser, results):
    explorer = SaliencyExplorer(results, photo="pair", target=1, method="grad_cam")
    for method in METHODS:
        for target, label, probability in results["classes"]["pair"]:
            expected = explore_saliency(results, "pair", target, method)["caption"]
            assert js_call(browser, explorer._esm, "saliencyCaption", method, label, probability, "pair") == expected
    for probability in (0.12345, 0.00049, 0.99951, 0.5):
        python = f"{probability:.1%}"
        assert js_call(browser, explorer._esm, "saliencyCaption", "grad_cam", "x", probability, "p") == \
            f"grad-cam map of 'x' (probability {python}) on p"
    esm = AutoencoderExplorer._esm
    assert js_calls(browser, esm, "autoencoderKey", [(4, noise, "plain") for noise in NOISES]) == \
        [f"4|{noise:g}|plain" for noise in NOISES]
    captions = [(name, 4, noise, error) for noise in NOISES
                for name, error in (("clean", 0.0), ("input", 0.0805), ("plain", 0.01249), ("x", 0.0125))]
    assert js_calls(browser, esm, "autoencoderCaption", captions) == [autoencoder_caption(*c) for c in captions]
    pairs = [tuple(np.random.default_rng(seed).integers(0, 256, size=(2, 256)).tolist()) for seed in range(3)]
    assert js_calls(browser, esm, "imageError", pairs) == [image_error(a, b) for a, b in pairs]


@pytest.mark.parametrize("name", ["saliency_explorer", "autoencoder_explorer"])
def test_views_fetch_nothing(name):
    from cnncourse.widgets.live import esm_source
    source = esm_source(name)
    assert "fetch(" not in source and "http" not in source and "import " not in source


# Renders a widget's view in the browser with a stand-in model (get, set, on, save_changes), then
# runs `steps` (trait changes made through the page's own controls or the model) and reports, after
# each, the text of `selector` and how many pixels of each canvas are drawn.
RENDER = """
const [source, state, steps, selector, done] = arguments;
const url = URL.createObjectURL(new Blob([source], {type: "text/javascript"}));
import(url).then((module) => {
  const listeners = {};
  const notify = (k) => (listeners["change:" + k] || []).forEach((f) => f());
  const model = {get: (k) => state[k], set: (k, v) => { state[k] = v; notify(k); },
                 on: (event, f) => { (listeners[event] = listeners[event] || []).push(f); }, save_changes: () => {}};
  const el = document.createElement("div");
  el.style.width = "700px";  // about the book's text column
  document.body.replaceChildren(el);
  module.default.render({model, el});
  const report = () => ({text: el.querySelector(selector) ? el.querySelector(selector).textContent : null,
    drawn: [...el.querySelectorAll("canvas")].map((c) => {
      const data = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
      let n = 0; for (let i = 3; i < data.length; i += 4) if (data[i] > 0) n++; return n; }),
    tops: [...el.querySelectorAll("figure")].map((f) => Math.round(f.getBoundingClientRect().top)),
    state: {...state, photos: undefined, maps: undefined, images: undefined}});
  const out = [report()];
  for (const [kind, name, value] of steps) {
    if (kind === "select") {
      const input = el.querySelector(`[data-trait="${name}"]`);
      input.value = String(value); input.dispatchEvent(new Event("change"));
    } else if (kind === "button") {
      el.querySelector(`[data-trait="${name}"] [data-value="${value}"]`).click();
    } else if (kind === "range") {
      const input = el.querySelector(`[data-trait="${name}"]`);
      input.value = String(value); input.dispatchEvent(new Event("input"));
    }
    out.push(report());
  }
  return out;
}).then((out) => done({result: JSON.stringify(out)}), (error) => done({error: String(error && error.stack || error)}));
"""


def render_in_browser(driver, widget, steps, selector):
    state = {name: getattr(widget, name) for name in widget.trait_names(sync=True)
             if not name.startswith("_") and name != "layout"}
    if not driver.current_url.startswith(("http", "file")):
        driver.get("data:text/html,<title>render</title>")
    answer = driver.execute_async_script(RENDER, widget._esm, state, steps, selector)
    assert "error" not in answer, answer.get("error")
    return json.loads(answer["result"])


def test_saliency_view_draws_and_its_controls_change_the_choice(browser, results):
    explorer = SaliencyExplorer(results, photo="pair", target=1, method="grad_cam")
    reports = render_in_browser(browser, explorer, [["button", "method", "occlusion"], ["select", "target", 7]],
                                ".cnn-caption")
    first, after_method, after_class = reports
    assert first["text"] == explore_saliency(explorer.results, "pair", 1, "grad_cam")["caption"]
    assert first["drawn"][0] == 224 * 224           # the photo fills the first canvas
    assert after_method["state"]["method"] == "occlusion" and after_class["state"]["target"] == 7
    assert after_class["text"] == explore_saliency(explorer.results, "pair", 7, "occlusion")["caption"]


def test_autoencoder_view_draws_every_image(browser):
    torch.manual_seed(0)
    models = {"plain": ConvAutoencoder(code_size=4), "denoising": ConvAutoencoder(code_size=3)}
    explorer = AutoencoderExplorer(models, digit=2, noise=0.1)
    steps = [["range", "digit", 5], ["range", "noise", 4], ["range", "noise", 0]]
    reports = render_in_browser(browser, explorer, steps, ".cnn-autoencoder-panels")
    # clean, input and the two reconstructions, side by side in one row whatever the captions
    assert len(reports[0]["drawn"]) == 4 and all(n == 160 * 160 for n in reports[0]["drawn"])
    assert all(len(set(report["tops"])) == 1 for report in reports)
    assert reports[1]["state"]["digit"] == 5 and reports[2]["state"]["noise"] == NOISES[4]
    for report in reports:
        digit, noise = report["state"]["digit"], report["state"]["noise"]
        carried = {name: unpack(explorer.images[f"{digit}|{noise:g}|{name}"])
                   for name in ("input", "plain", "denoising")}
        clean = unpack(explorer.images[f"{digit}|0|input"])
        expected = [autoencoder_caption("clean", digit, noise, 0.0)] + [
            autoencoder_caption(name, digit, noise, image_error(carried[name], clean)) for name in carried]
        assert report["text"] == "".join(expected)
    assert "noisy" not in reports[3]["text"] and "input: no noise" in reports[3]["text"]
