// Training explorer, a player of recordings: pick a learning rate, an optimizer, a batch size and a
// number of epochs; *train* replays, epoch by epoch, the run Python trained for those settings when
// the notebook ran (cnncourse.widgets.training_explorer: train_run, replay, describe_run are the
// reference). The network that trains live in the page is live_trainer.js's.

// The first `epochs` epochs of a carried run (nan stored as null), as a History-like object.
export function replay(run, epochs) {
  const cut = (values) => values.slice(0, epochs).map(v => (v === null ? NaN : v));
  const finished = run.train_loss.length <= epochs;
  return {train_loss: cut(run.train_loss), train_accuracy: cut(run.train_accuracy), val_loss: cut(run.val_loss),
          val_accuracy: cut(run.val_accuracy), diverged: finished && run.diverged,
          stop_reason: finished ? run.stop_reason : null};
}

export function describeRun(history, lr) {
  if (history.diverged) {
    const reason = history.stop_reason.split(": ").slice(1).join(": ");
    return `The run diverged at learning rate ${formatG(lr, 6)}. ${reason[0].toUpperCase()}${reason.slice(1)} ` +
           "In the curves: the loss jumps up instead of going down.";
  }
  if (!history.val_accuracy.length) return "Press train to start a run.";
  const accuracy = history.val_accuracy[history.val_accuracy.length - 1];
  const percent = `${formatF(accuracy * 100, 0)}%`;
  if (accuracy < 0.2) {
    return `Validation accuracy ${percent}: about chance (10% for 10 classes), so the network learned nothing. ` +
           `With a large learning rate (${formatG(lr, 6)}) the first steps can push every ReLU to output 0 ` +
           "(they 'die' and pass no gradient); with a tiny one the weights barely move.";
  }
  return `Validation accuracy ${percent} after ${history.train_loss.length} epochs ` +
         `(training loss ${formatF(history.train_loss[history.train_loss.length - 1], 3)}).`;
}

// Loss and accuracy charts side by side, as cnncourse.plotting.history_chart draws them.
function historyCharts(history, maxEpochs) {
  const epochs = history.train_loss.map((_, i) => i + 1);
  const line = (key, label, colour, dashed = false) =>
    ({x: epochs.slice(0, history[key].length), y: history[key], label, colour, dashed});
  const xRange = [1, Math.max(maxEpochs, 2)];
  return [
    lineChart({lines: [line("train_loss", "train", PALETTE[0]), line("val_loss", "validation", PALETTE[1], true)], xRange,
               title: "loss", xLabel: "epoch", yLabel: "loss", width: 320, height: 240}),
    lineChart({lines: [line("train_accuracy", "train", PALETTE[0]), line("val_accuracy", "validation", PALETTE[1], true)], xRange,
               title: "accuracy", xLabel: "epoch", yLabel: "accuracy", yRange: [0, 1], width: 320, height: 240}),
  ];
}

function render({model, el}) {
  el.classList.add("cnn-explorer");  // the same hook under every renderer (book, JupyterLab)
  const lrs = model.get("lrs"), runs = model.get("runs");
  let timer = null;
  const stop = () => { if (timer !== null) { clearInterval(timer); timer = null; } };
  const choose = (name, value) => { stop(); model.set(name, value); model.set("shown", 0); model.save_changes(); };  // the change event redraws
  const lr = slider("lr", "learning rate", 0, lrs.length - 1, 1, lrs.indexOf(model.get("lr")), i => choose("lr", lrs[i]));
  const optimizer = select("optimizer", "optimizer", model.get("optimizers").map(o => [o, o]), model.get("optimizer"), v => choose("optimizer", v));
  const batch = select("batch_size", "batch size", model.get("batch_sizes").map(b => [b, b]), model.get("batch_size"), v => choose("batch_size", Number(v)));
  const epochs = slider("epochs", "epochs", 1, model.get("max_epochs"), 1, model.get("epochs"), v => choose("epochs", v));
  const train = h("button", {type: "button", "data-action": "train", text: "\u25b6 train",
                             style: "padding:4px 14px;background:#1f77b4;color:white;border:none;border-radius:3px;cursor:pointer"});
  const chart = h("div", {class: "cnn-chart", style: "display:flex;flex-wrap:wrap;gap:8px"});
  const notes = h("div", {class: "cnn-notes", style: "margin-top:4px"});
  const recording = h("div", {class: "cnn-recording", style: "font-size:12px;color:#555;margin-bottom:2px",
    text: "\u23fa Recordings: every run below was trained by Python when the notebook was executed; train replays the chosen one."});
  el.append(recording, h("div", {style: "display:flex;flex-wrap:wrap;align-items:center"}, [lr.el, optimizer.el, batch.el, epochs.el, train]),
            chart, notes);

  const current = () => runs[`${model.get("optimizer")} ${model.get("batch_size")} ${lrs.indexOf(model.get("lr"))}`];
  train.addEventListener("click", () => {
    stop();
    const total = Math.min(model.get("epochs"), current().train_loss.length);
    let shown = 0;
    const step = () => {
      shown += 1;
      if (shown >= total) stop();  // the last epoch is drawn with the run's outcome in words
      model.set("shown", shown); model.save_changes(); draw();
    };
    timer = setInterval(step, model.get("epoch_ms"));
    step();
  });

  function draw() {
    lr.input.dataset.readout = formatG(model.get("lr"), 4); lr.set(lrs.indexOf(model.get("lr")));
    optimizer.set(model.get("optimizer")); batch.set(model.get("batch_size")); epochs.set(model.get("epochs"));
    const shown = model.get("shown");
    const history = replay(current(), shown);
    chart.replaceChildren(...historyCharts(history, model.get("epochs")));
    notes.textContent = timer !== null ? `epoch ${shown} of ${model.get("epochs")}...` : describeRun(history, model.get("lr"));
  }
  draw();
  model.on("change", draw);  // a change from any side (these controls, the kernel) redraws
}

export default {render};
