// Mutation testing of the widgets' JavaScript: node tools/js_mutation.mjs (make mutation AREA=js).
//
// For every function that tests/js/fixtures.json checks (cases answered by the Python references,
// see tools/js_mutation_fixtures.py), plants one hand-written mutant at a time in the function's
// text (an arithmetic or comparison operator swapped, && for ||, min for max, floor for ceil, a
// whole number plus one) and runs that script's fixtures on it (tests/js/run_fixtures.mjs, in a child
// process with a time limit: a mutant may loop forever). A failure, a throw or a time-out kills it.
// Prints the score per function and each surviving mutant; EQUIVALENT mutants are not counted.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";

const ROOT = new URL("../", import.meta.url);
const RUN = new URL("tests/js/run_fixtures.mjs", ROOT).pathname;
const FIXTURES = JSON.parse(readFileSync(new URL("tests/js/fixtures.json", ROOT), "utf8"));

// [label, pattern, replacement]: one mutant per match; patterns leave ++, +=, => and unary minus alone
const OPERATORS = [
  ["+ to -", / \+ /g, " - "],
  ["- to +", / - /g, " + "],
  ["* to /", / \* /g, " / "],
  ["/ to *", / \/ /g, " * "],
  ["< to <=", / < /g, " <= "],
  ["<= to <", / <= /g, " < "],
  ["> to >=", / > /g, " >= "],
  [">= to >", / >= /g, " > "],
  ["=== to !==", / === /g, " !== "],
  ["!== to ===", / !== /g, " === "],
  ["&& to ||", / && /g, " || "],
  ["|| to &&", / \|\| /g, " && "],
  ["+= to -=", / \+= /g, " -= "],
  ["max to min", /Math\.max\b/g, "Math.min"],
  ["min to max", /Math\.min\b/g, "Math.max"],
  ["floor to ceil", /Math\.floor\b/g, "Math.ceil"],
  ["number + 1", /(?<![\w.])(\d+)(?![\w.])/g, (digits) => String(Number(digits) + 1)],
];

// {"script:function:label@line": why it cannot change any result}
const EQUIVALENT = {
  "kernel_explorer:toUnitRange:> to >=@45": "span is only divided by when hi > lo",
  "kernel_explorer:toUnitRange:number + 1@45": "span is only divided by when hi > lo, where it is hi - lo",
  "kernel_explorer:toUnitRange:> to >=@46": "when hi = lo, (v - lo) / span is 0 as the 0 it replaces",
  "pool2d:pool2d:< to <=@10": "the extra row's writes fall past the typed array's end, which ignores them",
  "pool2d:pool2d:< to <=@11": "the extra column's write lands on the next row's first cell, written again after",
  "pool2d:pool2d:> to >=@17": "the maximum of equal values is the same value",
  "pool2d:pool2d:number + 1@9": "only an output with no rows differs; the controls and the references refuse it",
  "pool2d:pool2d:number + 1@9#2": "only an output with no columns differs; the controls and the references refuse it",
  "activation_explorer:erfc:< to <=@8": "at z = 3 the series and the continued fraction agree to 1e-11",
  "activation_explorer:erfc:* to /@10": "stopping at 1e-17 / sum instead of 1e-17 * sum: both below a double's precision",
  "activation_explorer:erfc:< to <=@10": "200 or 201 terms at most: the series stops after about 60",
  "activation_explorer:erfc:number + 1@10#2": "200 or 201 terms at most: the series stops after about 60",
  "activation_explorer:erfc:number + 1@14": "60 or 61 continued-fraction levels: converged to a double long before, for z >= 3",
  "activation_explorer:erfc:> to >=@10": "a term equal to 1e-17 of the sum changes nothing a double holds",
  "activation_explorer:erfc:&& to ||@10": "running to 200 terms adds only terms below a double's precision",
  "activation_explorer:erfc:number + 1@10#3": "stopping at 1e-18 instead of 1e-17 of the sum: both below a double's precision",
};

// [start, end) of `export function name(...) {...}` in text
function functionSpan(text, name) {
  const start = text.indexOf(`export function ${name}(`);
  if (start < 0) throw new Error(`no exported function ${name}`);
  let depth = 0, i = text.indexOf("{", text.indexOf(")", start));
  for (; i < text.length; i++) {
    if (text[i] === "{") depth++;
    else if (text[i] === "}" && --depth === 0) return [start, i + 1];
  }
  throw new Error(`unbalanced braces in ${name}`);
}

function* mutants(text, [start, end]) {
  const body = text.slice(start, end);
  const seen = new Map();
  for (const [label, pattern, replacement] of OPERATORS) {
    for (const match of body.matchAll(pattern)) {
      const at = start + match.index;
      const line = text.slice(0, at).split("\n").length;
      const key = `${label}@${line}`;
      seen.set(key, (seen.get(key) || 0) + 1);
      const id = seen.get(key) > 1 ? `${key}#${seen.get(key)}` : key;
      const swapped = typeof replacement === "function" ? replacement(match[0]) : replacement;
      yield { id, line, text: text.slice(0, at) + swapped + text.slice(at + match[0].length) };
    }
  }
}

const targets = new Map();  // "script:function" -> script
for (const fixture of FIXTURES) targets.set(`${fixture.parts.at(-1)}:${fixture.function}`, fixture.parts.at(-1));
const clean = spawnSync(process.execPath, [RUN], { encoding: "utf8" });
if (clean.status !== 0) {
  console.error(`js mutation: the unmutated scripts fail their fixtures:\n${clean.stdout}${clean.stderr}`);
  process.exit(1);
}
let killedAll = 0, countedAll = 0;
const survivors = [], excluded = [];
console.log("mutation score of cnncourse/widgets/js (killed / mutants not equivalent):");
for (const [target, script] of targets) {
  const text = readFileSync(new URL(`cnncourse/widgets/js/${script}.js`, ROOT), "utf8");
  let killed = 0, counted = 0;
  for (const mutant of mutants(text, functionSpan(text, target.split(":")[1]))) {
    const name = `${target}:${mutant.id}`;
    if (name in EQUIVALENT) {
      excluded.push(`${name}: ${EQUIVALENT[name]}`);
      continue;
    }
    const run = spawnSync(process.execPath, [RUN, script], { input: mutant.text, encoding: "utf8", timeout: 10000 });
    counted++;
    if (run.status !== 0) killed++;
    else survivors.push(`${name}: ${mutant.text.split("\n")[mutant.line - 1].trim()}`);
  }
  killedAll += killed;
  countedAll += counted;
  console.log(`  ${target.padEnd(36)} ${String(killed).padStart(4)}/${String(counted).padEnd(4)} ${(100 * killed / counted).toFixed(1)}%`);
}
console.log(`  ${"all".padEnd(36)} ${String(killedAll).padStart(4)}/${String(countedAll).padEnd(4)} ${(100 * killedAll / countedAll).toFixed(1)}%`);
if (survivors.length) console.log(`\n${survivors.length} surviving mutants:\n  ${survivors.join("\n  ")}`);
for (const line of excluded) console.log(`equivalent, not counted: ${line}`);
