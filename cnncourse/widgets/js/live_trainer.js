// Live trainer: a CNN learns the 8x8 digits in the page. The controls choose the network, the
// optimizer, the learning rate, the batch size and the seed; Train runs trainer.js in a Web Worker
// (trainer_worker.js), so the page stays responsive; each snapshot it posts is drawn at the next
// animation frame: the curves and the first layer's filters as it learns, and at the end the
// confusion matrix and the mistakes.
// (cnncourse.widgets.live_trainer is the Python side: the data, the choices and their checks.)

const SHOWN_MISTAKES = 12;

// {images: uint8 0..16, labels} packed by Python -> {images: Float32Array in [0, 1], labels}
export function digits_from(packed) {
  const images = unpack(packed.images), labels = unpack(packed.labels);
  return {images: Float32Array.from(images, (v) => v / 16), labels: Uint8Array.from(labels)};
}

export function settings_of(model) {
  const architecture = model.get("architectures")[model.get("architecture")];
  return {filters: architecture.filters, lr: model.get("lr"), batch_size: model.get("batch_size"),
          optimizer: model.get("optimizer"), seed: model.get("seed"), epochs: model.get("epochs")};
}

// What a finished or stopped run says under the charts, from a snapshot() of its trainer.
export function describe(snap) {
  const lr = formatG(snap.settings.lr, 4), h = snap.history;
  if (snap.status === "diverged") {
    return `The run diverged at learning rate ${lr}. ${snap.reason} (The light line of the loss chart ` +
           "shows it jump.) Each step overshot the minimum " +
           "and landed where the gradient is even steeper, so the next step was larger still: the weights " +
           "blow up instead of settling. Training stopped there; lower the learning rate and press Train.";
  }
  if (!h.val_accuracy.length) return "Press Train to start, or Step to take one mini-batch step.";
  const accuracy = h.val_accuracy[h.val_accuracy.length - 1];
  const where = `after ${formatF(snap.epoch, 2)} epochs (${formatInt(snap.steps)} steps)`;
  if (accuracy < 0.2) {
    return `Held-out accuracy ${formatF(100 * accuracy, 1)}% ${where}: about chance (10% for 10 classes), ` +
           "so the network learned nothing. With a large learning rate the first steps can push every ReLU " +
           "to output 0 (they 'die' and pass no gradient); with a tiny one the weights barely move.";
  }
  return `Held-out accuracy ${formatF(100 * accuracy, 1)}% ${where}, ` +
         `training loss ${formatF(h.train_loss[h.train_loss.length - 1], 3)}.`;
}

// Loss (log scale, with every step's loss in a light line: a divergence shows as a jump) and accuracy
function curves(snap) {
  const h = snap.history, stepped = snap.step_losses.epoch;
  const xRange = [0, snap.status === "diverged" ? stepped[stepped.length - 1] : snap.settings.epochs];  // zoom on a divergence
  const line = (key, label, colour, dashed = false) => ({x: h.epoch, y: h[key], label, colour, dashed});
  const steps = {x: stepped, y: snap.step_losses.loss, label: "each step", colour: "#aec7e8"};
  return [
    lineChart({lines: [steps, line("train_loss", "train", PALETTE[0]), line("val_loss", "held out", PALETTE[1], true)],
               xRange, logY: true, title: "loss", xLabel: "epoch", yLabel: "cross-entropy", width: 330, height: 230}),
    lineChart({lines: [line("train_accuracy", "", PALETTE[0]), line("val_accuracy", "", PALETTE[1], true)], xRange,  // legend: loss's
               yRange: [0, 1], title: "accuracy", xLabel: "epoch", yLabel: "accuracy", width: 330, height: 230}),
  ];
}

// The first convolution's 3x3 filters side by side on one canvas, on one grey scale (dark = large
// weight): 72 rectangles a frame for 8 filters
const CELL = 10, GAP = 4;
function drawFilters(canvas, filters) {
  const count = filters.shape[0], weight = filters.data;
  let top = 1e-12;
  for (const w of weight) top = Math.max(top, Math.abs(w));
  const width = count * (3 * CELL + GAP) - GAP;
  if (canvas.width !== width) Object.assign(canvas, {width, height: 3 * CELL});
  canvas.dataset.filters = count;
  const context = canvas.getContext("2d");
  context.clearRect(0, 0, canvas.width, canvas.height);
  for (let f = 0; f < count; f++) {
    for (let cell = 0; cell < 9; cell++) {
      const level = Math.round(255 * (0.5 - 0.5 * weight[f * 9 + cell] / top));
      context.fillStyle = `rgb(${level},${level},${level})`;
      context.fillRect(f * (3 * CELL + GAP) + (cell % 3) * CELL, Math.floor(cell / 3) * CELL, CELL, CELL);
    }
  }
}

function confusionTable(counts) {
  const most = Math.max(1, ...counts.flat());
  const cell = (n, i, j) => h("td", {text: n ? String(n) : "", style: `width:1.8em;text-align:center;padding:1px;` +
    `background:${i === j ? "rgba(31,119,180," : "rgba(214,39,40,"}${n ? 0.15 + 0.85 * n / most : 0})`});
  const head = h("tr", {}, [h("th", {text: "true \\ said", style: "font-weight:normal;padding-right:4px"}),
                            ...counts.map((_, j) => h("th", {text: String(j)}))]);
  return h("table", {class: "cnn-confusion", style: "border-collapse:collapse;font-size:12px"},
           [head, ...counts.map((row, i) => h("tr", {}, [h("th", {text: String(i)}), ...row.map((n, j) => cell(n, i, j))]))]);
}

function mistakes(held_out, predicted) {
  const wrong = [];
  predicted.forEach((p, i) => { if (p !== held_out.labels[i]) wrong.push(i); });
  const figures = wrong.slice(0, SHOWN_MISTAKES).map((i) => {
    const canvas = h("canvas");
    drawGrey(canvas, Array.from(held_out.images.subarray(i * 64, i * 64 + 64), (v) => 1 - v), 8, 8, 5);
    return h("figure", {style: "display:inline-block;margin:2px;text-align:center;font-size:11px"},
             [canvas, h("figcaption", {text: `${held_out.labels[i]} read as ${predicted[i]}`})]);
  });
  return h("div", {class: "cnn-mistakes"}, [h("div", {text: `misclassified: ${wrong.length} of ${predicted.length}` +
    (wrong.length > SHOWN_MISTAKES ? ` (the first ${SHOWN_MISTAKES})` : "")}), ...figures]);
}

function render({model, el}) {
  el.classList.add("cnn-explorer");
  const train = digits_from(model.get("train")), held_out = digits_from(model.get("held_out"));
  const lrs = model.get("lrs"), architectures = model.get("architectures");
  let worker = null, run = 0, shown = null, latest = null, frame = null, running = false, pointsDrawn = -1;
  let clock = {start: 0, seen: 0, rate: 0};  // examples per second since Train

  const choose = (name, value) => { model.set(name, value); model.save_changes(); };
  const architecture = select("architecture", "network",
                              Object.entries(architectures).map(([key, a]) => [key, a.label]), model.get("architecture"),
                              (v) => choose("architecture", v));
  const optimizer = select("optimizer", "optimizer", model.get("optimizers").map((o) => [o, o]), model.get("optimizer"),
                           (v) => choose("optimizer", v));
  const lr = slider("lr", "learning rate", 0, lrs.length - 1, 1, lrs.indexOf(model.get("lr")), (i) => choose("lr", lrs[i]));
  const batch = select("batch_size", "batch size", model.get("batch_sizes").map((b) => [b, b]), model.get("batch_size"),
                       (v) => choose("batch_size", Number(v)));
  const seedInput = h("input", {type: "number", min: 0, step: 1, value: model.get("seed"), "data-trait": "seed",
                                style: "width:5em"});
  seedInput.addEventListener("change", () => {
    const seed = Math.trunc(Number(seedInput.value));
    if (Number.isInteger(seed) && seed >= 0 && seed < 2 ** 32) choose("seed", seed); else seedInput.value = model.get("seed");
  });
  const button = (action, text, colour) => h("button", {type: "button", "data-action": action, text,
    style: `padding:4px 12px;margin-right:6px;border:none;border-radius:3px;cursor:pointer;color:white;background:${colour}`});
  const buttons = {train: button("train", "\u25b6 Train", "#1f77b4"), pause: button("pause", "Pause", "#7f7f7f"),
                   step: button("step", "Step", "#2ca02c"), reset: button("reset", "\u21ba Reset", "#d62728")};
  const readout = h("span", {class: "cnn-readout", style: "font-family:monospace;margin-left:8px"});
  const about = h("div", {class: "cnn-architecture", style: "font-size:12px;color:#555;margin:2px 0"});
  const charts = h("div", {class: "cnn-chart", style: "display:flex;flex-wrap:wrap;gap:8px"});
  const filters = h("canvas", {class: "cnn-filters", style: "max-width:100%"});
  const end = h("div", {class: "cnn-end", style: "display:flex;flex-wrap:wrap;gap:16px;align-items:flex-start;margin-top:6px"});
  const notes = h("div", {class: "cnn-notes", style: "margin-top:4px"});
  el.append(h("div", {style: "display:flex;flex-wrap:wrap;align-items:center"},
              [architecture.el, optimizer.el, lr.el, batch.el, labelled("seed", seedInput)]),
            about, h("div", {style: "margin:4px 0"}, [...Object.values(buttons), readout]), charts,
            h("div", {style: "display:flex;align-items:center;gap:8px;font-size:12px"},
              [h("span", {text: "first-layer filters:"}), filters]), end, notes);

  const over = (s) => s !== null && (s.status === "done" || s.status === "diverged");

  function reset() {
    run += 1; running = false; latest = shown = null; pointsDrawn = -1;
    worker.postMessage({type: "reset", run, settings: settings_of(model)});
    end.replaceChildren();
    draw();
  }

  // this module again, in a Worker; where the page may not start one, on the page's thread
  function startWorker() {
    try {
      worker = new Worker(`data:text/javascript;charset=utf-8,${encodeURIComponent(model.get("_esm"))}`, {type: "module"});
      worker.onmessage = receive;
      worker.onerror = () => { worker = in_page_worker(receive); worker.postMessage(data); reset(); };
    } catch {
      worker = in_page_worker(receive);
    }
    const data = {type: "data", train, held_out};
    worker.postMessage(data);
  }

  // the worker's snapshots, drawn at most once per animation frame
  function receive({data}) {
    if (data.run !== run) return;  // from a run that was reset since
    latest = data;
    if (running) {
      const seconds = (performance.now() - clock.start) / 1000;
      if (seconds > 0 && data.seen > clock.seen) clock.rate = (data.seen - clock.seen) / seconds;
    }
    if (over(data)) { running = false; finish(data); }
    if (frame === null) frame = requestAnimationFrame(() => { frame = null; shown = latest; draw(); });
  }

  function finish(s) {
    if (s.status === "done") {
      end.replaceChildren(h("div", {}, [h("div", {text: "confusion matrix (held out)", style: "font-size:12px"}),
                                        confusionTable(confusion_matrix(s.predicted, held_out.labels))]),
                          mistakes(held_out, s.predicted));
    }
    const h_ = s.history;
    model.set("result", {status: s.status, steps: s.steps, epoch: h_.epoch, train_loss: h_.train_loss,
                         train_accuracy: h_.train_accuracy, val_loss: h_.val_loss, val_accuracy: h_.val_accuracy});
    model.save_changes();
  }

  function showButtons() {
    const done = over(shown);
    buttons.train.disabled = running || shown === null; buttons.pause.disabled = !running;
    buttons.step.disabled = running || done || shown === null;
    for (const b of Object.values(buttons)) b.style.opacity = b.disabled ? 0.45 : 1;
  }

  function draw() {
    about.textContent = architectures[model.get("architecture")].text;
    showButtons();
    if (shown === null) {
      readout.textContent = "";
      Object.assign(readout.dataset, {status: "starting", steps: 0, accuracy: ""});
      notes.textContent = "";
      return;
    }
    const h_ = shown.history, last = h_.val_accuracy.length - 1;
    if (h_.epoch.length !== pointsDrawn || shown.status === "diverged") {
      charts.replaceChildren(...curves(shown));
      pointsDrawn = h_.epoch.length;
    }
    drawFilters(filters, shown.filters);
    const parts = [`epoch ${formatF(shown.epoch, 2)} of ${shown.settings.epochs}`, `step ${formatInt(shown.steps)}`];
    if (last >= 0) parts.push(`held-out accuracy ${formatF(100 * h_.val_accuracy[last], 1)}%`);
    if (shown.status === "diverged") parts.push("diverged");
    if (clock.rate > 0) parts.push(`${formatInt(clock.rate)} examples/s`);
    readout.textContent = parts.join(" \u00b7 ");
    Object.assign(readout.dataset, {status: shown.status, steps: shown.steps, accuracy: last >= 0 ? h_.val_accuracy[last] : ""});
    notes.textContent = running ? "Training..." : describe(shown);
  }

  buttons.train.addEventListener("click", () => {
    if (over(shown)) reset();
    running = true;
    clock = {start: performance.now(), seen: shown ? shown.seen : 0, rate: clock.rate};
    worker.postMessage({type: "train"});
    draw();
  });
  buttons.pause.addEventListener("click", () => { running = false; worker.postMessage({type: "pause"}); draw(); });
  buttons.step.addEventListener("click", () => { running = false; worker.postMessage({type: "step"}); });
  buttons.reset.addEventListener("click", reset);
  model.on("change", () => {  // a new setting, from these controls or from Python: a fresh run
    architecture.set(model.get("architecture")); optimizer.set(model.get("optimizer"));
    lr.input.dataset.readout = formatG(model.get("lr"), 4); lr.set(lrs.indexOf(model.get("lr")));
    batch.set(model.get("batch_size")); seedInput.value = model.get("seed");
    if (shown === null || JSON.stringify(settings_of(model)) !== JSON.stringify(shown.settings)) reset();
  });
  lr.input.dataset.readout = formatG(model.get("lr"), 4); lr.show();
  startWorker();
  reset();
  return () => worker.terminate();
}

export default {render};
