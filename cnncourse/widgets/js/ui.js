// Helpers of the chapter 3-7 explorers, after js/_live.js: control rows (multi-select, toggle
// buttons, sliders over a list of values), Python's number formats, and SVG line charts.

const SVG_NS = "http://www.w3.org/2000/svg";
const PALETTE = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2",
                 "#17becf", "#7f7f7f"];

function h(tag, attrs = {}, children = []) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "style") el.style.cssText = v; else if (k === "text") el.textContent = v;
    else el.setAttribute(k, v);
  }
  for (const c of [].concat(children)) el.append(c);
  return el;
}

function s(tag, attrs = {}, text = null) {
  const el = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  if (text !== null) el.textContent = text;
  return el;
}

// A labelled control row; `input` is the element the user operates.
function labelled(label, input, readout = null) {
  return h("label", {class: "cnn-control", style: "display:inline-flex;align-items:center;gap:6px;margin:2px 12px 2px 0"},
           [h("span", {style: "min-width:5.5em;text-align:right", text: label}), input].concat(readout ? [readout] : []));
}

function slider(name, label, min, max, step, value, onchange) {
  const input = h("input", {type: "range", min, max, step, value, "data-trait": name});
  const readout = h("span", {style: "min-width:3em;font-family:monospace"});
  const show = () => { readout.textContent = input.dataset.readout || input.value; };
  input.addEventListener("input", () => { show(); onchange(Number(input.value)); });
  const el = labelled(label, input, readout);
  return {el, input, set(v, lo = null, hi = null) {
    if (lo !== null) input.min = lo;
    if (hi !== null) input.max = hi;
    input.value = v; show();
  }, show};
}

function select(name, label, options, value, onchange, multiple = false) {
  const input = h("select", {"data-trait": name});
  if (multiple) { input.multiple = true; input.size = options.length; }
  for (const [v, text] of options) input.append(h("option", {value: String(v), text: String(text)}));
  input.addEventListener("change", () => onchange(multiple ? [...input.selectedOptions].map(o => o.value) : input.value));
  const set = (v) => {
    const chosen = new Set([].concat(v).map(String));
    for (const o of input.options) o.selected = chosen.has(o.value);
  };
  set(value);
  return {el: labelled(label, input), input, set};
}

function toggles(name, label, options, value, onchange) {
  const box = h("span", {"data-trait": name, style: "display:inline-flex"});
  const buttons = options.map(([v, text]) => {
    const b = h("button", {type: "button", "data-value": String(v), text: String(text),
                           style: "padding:2px 10px;border:1px solid #999;margin-right:-1px;cursor:pointer"});
    b.addEventListener("click", () => { set(v); onchange(v); });
    box.append(b);
    return [v, b];
  });
  const set = (current) => {
    for (const [v, b] of buttons) {
      const on = String(v) === String(current);
      b.style.background = on ? "#1f77b4" : "#f4f4f4"; b.style.color = on ? "white" : "black";
      b.setAttribute("aria-pressed", String(on));
    }
  };
  set(value);
  return {el: labelled(label, box), input: box, set};
}

// The first `digits` significant decimal digits of |v| (0 < |v| < 1e21), rounded half to even from
// its exact expansion as Python rounds: [digit string, exponent of the first digit].
function roundDigits(abs, digits) {
  const [whole, fraction] = abs.toFixed(100).split(".");
  const all = (whole + fraction).replace(/^0+/, "");
  const exponent = whole.length - (whole + fraction).length + all.length - 1;
  let n = BigInt(all.slice(0, digits));
  const rest = all.slice(digits);
  if (rest[0] > "5" || (rest[0] === "5" && (/[1-9]/.test(rest.slice(1)) || n % 2n === 1n))) n += 1n;
  const text = n.toString().padEnd(digits, "0");
  return text.length > digits ? [text.slice(0, digits), exponent + 1] : [text, exponent];
}

// Python's format(v, ".<d>f").
export function formatF(v, d = 2) {
  if (!Number.isFinite(v)) return Number.isNaN(v) ? "nan" : (v > 0 ? "inf" : "-inf");
  const [whole, fraction] = Math.abs(v).toFixed(100).split(".");
  let n = BigInt(whole + fraction.slice(0, d));
  const rest = fraction.slice(d);
  if (rest[0] > "5" || (rest[0] === "5" && (/[1-9]/.test(rest.slice(1)) || n % 2n === 1n))) n += 1n;
  const text = n.toString().padStart(d + 1, "0");
  return (v < 0 || Object.is(v, -0) ? "-" : "") + (d ? `${text.slice(0, -d)}.${text.slice(-d)}` : text);
}

function exponentForm(sign, mantissa, power) {
  return `${sign}${mantissa}e${power < 0 ? "-" : "+"}${String(Math.abs(power)).padStart(2, "0")}`;
}

// Python's format(v, ".<d>e") (e.g. 1.2e-05).
export function formatE(v, d = 1) {
  if (!Number.isFinite(v)) return Number.isNaN(v) ? "nan" : (v > 0 ? "inf" : "-inf");
  const sign = v < 0 || Object.is(v, -0) ? "-" : "";
  const [text, power] = v === 0 ? ["0".repeat(d + 1), 0] : roundDigits(Math.abs(v), d + 1);
  return exponentForm(sign, d ? `${text[0]}.${text.slice(1)}` : text, v === 0 ? 0 : power);
}

// Python's format(v, ".<p>g"), for the numbers the widgets print.
export function formatG(v, p = 4) {
  if (!Number.isFinite(v)) return Number.isNaN(v) ? "nan" : (v > 0 ? "inf" : "-inf");
  const sign = v < 0 || Object.is(v, -0) ? "-" : "";
  if (v === 0) return `${sign}0`;
  const [text, power] = roundDigits(Math.abs(v), p);
  const strip = (s) => (s.includes(".") ? s.replace(/0+$/, "").replace(/\.$/, "") : s);
  if (power < -4 || power >= p) return exponentForm(sign, strip(`${text[0]}.${text.slice(1)}`), power);
  return sign + strip(formatF(Math.abs(v), p - 1 - power));
}

// Python's format(v, ",") for an int: thousands separated by commas.
export function formatInt(v) {
  return String(Math.round(v)).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

function niceTicks(lo, hi, count = 5) {
  if (!(hi > lo)) return [lo];
  const power = 10 ** Math.floor(Math.log10((hi - lo) / count));
  const step = [1, 2, 5, 10].map(m => m * power).find(st => (hi - lo) / st <= count + 2);
  const ticks = [];
  for (let t = Math.ceil(lo / step - 1e-9) * step; t <= hi + step * 1e-9; t += step) ticks.push(Math.round(t / step) * step + 0);
  return ticks;
}

// An SVG line chart: lines = [{x, y, label, colour, dashed}], bands = [{start, end, colour}];
// xRange, yRange: [low, high] (data units) or null to fit the data.
// Scales to the width available (viewBox), so it never overflows the page column.
export function lineChart({lines, title = "", xLabel = "", yLabel = "", bands = [], xRange = null, yRange = null, logY = false,
                    width = 380, height = 250}) {
  const [L, R, T, B] = [54, 12, 26, 38];
  const pw = width - L - R, ph = height - T - B;
  const shown = lines.map(line => {
    const xs = [], ys = [];
    line.x.forEach((x, i) => {
      const y = line.y[i];
      if (Number.isFinite(x) && Number.isFinite(y) && (!logY || y > 0)) { xs.push(x); ys.push(logY ? Math.log10(y) : y); }
    });
    return {xs, ys};
  });
  const range = (vals, pad) => {
    if (!vals.length) return [0, 1];
    let lo = Math.min(...vals), hi = Math.max(...vals);
    if (hi === lo) { lo -= 0.5; hi += 0.5; }
    const m = (hi - lo) * pad;
    return [lo - m, hi + m];
  };
  const [xLo, xHi] = xRange || range(shown.flatMap(l => l.xs), 0);
  const [yLo, yHi] = yRange ? (logY ? yRange.map(Math.log10) : yRange) : range(shown.flatMap(l => l.ys), 0.05);
  const px = x => L + (x - xLo) / (xHi - xLo) * pw, py = y => T + (yHi - y) / (yHi - yLo) * ph;
  const svg = s("svg", {viewBox: `0 0 ${width} ${height}`, width, height, "font-family": "sans-serif", "font-size": 11,
                        style: "max-width:100%;height:auto"});
  svg.append(s("text", {x: width / 2, y: 15, "text-anchor": "middle", "font-size": 13}, title));
  for (const b of bands) {
    const a = Math.min(Math.max(px(b.start), L), L + pw), z = Math.min(Math.max(px(b.end), L), L + pw);
    svg.append(s("rect", {x: a, y: T, width: Math.max(z - a, 1), height: ph, fill: b.colour, "fill-opacity": 0.13}));
  }
  for (const t of niceTicks(xLo, xHi)) {
    svg.append(s("line", {x1: px(t), y1: T, x2: px(t), y2: T + ph, stroke: "#e5e5e5"}));
    svg.append(s("text", {x: px(t), y: T + ph + 14, "text-anchor": "middle"}, formatG(t)));
  }
  for (const t of niceTicks(yLo, yHi)) {
    svg.append(s("line", {x1: L, y1: py(t), x2: L + pw, y2: py(t), stroke: "#e5e5e5"}));
    svg.append(s("text", {x: L - 4, y: py(t) + 4, "text-anchor": "end"}, logY ? formatE(10 ** t, 0).replace("e-0", "e-").replace("e+0", "e+") : formatG(t)));
  }
  svg.append(s("rect", {x: L, y: T, width: pw, height: ph, fill: "none", stroke: "#999"}));
  svg.append(s("text", {x: L + pw / 2, y: height - 6, "text-anchor": "middle"}, xLabel));
  svg.append(s("text", {x: 12, y: T + ph / 2, "text-anchor": "middle", transform: `rotate(-90 12 ${T + ph / 2})`}, yLabel));
  let legendY = T + 12;
  lines.forEach((line, i) => {
    const {xs, ys} = shown[i];
    if (xs.length) {
      svg.append(s("polyline", {points: xs.map((x, j) => `${px(x).toFixed(1)},${py(ys[j]).toFixed(1)}`).join(" "),
                                fill: "none", stroke: line.colour, "stroke-width": 1.8,
                                ...(line.dashed ? {"stroke-dasharray": "5 3"} : {})}));
    }
    if (line.label) {
      svg.append(s("text", {x: L + pw - 6, y: legendY, "text-anchor": "end", fill: line.colour}, line.label));
      legendY += 13;
    }
  });
  return svg;
}
