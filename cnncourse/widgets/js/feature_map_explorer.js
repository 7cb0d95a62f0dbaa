// Feature-map explorer view: photo, Lite0 stage and channel -> the precomputed map, drawn on a
// canvas. Reference: cnncourse/widgets/feature_map_explorer.py (explore_feature_maps).

// Channel `index` of a packed uint8 (channels, h, w) stack -> {values in 0..1, h, w}.
export function mapOf(packed, index) {
  const stack = unpack(packed);
  const [, h, w] = stack.shape;
  const values = Array.from(stack.subarray(index * h * w, (index + 1) * h * w), (v) => v / 255);
  return { values, h, w };
}

// The caption under the map (FeatureMapView.caption in Python); shape [C, H, W], range [low, high].
export function caption(stage, shape, id, rank, range) {
  const [c, h, w] = shape;
  const values = range[1] > range[0]
    ? `values ${formatF(range[0], 2)} to ${formatF(range[1], 2)} (black to white)`
    : `the same value, ${formatF(range[0], 2)}, at every position (drawn mid-grey)`;
  return `${stage}: ${c} channels of ${h}x${w}. Channel ${id} (the ${RANKS[rank]} on this photo), ${values}.`;
}

const RANKS = ["strongest", "2nd strongest", "3rd strongest", "4th strongest"];

function drawRGB(canvas, packed, scale) {
  const pixels = unpack(packed);
  const [h, w] = pixels.shape;
  const tile = element("canvas", { width: w, height: h });
  const image = tile.getContext("2d").createImageData(w, h);
  for (let i = 0; i < h * w; i++) image.data.set([pixels[3 * i], pixels[3 * i + 1], pixels[3 * i + 2], 255], 4 * i);
  tile.getContext("2d").putImageData(image, 0, 0);
  canvas.width = w * scale;
  canvas.height = h * scale;
  canvas.getContext("2d").drawImage(tile, 0, 0, w * scale, h * scale);
}

function render({ model, el }) {
  el.classList.add("cnn-live");
  const stages = Object.keys(model.get("stages"));
  const photoCanvas = element("canvas", { className: "cnn-photo" });
  const mapCanvas = element("canvas", { className: "cnn-map" });
  const text = element("p", { className: "cnn-caption" });
  el.append(
    element("style", { textContent: STYLE }),
    element("div", { className: "cnn-controls" },
      control(model, "photo", "photo", { options: Object.keys(model.get("photos")) }),
      control(model, "stage", "stage", { options: stages }),
      control(model, "channel", "channel rank", { min: 0, max: 3 })),
    element("div", { className: "cnn-pictures" },
      element("figure", {}, photoCanvas, element("figcaption", { textContent: "photo (as the network sees it)" })),
      element("figure", {}, mapCanvas, element("figcaption", { textContent: "feature map" }))),
    text);

  function draw() {
    const photo = model.get("photo"), stage = model.get("stage"), channel = model.get("channel");
    drawRGB(photoCanvas, model.get("photos")[photo], 2);
    const map = mapOf(model.get("maps")[photo][stage], channel);
    drawGrey(mapCanvas, map.values, map.h, map.w, Math.max(1, Math.floor(192 / map.h)));
    text.textContent = caption(stage, model.get("stages")[stage], model.get("channels")[photo][stage][channel], channel,
      model.get("ranges")[photo][stage][channel]);
  }
  for (const name of ["photo", "stage", "channel"]) model.on(`change:${name}`, draw);
  draw();
}

const STYLE = `
.cnn-pictures { display: flex; flex-wrap: wrap; gap: 16px; align-items: flex-start; }
.cnn-pictures figure { margin: 0; }
.cnn-pictures canvas { image-rendering: pixelated; max-width: 100%; }
.cnn-controls { display: flex; flex-wrap: wrap; gap: 12px; margin-bottom: 6px; }
`;

export default { render };
