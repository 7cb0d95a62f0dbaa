// Gradient flow explorer: the gradient reaching each layer, for the chosen depth, weight scale and
// activations. The norms need PyTorch, so Python computed them for every depth and scale offered
// (cnncourse.widgets.gradient_flow_explorer.gradient_flow_table); the browser picks and draws.

// The (depth,) gradient norms of one activation at one depth and scale, from the packed table:
// log10 norms of every (activation, scale, depth) concatenated, depth after depth.
export function flowNorms(logNorms, names, scales, depths, name, scale, depth) {
  const a = names.indexOf(name), si = scales.indexOf(scale), di = depths.indexOf(depth);
  const perScale = depths.reduce((t, d) => t + d, 0);
  const start = (a * scales.length + si) * perScale + depths.slice(0, di).reduce((t, d) => t + d, 0);
  return Array.from(logNorms.subarray(start, start + depth), v => 10 ** v);
}

export function flowNote(name, norms, depth) {
  return `${name}: layer 1 gets ${formatE(norms[0] / norms[depth - 1], 1)} times the gradient of layer ${depth}`;
}

function render({model, el}) {
  el.classList.add("cnn-explorer");  // the same hook under every renderer (book, JupyterLab)
  const names = model.get("names"), scales = model.get("scales"), depths = model.get("depths");
  const logNorms = unpack(model.get("log_norms")), colours = model.get("colours"), width = model.get("width");
  const set = (name, value) => { model.set(name, value); model.save_changes(); };  // the change event redraws
  const depthSlider = slider("depth", "depth", 0, depths.length - 1, 1, depths.indexOf(model.get("depth")), i => set("depth", depths[i]));
  const scaleSlider = slider("scale", "weights \u00d7", 0, scales.length - 1, 1, scales.indexOf(model.get("scale")), i => set("scale", scales[i]));
  const functions = select("functions", "functions", names.map(n => [n, n]), model.get("functions"),
                           v => set("functions", names.filter(n => v.includes(n))), true);
  const chart = h("div", {class: "cnn-chart"}), notes = h("div", {class: "cnn-notes"});
  el.append(h("div", {style: "display:flex;flex-wrap:wrap;gap:12px;align-items:flex-start"},
              [functions.el, h("div", {}, [depthSlider.el, h("br"), scaleSlider.el])]), chart, notes);

  function draw() {
    const depth = model.get("depth"), scale = model.get("scale"), chosen = model.get("functions");
    depthSlider.input.dataset.readout = depth; depthSlider.set(depths.indexOf(depth));
    scaleSlider.input.dataset.readout = scale; scaleSlider.set(scales.indexOf(scale));
    functions.set(chosen);
    const layers = Array.from({length: depth}, (_, i) => i + 1);
    const norms = chosen.map(name => flowNorms(logNorms, names, scales, depths, name, scale, depth));
    chart.replaceChildren(lineChart({
      // unlabelled: the notes below name each function in its colour, where no curve runs through them
      lines: chosen.map((name, i) => ({x: layers, y: norms[i], label: "", colour: colours[name]})),
      title: `gradient reaching each layer: ${depth} layers of width ${width}, weights x${formatG(scale, 6)}`,
      xLabel: "layer (1 = next to the input)", yLabel: "gradient norm (log scale)", logY: true, width: 600, height: 300}));
    notes.replaceChildren(...chosen.map((name, i) => h("div", {}, [
      h("b", {style: `color:${colours[name]}`, text: name}), flowNote(name, norms[i], depth).slice(name.length)])));
  }
  draw();
  model.on("change", draw);  // a change from any side (these controls, the kernel) redraws
}

export default {render};
