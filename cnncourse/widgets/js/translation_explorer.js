// Translation explorer: a photo and its shifted copy, their edge maps before and after pooling,
// and how alike the maps stay, all computed in the browser.
// The Python reference is cnncourse.demos.invariance.compare_shift.

// Valid cross-correlation of a rows x cols array with a kh x kw kernel, then ReLU.
export function reluCorr2d(values, rows, cols, kernel, kh, kw) {
  const outRows = rows - kh + 1, outCols = cols - kw + 1, out = new Float64Array(outRows * outCols);
  for (let i = 0; i < outRows; i++) {
    for (let j = 0; j < outCols; j++) {
      let sum = 0;
      for (let a = 0; a < kh; a++) for (let b = 0; b < kw; b++) sum += values[(i + a) * cols + j + b] * kernel[a * kw + b];
      out[i * outCols + j] = Math.max(sum, 0);
    }
  }
  return {values: out, rows: outRows, cols: outCols};
}

// Pearson correlation of two equally long arrays (0 when either is constant).
export function correlation(a, b) {
  const n = a.length;
  let ma = 0, mb = 0;
  for (let i = 0; i < n; i++) { ma += a[i]; mb += b[i]; }
  ma /= n; mb /= n;
  let ab = 0, aa = 0, bb = 0;
  for (let i = 0; i < n; i++) { const x = a[i] - ma, y = b[i] - mb; ab += x * y; aa += x * x; bb += y * y; }
  const norm = Math.sqrt(aa * bb);
  return norm > 0 ? ab / norm : 0;
}

// Two crops of the photo (the second with its content moved `shift` pixels right), their ReLU edge
// maps and pooled maps, and the correlations before and after pooling.
export function compareShift(values, rows, cols, shift, poolSize, mode, kernel, kh, kw, margin) {
  values = Float64Array.from(values);
  const width = cols - 2 * margin;
  const crop = (start) => {
    const out = new Float64Array(rows * width);
    for (let i = 0; i < rows; i++) out.set(values.subarray(i * cols + start, i * cols + start + width), i * width);
    return {values: out, rows, cols: width};
  };
  const original = crop(margin), shifted = crop(margin - shift);
  const features = reluCorr2d(original.values, rows, width, kernel, kh, kw);
  const shiftedFeatures = reluCorr2d(shifted.values, rows, width, kernel, kh, kw);
  const pool = (m) => pool2d(m.values, m.rows, m.cols, poolSize, poolSize, 0, mode);
  const pooled = pool(features), shiftedPooled = pool(shiftedFeatures);
  return {original, shifted, features, shiftedFeatures, pooled, shiftedPooled,
          before: correlation(features.values, shiftedFeatures.values),
          after: correlation(pooled.values, shiftedPooled.values)};
}

export function shiftCaption(before, after, poolSize, mode) {
  return "Correlation between the maps of the original and the shifted photo, compared position by " +
         `position: ${formatF(before)} before pooling, ${formatF(after)} after ${poolSize}x${poolSize} ` +
         `${mode} pooling (1 = identical up to brightness).`;
}

const DISPLAY_ZOOM = 2;

function render({model, el}) {
  el.classList.add("cnn-explorer");  // the same hook under every renderer (book, JupyterLab)
  const photos = {};
  for (const [name, packed] of Object.entries(model.get("photos"))) {
    photos[name] = {rows: packed.shape[0], cols: packed.shape[1], values: Float64Array.from(unpack(packed), b => b / 255)};
  }
  const kernel = model.get("kernel"), kh = kernel.length, kw = kernel[0].length, flat = kernel.flat();
  const set = (name, value) => { model.set(name, value); model.save_changes(); };  // the change event redraws
  const margin = model.get("max_shift");
  const controls = {
    photo: select("photo", "photo", Object.keys(photos).map(p => [p, p]), model.get("photo"), v => set("photo", v)),
    shift: slider("shift", "shift (px)", -margin, margin, 1, model.get("shift"), v => set("shift", v)),
    pool_size: toggles("pool_size", "pool", model.get("pool_sizes").map(p => [p, p]), model.get("pool_size"), v => set("pool_size", v)),
    mode: toggles("mode", "pooling", [["max", "max"], ["average", "average"]], model.get("mode"), v => set("mode", v)),
  };
  const names = ["original", "shifted", "features", "shifted_features", "pooled", "shifted_pooled"];
  const canvases = Object.fromEntries(names.map(n => [n, h("canvas", {class: `cnn-${n}`, style: "margin:2px 6px 2px 0"})]));
  const caption = h("div", {class: "cnn-caption", style: "margin:4px 0"});
  const row = (title, a, b) => h("div", {style: "display:flex;align-items:center;overflow-x:auto"},
    [h("b", {style: "width:110px;flex:none", text: title}), canvases[a], canvases[b]]);
  el.append(h("div", {}, [controls.photo.el, controls.shift.el]), h("div", {}, [controls.pool_size.el, controls.mode.el]),
            caption, h("i", {text: "left: original, right: shifted"}),
            row("photo", "original", "shifted"), row("edge features", "features", "shifted_features"),
            row("pooled (enlarged)", "pooled", "shifted_pooled"));

  // Two maps on one brightness scale: their common maximum is white.
  const pair = (a, b, left, right, zoom) => {
    let top = 0;
    for (const m of [a, b]) for (const v of m.values) top = Math.max(top, v);
    top = top || 1;
    for (const [m, name] of [[a, left], [b, right]]) drawGrey(canvases[name], m.values.map(v => v / top), m.rows, m.cols, zoom);
  };

  function draw() {
    const photo = photos[model.get("photo")], shift = model.get("shift"), poolSize = model.get("pool_size");
    const mode = model.get("mode");
    controls.photo.set(model.get("photo")); controls.shift.set(shift); controls.pool_size.set(poolSize); controls.mode.set(mode);
    const v = compareShift(photo.values, photo.rows, photo.cols, shift, poolSize, mode, flat, kh, kw, margin);
    pair(v.original, v.shifted, "original", "shifted", DISPLAY_ZOOM);
    pair(v.features, v.shiftedFeatures, "features", "shifted_features", DISPLAY_ZOOM);
    pair(v.pooled, v.shiftedPooled, "pooled", "shifted_pooled", DISPLAY_ZOOM * poolSize);
    caption.textContent = shiftCaption(v.before, v.after, poolSize, mode);
  }
  draw();
  model.on("change", draw);  // a change from any side (these controls, the kernel) redraws
}

export default {render};
