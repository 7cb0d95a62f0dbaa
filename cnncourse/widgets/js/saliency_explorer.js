// Saliency explorer: a photo with the map of one class by one method drawn over it, looked up among
// the maps Python computed with the pretrained network when the notebook ran
// (cnncourse.widgets.saliency_explorer.explore_saliency is the reference).

const SALIENCY_SIDE = 224;

function heatTile(values, side) {
  // (side, side) levels 0..255 -> an RGBA tile: red to yellow, more opaque where the map is high
  const tile = h("canvas", {width: side, height: side});
  const context = tile.getContext("2d");
  const image = context.createImageData(side, side);
  for (let i = 0; i < side * side; i++) {
    const v = values[i] / 255;
    image.data.set([255, Math.round(255 * v), 0, Math.round(200 * v)], 4 * i);
  }
  context.putImageData(image, 0, 0);
  return tile;
}

function photoTile(values, side) {
  const tile = h("canvas", {width: side, height: side});
  const context = tile.getContext("2d");
  const image = context.createImageData(side, side);
  for (let i = 0; i < side * side; i++) image.data.set([values[3 * i], values[3 * i + 1], values[3 * i + 2], 255], 4 * i);
  context.putImageData(image, 0, 0);
  return tile;
}

// The caption under the maps, as explore_saliency writes it.
export function saliencyCaption(method, label, probability, photo) {
  return `${method.replace("_", "-")} map of '${label}' (probability ${formatF(100 * probability, 1)}%) on ${photo}`;
}

function render({model, el}) {
  const set = (name, value) => { model.set(name, value); model.save_changes(); draw(); };
  const names = Object.keys(model.get("photos"));
  const photo = select("photo", "photo", names.map(n => [n, n]), model.get("photo"), v => {
    const classes = model.get("classes")[v];
    model.set("photo", v);
    if (!classes.some(c => c[0] === model.get("target"))) model.set("target", classes[0][0]);
    model.save_changes(); draw();
  });
  const target = select("target", "class", [], model.get("target"), v => set("target", Number(v)));
  const method = toggles("method", "method", model.get("methods").map(m => [m, m.replace("_", "-")]),
                         model.get("method"), v => set("method", v));
  const canvas = h("canvas", {class: "cnn-saliency", width: SALIENCY_SIDE, height: SALIENCY_SIDE,
                              style: "margin:4px 12px 4px 0"});
  const alone = h("canvas", {class: "cnn-saliency-map", width: SALIENCY_SIDE, height: SALIENCY_SIDE,
                             style: "margin:4px 0;background:#000"});
  const caption = h("div", {class: "cnn-caption", style: "font-size:90%"});
  el.append(h("div", {style: "display:flex;flex-wrap:wrap"}, [photo.el, target.el]), method.el,
            h("div", {style: "display:flex;flex-wrap:wrap"}, [canvas, alone]), caption);

  function draw() {
    const name = model.get("photo"), classes = model.get("classes")[name];
    const index = model.get("target"), how = model.get("method");
    photo.set(name); method.set(how);
    target.input.replaceChildren(...classes.map(([c, label]) => h("option", {value: String(c), text: `${label} (${c})`})));
    target.set(index);
    const picture = unpack(model.get("photos")[name]);
    const heat = unpack(model.get("maps")[`${name}|${index}|${how}`]);
    const context = canvas.getContext("2d");
    context.imageSmoothingEnabled = true;
    context.drawImage(photoTile(picture, picture.shape[0]), 0, 0, SALIENCY_SIDE, SALIENCY_SIDE);
    context.drawImage(heatTile(heat, heat.shape[0]), 0, 0, SALIENCY_SIDE, SALIENCY_SIDE);
    const plain = alone.getContext("2d");
    plain.clearRect(0, 0, SALIENCY_SIDE, SALIENCY_SIDE);
    plain.imageSmoothingEnabled = true;
    plain.drawImage(heatTile(heat, heat.shape[0]), 0, 0, SALIENCY_SIDE, SALIENCY_SIDE);
    const [, label, probability] = classes.find(c => c[0] === index);
    caption.textContent = saliencyCaption(how, label, probability, name);
  }
  draw();
}

export default {render};
