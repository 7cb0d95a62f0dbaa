// Activation explorer: each activation next to its derivative, with the flat parts shaded, computed
// in the browser. The Python reference is cnncourse.functional.activations and
// cnncourse.widgets.activation_explorer (explore_activations, describe_flat).

// erfc(z) to double precision: a positive series for |z| < 3, a continued fraction beyond.
export function erfc(z) {
  if (z < 0) return 2 - erfc(-z);
  if (z < 3) {
    let term = z, sum = z;
    for (let n = 1; n < 200 && term > 1e-17 * sum; n++) { term *= 2 * z * z / (2 * n + 1); sum += term; }
    return 1 - 2 / Math.sqrt(Math.PI) * Math.exp(-z * z) * sum;
  }
  let f = z;
  for (let n = 60; n >= 1; n--) f = z + (n / 2) / f;
  return Math.exp(-z * z) / Math.sqrt(Math.PI) / f;
}

const normalCdf = x => 0.5 * erfc(-x * Math.SQRT1_2);
const sigmoid = x => { const e = Math.exp(-Math.abs(x)); return (x >= 0 ? 1 : e) / (1 + e); };

// [f(x), f'(x)] for each activation, with torch's choices at the kinks (as the Python reference).
export const ACTIVATION_FUNCTIONS = {
  relu: x => [Math.max(x, 0), x > 0 ? 1 : 0],
  relu6: x => [Math.min(Math.max(x, 0), 6), x > 0 && x < 6 ? 1 : 0],
  softplus: x => [Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x))), sigmoid(x)],
  sigmoid: x => { const y = sigmoid(x); return [y, y * (1 - y)]; },
  tanh: x => { const t = Math.tanh(x); return [t, 1 - t * t]; },
  leaky_relu: x => [x > 0 ? x : 0.01 * x, x > 0 ? 1 : 0.01],
  elu: x => [x > 0 ? x : Math.expm1(Math.min(x, 0)), x > 0 ? 1 : Math.exp(Math.min(x, 0))],
  gelu: x => {
    const z = Math.min(Math.abs(x), 40);
    return [x * normalCdf(x), normalCdf(x) + x / Math.sqrt(2 * Math.PI) * Math.exp(-0.5 * z * z)];
  },
  silu: x => { const y = sigmoid(x); return [x * y, y * (1 + x * (1 - y))]; },
};

// numpy.linspace(lo, hi, n).
export function linspace(lo, hi, n) {
  const step = (hi - lo) / (n - 1);
  const x = Array.from({length: n}, (_, i) => lo + i * step);
  x[n - 1] = hi;
  return x;
}

// The maximal runs of samples where |dy| < threshold, as [[x_start, x_end], ...].
export function flatIntervals(x, dy, threshold) {
  const runs = [];
  let start = null;
  dy.forEach((d, i) => {
    const flat = Math.abs(d) < threshold;
    if (flat && start === null) start = i;
    if (!flat && start !== null) { runs.push([x[start], x[i - 1]]); start = null; }
  });
  if (start !== null) runs.push([x[start], x[x.length - 1]]);
  return runs;
}

// Each named activation sampled on `points` values of [xMin, xMax]: {x, curves: [{name, y, dy, flat}]}.
export function exploreActivations(names, xMin, xMax, threshold, points) {
  const x = linspace(xMin, xMax, points);
  return {x, curves: names.map(name => {
    const pairs = x.map(ACTIVATION_FUNCTIONS[name]);
    const dy = pairs.map(p => p[1]);
    return {name, y: pairs.map(p => p[0]), dy, flat: flatIntervals(x, dy, threshold)};
  })};
}

export function describeFlat(curve, threshold) {
  const t = formatG(threshold, 6);
  if (!curve.flat.length) return `${curve.name}: |f'(x)| \u2265 ${t} everywhere shown`;
  const spans = curve.flat.map(([a, b]) => (a !== b ? `${formatF(a)} to ${formatF(b)}` : formatF(a))).join(", ");
  return `${curve.name}: |f'(x)| < ${t} for x in ${spans}`;
}

function render({model, el}) {
  el.classList.add("cnn-explorer");  // the same hook under every renderer (book, JupyterLab)
  const colours = model.get("colours"), descriptions = model.get("descriptions");
  const names = model.get("names");  // a list: the saved state keeps no key order
  const set = (name, value) => { model.set(name, value); model.save_changes(); };  // the change event redraws
  const controls = {
    functions: select("functions", "functions", names.map(n => [n, n]), model.get("functions"),
                      v => set("functions", names.filter(n => v.includes(n))), true),
    threshold: slider("threshold", "flat below", 0, 0.5, 0.01, model.get("threshold"), v => set("threshold", v)),
    x_min: slider("x_min", "x from", -10, 9.5, 0.5, model.get("x_min"), v => set("x_min", Math.min(v, model.get("x_max") - 0.5))),
    x_max: slider("x_max", "x to", -9.5, 10, 0.5, model.get("x_max"), v => set("x_max", Math.max(v, model.get("x_min") + 0.5))),
  };
  const charts = h("div", {class: "cnn-charts", style: "display:flex;flex-wrap:wrap;gap:8px"});
  const notes = h("div", {class: "cnn-notes"});
  el.append(h("div", {style: "display:flex;flex-wrap:wrap;gap:12px;align-items:flex-start"},
              [controls.functions.el, h("div", {}, [controls.threshold.el, h("br"), controls.x_min.el, h("br"), controls.x_max.el])]),
            charts, notes);

  function draw() {
    const threshold = model.get("threshold"), xMin = model.get("x_min"), xMax = model.get("x_max");
    for (const name of ["functions", "threshold", "x_min", "x_max"]) controls[name].set(model.get(name));
    const view = exploreActivations(model.get("functions"), xMin, xMax, threshold, model.get("points"));
    const bands = view.curves.flatMap(c => c.flat.map(([start, end]) => ({start, end, colour: colours[c.name]})));
    const ends = [view.x[0], view.x[view.x.length - 1]];
    const limits = threshold > 0 ? [threshold, -threshold].map(y => ({x: ends, y: [y, y], label: "", colour: "#999", dashed: true})) : [];
    const width = model.get("chart_width");
    // no legend inside the charts, where a curve could run through it: the notes below name each
    // function in its colour
    const flat = threshold > 0 ? `flat parts (|f'| < ${formatG(threshold, 6)}, dashed) shaded` : "no threshold";
    charts.replaceChildren(
      lineChart({lines: view.curves.map(c => ({x: view.x, y: c.y, label: "", colour: colours[c.name]})),
                 title: "f(x)", xLabel: "x", yLabel: "f(x)", bands, width}),
      lineChart({lines: view.curves.map(c => ({x: view.x, y: c.dy, label: "", colour: colours[c.name]})).concat(limits),
                 title: `f'(x), ${flat}`, xLabel: "x", yLabel: "f'(x)", bands, width}));
    notes.replaceChildren(...view.curves.map(c => h("div", {}, [
      h("b", {style: `color:${colours[c.name]}`, text: c.name}), describeFlat(c, threshold).slice(c.name.length) + " ",
      h("span", {style: "color:#666", text: `(${descriptions[c.name]})`})])));
  }
  draw();
  model.on("change", draw);  // a change from any side (these controls, the kernel) redraws
}

export default {render};
