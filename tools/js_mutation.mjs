// Mutation testing of the widgets' JavaScript: node tools/js_mutation.mjs [SCRIPT ...] (make mutation
// AREA=js runs them all).
//
// For every function that tests/js/fixtures.json checks (cases answered by the Python references,
// see tools/js_mutation_fixtures.py), plants one hand-written mutant at a time in the function's
// text (an arithmetic or comparison operator swapped, && for ||, min for max, floor for ceil, a
// whole number plus one) and runs that script's fixtures on it (tests/js/run_fixtures.mjs, in a child
// process with a time limit: a mutant may loop forever; JOBS=2 of them at once). A failure, a throw
// or a time-out kills it. Besides the function a fixture calls, its `mutate` helpers (private
// functions of the script) get mutants too. Prints the score per script and per function and
// each surviving mutant; EQUIVALENT mutants are not counted.
import { spawn, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { EQUIVALENT } from "./js_mutation_equivalent.mjs";

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


// the index of the bracket that closes the one at `open` in text
function closing(text, open) {
  const pairs = { "{": "}", "[": "]", "(": ")" }, close = pairs[text[open]];
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === text[open]) depth++;
    else if (text[i] === close && --depth === 0) return i;
  }
  throw new Error(`unbalanced ${text[open]} at ${open}`);
}

// [start, end) of the top-level function, class or const `name` in text (exported or not): a
// function or class to its closing brace, a const to the bracket that closes its first line or
// else to that line's end
function definitionSpan(text, name) {
  const found = new RegExp(`^(export )?(function|class|const) ${name}\\b`, "m").exec(text);
  if (!found) throw new Error(`no function, class or const ${name}`);
  const start = found.index, kind = found[2];
  if (kind === "function") {
    const params = closing(text, text.indexOf("(", start));
    return [start, closing(text, text.indexOf("{", params)) + 1];
  }
  if (kind === "class") return [start, closing(text, text.indexOf("{", start)) + 1];
  const lineEnd = text.indexOf("\n", start), last = text[lineEnd - 1];
  return "{[".includes(last) ? [start, closing(text, lineEnd - 1) + 1] : [start, lineEnd];
}

// [start, end) of each // comment in body (one that starts a line or follows a space)
const commentSpans = (body) => Array.from(body.matchAll(/(?<=^|\s)\/\/.*$/gm), (m) => [m.index, m.index + m[0].length]);

function* mutants(text, [start, end]) {
  const body = text.slice(start, end), comments = commentSpans(body);
  const seen = new Map();
  for (const [label, pattern, replacement] of OPERATORS) {
    for (const match of body.matchAll(pattern)) {
      if (comments.some(([from, to]) => match.index >= from && match.index < to)) continue;
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

// a mutant's run: killed when the script's fixtures fail, throw or time out
function killedBy(script, text) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [RUN, script], { stdio: ["pipe", "ignore", "ignore"], timeout: 20000 });
    child.on("close", (status) => resolve(status !== 0));
    child.stdin.on("error", () => {});  // a mutant that dies at once closes its input early
    child.stdin.end(text);
  });
}

// "script:function" -> script, for each fixture's function and the helpers it answers for
const only = process.argv.slice(2), targets = new Map();  // node tools/js_mutation.mjs [SCRIPT ...]
for (const fixture of FIXTURES.filter((f) => !only.length || only.includes(f.parts.at(-1)))) {
  const script = fixture.parts.at(-1);
  for (const name of [fixture.function, ...(fixture.mutate ?? [])]) targets.set(`${script}:${name}`, script);
}
const clean = spawnSync(process.execPath, [RUN], { encoding: "utf8" });
if (clean.status !== 0) {
  console.error(`js mutation: the unmutated scripts fail their fixtures:\n${clean.stdout}${clean.stderr}`);
  process.exit(1);
}
const jobs = Number(process.env.JOBS ?? 2), texts = new Map();
const work = [], excluded = [];
for (const [target, script] of targets) {
  if (!texts.has(script)) texts.set(script, readFileSync(new URL(`cnncourse/widgets/js/${script}.js`, ROOT), "utf8"));
  const text = texts.get(script);
  for (const mutant of mutants(text, definitionSpan(text, target.split(":")[1]))) {
    const name = `${target}:${mutant.id}`;
    if (name in EQUIVALENT) excluded.push(`${name}: ${EQUIVALENT[name]}`);
    else work.push({ target, script, name, mutant });
  }
}
let next = 0;
async function worker() {
  while (next < work.length) {
    const item = work[next++];
    item.killed = await killedBy(item.script, item.mutant.text);
  }
}
await Promise.all(Array.from({ length: jobs }, worker));

const row = (label, killed, counted) => `  ${label.padEnd(44)} ${String(killed).padStart(4)}/` +
  `${String(counted).padEnd(4)} ${(100 * killed / counted).toFixed(1)}%`;
const tally = (items) => [items.filter((item) => item.killed).length, items.length];
console.log(`mutation score of cnncourse/widgets/js (killed / mutants not equivalent), ${work.length} mutants:`);
for (const script of texts.keys()) {
  const mine = work.filter((item) => item.script === script);
  console.log(row(`${script}.js`, ...tally(mine)));
  for (const target of new Set(mine.map((item) => item.target))) {
    console.log(row(`  ${target.split(":")[1]}`, ...tally(mine.filter((item) => item.target === target))));
  }
}
console.log(row("all", ...tally(work)));
const survivors = work.filter((item) => !item.killed)
  .map(({ name, mutant }) => `${name}: ${mutant.text.split("\n")[mutant.line - 1].trim()}`);
if (survivors.length) console.log(`\n${survivors.length} surviving mutants:\n  ${survivors.join("\n  ")}`);
for (const line of excluded) console.log(`equivalent, not counted: ${line}`);
const stale = Object.keys(EQUIVALENT).filter((key) => texts.has(key.split(":")[0]) && !excluded.some((line) =>
  line.startsWith(`${key}: `)));
if (stale.length) console.log(`\nEQUIVALENT names no mutant (the script changed?): ${stale.join(", ")}`);
