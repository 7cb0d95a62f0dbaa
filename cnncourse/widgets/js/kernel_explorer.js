// Kernel explorer view: the browser applies the kernel to the photo itself (valid
// cross-correlation, as cnncourse.functional.corr2d) and redraws on every control change.
// Reference: cnncourse/widgets/kernel_explorer.py, explore_kernel.

const MODES = ["cross-correlation", "convolution"];

// (h, w) image * (k, k) kernel, no padding -> {output: Float64Array (h-k+1)*(w-k+1), rows, cols}
export function corr2d(image, h, w, kernel, k) {
  const rows = h - k + 1, cols = w - k + 1;
  const output = new Float64Array(Math.max(rows, 0) * Math.max(cols, 0));
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      let sum = 0;
      for (let a = 0; a < k; a++) {
        const line = (r + a) * w + c;
        for (let b = 0; b < k; b++) sum += image[line + b] * kernel[a * k + b];
      }
      output[r * cols + c] = sum;
    }
  }
  return { output, rows, cols };
}

// What explore_kernel returns, flattened row by row: the kernel as it slides, the output, and
// output pixel (row, col) as its patch, the products and their sum.
export function explore(image, h, w, weights, row, col, mode) {
  const k = Math.round(Math.sqrt(weights.length));
  const slid = mode === "convolution" ? Array.from(weights).reverse() : Array.from(weights);
  const { output, rows, cols } = corr2d(image, h, w, slid, k);
  const patch = [], products = [];
  for (let a = 0; a < k; a++) {
    for (let b = 0; b < k; b++) {
      patch.push(image[(row + a) * w + col + b]);
      products.push(patch[patch.length - 1] * slid[a * k + b]);
    }
  }
  return { k, slid, output, rows, cols, patch, products, total: products.reduce((s, v) => s + v, 0) };
}

// Values for display: kept if inside [0, 1], else min-max stretched to it.
export function toUnitRange(values) {
  let lo = Infinity, hi = -Infinity;
  for (const v of values) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
  if (lo >= 0 && hi <= 1) return { shown: values, lo, hi, stretched: false };
  const span = hi > lo ? hi - lo : 1;
  return { shown: values.map((v) => (hi > lo ? (v - lo) / span : 0)), lo, hi, stretched: true };
}

function table(values, k, caption) {
  const rows = [];
  for (let a = 0; a < k; a++) {
    rows.push(element("tr", {}, ...values.slice(a * k, a * k + k).map((v) => element("td", { textContent: v.toFixed(2) }))));
  }
  return element("table", { className: "cnn-grid" }, element("caption", { textContent: caption }), ...rows);
}

function render({ model, el }) {
  const names = Object.keys(model.get("kernels"));
  const photos = {};
  for (const [name, packed] of Object.entries(model.get("photos"))) {
    const pixels = unpack(packed);
    photos[name] = { h: pixels.shape[0], w: pixels.shape[1], values: Float64Array.from(pixels, (p) => p / 255) };
  }
  const identity = (size) => Array.from({ length: size * size }, (_, i) => (i === (size * size - 1) / 2 ? 1 : 0));
  const same = (a, b) => a.length === b.length && a.every((v, i) => v === b[i]);
  const named = (name) => model.get("kernels")[name].values.flat();
  const commit = (changes) => {
    for (const [name, value] of Object.entries(changes)) model.set(name, value);
    model.save_changes();
  };

  const grid = element("div", { className: "cnn-kernel-grid" });
  const inputCanvas = element("canvas", { className: "cnn-input" });
  const outputCanvas = element("canvas", { className: "cnn-output" });
  const caption = element("p", { className: "cnn-caption" });
  const dot = element("div", { className: "cnn-dot" });
  const rowControl = control(model, "row", "output row", { min: 0, max: 0 });
  const colControl = control(model, "col", "output col", { min: 0, max: 0 });
  el.append(
    element("style", { textContent: STYLE }),
    element("div", {}, control(model, "photo", "photo", { options: Object.keys(photos) }),
      control(model, "kernel", "kernel", { options: [...names, "custom"] })),
    element("div", {}, control(model, "mode", "operation", { options: MODES }),
      control(model, "size", "custom size", { options: [3, 5] })),
    element("div", {}, rowControl, colControl),
    caption,
    element("div", { className: "cnn-pictures" },
      element("figure", {}, element("figcaption", { textContent: "input" }), inputCanvas),
      element("figure", {}, element("figcaption", { textContent: "kernel" }), grid),
      element("figure", {}, element("figcaption", { textContent: "output" }), outputCanvas)),
    dot,
  );
  // the size control writes strings from its <select>: keep the trait an int
  el.querySelector('[data-trait="size"]').addEventListener("change", (event) => {
    const size = Number(event.target.value);
    commit(model.get("kernel") === "custom" ? { size, weights: identity(size) } : { size, kernel: "custom", weights: identity(size) });
    draw();
  }, true);
  el.querySelector('[data-trait="kernel"]').addEventListener("change", (event) => {
    const name = event.target.value;
    commit({ weights: name === "custom" ? identity(model.get("size")) : named(name) });
  });

  function fillGrid(weights, k) {
    if (grid.children.length !== k * k) {
      grid.replaceChildren(...weights.map((_, i) => element("input", {
        type: "number", step: "any", on: {
          change: (event) => {
            const edited = [...model.get("weights")];
            edited[i] = Number(event.target.value);
            const name = model.get("kernel");
            commit(name !== "custom" && !same(edited, named(name)) ? { weights: edited, kernel: "custom" } : { weights: edited });
          },
        },
      })));
      grid.style.gridTemplateColumns = `repeat(${k}, 6.2em)`;
    }
    // three significant digits fit the box (0.000244, not 0.000244140625); the full value is its tooltip
    weights.forEach((v, i) => {
      const box = grid.children[i], shown = String(Number(v.toPrecision(3)));
      if (box.value !== shown && document.activeElement !== box) box.value = shown;
      box.title = String(v);
    });
  }

  function draw() {
    const photo = photos[model.get("photo")];
    const weights = model.get("weights");
    const k = Math.round(Math.sqrt(weights.length));
    const maxRow = photo.h - k, maxCol = photo.w - k;
    for (const [input, max, name] of [[rowControl.querySelector("input"), maxRow, "row"], [colControl.querySelector("input"), maxCol, "col"]]) {
      input.max = max;
      input.value = String(model.get(name));  // a value set before its range was known was cut to it
    }
    if (model.get("row") > maxRow || model.get("col") > maxCol) {
      commit({ row: Math.min(model.get("row"), maxRow), col: Math.min(model.get("col"), maxCol) });
      return;  // the change events above draw again
    }
    const row = model.get("row"), col = model.get("col");
    const view = explore(photo.values, photo.h, photo.w, weights, row, col, model.get("mode"));
    const scale = Math.max(1, Math.floor(256 / photo.w));
    drawGrey(inputCanvas, photo.values, photo.h, photo.w, scale, [row, col, k, k]);
    const { shown, lo, hi, stretched } = toUnitRange(view.output);
    drawGrey(outputCanvas, shown, view.rows, view.cols, scale, [row, col, 1, 1]);
    fillGrid(weights, k);
    const name = model.get("kernel");
    caption.replaceChildren(element("b", { textContent: name }),
      `: ${name === "custom" ? "your own kernel" : model.get("kernels")[name].about}. Output ${view.rows}x${view.cols}, ` +
      `values ${lo.toFixed(2)} to ${hi.toFixed(2)}${stretched ? " (stretched to black..white for display)" : ""}`);
    const flipped = model.get("mode") === "convolution" && !same(view.slid, weights) ? " (flipped)" : "";
    dot.replaceChildren(table(view.patch, k, "input patch"), " × ", table(view.slid, k, "kernel" + flipped), " = ",
      table(view.products, k, "products"),
      element("p", {}, `output[${row}, ${col}] = sum of the products = `, element("b", { className: "cnn-total", textContent: view.total.toFixed(4) })));
  }

  for (const name of ["photo", "kernel", "mode", "row", "col", "weights"]) model.on(`change:${name}`, draw);
  draw();
}

const STYLE = `
.cnn-pictures { display: flex; flex-wrap: wrap; gap: 12px; align-items: flex-start; }
.cnn-pictures figure { margin: 0; }
.cnn-pictures figcaption { font-weight: bold; }
.cnn-pictures canvas { image-rendering: pixelated; max-width: 100%; }
.cnn-kernel-grid { display: grid; gap: 2px; }
.cnn-kernel-grid input { width: 6em; font: inherit; -moz-appearance: textfield; }
.cnn-kernel-grid input::-webkit-inner-spin-button { -webkit-appearance: none; margin: 0; }
.cnn-grid td { border: 1px solid #bbb; padding: 2px 5px; text-align: right; font-family: monospace; }
.cnn-grid { border-collapse: collapse; display: inline-table; margin-right: 14px; vertical-align: middle; }
`;

export default { render };
