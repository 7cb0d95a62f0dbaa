// Autoencoder explorer: a typical test digit of the chosen class, clean and with salt-and-pepper
// noise, and what each autoencoder rebuilds from the noisy input, looked up among the images
// Python computed when the notebook ran; each panel is captioned with its error against the clean
// digit (cnncourse.widgets.autoencoder_explorer.explore_autoencoder is the reference).

const AUTOENCODER_ZOOM = 10;

// The key of one carried image, as AutoencoderExplorer writes it (Python's f"{noise:g}").
export function autoencoderKey(digit, noise, name) {
  return `${digit}|${formatG(noise, 6)}|${name}`;
}

// Mean squared error of two images of grey levels 0..255 on the [0, 1] scale, as image_error:
// the exact integer sum of squared differences, divided once.
export function imageError(image, clean) {
  let sum = 0;
  for (let i = 0; i < image.length; i++) sum += (image[i] - clean[i]) ** 2;
  return sum / (255 * 255 * image.length);
}

// A panel's caption, as autoencoder_caption writes it.
export function autoencoderCaption(name, digit, noise, error) {
  if (name === "clean") return `clean: a test ${digit}`;
  if (name === "input") {
    return noise === 0 ? "input: no noise"
      : `input: ${formatF(100 * noise, 0)}% noise, error ${formatF(error, 3)}`;
  }
  return `${name}: error ${formatF(error, 3)}`;
}

function render({model, el}) {
  const set = (name, value) => { model.set(name, value); model.save_changes(); draw(); };
  const noises = model.get("noises");
  const digit = slider("digit", "class", 0, 9, 1, model.get("digit"), v => set("digit", v));
  const noise = slider("noise", "noise", 0, noises.length - 1, 1,
                       noises.indexOf(model.get("noise")), i => set("noise", noises[i]));
  const panels = ["clean", "input", ...model.get("names")];
  const canvases = panels.map(() => h("canvas", {style: "margin:4px 0"}));
  // as wide as the picture, so that the panels stay side by side; long captions wrap
  const side = Object.values(model.get("images"))[0].shape[1] * AUTOENCODER_ZOOM;
  const captions = panels.map(() => h("figcaption", {style: "font-size:90%;text-align:left"}));
  el.append(h("div", {style: "display:flex;flex-wrap:wrap"}, [digit.el, noise.el]),
            h("div", {class: "cnn-autoencoder-panels",
                      style: "display:flex;flex-wrap:wrap;align-items:flex-start"},
              panels.map((_, i) => h("figure", {style: `margin:0 12px 0 0;width:${side}px`},
                                     [canvases[i], captions[i]]))));

  function draw() {
    const d = model.get("digit"), level = model.get("noise");
    digit.set(d);
    noise.input.dataset.readout = `${formatF(100 * level, 0)}%`;
    noise.set(noises.indexOf(level));
    const images = model.get("images");
    const clean = unpack(images[autoencoderKey(d, 0, "input")]);
    panels.forEach((name, i) => {
      const packed = name === "clean" ? images[autoencoderKey(d, 0, "input")]
        : images[autoencoderKey(d, level, name)];
      const values = unpack(packed);
      const [rows, cols] = packed.shape;
      drawGrey(canvases[i], Array.from(values, v => v / 255), rows, cols, AUTOENCODER_ZOOM);
      captions[i].textContent = autoencoderCaption(name, d, level, imageError(values, clean));
    });
  }
  draw();
}

export default {render};
