// Drivers for the cases of tests/js/fixtures.json that are more than one call: each takes the module
// under test and the case's (decoded) arguments and returns plain values the harness compares.
// Float64Array throughout, so the answers of the float64 Python references hold to 1e-10.

// the parameters (copies of their values) after each of the optimizer's steps
function stepsOf(optimizer, params, gradsPerStep) {
  return gradsPerStep.map((grads) => {
    optimizer.step(grads);
    return params.map((p) => Array.from(p.data));
  });
}

const plain = (t) => ({ shape: t.shape, data: Array.from(t.data) });

export const DRIVERS = {
  // new SGD(params, ...options) or new Adam(params, ...options), stepped once per list of gradients
  optimizer_steps: (m, name, params, gradsPerStep, options) => stepsOf(new m[name](params, ...options), params, gradsPerStep),
  // the trainer's OPTIMIZERS[key](params, lr), stepped the same way
  optimizer_by_name: (m, key, params, gradsPerStep, lr) => stepsOf(m.OPTIMIZERS[key](params, lr), params, gradsPerStep),
  // the first `count` values of random() and of normal() of two generators with one seed
  generator_draws: (m, seed, count) => {
    const a = m.generator(seed), b = m.generator(seed);
    return { random: Array.from({ length: count }, a.random), normal: Array.from({ length: count }, b.normal) };
  },
  // permutation(n) drawn from the given uniform numbers, in order
  permutation_of: (m, n, uniforms) => {
    let next = 0;
    return m.permutation(n, () => uniforms[next++]);
  },
  // a new TinyCNN(filters, seed, Float64Array) (seed null: left out): its layer names, padding, size
  // and initial parameters
  tiny_cnn_init: (m, filters, seed) => {
    const net = new m.TinyCNN(filters, seed ?? undefined, Float64Array);
    const params = Object.fromEntries(net.names.map((n) => [n, plain(net.params[n])]));
    return { names: net.names, convs: net.convs, padding: net.padding, size: net.size, params };
  },
  // a TinyCNN with the given parameters: loss, gradients and scores on (x, labels), and its predictions
  tiny_cnn_pass: (m, filters, params, x, labels) => {
    const net = new m.TinyCNN(filters, 0, Float64Array);
    for (const name of net.names) net.params[name].data.set(params[name]);
    const [loss, grads, scores] = net.loss_and_gradients(x, labels);
    const gradients = Object.fromEntries(Object.entries(grads).map(([n, g]) => [n, plain(g)]));
    return { loss, gradients, scores: plain(scores), predicted: Array.from(net.predict(x)) };
  },
  // a Trainer (float64) stepped `steps` times: what it records and where it stands
  trainer_run: (m, train, heldOut, settings, steps) => {
    const trainer = new m.Trainer(train, heldOut, settings, Float64Array);
    const before = { status: trainer.status, total_steps: trainer.total_steps };
    for (let i = 0; i < steps; i++) trainer.step();
    const { loss, accuracy, predicted } = trainer.evaluate(heldOut);
    return {
      before, history: trainer.history, step_losses: trainer.step_losses, status: trainer.status,
      reason: trainer.reason, steps: trainer.steps, epoch: trainer.epoch,
      evaluation: { loss, accuracy, predicted: Array.from(predicted) },
    };
  },
};
