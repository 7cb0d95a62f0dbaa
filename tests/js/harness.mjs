// Runs the cases of tests/js/fixtures.json (made by tools/js_mutation_fixtures.py from the Python
// references) against ES modules built from cnncourse/widgets/js as live.esm builds them.
import { readFileSync } from "node:fs";
import { DRIVERS } from "./drivers.mjs";

export const JS = new URL("../../cnncourse/widgets/js/", import.meta.url);
export const FIXTURES = JSON.parse(readFileSync(new URL("fixtures.json", import.meta.url), "utf8"));

// the module's text: the parts joined by newlines; `replaced` gives a part's text instead of its file
export function moduleText(parts, replaced = {}) {
  return parts.map((part) => replaced[part] ?? readFileSync(new URL(`${part}.js`, JS), "utf8")).join("\n");
}

// JSON has no typed arrays and no infinities: {"f64": [...]}, {"f32": [...]} and {"i32": [...]}
// stand for typed arrays, {"number": "-Infinity"} for a number JSON cannot hold
const TYPED = { f64: Float64Array, f32: Float32Array, i32: Int32Array };
export function decode(value) {
  if (Array.isArray(value)) return value.map(decode);
  if (value === null || typeof value !== "object") return value;
  const keys = Object.keys(value);
  if (keys.length === 1 && keys[0] in TYPED) return TYPED[keys[0]].from(value[keys[0]]);
  if (keys.length === 1 && keys[0] === "number") return Number(value.number);
  return Object.fromEntries(keys.map((key) => [key, decode(value[key])]));
}

// where `got` differs from `want` (numbers to within tol(want); an object on the keys of `want`), or null
function difference(got, want, tol, path) {
  if (typeof want === "number") {
    const close = typeof got === "number" && (Object.is(got, want) || Math.abs(got - want) <= tol(want));
    return close ? null : `${path}: ${got} instead of ${want}`;
  }
  if (Array.isArray(want)) {
    if (got == null || typeof got.length !== "number" || got.length !== want.length) {
      return `${path}: length ${got && got.length} instead of ${want.length}`;
    }
    for (let i = 0; i < want.length; i++) {
      const found = difference(got[i], want[i], tol, `${path}[${i}]`);
      if (found) return found;
    }
    return null;
  }
  if (want !== null && typeof want === "object") {
    for (const key of Object.keys(want)) {
      const found = difference(got == null ? undefined : got[key], want[key], tol, `${path}.${key}`);
      if (found) return found;
    }
    return null;
  }
  return got === want ? null : `${path}: ${JSON.stringify(got)} instead of ${JSON.stringify(want)}`;
}

// what one case gives: the function's result, or {throws: true} when it throws and the case expects that
function outcome(module, fixture, testCase) {
  const args = decode(testCase.args);
  const call = () => (fixture.driver ? DRIVERS[fixture.driver](module, ...args) : module[fixture.function](...args));
  if (!testCase.throws) return call();
  try {
    call();
  } catch (error) {
    return { throws: true, message: String(error) };
  }
  return { throws: false };
}

// the failures (strings) of one fixture's cases against the module `text`
export async function failures(fixture, text) {
  const module = await import(`data:text/javascript;base64,${Buffer.from(text).toString("base64")}`);
  const found = [], tol = (want) => fixture.atol + (fixture.rtol ?? 0) * Math.abs(want);
  fixture.cases.forEach((testCase, i) => {
    const where = `${fixture.function} case ${i}`;
    try {
      const want = testCase.throws ? { throws: true } : decode(testCase.expected);
      const problem = difference(outcome(module, fixture, testCase), want, tol, where);
      if (problem) found.push(problem);
    } catch (error) {
      found.push(`${where} threw ${error}`);
    }
  });
  return found;
}
