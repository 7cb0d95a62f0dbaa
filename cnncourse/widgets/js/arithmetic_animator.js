// Convolution arithmetic animator view: the browser lays out the grids and draws them for every
// setting and kernel position, and a play button steps the kernel over the output.
// Reference: cnncourse/widgets/arithmetic_animator.py (conv_arithmetic, arithmetic_svg,
// caption_html), which this file follows line by line, strings included.

const INPUT = "input", PADDING = "padding", INSERTED = "inserted";
const floorDiv = (a, b) => Math.floor(a / b);
const range = (n) => Array.from({ length: Math.max(n, 0) }, (_, i) => i);

function outputLength(n, k, s, p, d) {
  const span = d * (k - 1) + 1;
  if (span > n + 2 * p) {
    throw new Error(`no output: the kernel spans d(k-1)+1 = ${span} cells (kernel_size ${k}, dilation ` +
      `${d}) but the padded input has only n + 2p = ${n + 2 * p} (n=${n}, padding ${p})`);
  }
  return floorDiv(n + 2 * p - span, s) + 1;
}

function transposedLength(n, k, s, p, d) {
  const size = (n - 1) * s - 2 * p + d * (k - 1) + 1;
  if (size < 1) {
    throw new Error(`no output: (n-1)s - 2p + d(k-1) + output_padding + 1 = (${n}-1)*${s} - 2*${p} + ` +
      `${d}*(${k}-1) + 0 + 1 = ${size} cells; padding ${p} crops more than the full result has`);
  }
  return size;
}

function gridAxis(n, p, s, d, k, transposed) {
  if (!transposed) {
    return {
      kind: [...Array(p).fill(PADDING), ...Array(n).fill(INPUT), ...Array(p).fill(PADDING)],
      source: [...Array(p).fill(-1), ...range(n), ...Array(p).fill(-1)],
    };
  }
  const offset = d * (k - 1) - p, stuffed = (n - 1) * s + 1;
  const kind = [], source = [];
  for (const g of range(stuffed + 2 * offset)) {
    const inside = g - offset;
    const isPixel = inside >= 0 && inside < stuffed && inside % s === 0;
    kind.push(isPixel ? INPUT : inside >= 0 && inside < stuffed ? INSERTED : PADDING);
    source.push(isPixel ? floorDiv(inside, s) : -1);
  }
  return { kind, source };
}

function formula(n, k, p, s, d, transposed) {
  if (transposed) {
    const value = (n - 1) * s - 2 * p + d * (k - 1) + 1;
    return `o = (n − 1)·s − 2p + d(k − 1) + 1 = (${n} − 1)·${s} − 2·${p} + ${d}·(${k} − 1) + 1 = ${value}` +
      (value > 0 ? "" : " ≤ 0: no output");
  }
  const top = n + 2 * p - d * (k - 1) - 1, value = floorDiv(top, s) + 1;
  return `o = ⌊(n + 2p − d(k − 1) − 1) / s⌋ + 1 = ⌊(${n} + 2·${p} − ${d}·(${k} − 1) − 1) / ${s}⌋ + 1 ` +
    `= ⌊${top} / ${s}⌋ + 1 = ${value}` + (value > 0 ? "" : " ≤ 0: no output");
}

function notes(n, k, p, s, d, span, transposed) {
  if (transposed) {
    const offset = d * (k - 1) - p;
    return `Transposed: ${s - 1} zero(s) inserted between neighbouring input pixels, then ` +
      (offset >= 0 ? `${offset} zero(s) of padding on each side`
        : `${-offset} cell(s) cropped from each side (padding ${p} > d(k−1) = ${d * (k - 1)})`) +
      ", and a stride-1 convolution over that.";
  }
  const said = [`The kernel spans d(k − 1) + 1 = ${span} cells of the padded input (${n} + 2·${p} = ${n + 2 * p}).`];
  const leftOver = (n + 2 * p - span) % s;
  if (leftOver) {
    said.push(`The last ${leftOver} row(s) and column(s) are never covered: the stride ${s} does ` +
      `not divide ${n + 2 * p} − ${span} = ${n + 2 * p - span}, and the floor drops the remainder.`);
  }
  if (p >= span) said.push(`Padding ${p} ≥ span ${span}: the corner outputs see nothing but zeros.`);
  return said.join(" ");
}

// conv_arithmetic(n, kernel_size, padding, stride, dilation, transposed, position) as a plain object
export function convArithmetic(n, k, p, s, d, transposed, position) {
  const span = d * (k - 1) + 1;
  let size, message;
  try {
    size = (transposed ? transposedLength : outputLength)(n, k, s, p, d);
    message = notes(n, k, p, s, d, span, transposed);
  } catch (error) {
    size = 0;
    message = error.message;
  }
  if (position >= Math.max(size * size, 1)) throw new Error(`position=${position} is outside the output`);
  const { kind, source } = gridAxis(n, p, s, d, k, transposed);
  const [row, col] = size ? [floorDiv(position, size), position % size] : [0, 0];
  const step = transposed ? 1 : s;
  const tapRows = size ? range(k).map((a) => row * step + a * d) : [];
  const tapCols = size ? range(k).map((b) => col * step + b * d) : [];
  const feeding = [];
  for (const r of tapRows) for (const c of tapCols) if (source[r] >= 0 && source[c] >= 0) feeding.push([source[r], source[c]]);
  return {
    n, kernel_size: k, padding: p, stride: s, dilation: d, transposed, position, valid: size > 0,
    output_size: size, axis_kind: kind, axis_source: source, row, col, tap_rows: tapRows, tap_cols: tapCols,
    feeding, formula: formula(n, k, p, s, d, transposed), message,
  };
}

// -- drawing: arithmetic_svg ----------------------------------------------------------------
const FILL = { [INPUT]: "#cfe2f3", [PADDING]: "#ececec", [INSERTED]: "#f7f7f7" };
const TAP_FILL = { [INPUT]: "#f08a24", [PADDING]: "#f9cf9f", [INSERTED]: "#f9cf9f" };
const GAP = 36;
const cellSize = (cells) => Math.max(6, Math.min(26, floorDiv(340, Math.max(cells, 1))));
const pyFloat = (x) => (Number.isInteger(x) ? x.toFixed(1) : String(x));  // as Python prints a float

function cellKind(rowKind, colKind) {
  if (rowKind === INPUT && colKind === INPUT) return INPUT;
  return rowKind === PADDING || colKind === PADDING ? PADDING : INSERTED;
}

function legend(y, transposed) {
  const entries = [[FILL[INPUT], "input"], [FILL[PADDING], "padding (0)"]];
  if (transposed) entries.push([FILL[INSERTED], "inserted 0"]);
  entries.push([TAP_FILL[INPUT], "kernel on input"], [TAP_FILL[PADDING], "kernel on a zero"]);
  let x = 0;
  const parts = [];
  for (const [colour, label] of entries) {
    parts.push(`<rect x='${x}' y='${y}' width='12' height='12' fill='${colour}' stroke='#999' ` +
      `stroke-width='0.6'/><text x='${x + 16}' y='${y + 11}'>${label}</text>`);
    x += 24 + 7 * label.length;
  }
  return parts.join("");
}

function rowRuns(fills, row, cell) {
  const rects = [];
  let start = 0;
  for (let c = 1; c <= fills.length; c++) {
    if (c === fills.length || fills[c] !== fills[start]) {
      rects.push(`<rect x='${start * cell}' y='${row * cell}' width='${(c - start) * cell}' ` +
        `height='${cell}' fill='${fills[start]}'/>`);
      start = c;
    }
  }
  return rects;
}

function gridLines(cells, cell) {
  const side = cells * cell;
  const lines = range(cells + 1).map((i) => `M${i * cell},0v${side}M0,${i * cell}h${side}`).join("");
  return cells ? `<path d='${lines}' stroke='#999' stroke-width='0.6' fill='none'/>` : "";
}

// the SVG text arithmetic_svg(view) writes, for a view from convArithmetic
export function arithmeticSvg(view) {
  const g = view.axis_kind.length, o = view.output_size;
  const cIn = cellSize(g), cOut = cellSize(o);
  const sideIn = g * cIn, sideOut = o * cOut;
  const title = `input ${view.n}x${view.n}, ` + (view.transposed ? "zero-stuffed and " : "") + `padded: ${g}x${g}`;
  const leftOut = Math.max(sideIn + 2 * GAP, 7 * title.length + 24);
  const bottom = Math.max(sideIn, sideOut, 20) + 24;
  const parts = [`<svg xmlns='http://www.w3.org/2000/svg' width='${Math.max(leftOut + Math.max(sideOut, 90), 480)}' ` +
    `height='${bottom + 22}' font-family='sans-serif' font-size='12'>`,
  legend(bottom + 6, view.transposed),
  `<text x='0' y='12'>${title}</text><text x='${leftOut}' y='12'>output ${o}x${o}</text>`,
    "<g transform='translate(1,20)'>"];
  const tapsR = new Set(view.tap_rows), tapsC = new Set(view.tap_cols);
  view.axis_kind.forEach((kindR, r) => {
    const fills = view.axis_kind.map((kindC, c) => (tapsR.has(r) && tapsC.has(c) ? TAP_FILL : FILL)[cellKind(kindR, kindC)]);
    parts.push(...rowRuns(fills, r, cIn));
  });
  parts.push(gridLines(g, cIn));
  if (view.valid) {
    const top = view.tap_rows[0] * cIn, left = view.tap_cols[0] * cIn;
    const extent = (view.tap_rows[view.tap_rows.length - 1] - view.tap_rows[0] + 1) * cIn;
    parts.push(`<rect x='${left}' y='${top}' width='${extent}' height='${extent}' fill='none' ` +
      "stroke='#c0392b' stroke-width='2'/>");
  }
  const middle = pyFloat(Math.max(sideIn, sideOut) / 2);
  parts.push(`<path d='M${sideIn + 8},${middle} H${leftOut - 16} m0,-5 l6,5 l-6,5 z' stroke='#555' ` +
    "stroke-width='2' fill='#555'/></g>");
  parts.push(`<g transform='translate(${leftOut},20)'>`);
  const current = view.row * o + view.col;
  for (const r of range(o)) {
    const fills = range(o).map((i) => r * o + i).map((index) =>
      (index === current ? "#c0392b" : index < current ? "#f6c9a8" : "#ffffff"));
    parts.push(...rowRuns(fills, r, cOut));
  }
  parts.push(gridLines(o, cOut));
  if (!view.valid) parts.push("<text x='0' y='14' fill='#c0392b'>no output</text>");
  parts.push("</g></svg>");
  return parts.join("");
}

// the HTML caption_html(view) writes
export function captionHtml(view) {
  const colour = view.valid ? "#333" : "#c0392b";
  const where = view.valid ? `Output cell (${view.row}, ${view.col}) is computed from input pixels ` +
    `${view.feeding.map(([r, c]) => `(${r}, ${c})`).join(", ") || "none (only zeros)"}.` : "";
  return `<p style='font-family:monospace'>${view.formula}</p>` +
    `<p style='color:${colour}'>${view.message}</p><p>${where}</p>`;
}

const SETTINGS = [["n", "input n"], ["kernel_size", "kernel k"], ["padding", "padding p"],
  ["stride", "stride s"], ["dilation", "dilation d"]];

function render({ model, el }) {
  const limits = model.get("limits");
  const positionControl = control(model, "position", "kernel at", { min: 0, max: 0 });
  const play = element("button", { type: "button", className: "cnn-play" });
  const drawing = element("div", { className: "cnn-drawing" });
  const caption = element("div", { className: "cnn-caption" });
  const transposed = control(model, "transposed", "transposed", { checkbox: true });
  el.append(
    element("div", { className: "cnn-settings" },
      ...SETTINGS.map(([name, label]) => control(model, name, label, { min: limits[name][0], max: limits[name][1] })),
      transposed),
    element("div", {}, play, positionControl),
    drawing, caption,
  );
  const settings = () => [model.get("n"), model.get("kernel_size"), model.get("padding"), model.get("stride"),
    model.get("dilation"), model.get("transposed")];
  const positions = () => convArithmetic(...settings(), 0).output_size ** 2;

  let timer = null;  // this view's own clock while it plays
  const stop = () => { clearInterval(timer); timer = null; };
  const step = () => {
    const last = Math.max(positions() - 1, 0);
    if (model.get("position") >= last) {
      stop();
      model.set("playing", false);
    } else {
      model.set("position", model.get("position") + 1);
    }
    model.save_changes();
  };
  play.addEventListener("click", () => {
    if (model.get("playing")) {
      stop();
      model.set("playing", false);
    } else {
      if (model.get("position") >= Math.max(positions() - 1, 0)) model.set("position", 0);  // from the start again
      model.set("playing", true);
      timer = setInterval(step, model.get("interval"));
    }
    model.save_changes();
  });

  function draw() {
    const last = Math.max(positions() - 1, 0);
    const slider = positionControl.querySelector("input");
    slider.max = last;
    if (model.get("position") > last) {  // fewer positions: the position follows, as the slider
      model.set("position", last);
      model.save_changes();
      return;
    }
    slider.value = String(model.get("position"));
    if (!model.get("playing") && timer) stop();
    play.textContent = model.get("playing") ? "❚❚ pause" : "▶ play";
    const view = convArithmetic(...settings(), model.get("position"));
    drawing.innerHTML = arithmeticSvg(view);
    caption.innerHTML = captionHtml(view);
  }
  for (const name of ["n", "kernel_size", "padding", "stride", "dilation", "transposed", "position", "playing"]) {
    model.on(`change:${name}`, draw);
  }
  draw();
  return stop;
}

export default { render };
