// Shared browser helpers of the live widgets. live.esm(name) puts this file before
// js/<name>.js, so a widget's script uses these names without importing anything.

// {dtype, shape, data: base64} from live.pack() -> Float32Array or Uint8Array, with .shape
export function unpack(packed) {
  const bytes = Uint8Array.from(atob(packed.data), (c) => c.charCodeAt(0));
  const array = packed.dtype === "uint8" ? bytes : new Float32Array(bytes.buffer);
  array.shape = packed.shape;
  return array;
}

// element(tag, {attribute: value, style: {...}, on: {event: handler}}, child, ...)
export function element(tag, attributes = {}, ...children) {
  const node = tag === "svg" || attributes.svg
    ? document.createElementNS("http://www.w3.org/2000/svg", tag)
    : document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (name === "style") Object.assign(node.style, value);
    else if (name === "on") for (const [event, handler] of Object.entries(value)) node.addEventListener(event, handler);
    else if (name === "svg") continue;
    else if (name in node && !(node instanceof SVGElement)) node[name] = value;
    else node.setAttribute(name, value);
  }
  node.append(...children.filter((child) => child !== null && child !== undefined));
  return node;
}

// A labelled <select>, <input type=range> or checkbox bound to model trait `name`: the control
// follows the model and writes to it (model.set + save_changes) when the reader moves it.
export function control(model, name, label, spec) {
  const kind = spec.options ? "select" : spec.checkbox ? "checkbox" : "range";
  let input;
  if (kind === "select") {
    input = element("select", {}, ...spec.options.map((o) => element("option", { value: o, textContent: o })));
  } else if (kind === "checkbox") {
    input = element("input", { type: "checkbox" });
  } else {
    input = element("input", { type: "range", min: spec.min ?? 0, max: spec.max ?? 0, step: spec.step ?? 1 });
  }
  input.dataset.trait = name;
  const shown = element("output", { className: "cnn-live-value", style: { minWidth: "2em", fontFamily: "monospace" } });
  const numeric = kind === "range" || (kind === "select" && spec.options.every((o) => typeof o === "number"));
  const read = () => (kind === "checkbox" ? input.checked : numeric ? Number(input.value) : input.value);
  const show = () => {
    const value = model.get(name);
    if (kind === "checkbox") input.checked = value;
    else input.value = String(value);
    shown.textContent = kind === "range" ? String(value) : "";
  };
  input.addEventListener(kind === "range" ? "input" : "change", () => {
    model.set(name, read());
    model.save_changes();
  });
  model.on(`change:${name}`, show);
  show();
  // styled inline: the same in JupyterLab, in other front ends and in the book
  return element("label", {
    className: "cnn-live-control",
    style: { display: "inline-flex", alignItems: "center", gap: "0.4em", margin: "0.15em 1em 0.15em 0" },
  }, element("span", { textContent: label, style: { minWidth: "5.5em" } }), input, shown);
}

// Draw an (H, W) array of grey levels 0..1 (values outside are clipped) on a canvas, each
// value a scale x scale block; outline = [top, left, height, width] in array cells, drawn red.
export function drawGrey(canvas, values, height, width, scale = 1, outline = null) {
  canvas.width = width * scale;
  canvas.height = height * scale;
  const context = canvas.getContext("2d");
  const image = context.createImageData(width, height);
  for (let i = 0; i < height * width; i++) {
    const level = Math.round(Math.min(1, Math.max(0, values[i])) * 255);
    image.data.set([level, level, level, 255], 4 * i);
  }
  const tile = element("canvas", { width, height });
  tile.getContext("2d").putImageData(image, 0, 0);
  context.imageSmoothingEnabled = false;
  context.drawImage(tile, 0, 0, width * scale, height * scale);
  if (outline) {
    const [top, left, h, w] = outline;
    context.strokeStyle = "rgb(230, 40, 40)";
    context.lineWidth = Math.max(1, scale / 2);
    context.strokeRect(left * scale + 0.5, top * scale + 0.5, w * scale - 1, h * scale - 1);
  }
}
