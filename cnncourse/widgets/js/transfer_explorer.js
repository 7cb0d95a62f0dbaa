// Transfer explorer view, two experiments, each with its own control: the learning curves
// (pretrained features vs scratch, mean and spread over seeds) with the chosen number of labels
// marked; and the chosen strategy's table row and training loss.
// Reference: cnncourse/widgets/transfer_explorer.py (explore_transfer).

const COLOURS = { pretrained: "#1f77b4", scratch: "#d62728" };

// (mean, min, max) over the seeds of column i of a (seeds, points) list of lists.
export function spread(scores, i) {
  const column = scores.map((row) => row[i]);
  return [column.reduce((a, b) => a + b, 0) / column.length, Math.min(...column), Math.max(...column)];
}

// Python's f"{x:.1f}": x rounded to one decimal, a tie (exactly halfway, as 66.25) to the even
// digit; JavaScript's toFixed alone would round every tie up.
export function fixed1(x) {
  const [whole, fraction] = x.toFixed(40).split(".");  // the exact decimal expansion of x
  const tie = /^\d50*$/.test(fraction);
  return tie && Number(fraction[0]) % 2 === 0 ? `${whole}.${fraction[0]}` : x.toFixed(1);
}

// Python's f"{v:.1%}"
export const percent = (v) => `${fixed1(100 * v)}%`;

const patches = (count) => `${count} labelled patch${count !== 1 ? "es" : ""}`;

// The sentence under the learning curve (CurvePoint.sentence in Python).
export function sentence(curve, perClass, classes) {
  const i = curve.per_class.indexOf(perClass);
  const p = spread(curve.pretrained, i), s = spread(curve.scratch, i);
  const gain = p[0] - s[0];
  return `${patches(perClass)} per class (${perClass * classes} in all), test accuracy on the ` +
    `${curve.test_size} test patches, mean (min to max) over ${curve.pretrained.length} seeds: the linear ` +
    `head on the pretrained features ${percent(p[0])} (${percent(p[1])} to ${percent(p[2])}), the small CNN ` +
    `from scratch ${percent(s[0])} (${percent(s[1])} to ${percent(s[2])}): ${fixed1(Math.abs(gain) * 100)} ` +
    `points ${gain >= 0 ? "for" : "against"} transfer.`;
}

// The chosen row of the strategies' table in words (StrategyRow.sentence in Python).
export function rowSentence(row, classes) {
  return `${row.name}, trained on ${patches(Math.floor(row.train_size / classes))} per class ` +
    `(${row.train_size} in all), one seed: test accuracy ${percent(row.accuracy)} on the ${row.test_size} ` +
    `test patches, ${row.trainable.toLocaleString("en-US")} trainable parameters, ${fixed1(row.seconds)} s.`;
}

function svg(tag, attributes, text) {
  const node = element(tag, { svg: true, ...attributes });
  if (text !== undefined) node.textContent = text;
  return node;
}

function curveChart(curve, perClass) {
  const W = 420, H = 250, left = 46, right = 12, top = 14, bottom = 40;
  const xs = curve.per_class, lx = (k) => Math.log(k);
  const x = (k) => left + (W - left - right) * (lx(k) - lx(xs[0])) / Math.max(1e-9, lx(xs[xs.length - 1]) - lx(xs[0]));
  const y = (v) => top + (H - top - bottom) * (1 - v);
  const chart = svg("svg", { width: W, height: H, class: "cnn-curve", "font-size": 11, "font-family": "sans-serif" });
  for (const v of [0, 0.25, 0.5, 0.75, 1]) {
    chart.append(svg("line", { x1: left, x2: W - right, y1: y(v), y2: y(v), stroke: "#ddd" }),
      svg("text", { x: left - 4, y: y(v) + 4, "text-anchor": "end" }, `${v * 100}%`));
  }
  for (const k of xs) chart.append(svg("text", { x: x(k), y: H - bottom + 14, "text-anchor": "middle" }, String(k)));
  chart.append(svg("text", { x: (W + left) / 2, y: H - 6, "text-anchor": "middle" }, "labelled patches per class (log scale)"));
  for (const name of ["pretrained", "scratch"]) {
    const points = xs.map((k, i) => [x(k), spread(curve[name], i)]);
    const band = points.map(([px, s]) => `${px},${y(s[2])}`).concat(points.slice().reverse().map(([px, s]) => `${px},${y(s[1])}`));
    chart.append(svg("polygon", { points: band.join(" "), fill: COLOURS[name], "fill-opacity": 0.15 }),
      svg("polyline", { points: points.map(([px, s]) => `${px},${y(s[0])}`).join(" "), fill: "none",
        stroke: COLOURS[name], "stroke-width": 2 }));
    const i = xs.indexOf(perClass);
    chart.append(svg("circle", { cx: points[i][0], cy: y(points[i][1][0]), r: 5, fill: COLOURS[name], class: `cnn-mark-${name}` }));
  }
  chart.append(svg("text", { x: W - right, y: y(0.08), "text-anchor": "end", fill: COLOURS.pretrained }, "pretrained features + linear head"),
    svg("text", { x: W - right, y: y(0.02), "text-anchor": "end", fill: COLOURS.scratch }, "small CNN from scratch"));
  return chart;
}

function lossChart(losses) {
  const W = 260, H = 150, left = 40, bottom = 28, top = 12;
  const high = Math.max(...losses, 1e-9);
  const x = (i) => left + (W - left - 10) * (losses.length > 1 ? i / (losses.length - 1) : 0.5);
  const y = (v) => top + (H - top - bottom) * (1 - v / high);
  const chart = svg("svg", { width: W, height: H, "font-size": 11, "font-family": "sans-serif", class: "cnn-loss" });
  chart.append(svg("line", { x1: left, x2: W - 10, y1: y(0), y2: y(0), stroke: "#999" }),
    svg("text", { x: left - 4, y: y(high) + 4, "text-anchor": "end" }, high.toFixed(2)),
    svg("text", { x: left - 4, y: y(0) + 4, "text-anchor": "end" }, "0"),
    svg("text", { x: (W + left) / 2, y: H - 6, "text-anchor": "middle" }, `epoch (1 to ${losses.length})`),
    svg("polyline", { points: losses.map((v, i) => `${x(i)},${y(v)}`).join(" "), fill: "none", stroke: "#2ca02c",
      "stroke-width": 2 }));
  return chart;
}

// One experiment: a heading, its own control, its chart and its sentence.
function panel(title, controlElement, className) {
  const chart = element("div", { className: "cnn-pictures" });
  const words = element("p", { className: `cnn-caption ${className}` });
  const box = element("section", { className: `cnn-panel ${className}-panel` },
    element("h4", { textContent: title }), element("div", { className: "cnn-controls" }, controlElement), chart, words);
  return { box, chart, words };
}

function render({ model, el }) {
  el.classList.add("cnn-live");
  const rows = model.get("rows"), classes = model.get("classes"), curve = model.get("curve");
  const learning = panel("Learning curve: pretrained features + linear head vs a small CNN from scratch",
    control(model, "per_class", "labels per class", { options: curve.per_class }), "cnn-curve-words");
  const table = panel(`The strategies' table (${patches(Math.floor(rows[0].train_size / classes))} per class, ` +
    `${rows[0].train_size} in all, one seed)`,
    control(model, "strategy", "strategy", { options: rows.map((r) => r.name) }), "cnn-row");
  el.append(element("style", { textContent: STYLE }), learning.box, table.box);

  function drawCurve() {
    const perClass = model.get("per_class");
    learning.chart.replaceChildren(element("figure", {}, curveChart(curve, perClass), element("figcaption", {
      textContent: `test accuracy on the ${curve.test_size} test patches; band: min to max over ` +
        `${curve.pretrained.length} seeds` })));
    learning.words.textContent = sentence(curve, perClass, classes);
  }
  function drawRow() {
    const chosen = rows.find((r) => r.name === model.get("strategy"));
    table.chart.replaceChildren(element("figure", {}, lossChart(chosen.train_loss),
      element("figcaption", { textContent: `${chosen.name}: training loss per epoch` })));
    table.words.textContent = rowSentence(chosen, classes);
  }
  model.on("change:per_class", drawCurve);
  model.on("change:strategy", drawRow);
  drawCurve();
  drawRow();
}

const STYLE = `
.cnn-pictures { display: flex; flex-wrap: wrap; gap: 16px; align-items: flex-start; }
.cnn-pictures figure { margin: 0; }
.cnn-controls { display: flex; flex-wrap: wrap; gap: 12px; margin-bottom: 6px; }
.cnn-panel { border-top: 1px solid #ddd; padding-top: 4px; margin-bottom: 8px; }
.cnn-panel h4 { margin: 4px 0; font-size: 1em; }
`;

export default { render };
