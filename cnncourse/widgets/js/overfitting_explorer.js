// Over-fitting explorer: training-set size, weight decay and dropout -> the training and validation
// curves of a run Python trained for those settings when the notebook ran
// (cnncourse.widgets.overfitting_explorer: explore_overfitting and gap_sentence are the reference).

export function gapSentence(run) {
  const last = (values) => values[values.length - 1];
  const gap = last(run.train_accuracy) - last(run.val_accuracy);
  const best = run.val_loss.indexOf(Math.min(...run.val_loss)) + 1;
  return `Final accuracy: ${formatF(100 * last(run.train_accuracy), 1)}% on the training set, ` +
         `${formatF(100 * last(run.val_accuracy), 1)}% on validation: a gap of ${formatF(100 * gap, 1)} points. ` +
         `The validation loss was lowest at epoch ${best} of ${run.val_loss.length}.`;
}

// The charts' legend, as a line of text under them: a solid line for training, dashed for validation.
function legend() {
  const key = (colour, dashed, label) => {
    const sample = s("svg", {width: 28, height: 8});
    sample.append(s("line", {x1: 0, x2: 28, y1: 4, y2: 4, stroke: colour, "stroke-width": 2,
                             ...(dashed ? {"stroke-dasharray": "5 3"} : {})}));
    return h("span", {style: "display:inline-flex;align-items:center;gap:4px"}, [sample, label]);
  };
  return h("div", {class: "cnn-legend", style: "display:flex;gap:16px;font-size:0.9em"},
           [key(PALETTE[0], false, "training set"), key(PALETTE[1], true, "validation set")]);
}

function render({model, el}) {
  const set = (name, value) => { model.set(name, value); model.save_changes(); draw(); };
  const choices = (name, label, values) =>
    toggles(name, label, values.map(v => [v, String(v)]), model.get(name), v => set(name, Number(v)));
  const controls = {train_size: choices("train_size", "training digits", model.get("train_sizes")),
                    weight_decay: choices("weight_decay", "weight decay", model.get("weight_decays")),
                    dropout: choices("dropout", "dropout", model.get("dropouts"))};
  // one label width for all three rows, so their buttons line up
  for (const c of Object.values(controls)) c.el.firstChild.style.minWidth = "8.5em";
  const chart = h("div", {class: "cnn-chart", style: "display:flex;flex-wrap:wrap;gap:8px"});
  const notes = h("div", {class: "cnn-notes", style: "margin-top:4px"});
  el.append(h("div", {style: "display:flex;flex-direction:column"}, Object.values(controls).map(c => c.el)), chart,
            legend(), notes);

  function draw() {
    for (const [name, c] of Object.entries(controls)) c.set(model.get(name));
    const run = model.get("runs")[`${model.get("train_size")}|${model.get("weight_decay")}|${model.get("dropout")}`];
    const epochs = run.train_loss.map((_, i) => i + 1);
    // unlabelled lines: the legend sits under the charts, where no curve can run through it
    const line = (key, colour, dashed = false) => ({x: epochs, y: run[key], label: "", colour, dashed});
    chart.replaceChildren(
      lineChart({lines: [line("train_accuracy", PALETTE[0]), line("val_accuracy", PALETTE[1], true)],
                 title: "accuracy", xLabel: "epoch", yLabel: "accuracy", yRange: [0, 1], width: 320, height: 240}),
      lineChart({lines: [line("train_loss", PALETTE[0]), line("val_loss", PALETTE[1], true)],
                 title: "loss", xLabel: "epoch", yLabel: "loss", width: 320, height: 240}));
    notes.textContent = gapSentence(run);
  }
  draw();
}

export default {render};
