// Max and average pooling of one channel, shared by the chapter 3 explorers.
// The Python reference is cnncourse.functional.max_pool2d / avg_pool2d.

// Pool a rows x cols array (row-major) with a k x k window, stride and padding; padding is -inf for
// max pooling and 0 for average pooling (counted in the mean, as torch does by default).
export function pool2d(values, rows, cols, k, stride, padding, mode) {
  const outRows = Math.floor((rows + 2 * padding - k) / stride) + 1;
  const outCols = Math.floor((cols + 2 * padding - k) / stride) + 1;
  const out = new Float64Array(Math.max(outRows, 0) * Math.max(outCols, 0));
  for (let r = 0; r < outRows; r++) {
    for (let c = 0; c < outCols; c++) {
      let best = -Infinity, sum = 0;
      for (let i = r * stride - padding; i < r * stride - padding + k; i++) {
        for (let j = c * stride - padding; j < c * stride - padding + k; j++) {
          const inside = i >= 0 && i < rows && j >= 0 && j < cols;
          const v = inside ? values[i * cols + j] : (mode === "max" ? -Infinity : 0);
          if (v > best) best = v;
          sum += v;
        }
      }
      out[r * outCols + c] = mode === "max" ? best : sum / (k * k);
    }
  }
  return {values: out, rows: outRows, cols: outCols};
}
