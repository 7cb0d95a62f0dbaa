// Pooling explorer: max or average pooling of a grid of numbers and of a photo, in the browser.
// The Python reference is cnncourse.widgets.pooling_explorer (explore_pooling, pooling_html).

// The largest value each control may take for a rows x cols grid (as the Python explorer clamps them).
export function poolingLimits(rows, cols, k, stride, padding) {
  const kernel = Math.min(5, rows, cols);
  k = Math.min(k, kernel);
  const pad = Math.floor(k / 2);
  padding = Math.min(padding, pad);
  return {kernel_size: kernel, padding: pad,
          row: Math.floor((rows + 2 * padding - k) / stride), col: Math.floor((cols + 2 * padding - k) / stride)};
}

// One output value explained: the window (padded coordinates), its values and the winner.
export function explainPooling(grid, k, stride, padding, mode, row, col) {
  const rows = grid.length, cols = grid[0].length;
  const padded = [];
  for (let i = -padding; i < rows + padding; i++) {
    const line = [];
    for (let j = -padding; j < cols + padding; j++) {
      const inside = i >= 0 && i < rows && j >= 0 && j < cols;
      line.push(inside ? grid[i][j] : (mode === "max" ? -Infinity : 0));
    }
    padded.push(line);
  }
  const pooled = pool2d(grid.flat(), rows, cols, k, stride, padding, mode);
  const top = row * stride, left = col * stride, window = [];
  let winner = null;
  for (let i = top; i < top + k; i++) {
    for (let j = left; j < left + k; j++) {
      window.push(padded[i][j]);
      if (mode === "max" && (winner === null || padded[i][j] > padded[winner[0]][winner[1]])) winner = [i, j];
    }
  }
  return {padded, output: pooled, top, left, window, winner, value: pooled.values[row * pooled.cols + col]};
}

const DISPLAY_ZOOM = 2;  // photos are shown with their pixels doubled

const number = v => (v === -Infinity ? "\u2212\u221e" : formatG(v));

function table(array, caption, cellStyle) {
  return h("table", {class: "cnn-pool"}, [h("caption", {text: caption})].concat(array.map((line, i) =>
    h("tr", {}, line.map((v, j) => h("td", {style: cellStyle(i, j), text: number(v)}))))));
}

export function photoCaption(name, rows, cols, outRows, outCols, k, stride, padding, mode) {
  // rounded half to even, as Python's round() and format(v, ".0f") round (2.5 -> 2), not half up
  const zoom = Math.max(1, Number(formatF(rows / outRows, 0)));
  const share = formatF(100 * outRows * outCols / (rows * cols), 0);
  return `${name}: ${rows}x${cols} \u2192 ${outRows}x${outCols} after ${k}x${k} ${mode} pooling, stride ${stride}, ` +
         `padding ${padding}: ${share}% of the values` + (zoom > 1 ? ` (shown enlarged ${zoom}x)` : "");
}

function render({model, el}) {
  el.classList.add("cnn-explorer");  // the same hook under every renderer (book, JupyterLab)
  const photos = {};
  for (const [name, packed] of Object.entries(model.get("photos"))) {
    const bytes = unpack(packed);
    photos[name] = {rows: packed.shape[0], cols: packed.shape[1], values: Float64Array.from(bytes, b => b / 255)};
  }
  const set = (name, value) => { model.set(name, value); model.save_changes(); };  // the change event redraws
  const grids = model.get("grids");
  const controls = {
    grid: select("grid", "numbers", Object.keys(grids).map(g => [g, g]), model.get("grid"), v => set("grid", v)),
    mode: toggles("mode", "pooling", [["max", "max"], ["average", "average"]], model.get("mode"), v => set("mode", v)),
    kernel_size: slider("kernel_size", "window", 1, 5, 1, model.get("kernel_size"), v => set("kernel_size", v)),
    stride: slider("stride", "stride", 1, 4, 1, model.get("stride"), v => set("stride", v)),
    padding: slider("padding", "padding", 0, 2, 1, model.get("padding"), v => set("padding", v)),
    row: slider("row", "output row", 0, 0, 1, model.get("row"), v => set("row", v)),
    col: slider("col", "output col", 0, 0, 1, model.get("col"), v => set("col", v)),
    photo: select("photo", "photo", Object.keys(photos).map(p => [p, p]), model.get("photo"), v => set("photo", v)),
  };
  const numbers = h("div", {class: "cnn-numbers"});
  const caption = h("div", {class: "cnn-caption", style: "margin:4px 0"});
  const original = h("canvas", {class: "cnn-photo"}), pooled = h("canvas", {class: "cnn-pooled"});
  const column = (title, child) => h("div", {style: "display:inline-block;margin-right:12px;vertical-align:top"},
                                      [h("div", {style: "font-weight:bold", text: title}), child]);
  el.append(h("style", {text: ".cnn-pool td{border:1px solid #bbb;padding:2px 6px;text-align:right;" +
    "font-family:monospace;min-width:2.2em}.cnn-pool{border-collapse:collapse;display:inline-table;" +
    "margin-right:18px;vertical-align:middle}"}),
    h("div", {}, [controls.grid.el, controls.mode.el]),
    h("div", {}, [controls.kernel_size.el, controls.stride.el, controls.padding.el]),
    h("div", {}, [controls.row.el, controls.col.el]),
    numbers, h("div", {}, [controls.photo.el]), caption,
    h("div", {style: "overflow-x:auto"}, [column("photo", original), column("pooled", pooled)]));

  // Clamp the controls as the Python explorer does, then recompute and redraw everything.
  function draw() {
    const grid = grids[model.get("grid")];
    const rows = grid.length, cols = grid[0].length;
    let k = model.get("kernel_size"), stride = model.get("stride"), padding = model.get("padding");
    let limits = poolingLimits(rows, cols, k, stride, padding);
    k = Math.min(k, limits.kernel_size); padding = Math.min(padding, limits.padding);
    const row = Math.min(model.get("row"), limits.row), col = Math.min(model.get("col"), limits.col);
    const clamped = {kernel_size: k, padding, row, col};
    if (Object.entries(clamped).some(([name, v]) => model.get(name) !== v)) {
      for (const [name, v] of Object.entries(clamped)) model.set(name, v);
      model.save_changes();
    }
    const mode = model.get("mode");
    controls.grid.set(model.get("grid")); controls.mode.set(mode); controls.photo.set(model.get("photo"));
    controls.kernel_size.set(k, 1, limits.kernel_size); controls.stride.set(stride);
    controls.padding.set(padding, 0, limits.padding);
    controls.row.set(row, 0, limits.row); controls.col.set(col, 0, limits.col);

    const view = explainPooling(grid, k, stride, padding, mode, row, col);
    const inGrid = (i, j) => i >= padding && i < padding + rows && j >= padding && j < padding + cols;
    const inputStyle = (i, j) => [
      inGrid(i, j) ? "" : "color:#999;background:#f1f1f1",
      view.top <= i && i < view.top + k && view.left <= j && j < view.left + k ? "background:#ffe08a" : "",
      view.winner && view.winner[0] === i && view.winner[1] === j ? "outline:2px solid #d62728;font-weight:bold" : "",
    ].filter(Boolean).join(";");
    const outLines = [];
    for (let i = 0; i < view.output.rows; i++) outLines.push([...view.output.values.slice(i * view.output.cols, (i + 1) * view.output.cols)]);
    const how = mode === "max" ? "max" : "mean";
    numbers.replaceChildren(
      table(view.padded, padding ? `input, padding ${padding}` : "input", inputStyle), " \u2192 ",
      table(outLines, "output", (i, j) => (i === row && j === col ? "background:#ffe08a;font-weight:bold" : "")),
      h("p", {}, [`output[${row}, ${col}] = ${how}(${view.window.map(number).join(", ")}) = `,
                  h("b", {text: number(view.value)})]));

    const photo = photos[model.get("photo")];
    const out = pool2d(photo.values, photo.rows, photo.cols, k, stride, padding, mode);
    drawGrey(original, photo.values, photo.rows, photo.cols, DISPLAY_ZOOM);
    drawGrey(pooled, out.values, out.rows, out.cols, DISPLAY_ZOOM * Math.max(1, Math.round(photo.rows / out.rows)));
    caption.textContent = photoCaption(model.get("photo"), photo.rows, photo.cols, out.rows, out.cols, k, stride, padding, mode);
  }
  draw();
  model.on("change", draw);  // a change from any side (these controls, the kernel) redraws
}

export default {render};
