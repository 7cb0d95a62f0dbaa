// Shape calculator view: the browser reads the layer list, computes every layer's output shape,
// parameters, multiplications and receptive field, and redraws the table as the reader types.
// Reference: cnncourse/shapes/layer_specs.py (parse_network), shapes/network.py (network_table),
// shapes/receptive_field.py and widgets/shape_calculator.py (calculate_shapes, report_html),
// followed rule by rule, messages included.

const KEYWORDS = ["conv", "maxpool", "avgpool"];
const OPTION_NAMES = { s: "stride", p: "padding", d: "dilation" };

class SpecError extends Error {}

function integer(number, word, name) {
  if (!/^[+-]?\d+(_\d+)*$/.test(word)) {
    throw new SpecError(`line ${number}: ${name} must be a whole number, got '${word}'`);
  }
  return Number(word.replace(/_/g, ""));
}

function atLeast(value, name, minimum) {
  if (value < minimum) throw new SpecError(`${name} must be >= ${minimum}, got ${value}`);
}

function readInput(number, words) {
  const values = words.slice(1).map((word) => integer(number, word, "the input sizes"));
  if (values.length !== 2 && values.length !== 3) {
    throw new SpecError(`line ${number}: write the input as 'input C H W' or 'input C H' ` +
      `(channels, height, width), got '${words.join(" ")}'`);
  }
  ["channels", "height", "width"].forEach((name, i) => {
    if (i < values.length && values[i] < 1) throw new SpecError(`line ${number}: the input ${name} must be >= 1, got ${values[i]}`);
  });
  return values.length === 3 ? values : [values[0], values[1], values[1]];
}

function readLayer(number, words) {
  const keyword = words[0];
  if (!KEYWORDS.includes(keyword)) {
    throw new SpecError(`line ${number}: unknown layer '${keyword}': use one of ${KEYWORDS.join(", ")}`);
  }
  const isConv = keyword === "conv";
  const sizes = words.slice(1).filter((w) => /^[0-9-]/.test(w));
  const options = words.slice(1).filter((w) => !sizes.includes(w));
  const wanted = isConv ? ["filters", "kernel size"] : ["window size"];
  if (sizes.length !== wanted.length) {
    const example = isConv ? "'conv 16 5' (16 filters of 5x5)" : `'${keyword} 2' (a 2x2 window)`;
    throw new SpecError(`line ${number}: ${keyword} needs its ${wanted.join(" and ")}, e.g. ${example}; ` +
      `got '${words.join(" ")}'`);
  }
  const values = sizes.map((word, i) => integer(number, word, wanted[i]));
  const letters = isConv ? "spd" : "sp";
  const settings = {};
  for (const option of options) {
    const letter = option[0];
    if (!letters.includes(letter) || option.length < 2) {
      const allowed = [...letters].map((c) => `${c}<${OPTION_NAMES[c]}>`).join(", ");
      throw new SpecError(`line ${number}: unknown option '${option}': ${keyword} takes ${allowed}`);
    }
    if (OPTION_NAMES[letter] in settings) throw new SpecError(`line ${number}: ${OPTION_NAMES[letter]} is given twice`);
    settings[OPTION_NAMES[letter]] = integer(number, option.slice(1), OPTION_NAMES[letter]);
  }
  try {
    if (isConv) {
      const layer = { kind: "conv", out_channels: values[0], kernel_size: values[1], stride: 1, padding: 0, dilation: 1, ...settings };
      atLeast(layer.out_channels, "out_channels", 1);
      atLeast(layer.kernel_size, "kernel_size", 1);
      atLeast(layer.stride, "stride", 1);
      atLeast(layer.padding, "padding", 0);
      atLeast(layer.dilation, "dilation", 1);
      return layer;
    }
    const layer = { kind: keyword.slice(0, 3), kernel_size: values[0], stride: values[0], padding: 0, dilation: 1, ...settings };
    atLeast(layer.kernel_size, "kernel_size", 1);
    atLeast(layer.stride, "stride", 1);
    atLeast(layer.padding, "padding", 0);
    if (layer.padding > Math.floor(layer.kernel_size / 2)) {
      throw new SpecError("pooling padding must be at most half the window (as in torch): " +
        `padding ${layer.padding} with a ${layer.kernel_size}x${layer.kernel_size} window`);
    }
    return layer;
  } catch (error) {
    throw new SpecError(`line ${number}: ${error.message}`);
  }
}

// parse_network(text) -> {input: [C, H, W], layers}
export function parseNetwork(text) {
  const lines = text.split(/\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]/)
    .map((line, i) => [i + 1, line.split("#")[0].trim().split(/\s+/).filter(Boolean)])
    .filter(([, words]) => words.length);
  if (!lines.length || lines[0][1][0] !== "input") {
    throw new SpecError("the first line must give the input, e.g. 'input 3 227 227' (channels, height, width)");
  }
  return { input: readInput(...lines[0]), layers: lines.slice(1).map(([number, words]) => readLayer(number, words)) };
}

// format_layer(layer): its one-line text, options left out where they have their default value
export function formatLayer(layer) {
  const isConv = layer.kind === "conv";
  const words = isConv ? ["conv", String(layer.out_channels), String(layer.kernel_size)] : [`${layer.kind}pool`, String(layer.kernel_size)];
  const defaults = isConv ? [["s", layer.stride, 1], ["p", layer.padding, 0], ["d", layer.dilation, 1]]
    : [["s", layer.stride, layer.kernel_size], ["p", layer.padding, 0]];
  return [...words, ...defaults.filter(([, value, standard]) => value !== standard).map(([l, value]) => `${l}${value}`)].join(" ");
}

function outputLength(n, k, s, p, d, axis) {
  const span = d * (k - 1) + 1;
  if (span > n + 2 * p) {
    throw new SpecError(`no output: the kernel ${axis}spans d(k-1)+1 = ${span} cells (kernel_size ${k}, dilation ` +
      `${d}) but the padded input ${axis}has only n + 2p = ${n + 2 * p} (n=${n}, padding ${p})`);
  }
  return Math.floor((n + 2 * p - span) / s) + 1;
}

// calculate_shapes(text) -> {rows: [{layer, output_shape, params, multiplications, values}],
// fields: [{layer, size, jump, start}], error}
export function calculateShapes(text) {
  let rows, fields;
  try {
    const { input, layers } = parseNetwork(text);
    let [channels, height, width] = input;
    rows = [{ layer: "input", output_shape: [channels, height, width], params: 0, multiplications: 0 }];
    layers.forEach((layer, i) => {
      try {
        height = outputLength(height, layer.kernel_size, layer.stride, layer.padding, layer.dilation, "height ");
        width = outputLength(width, layer.kernel_size, layer.stride, layer.padding, layer.dilation, "width ");
      } catch (error) {
        throw new SpecError(`layer ${i + 1} (${formatLayer(layer)}): ${error.message}`);
      }
      let params = 0, multiplications = 0;
      if (layer.kind === "conv") {
        const k2 = layer.kernel_size * layer.kernel_size;
        params = (channels * k2 + 1) * layer.out_channels;
        multiplications = height * width * layer.out_channels * k2 * channels;
        channels = layer.out_channels;
      }
      rows.push({ layer: formatLayer(layer), output_shape: [channels, height, width], params, multiplications });
    });
    let size = 1, jump = 1, start = 0;
    fields = [{ layer: "input", size, jump, start }];
    for (const layer of layers) {
      const span = layer.dilation * (layer.kernel_size - 1) + 1;
      size += (span - 1) * jump;
      start += ((span - 1) / 2 - layer.padding) * jump;
      jump *= layer.stride;
      fields.push({ layer: formatLayer(layer), size, jump, start });
    }
  } catch (error) {
    if (!(error instanceof SpecError)) throw error;
    return { rows: [], fields: [], error: error.message };
  }
  for (const row of rows) row.values = row.output_shape.reduce((a, b) => a * b, 1);
  return { rows, fields, error: "" };
}

const escape = (text) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")
  .replace(/"/g, "&quot;").replace(/'/g, "&#x27;");
const grouped = (value) => value.toLocaleString("en-US");

// report_html(report): the HTML table, or the error in red
export function reportHtml(report) {
  if (report.error) return `<p style='color:#c0392b'><b>Cannot compute:</b> ${escape(report.error)}</p>`;
  const head = "<tr><th>#</th><th>layer</th><th>output C x H x W</th><th>values</th><th>parameters</th>" +
    "<th>multiplications</th><th>receptive field</th><th>jump</th></tr>";
  const body = report.rows.map((row, i) => {
    const field = report.fields[i];
    return `<tr><td>${i}</td><td><code>${escape(row.layer)}</code></td>` +
      `<td>${row.output_shape.join(" x ")}</td><td>${grouped(row.values)}</td><td>${grouped(row.params)}</td>` +
      `<td>${grouped(row.multiplications)}</td><td>${field.size}x${field.size}</td><td>${field.jump}</td></tr>`;
  }).join("");
  const params = report.rows.reduce((sum, row) => sum + row.params, 0);
  const multiplications = report.rows.reduce((sum, row) => sum + row.multiplications, 0);
  const total = `<tr><td></td><td><b>total</b></td><td></td><td></td><td><b>${grouped(params)}</b></td>` +
    `<td><b>${grouped(multiplications)}</b></td><td></td><td></td></tr>`;
  const style = "<style>.cnn-shapes td,.cnn-shapes th{border:1px solid #ccc;padding:2px 8px;text-align:right}" +
    ".cnn-shapes td:nth-child(2){text-align:left}" +
    ".cnn-shapes{border-collapse:collapse}</style>";
  return `${style}<table class='cnn-shapes'>${head}${body}${total}</table>`;
}

function render({ model, el }) {
  const presets = model.get("presets");
  const text = element("textarea", { rows: 10, className: "cnn-layers", placeholder: "input 3 32 32\nconv 16 3 p1\nmaxpool 2" });
  const table = element("div", { className: "cnn-table" });
  el.append(
    control(model, "preset", "preset", { options: [...Object.keys(presets), "custom"] }),
    element("div", { className: "cnn-shape-input" }, text, element("p", {
      innerHTML: "One layer per line: <code>input C H W</code>, then <code>conv FILTERS K</code> " +
        "or <code>maxpool K</code> / <code>avgpool K</code>, with options " +
        "<code>s</code>tride, <code>p</code>adding, <code>d</code>ilation " +
        "(e.g. <code>conv 32 3 s2 p1</code>); <code>#</code> starts a comment.",
    })),
    table,
    element("style", { textContent: ".cnn-shape-input{display:flex;gap:1em;flex-wrap:wrap}.cnn-layers{width:26em;max-width:100%;font-family:monospace}.cnn-table{overflow-x:auto}" }),
  );
  el.querySelector('[data-trait="preset"]').addEventListener("change", (event) => {
    if (event.target.value !== "custom") {
      model.set("text", presets[event.target.value]);
      model.save_changes();
    }
  });
  text.addEventListener("input", () => {
    const preset = model.get("preset");
    model.set("text", text.value);
    if (preset !== "custom" && text.value !== presets[preset]) model.set("preset", "custom");
    model.save_changes();
  });
  function draw() {
    if (text.value !== model.get("text")) text.value = model.get("text");
    table.innerHTML = reportHtml(calculateShapes(model.get("text")));
  }
  model.on("change:text", draw);
  draw();
}

export default { render };
