// One training run of TinyCNN on the digits, a mini-batch at a time, with no drawing: the live
// trainer's view calls step() in small chunks per animation frame and draws what it records.
//
// A run is fixed by its settings: the seed draws the initial weights and the order of the
// mini-batches, so the same settings give the same curve, step for step, whatever the chunks.

export const DIVERGENCE_FACTOR = 10;  // a loss 10 times its first value has diverged (as cnncourse's fit)
export const POINTS_PER_EPOCH = 4;    // the curves get a point every quarter epoch

// images (N * 64) in [0, 1], labels (N): the examples at `indices` as a batch (B, 1, 8, 8)
function batch(data, indices, Type) {
  const x = tensor([indices.length, 1, 8, 8], null, Type), y = new Int32Array(indices.length);
  indices.forEach((index, i) => {
    x.data.set(data.images.subarray(index * 64, (index + 1) * 64), i * 64);
    y[i] = data.labels[index];
  });
  return [x, y];
}

export class Trainer {
  // train, held_out: {images, labels}; settings: {filters, lr, batch_size, optimizer, seed, epochs}
  constructor(train, held_out, settings, Type = Float32Array) {
    Object.assign(this, {train, held_out, settings, Type});
    this.model = new TinyCNN(settings.filters, settings.seed, Type);
    this.optimizer = OPTIMIZERS[settings.optimizer](this.model.names.map((n) => this.model.params[n]), settings.lr);
    this.random = generator(settings.seed ^ 0x5bd1e995).random;  // the batch order: its own stream
    this.count = train.labels.length;
    this.order = [];
    this.position = 0;                       // examples of the current epoch already used
    this.seen = 0;                           // examples used since the start
    this.steps = 0;
    this.first_loss = null;
    this.pending = {loss: 0, correct: 0, examples: 0};  // since the last point of the curves
    this.history = {epoch: [], train_loss: [], train_accuracy: [], val_loss: [], val_accuracy: []};
    this.step_losses = {epoch: [], loss: []};  // every step's loss, the diverging one included
    this.status = "ready";                   // ready, training, done, diverged
    this.reason = null;                      // why a diverged run stopped
  }

  get total_steps() {
    return this.settings.epochs * Math.ceil(this.count / this.settings.batch_size);
  }

  get epoch() {
    return this.seen / this.count;
  }

  // one mini-batch: forward, backward, optimizer step; then a point of the curves when due
  step() {
    if (this.status === "done" || this.status === "diverged") return;
    this.status = "training";
    if (this.position === 0) this.order = permutation(this.count, this.random);
    const indices = this.order.slice(this.position, this.position + this.settings.batch_size);
    const [x, y] = batch(this.train, indices, this.Type);
    const [loss, grads, scores] = this.model.loss_and_gradients(x, y);
    this.first_loss ??= loss;
    this.step_losses.epoch.push((this.seen + indices.length) / this.count);
    this.step_losses.loss.push(loss);
    if (!Number.isFinite(loss) || loss > DIVERGENCE_FACTOR * this.first_loss) {
      this.diverge(loss);
      return;
    }
    this.optimizer.step(this.model.names.map((n) => grads[n]));
    const predicted = argmax_rows(scores);
    this.pending.loss += loss * indices.length;
    this.pending.correct += predicted.reduce((sum, p, i) => sum + (p === y[i] ? 1 : 0), 0);
    this.pending.examples += indices.length;
    this.steps += 1;
    this.seen += indices.length;
    this.position = (this.position + indices.length) % this.count;
    const quarter = this.count / POINTS_PER_EPOCH;
    if (Math.floor(this.seen / quarter) > Math.floor((this.seen - indices.length) / quarter) || this.position === 0) {
      this.record();
    }
    if (this.steps >= this.total_steps) this.status = "done";
  }

  // a point of the curves: the training examples since the last one, and the whole held-out set
  record() {
    const {loss, accuracy} = this.evaluate(this.held_out);
    const h = this.history;
    if (!Number.isFinite(loss)) { this.diverge(loss); return; }
    h.epoch.push(this.epoch);
    h.train_loss.push(this.pending.loss / this.pending.examples);
    h.train_accuracy.push(this.pending.correct / this.pending.examples);
    h.val_loss.push(loss);
    h.val_accuracy.push(accuracy);
    this.pending = {loss: 0, correct: 0, examples: 0};
  }

  diverge(loss) {
    this.status = "diverged";
    const shown = Number.isFinite(loss) ? `grew to ${formatG(loss, 3)}, more than ${DIVERGENCE_FACTOR} times its first value ${formatG(this.first_loss, 3)}`
      : "is no longer a number (the weights overflowed)";
    this.reason = `At step ${this.steps + 1} the loss ${shown}.`;
  }

  // mean loss, accuracy and the predicted classes on {images, labels}
  evaluate(data) {
    const all = Array.from(data.labels, (_, i) => i);
    const [x, y] = batch(data, all, this.Type);
    const scores = this.model.forward(x)[0];
    const predicted = argmax_rows(scores);
    const correct = predicted.reduce((sum, p, i) => sum + (p === y[i] ? 1 : 0), 0);
    return {loss: cross_entropy(scores, y), accuracy: correct / y.length, predicted};
  }
}

// counts[true][predicted] over the classes 0..9
export function confusion_matrix(predicted, labels) {
  const counts = Array.from({length: 10}, () => new Array(10).fill(0));
  predicted.forEach((p, i) => { counts[labels[i]][p] += 1; });
  return counts;
}
