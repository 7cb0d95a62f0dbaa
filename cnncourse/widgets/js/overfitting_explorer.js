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

function render({model, el}) {
  const set = (name, value) => { model.set(name, value); model.save_changes(); draw(); };
  const choices = (name, label, values) =>
    toggles(name, label, values.map(v => [v, String(v)]), model.get(name), v => set(name, Number(v)));
  const controls = {train_size: choices("train_size", "training digits", model.get("train_sizes")),
                    weight_decay: choices("weight_decay", "weight decay", model.get("weight_decays")),
                    dropout: choices("dropout", "dropout", model.get("dropouts"))};
  const chart = h("div", {class: "cnn-chart", style: "display:flex;flex-wrap:wrap;gap:8px"});
  const notes = h("div", {class: "cnn-notes", style: "margin-top:4px"});
  el.append(h("div", {style: "display:flex;flex-direction:column"}, Object.values(controls).map(c => c.el)), chart, notes);

  function draw() {
    for (const [name, c] of Object.entries(controls)) c.set(model.get(name));
    const run = model.get("runs")[`${model.get("train_size")}|${model.get("weight_decay")}|${model.get("dropout")}`];
    const epochs = run.train_loss.map((_, i) => i + 1);
    const line = (key, label, colour, dashed = false) => ({x: epochs, y: run[key], label, colour, dashed});
    chart.replaceChildren(
      lineChart({lines: [line("train_accuracy", "train", PALETTE[0]), line("val_accuracy", "validation", PALETTE[1], true)],
                 title: "accuracy", xLabel: "epoch", yLabel: "accuracy", yRange: [0, 1], width: 320, height: 240}),
      lineChart({lines: [line("train_loss", "train", PALETTE[0]), line("val_loss", "validation", PALETTE[1], true)],
                 title: "loss", xLabel: "epoch", yLabel: "loss", width: 320, height: 240}));
    notes.textContent = gapSentence(run);
  }
  draw();
}

export default {render};
