// A tiny CNN for the 8x8 digits, built from functional.js: the browser's copy of
// cnncourse.demos.numpy_cnn.TinyCNN, with one or two convolutions.
//
//   one conv (padding 0):  (N,1,8,8) -conv 3x3, F-> (N,F,6,6) -ReLU, pool-> (N,F,3,3) -> 9F -> 10
//   two convs (padding 1): (N,1,8,8) -> (N,F1,8,8) -> (N,F1,4,4) -> (N,F2,4,4) -> (N,F2,2,2) -> 4 F2 -> 10
//
// Initialised from a seeded generator: He scale sqrt(2 / fan_in) for the convolutions, small
// scores at first (0.1 / sqrt(features)) for the linear layer, biases 0, as TinyCNN does.

// mulberry32: a small seeded generator of 32-bit numbers; random() is uniform in [0, 1)
export function generator(seed) {
  let state = seed >>> 0;
  const random = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  // a standard normal value (Box-Muller; 1 - u keeps the logarithm finite)
  const normal = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  return {random, normal};
}

// 0 .. n - 1 in a random order (Fisher-Yates)
export function permutation(n, random) {
  const order = Array.from({length: n}, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  return order;
}

const CLASSES = 10, SIDE = 8, KERNEL = 3;

export class TinyCNN {
  // filters: [F] or [F1, F2], the filters of each convolution
  constructor(filters, seed = 0, Type = Float32Array) {
    this.filters = filters;
    this.padding = filters.length === 1 ? 0 : 1;  // two convolutions keep 8x8 alive through two poolings
    let side = SIDE, channels = 1;
    const {normal} = generator(seed);
    const normals = (shape, std) => tensor(shape, Type.from({length: shape.reduce((a, b) => a * b)}, () => std * normal()));
    this.params = {};
    this.convs = filters.map((_, i) => (filters.length === 1 ? "conv" : `conv${i + 1}`));  // layer names
    filters.forEach((count, i) => {
      const name = this.convs[i];
      this.params[`${name}_weight`] = normals([count, channels, KERNEL, KERNEL], Math.sqrt(2 / (channels * KERNEL * KERNEL)));
      this.params[`${name}_bias`] = tensor([count], null, Type);
      side = Math.floor((side + 2 * this.padding - KERNEL + 1) / 2);
      channels = count;
    });
    const features = channels * side * side;
    this.params.linear_weight = normals([CLASSES, features], 0.1 / Math.sqrt(features));
    this.params.linear_bias = tensor([CLASSES], null, Type);
    this.names = Object.keys(this.params);
  }

  get size() {
    return Object.values(this.params).reduce((total, p) => total + p.data.length, 0);
  }

  // scores (N, 10) for images x (N, 1, 8, 8), and what the backward pass needs
  forward(x) {
    const saved = [];
    let a = x;
    for (const name of this.convs) {
      const z = conv2d(a, this.params[`${name}_weight`], this.params[`${name}_bias`], this.padding);
      const activated = relu(z);
      saved.push({input: a, z, activated});
      a = max_pool2d(activated, 2);
    }
    const flat = flatten(a);
    return [linear(flat, this.params.linear_weight, this.params.linear_bias), {saved, pooled: a, flat}];
  }

  // the mean cross-entropy on (x, labels), its gradient for every parameter ({name: tensor}) and
  // the scores (N, 10) it came from
  loss_and_gradients(x, labels) {
    const [scores, {saved, pooled, flat}] = this.forward(x);
    const g_scores = cross_entropy_backward(scores, labels);
    const [g_flat, g_w, g_b] = linear_backward(g_scores, flat, this.params.linear_weight);
    const grads = {linear_weight: g_w, linear_bias: g_b};
    let g = {shape: pooled.shape, data: g_flat.data};  // unflatten
    for (let i = saved.length - 1; i >= 0; i--) {
      const {input, z, activated} = saved[i], name = this.convs[i];
      const g_z = mul(max_pool2d_backward(g, activated, 2), relu_grad(z));  // to the maxima, through ReLU
      const [g_input, g_weight, g_bias] = conv2d_backward(g_z, input, this.params[`${name}_weight`], this.padding);
      Object.assign(grads, {[`${name}_weight`]: g_weight, [`${name}_bias`]: g_bias});
      g = g_input;
    }
    return [cross_entropy(scores, labels), grads, scores];
  }

  // the class with the highest score for each image (N)
  predict(x) {
    return argmax_rows(this.forward(x)[0]);
  }
}

export function argmax_rows(scores) {
  const [n, c] = scores.shape, best = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    for (let j = 1; j < c; j++) if (scores.data[i * c + j] > scores.data[i * c + best[i]]) best[i] = j;
  }
  return best;
}
