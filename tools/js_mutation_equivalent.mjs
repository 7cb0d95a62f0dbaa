// The widgets' JavaScript mutants that cannot change any result, each with the reason: not counted
// by tools/js_mutation.mjs. Keys "script:function:label@line" (#2, #3: the second, third match on
// that line), as the driver prints them.

// why one more pass of a loop over a typed array changes nothing
const PAST = "its extra pass writes past the end of a typed array of exactly that length, which ignores it";
// why the sign tests of the number formats' infinities may move
const INF = "a value that is not finite and not NaN is +-Infinity, on the same side of 0 and of 1";
// why half-even rounding may look at a shorter or stricter tail after a 5
const TAIL = "after a 5 at the cut, the rest of a double's exact expansion ends in 25 or 75 (as every k / 2^m), " +
  "so a nonzero rest always holds a digit from 2 to 9 past its first (toFixed(100) is exact above about 1e-17; " +
  "below that a 100-digit rest of only 0s and 1s after the 5 would be needed)";
// why SGD's first-step branch may be skipped
const SGD_FIRST_STEP =
  "v starts at 0, so momentum v + g is g exactly at the first step: counting steps only repeats it";

export const EQUIVALENT = {
  "kernel_explorer:toUnitRange:> to >=@45":
    "span is only divided by when hi > lo",
  "kernel_explorer:toUnitRange:number + 1@45":
    "span is only divided by when hi > lo, where it is hi - lo",
  "kernel_explorer:toUnitRange:> to >=@46":
    "when hi = lo, (v - lo) / span is 0 as the 0 it replaces",
  "kernel_explorer:corr2d:< to <=@11":
    "row rows: " + PAST,
  "kernel_explorer:corr2d:< to <=@12":
    "value cols of row r lands on row r + 1's first, which that row then assigns; the last row's is past the end",
  "kernel_explorer:corr2d:number + 1@10":
    "only a kernel taller than the image differs; the controls and the references refuse it",
  "kernel_explorer:corr2d:number + 1@10#2":
    "only a kernel wider than the image differs; the controls and the references refuse it",
  "pool2d:pool2d:< to <=@10":
    "the extra row's writes fall past the typed array's end, which ignores them",
  "pool2d:pool2d:< to <=@11":
    "the extra column's write lands on the next row's first cell, written again after",
  "pool2d:pool2d:> to >=@17":
    "the maximum of equal values is the same value",
  "pool2d:pool2d:number + 1@9":
    "only an output with no rows differs; the controls and the references refuse it",
  "pool2d:pool2d:number + 1@9#2":
    "only an output with no columns differs; the controls and the references refuse it",
  "activation_explorer:erfc:< to <=@8":
    "at z = 3 the series and the continued fraction agree to 1e-11",
  "activation_explorer:erfc:* to /@10":
    "stopping at 1e-17 / sum instead of 1e-17 * sum: both below a double's precision",
  "activation_explorer:erfc:< to <=@10":
    "200 or 201 terms at most: the series stops after about 60",
  "activation_explorer:erfc:number + 1@10#2":
    "200 or 201 terms at most: the series stops after about 60",
  "activation_explorer:erfc:number + 1@14":
    "60 or 61 continued-fraction levels: converged to a double long before, for z >= 3",
  "activation_explorer:erfc:> to >=@10":
    "a term equal to 1e-17 of the sum changes nothing a double holds",
  "activation_explorer:erfc:&& to ||@10":
    "running to 200 terms adds only terms below a double's precision",
  "activation_explorer:erfc:number + 1@10#3":
    "stopping at 1e-18 instead of 1e-17 of the sum: both below a double's precision",
  // functional.js: a typed array ignores writes past its end, and reads there give undefined
  "functional:conv2d:< to <=@99":
    "image n: x's subarray there is empty and so is out's, whose writes are ignored",
  "functional:conv2d:< to <=@103":
    "bias row o: past the end of the image's subarray y, which ignores it",
  "functional:conv2d:number + 1@101":
    "y one image longer (clipped at the end): only its first O x positions values are written",
  "functional:matmul_transpose_b:< to <=@41":
    "row m: " + PAST,
  "functional:matmul_transpose_b:< to <=@42":
    "value n of row i lands on row i + 1's first, which that row then assigns; the last row's is past the end",
  "functional:window_indices:< to <=@60":
    "output row hOut: " + PAST,
  "functional:window_indices:number + 1@66#3":
    "a padding cell's marker is only compared with 0 (< 0, >= 0): -1 and -2 act alike",
  "functional:im2col:< to <=@78":
    "value indices.length: " + PAST,
  "functional:conv2d_backward:< to <=@123":
    "bias gradient o: " + PAST,
  "functional:conv2d_backward:number + 1@117":
    "g one image longer (clipped at the end): the products and sums read only its first O x positions values",
  "functional:matmul:< to <=@19":
    "row m: " + PAST + " (both callers pass out of m n values)",
  "functional:matmul_transpose_a:< to <=@31":
    "row m: " + PAST + " (both callers pass out of m n values)",
  "functional:col2im:< to <=@83":
    "indices[indices.length] is undefined, and undefined >= 0 is false: nothing is added",
  "functional:relu:< to <=@130":
    "value length: " + PAST,
  "functional:relu:> to >=@130":
    "at x = 0 it keeps x, which is 0 (or -0, an equal number)",
  "functional:relu_grad:< to <=@137":
    "value length: " + PAST,
  "functional:mul:< to <=@143":
    "value length: " + PAST,
  "functional:max_pool2d:< to <=@174":
    "value length: " + PAST,
  "functional:window_maxima:< to <=@153":
    "plane n c: " + PAST + " (its reads past x are undefined, never greater)",
  "functional:max_pool2d_backward:< to <=@182":
    "winners[length] is undefined: grad_x.data[undefined] sets a named property, no value",
  "functional:linear:< to <=@196":
    "row n: " + PAST,
  "functional:linear_backward:< to <=@206#2":
    "bias gradient o: " + PAST,
  "functional:log_softmax:< to <=@213":
    "row n: an empty subarray, whose values would land past the end of out",
  "functional:log_softmax:< to <=@219":
    "value c of row i lands on row i + 1's first, which that row then assigns; the last row's is past the end",
  "functional:cross_entropy_backward:< to <=@235":
    "row n: " + PAST,
  "tiny_cnn:argmax_rows:< to <=@104":
    "row n: " + PAST,
  // optim.js
  "optim:SGD:< to <=@18":
    "value length of p and v: " + PAST,
  "optim:Adam:< to <=@39":
    "value length of p, m and v: " + PAST,
  "optim:SGD:+= to -=@15":
    SGD_FIRST_STEP,
  "optim:SGD:number + 1@10":
    SGD_FIRST_STEP,
  "optim:SGD:number + 1@15":
    SGD_FIRST_STEP,
  "optim:SGD:number + 1@19":
    "with momentum 0, v = 0 v + g = g (gradients are finite), so p -= lr v is the plain step",
  // tiny_cnn.js
  "tiny_cnn:TinyCNN:floor to ceil@51":
    "side + 2 padding - 2 is even in both layouts (6; 8 then 4): floor and ceil of its half agree",
  "tiny_cnn:TinyCNN:number + 1@51":
    "padding 0 or 1 on an even side + 2 padding - 2 (6; 8 then 4): one more before halving floors away",
  "tiny_cnn:TinyCNN:number + 1@51#2":
    "side + 2 padding - 2 is even (6; 8 then 4): one more before halving floors away",
  // arithmetic_animator.js
  "arithmetic_animator:gridAxis:>= to >@40":
    "inside = 0 is always a pixel (0 % s is 0), so the test for inserted zeros never sees it",
  "arithmetic_animator:gridAxis:number + 1@40":
    "inside = 0 is always a pixel (0 % s is 0), so the test for inserted zeros never sees it",
  "arithmetic_animator:arithmeticSvg:< to <=@178":
    "index === current is answered first: <= adds only that index",
  // shape_calculator.js
  "shape_calculator:readInput:< to <=@30":
    "values[values.length] is undefined, and undefined < 1 is false: no error",
  // activation_explorer.js: at x = 0 the two branches agree
  "activation_explorer:ACTIVATION_FUNCTIONS:> to >=@28":
    "leaky_relu(0): x and 0.01 x are both 0",
  "activation_explorer:ACTIVATION_FUNCTIONS:> to >=@29":
    "elu(0): x and expm1(0) are both 0",
  "activation_explorer:ACTIVATION_FUNCTIONS:> to >=@29#2":
    "elu'(0): 1 and exp(0) are both 1",
  "activation_explorer:ACTIVATION_FUNCTIONS:number + 1@29#2":
    "the expm1 branch runs only for x <= 0, where min(x, 1) = min(x, 0) = x",
  "activation_explorer:ACTIVATION_FUNCTIONS:number + 1@29#3":
    "for 0 < x <= 1, exp(min(x, 0)) is exp(0) = 1, the value of the other branch",
  "activation_explorer:ACTIVATION_FUNCTIONS:number + 1@29#5":
    "the exp branch runs only for x <= 0, where min(x, 1) = min(x, 0) = x",
  "activation_explorer:ACTIVATION_FUNCTIONS:number + 1@31":
    "exp(-0.5 z^2) underflows to 0 for z beyond about 38.6: capping at 40 or 41 gives 0 alike",
  "activation_explorer:sigmoid:>= to >@19":
    "at x = 0, e = exp(0) = 1: both branches give 1 / 2",
  // translation_explorer.js
  "translation_explorer:compareShift:< to <=@37":
    "row `rows` copies an empty subarray to the end of out: nothing",
  "translation_explorer:reluCorr2d:< to <=@8":
    "row outRows: " + PAST,
  "translation_explorer:reluCorr2d:< to <=@9":
    "value outCols of row i lands on row i + 1's first, which that row then assigns; the last row's is past the end",
  // transfer_explorer.js
  "transfer_explorer:fixed1:number + 1@17":
    "a double that is not a tie d.d5 lies at least about 1e-19 from one (it has at most 57 binary places " +
    "in the range where .d5 can occur), so 40 decimals already tell ties from near ties: a 41st changes nothing",
  // ui.js
  "ui:formatF:> to >=@92":
    INF,
  "ui:formatF:number + 1@92":
    INF,
  "ui:formatE:> to >=@107":
    INF,
  "ui:formatE:number + 1@107":
    INF,
  "ui:formatG:> to >=@115":
    INF,
  "ui:formatG:number + 1@115":
    INF,
  "ui:formatF:number + 1@96#5":
    "[2-9] for [1-9]: " + TAIL,
  "ui:roundDigits:number + 1@85#5":
    "[2-9] for [1-9]: " + TAIL,
  "ui:formatF:number + 1@96#7":
    "the rest past its first digit: " + TAIL,
  "ui:roundDigits:number + 1@85#7":
    "the rest past its first digit: " + TAIL,
  "ui:roundDigits:number + 1@86":
    "the digits string already has `digits` digits (100 decimals follow the first nonzero one): padEnd adds nothing",
  "ui:formatE:number + 1@109#4":
    "the power of 0 is not read: the next line writes 0 for v === 0",
  "ui:formatE:number + 1@110#3":
    "for v = 1 the power is 0 anyway; for v = 0 the zero branch gave power 0",
  // trainer.js
  "trainer:Trainer:> to >=@59":
    "differs only for a loss equal, to the last bit, to ten times the first: no setting leads a run there",
};
