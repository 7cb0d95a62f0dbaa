// Autoencoder explorer: a test digit with salt-and-pepper noise, and what each autoencoder rebuilds
// from it, looked up among the images Python computed when the notebook ran
// (cnncourse.widgets.autoencoder_explorer.explore_autoencoder is the reference).

const AUTOENCODER_ZOOM = 10;

// The key of one carried image, as AutoencoderExplorer writes it (Python's f"{noise:g}").
export function autoencoderKey(digit, noise, name) {
  return `${digit}|${formatG(noise, 6)}|${name}`;
}

function render({model, el}) {
  const set = (name, value) => { model.set(name, value); model.save_changes(); draw(); };
  const noises = model.get("noises");
  const digit = slider("digit", "digit", 0, 9, 1, model.get("digit"), v => set("digit", v));
  const noise = slider("noise", "noise", 0, noises.length - 1, 1, noises.indexOf(model.get("noise")),
                       i => set("noise", noises[i]));
  const names = model.get("names");
  const canvases = names.map(() => h("canvas", {style: "margin:4px 12px 4px 0"}));
  el.append(h("div", {style: "display:flex;flex-wrap:wrap"}, [digit.el, noise.el]),
            h("div", {style: "display:flex;flex-wrap:wrap;align-items:flex-start"},
              names.map((name, i) => h("figure", {style: "margin:0"}, [canvases[i], h("figcaption", {text: name})]))));

  function draw() {
    const d = model.get("digit"), level = model.get("noise");
    digit.set(d);
    noise.input.dataset.readout = String(level); noise.set(noises.indexOf(level));
    names.forEach((name, i) => {
      const packed = model.get("images")[autoencoderKey(d, level, name)];
      const [rows, cols] = packed.shape;
      drawGrey(canvases[i], Array.from(unpack(packed), v => v / 255), rows, cols, AUTOENCODER_ZOOM);
    });
  }
  draw();
}

export default {render};
