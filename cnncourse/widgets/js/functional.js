// The layers of a small CNN, forward and backward, in plain JavaScript: the browser's copy of
// cnncourse.functional, with its function names and argument order so the two read side by side.
//
// A tensor is {shape: [N, C, H, W] (or [N, F]), data: Float32Array} in row-major order, as NumPy
// lays it out. Every op allocates its result with its input's array type, so a Float64Array in
// gives Float64 all the way (the parity tests use that); the page trains in Float32.
// Convolution is cross-correlation, stride 1, zero padding; pooling is 2x2 max pooling.

export function tensor(shape, data = null, Type = Float32Array) {
  const size = shape.reduce((a, b) => a * b, 1);
  if (data !== null && data.length !== size) throw new Error(`data has ${data.length} values, shape ${shape} needs ${size}`);
  return {shape: [...shape], data: data === null ? new Type(size) : data};
}

const like = (t, shape) => tensor(shape, null, t.data.constructor);

// out (m, n) += a (m, k) @ b (k, n): each row of b, scaled by one value of a, added to a row of out
function matmul(out, a, b, m, k, n) {
  for (let i = 0; i < m; i++) {
    for (let p = 0; p < k; p++) {
      const v = a[i * k + p];
      if (v === 0) continue;  // ReLU and pooling leave many zeros in the gradients
      for (let j = 0; j < n; j++) out[i * n + j] += v * b[p * n + j];
    }
  }
}

// out (m, n) += a.T @ b, for a (k, m) and b (k, n)
function matmul_transpose_a(out, a, b, k, m, n) {
  for (let p = 0; p < k; p++) {
    for (let i = 0; i < m; i++) {
      const v = a[p * m + i];
      if (v === 0) continue;
      for (let j = 0; j < n; j++) out[i * n + j] += v * b[p * n + j];
    }
  }
}

// out (m, n) = a @ b.T, for a (m, k) and b (n, k): every value one dot product of two rows
function matmul_transpose_b(out, a, b, m, k, n) {
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let sum = 0;
      for (let p = 0; p < k; p++) sum += a[i * k + p] * b[j * k + p];
      out[i * n + j] = sum;
    }
  }
}

// For one image (C, H, W) and a kH x kW window: the index of the input value that each window
// cell meets, (H_out * W_out, C * kH * kW), one row per output position in the weights' order;
// -1 where the cell lies on the zero padding. Computed once per shape.
const WINDOW_INDICES = new Map();
function window_indices(channels, height, width, kh, kw, padding) {
  const key = [channels, height, width, kh, kw, padding].join();
  if (WINDOW_INDICES.has(key)) return WINDOW_INDICES.get(key);
  const hOut = height + 2 * padding - kh + 1, wOut = width + 2 * padding - kw + 1;
  const indices = new Int32Array(hOut * wOut * channels * kh * kw);
  let at = 0;
  for (let i = 0; i < hOut; i++) {
    for (let j = 0; j < wOut; j++) {
      for (let c = 0; c < channels; c++) {
        for (let a = 0; a < kh; a++) {
          for (let b = 0; b < kw; b++, at++) {
            const r = i + a - padding, col = j + b - padding;
            indices[at] = r >= 0 && r < height && col >= 0 && col < width ? (c * height + r) * width + col : -1;
          }
        }
      }
    }
  }
  WINDOW_INDICES.set(key, indices);
  return indices;
}

// im2col: every window of image x laid out as a row (zeros on the padding)
function im2col(x, indices, windows) {
  for (let i = 0; i < indices.length; i++) windows[i] = indices[i] < 0 ? 0 : x[indices[i]];
}

// its adjoint: add each window row back onto the input cells it came from
function col2im(windows, indices, x) {
  for (let i = 0; i < indices.length; i++) if (indices[i] >= 0) x[indices[i]] += windows[i];
}

function convShapes(x, weight, padding) {
  const [n, c, h, w] = x.shape, [o, cw, kh, kw] = weight.shape;
  if (c !== cw) throw new Error(`x has ${c} channels but weight expects ${cw}`);
  return {n, c, h, w, o, kh, kw, hOut: h + 2 * padding - kh + 1, wOut: w + 2 * padding - kw + 1};
}

// x (N, C, H, W), weight (O, C, kH, kW), bias (O) or null -> (N, O, H_out, W_out), stride 1.
// Per image: out (O, positions) = weight (O, C kH kW) @ windows.T, then the bias.
export function conv2d(x, weight, bias = null, padding = 0) {
  const {n, c, h, w, o, kh, kw, hOut, wOut} = convShapes(x, weight, padding);
  const positions = hOut * wOut, row = c * kh * kw;
  const out = like(x, [n, o, hOut, wOut]);
  const indices = window_indices(c, h, w, kh, kw, padding), windows = new x.data.constructor(positions * row);
  for (let b = 0; b < n; b++) {
    im2col(x.data.subarray(b * c * h * w), indices, windows);
    const y = out.data.subarray(b * o * positions, (b + 1) * o * positions);
    matmul_transpose_b(y, weight.data, windows, o, row, positions);
    if (bias) for (let f = 0; f < o; f++) for (let p = 0; p < positions; p++) y[f * positions + p] += bias.data[f];
  }
  return out;
}

// Gradients of conv2d(x, weight, bias, padding) from grad_output (N, O, H_out, W_out):
// [grad_x like x, grad_weight like weight, grad_bias (O)].
export function conv2d_backward(grad_output, x, weight, padding = 0) {
  const {n, c, h, w, o, kh, kw} = convShapes(x, weight, padding);
  const positions = grad_output.shape[2] * grad_output.shape[3], row = c * kh * kw;
  const grad_x = like(x, x.shape), grad_weight = like(x, weight.shape), grad_bias = like(x, [o]);
  const indices = window_indices(c, h, w, kh, kw, padding);
  const windows = new x.data.constructor(positions * row), grad_windows = new x.data.constructor(positions * row);
  for (let b = 0; b < n; b++) {
    const g = grad_output.data.subarray(b * o * positions, (b + 1) * o * positions);  // (O, positions)
    im2col(x.data.subarray(b * c * h * w), indices, windows);
    matmul(grad_weight.data, g, windows, o, positions, row);           // g @ windows
    grad_windows.fill(0);
    matmul_transpose_a(grad_windows, g, weight.data, o, positions, row);  // g.T @ weight
    col2im(grad_windows, indices, grad_x.data.subarray(b * c * h * w));
    for (let f = 0; f < o; f++) for (let p = 0; p < positions; p++) grad_bias.data[f] += g[f * positions + p];
  }
  return [grad_x, grad_weight, grad_bias];
}

export function relu(x) {
  const out = like(x, x.shape);
  for (let i = 0; i < x.data.length; i++) out.data[i] = x.data[i] > 0 ? x.data[i] : 0;
  return out;
}

// d relu / dx: 1 where x > 0, else 0 (also at 0, as in torch)
export function relu_grad(x) {
  const out = like(x, x.shape);
  for (let i = 0; i < x.data.length; i++) out.data[i] = x.data[i] > 0 ? 1 : 0;
  return out;
}

export function mul(a, b) {
  const out = like(a, a.shape);
  for (let i = 0; i < a.data.length; i++) out.data[i] = a.data[i] * b.data[i];
  return out;
}

// For each window of each channel, the flat index (into x.data) of its maximum: the first one on
// ties, as torch. Windows k x k, stride k; rows and columns that don't fill a window are dropped.
function window_maxima(x, k) {
  const [n, c, h, w] = x.shape, hOut = Math.floor(h / k), wOut = Math.floor(w / k);
  const winners = new Int32Array(n * c * hOut * wOut);
  let at = 0;
  for (let plane = 0; plane < n * c; plane++) {
    for (let i = 0; i < hOut; i++) {
      for (let j = 0; j < wOut; j++, at++) {
        let best = plane * h * w + i * k * w + j * k;
        for (let a = 0; a < k; a++) {
          for (let b = 0; b < k; b++) {
            const index = plane * h * w + (i * k + a) * w + j * k + b;
            if (x.data[index] > x.data[best]) best = index;
          }
        }
        winners[at] = best;
      }
    }
  }
  return {winners, shape: [n, c, hOut, wOut]};
}

// x (N, C, H, W) -> (N, C, H // k, W // k), the largest value of each k x k window
export function max_pool2d(x, kernel_size = 2) {
  const {winners, shape} = window_maxima(x, kernel_size);
  const out = like(x, shape);
  for (let i = 0; i < winners.length; i++) out.data[i] = x.data[winners[i]];
  return out;
}

// Each output's gradient goes to its window's maximum; the other inputs get 0.
export function max_pool2d_backward(grad_output, x, kernel_size = 2) {
  const {winners} = window_maxima(x, kernel_size);
  const grad_x = like(x, x.shape);
  for (let i = 0; i < winners.length; i++) grad_x.data[winners[i]] += grad_output.data[i];
  return grad_x;
}

// (N, ...) -> (N, everything else), sharing the data
export function flatten(x) {
  return {shape: [x.shape[0], x.data.length / x.shape[0]], data: x.data};
}

// x (N, F), weight (O, F), bias (O) -> x @ weight.T + bias, (N, O)
export function linear(x, weight, bias) {
  const [n, f] = x.shape, o = weight.shape[0];
  const out = like(x, [n, o]);
  matmul_transpose_b(out.data, x.data, weight.data, n, f, o);
  for (let i = 0; i < n; i++) for (let j = 0; j < o; j++) out.data[i * o + j] += bias.data[j];
  return out;
}

// Gradients of linear(x, weight, bias): [grad_output @ weight, grad_output.T @ x, column sums]
export function linear_backward(grad_output, x, weight) {
  const [n, f] = x.shape, o = weight.shape[0];
  const grad_x = like(x, x.shape), grad_weight = like(x, weight.shape), grad_bias = like(x, [o]);
  matmul(grad_x.data, grad_output.data, weight.data, n, o, f);
  matmul_transpose_a(grad_weight.data, grad_output.data, x.data, n, o, f);
  for (let i = 0; i < n; i++) for (let j = 0; j < o; j++) grad_bias.data[j] += grad_output.data[i * o + j];
  return [grad_x, grad_weight, grad_bias];
}

// log(softmax(logits)) along each row of (N, C), shifted by the row's maximum so exp never overflows
export function log_softmax(logits) {
  const [n, c] = logits.shape, out = like(logits, logits.shape);
  for (let i = 0; i < n; i++) {
    const row = logits.data.subarray(i * c, (i + 1) * c);
    let top = -Infinity, sum = 0;
    for (const v of row) top = Math.max(top, v);
    for (const v of row) sum += Math.exp(v - top);
    const shift = top + Math.log(sum);
    for (let j = 0; j < c; j++) out.data[i * c + j] = row[j] - shift;
  }
  return out;
}

// Mean cross-entropy of scores (N, C) with integer labels target (N): -mean(log_softmax[n, target[n]])
export function cross_entropy(logits, target) {
  const [n, c] = logits.shape, log_p = log_softmax(logits);
  let total = 0;
  for (let i = 0; i < n; i++) total -= log_p.data[i * c + target[i]];
  return total / n;
}

// d cross_entropy / d logits = (softmax(logits) - one_hot(target)) / N, (N, C)
export function cross_entropy_backward(logits, target) {
  const [n, c] = logits.shape, grad = log_softmax(logits);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < c; j++) grad.data[i * c + j] = (Math.exp(grad.data[i * c + j]) - (j === target[i] ? 1 : 0)) / n;
  }
  return grad;
}
