// Architecture explorer: a model's stage table and parameter bars, and the accuracy-against-cost
// bubble chart of the zoo. Profiles need PyTorch, so Python carries them (models, points); the
// browser draws. The Python reference is cnncourse.widgets.architecture_explorer.

const shapeText = (shape) => shape.join(" x ");

// [tag, attributes, text] rows -> an SVG element that scales down to the width available.
function svgOf(width, height, fontSize, parts) {
  const svg = s("svg", {viewBox: `0 0 ${width} ${height}`, width, height, "font-family": "sans-serif",
                        "font-size": fontSize, style: "max-width:100%;height:auto"});
  for (const [tag, attrs, text = null] of parts) svg.append(s(tag, attrs, text));
  return svg;
}

export function stageTable(model) {
  const cell = (tag, text, bold = false) => h(tag, {}, bold ? [h("b", {text})] : [text]);
  return h("table", {class: "cnn-zoo"}, [
    h("tr", {}, ["stage", "output shape", "parameters", "MACs"].map(t => cell("th", t))),
    ...model.stages.map(([name, shape, params, macs]) =>
      h("tr", {}, [cell("td", name), cell("td", shapeText(shape)), cell("td", formatInt(params)), cell("td", formatInt(macs))])),
    h("tr", {}, [cell("td", "total", true), cell("td", `input ${shapeText(model.input_shape)}`),
                 cell("td", formatInt(model.params), true), cell("td", formatInt(model.macs), true)]),
  ]);
}

export function stageBars(model, width = 420, barHeight = 16) {
  const biggest = Math.max(Math.max(...model.stages.map(r => r[2])), 1);
  const left = 110, height = 30 + barHeight * model.stages.length;
  const parts = [["text", {x: Math.round(width / 2), y: 14, "text-anchor": "middle", "font-size": 12},
                  `${model.name}: parameters per stage`]];
  model.stages.forEach(([name, , params], i) => {
    const y = 22 + i * barHeight, length = (width - left - 90) * params / biggest;
    parts.push(["text", {x: left - 4, y: y + barHeight - 5, "text-anchor": "end"}, name],
               ["rect", {x: left, y: y + 2, width: length.toFixed(1), height: barHeight - 4, fill: PALETTE[0]}],
               ["text", {x: (left + length + 4).toFixed(1), y: y + barHeight - 5}, formatInt(params)]);
  });
  return svgOf(width, height, 11, parts);
}

// Python's nice_ticks: about `count` round values (1, 2 or 5 times a power of ten) in [lo, hi].
function pyNiceTicks(lo, hi, count = 5) {
  if (!(hi > lo)) return [lo];
  const power = 10 ** Math.floor(Math.log10((hi - lo) / count));
  const step = [1, 2, 5, 10].map(m => m * power).find(st => (hi - lo) / st <= count + 2);
  const first = Math.ceil(lo / step - 1e-9) * step, n = Math.ceil((hi + step * 1e-9 - first) / step);
  return Array.from({length: Math.max(n, 0)}, (_, i) => first + i * step + 0);
}

// Python's label_places: each bubble's name right of it, else left, above or below, where it
// covers no name placed before it and stays in box = [left, top, right, bottom]; null if none fits.
const [LABEL_CHAR_PX, LABEL_ASCENT, LABEL_DESCENT] = [5.6, 8, 2];
export function labelPlaces(bubbles, box) {
  const placed = [];
  return bubbles.map(([x, y, radius, text]) => {
    const width = LABEL_CHAR_PX * text.length;
    const candidates = [[x + radius + 2, y + 3, "start"], [x - radius - 2, y + 3, "end"],
                        [x, y - radius - 3, "middle"], [x, y + radius + 10, "middle"]];
    for (const [tx, ty, anchor] of candidates) {
      const x0 = tx - {start: 0, end: width, middle: width / 2}[anchor];
      const rect = [x0, ty - LABEL_ASCENT, x0 + width, ty + LABEL_DESCENT];
      const inside = box[0] <= rect[0] && rect[2] <= box[2] && box[1] <= rect[1] && rect[3] <= box[3];
      if (inside && !placed.some(o => rect[0] < o[2] && o[0] < rect[2] && rect[1] < o[3] && o[1] < rect[3])) {
        placed.push(rect);
        return [tx, ty, anchor];
      }
    }
    return null;
  });
}

export function comparisonChart(points, xAxis = "macs", width = 620, height = 360) {
  const shown = points.filter(p => p[xAxis] !== null && p[xAxis] !== undefined);
  const xs = shown.length ? shown.map(p => Math.log10(xAxis === "macs" ? p.macs / 1e6 : p.latency_ms)) : [0];
  const ys = shown.length ? shown.map(p => p.top1) : [50];
  const xLo = Math.floor(Math.min(...xs) * 4) / 4 - 0.1, xHi = Math.ceil(Math.max(...xs) * 4) / 4 + 0.1;
  const yLo = Math.floor(Math.min(...ys)) - 2, yHi = Math.ceil(Math.max(...ys)) + 2;
  const [left, right, top, bottom] = [50, 20, 28, 40];
  const px = x => left + (x - xLo) / (xHi - xLo) * (width - left - right);
  const py = y => top + (yHi - y) / (yHi - yLo) * (height - top - bottom);
  const label = xAxis === "macs" ? "MACs (millions)" : "CPU latency, batch 1 (ms, measured here)";
  const parts = [["text", {x: Math.round(width / 2), y: 16, "text-anchor": "middle", "font-size": 12},
                  "ImageNet top-1 against cost (bubble area: parameters)"]];
  for (let power = Math.ceil(xLo); power <= Math.floor(xHi); power++) {
    parts.push(["line", {x1: px(power), y1: top, x2: px(power), y2: height - bottom, stroke: "#ddd"}],
               ["text", {x: px(power), y: height - bottom + 13, "text-anchor": "middle"}, formatG(10 ** power, 6)]);
  }
  for (const tick of pyNiceTicks(yLo, yHi)) {
    parts.push(["line", {x1: left, y1: py(tick), x2: width - right, y2: py(tick), stroke: "#ddd"}],
               ["text", {x: left - 4, y: py(tick) + 3, "text-anchor": "end"}, formatG(tick, 6)]);
  }
  parts.push(["text", {x: Math.round(width / 2), y: height - 6, "text-anchor": "middle"}, `${label}, log scale`],
             ["text", {x: 12, y: Math.round(height / 2), transform: `rotate(-90 12 ${Math.round(height / 2)})`,
                       "text-anchor": "middle"}, "top-1 %"]);
  const svg = svgOf(width, height, 10, parts);
  const radii = shown.map(p => 3 + 14 * Math.sqrt(p.params / 150e6));
  const places = labelPlaces(shown.map((p, i) => [px(xs[i]), py(ys[i]), radii[i], p.name]),
                             [left, top, width - right, height - bottom]);
  shown.forEach((p, i) => {
    const circle = s("circle", {cx: px(xs[i]), cy: py(ys[i]), r: radii[i].toFixed(1), fill: PALETTE[i % PALETTE.length],
                                "fill-opacity": 0.45});
    circle.append(s("title", {}, `${p.name}: ${formatInt(p.params)} parameters`));
    svg.append(circle);
    if (places[i]) svg.append(s("text", {x: places[i][0], y: places[i][1], "text-anchor": places[i][2]}, p.name));
  });
  return svg;
}

function render({model, el}) {
  el.classList.add("cnn-explorer");  // the same hook under every renderer (book, JupyterLab)
  const models = Object.fromEntries(model.get("models").map(m => [m.name, m]));
  const set = (name, value) => { model.set(name, value); model.save_changes(); };  // the change event redraws
  const menu = select("model", "model", Object.keys(models).map(n => [n, n]), model.get("model"), v => set("model", v));
  const axis = toggles("x_axis", "x axis", model.get("x_axes"), model.get("x_axis"), v => set("x_axis", v));
  const table = h("div", {class: "cnn-table", style: "overflow-x:auto;max-width:100%"});
  const bars = h("div", {class: "cnn-bars", style: "flex:1 1 320px;min-width:0"});
  const comparison = h("div", {class: "cnn-comparison"});
  el.append(h("style", {text: ".cnn-zoo td,.cnn-zoo th{border:1px solid #ccc;padding:2px 8px;text-align:right}" +
                              ".cnn-zoo td:first-child{text-align:left}.cnn-zoo{border-collapse:collapse}"}),
            menu.el, h("div", {style: "display:flex;flex-wrap:wrap;gap:12px;align-items:flex-start"}, [table, bars]),
            axis.el, comparison);

  function draw() {
    const chosen = models[model.get("model")];
    menu.set(model.get("model")); axis.set(model.get("x_axis"));
    table.replaceChildren(stageTable(chosen));
    bars.replaceChildren(stageBars(chosen));
    comparison.replaceChildren(comparisonChart(model.get("chart_points"), model.get("x_axis")));
  }
  draw();
  model.on("change", draw);  // a change from any side (these controls, the kernel) redraws
}

export default {render};
