// Optimizers on tensors ({shape, data}), updated in place: the browser's copy of cnncourse.optim,
// with torch.optim's formulas, so the three give the same steps.
//
// SGD: p -= lr g; with momentum torch's form v = mu v + g (the first step sets v = g), p -= lr v.
// Adam: running means of g and g^2, corrected for their start at zero, give each parameter its
// own step lr m_hat / (sqrt(v_hat) + eps).

export class SGD {
  constructor(params, lr, momentum = 0) {
    Object.assign(this, {params, lr, momentum, steps: 0});
    this.velocity = params.map((p) => new p.data.constructor(p.data.length));
  }

  step(grads) {
    this.steps += 1;
    this.params.forEach((param, i) => {
      const p = param.data, g = grads[i].data, v = this.velocity[i];
      for (let j = 0; j < p.length; j++) {
        if (this.momentum === 0) { p[j] -= this.lr * g[j]; continue; }
        v[j] = this.steps === 1 ? g[j] : this.momentum * v[j] + g[j];
        p[j] -= this.lr * v[j];
      }
    });
  }
}

export class Adam {
  constructor(params, lr = 1e-3, betas = [0.9, 0.999], eps = 1e-8) {
    Object.assign(this, {params, lr, beta1: betas[0], beta2: betas[1], eps, steps: 0});
    this.mean = params.map((p) => new p.data.constructor(p.data.length));
    this.square = params.map((p) => new p.data.constructor(p.data.length));
  }

  step(grads) {
    this.steps += 1;
    const correction1 = 1 - this.beta1 ** this.steps, correction2 = 1 - this.beta2 ** this.steps;
    this.params.forEach((param, i) => {
      const p = param.data, g = grads[i].data, m = this.mean[i], v = this.square[i];
      for (let j = 0; j < p.length; j++) {
        m[j] = this.beta1 * m[j] + (1 - this.beta1) * g[j];
        v[j] = this.beta2 * v[j] + (1 - this.beta2) * g[j] * g[j];
        p[j] -= this.lr * (m[j] / correction1) / (Math.sqrt(v[j] / correction2) + this.eps);
      }
    });
  }
}

// The optimizers the trainer offers, by the names of cnncourse.training.OPTIMIZERS
export const OPTIMIZERS = {
  sgd: (params, lr) => new SGD(params, lr),
  momentum: (params, lr) => new SGD(params, lr, 0.9),
  adam: (params, lr) => new Adam(params, lr),
};
