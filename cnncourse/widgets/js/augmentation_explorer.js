// Augmentation explorer: the original image and one augmented variant, looked up among the images
// Python computed for every (source, transform, strength, seed) when the notebook ran
// (cnncourse.widgets.augmentation_explorer.explore_augmentation is the reference).

const AUGMENT_ZOOM = {photo: 5, digit: 12};

function render({model, el}) {
  const set = (name, value) => { model.set(name, value); model.save_changes(); draw(); };
  const strengths = model.get("strengths"), seeds = model.get("seeds");
  const controls = {
    source: toggles("source", "image", [["photo", "photo"], ["digit", "digit"]], model.get("source"), v => set("source", v)),
    transform: select("transform", "transform", model.get("transforms").map(t => [t, t.replaceAll("_", " ")]),
                      model.get("transform"), v => set("transform", v)),
    strength: slider("strength", "strength", 0, strengths.length - 1, 1, strengths.indexOf(model.get("strength")),
                     i => set("strength", strengths[i])),
    seed: slider("seed", "seed", 0, seeds.length - 1, 1, seeds.indexOf(model.get("seed")), i => set("seed", seeds[i])),
  };
  const original = h("canvas", {class: "cnn-original", style: "margin:4px 12px 4px 0"});
  const augmented = h("canvas", {class: "cnn-augmented", style: "margin:4px 0"});
  el.append(h("div", {style: "display:flex;flex-wrap:wrap"}, [controls.source.el, controls.transform.el]),
            h("div", {style: "display:flex;flex-wrap:wrap"}, [controls.strength.el, controls.seed.el]),
            h("div", {style: "display:flex;align-items:flex-start;overflow-x:auto"}, [
              h("figure", {style: "margin:0"}, [original, h("figcaption", {text: "original"})]),
              h("figure", {style: "margin:0"}, [augmented, h("figcaption", {class: "cnn-caption"})])]));

  const draw_ = (canvas, packed, zoom) => {
    const [rows, cols] = packed.shape;
    drawGrey(canvas, Array.from(unpack(packed), v => v / 255), rows, cols, zoom);
  };

  function draw() {
    const source = model.get("source"), transform = model.get("transform");
    const strength = model.get("strength"), seed = model.get("seed");
    controls.source.set(source); controls.transform.set(transform);
    controls.strength.input.dataset.readout = String(strength); controls.strength.set(strengths.indexOf(strength));
    controls.seed.set(seeds.indexOf(seed));
    const images = model.get("images");
    draw_(original, images[`${source}|original`], AUGMENT_ZOOM[source]);
    draw_(augmented, images[`${source}|${transform}|${strength}|${seed}`], AUGMENT_ZOOM[source]);
    el.querySelector(".cnn-caption").textContent = `${transform.replaceAll("_", " ")}, strength ${strength}, seed ${seed}`;
  }
  draw();
}

export default {render};
