// Normalization explorer: one channel's activations in a batch before and after batch
// normalization, training mode (batch statistics) or evaluation mode (running statistics),
// looked up among the results Python computed for every batch size and mode
// (cnncourse.widgets.normalization_explorer.explore_normalization is the reference).

// A strip of dots on an axis from lo to hi, with a line at `mean` and a band of +-`std` around it.
function strip(values, lo, hi, mean, std, title, colour, width = 560, height = 70) {
  const [L, R] = [40, 16];
  const px = v => L + (Math.min(Math.max(v, lo), hi) - lo) / (hi - lo) * (width - L - R);
  const svg = s("svg", {viewBox: `0 0 ${width} ${height}`, width, height, "font-family": "sans-serif", "font-size": 11,
                        style: "max-width:100%;height:auto"});
  svg.append(s("text", {x: 4, y: 14}, title));
  svg.append(s("rect", {x: px(mean - std), y: 22, width: Math.max(px(mean + std) - px(mean - std), 1), height: 26,
                        fill: colour, "fill-opacity": 0.12}));
  svg.append(s("line", {x1: L, y1: 48, x2: width - R, y2: 48, stroke: "#999"}));
  for (let t = Math.ceil(lo); t <= hi; t += 1) {
    svg.append(s("line", {x1: px(t), y1: 48, x2: px(t), y2: 52, stroke: "#999"}));
    svg.append(s("text", {x: px(t), y: 64, "text-anchor": "middle"}, String(t)));
  }
  svg.append(s("line", {x1: px(mean), y1: 20, x2: px(mean), y2: 50, stroke: colour, "stroke-width": 2}));
  values.forEach((v, i) => svg.append(s("circle", {cx: px(v), cy: 28 + (i % 5) * 4, r: 3, fill: colour, "fill-opacity": 0.7})));
  return svg;
}

function render({model, el}) {
  const sizes = model.get("batch_sizes");
  const set = (name, value) => { model.set(name, value); model.save_changes(); draw(); };
  const size = slider("batch_size", "batch size", 0, sizes.length - 1, 1, sizes.indexOf(model.get("batch_size")),
                      i => set("batch_size", sizes[i]));
  const mode = toggles("training", "mode", [[true, "training"], [false, "evaluation"]], model.get("training"),
                       v => set("training", v === true || v === "true"));
  const pictures = h("div", {class: "cnn-strips"});
  const notes = h("div", {class: "cnn-notes", style: "margin-top:4px;font-family:monospace;white-space:pre"});
  el.append(h("div", {style: "display:flex;flex-wrap:wrap"}, [size.el, mode.el]), pictures, notes);

  function draw() {
    const batchSize = model.get("batch_size"), training = model.get("training");
    size.input.dataset.readout = String(batchSize); size.set(sizes.indexOf(batchSize)); mode.set(training);
    const r = model.get("results")[`${batchSize}|${training ? "train" : "eval"}`];
    pictures.replaceChildren(
      strip(r.x, -1, 13, r.batch_mean, Math.sqrt(r.batch_var), "before: activations of the batch (line: batch mean, band: +-1 std)", PALETTE[0]),
      strip(r.y, -4, 4, r.output_mean, r.output_std, "after batch norm (line: mean of the output, band: +-1 std)", PALETTE[1]));
    const used = training ? "the batch's own statistics" : "the running statistics";
    notes.textContent =
      `batch statistics:   mean ${formatF(r.batch_mean, 3)}  variance ${formatF(r.batch_var, 3)}\n` +
      `running statistics: mean ${formatF(r.running_mean, 3)}  variance ${formatF(r.running_var, 3)}\n` +
      `normalized with ${used}: output mean ${formatF(r.output_mean, 3)}, std ${formatF(r.output_std, 3)}`;
  }
  draw();
}

export default {render};
