// Runs the cases of tests/js/fixtures.json (made by tools/js_mutation_fixtures.py from the Python
// references) against ES modules built from cnncourse/widgets/js as live.esm builds them.
import { readFileSync } from "node:fs";

export const JS = new URL("../../cnncourse/widgets/js/", import.meta.url);
export const FIXTURES = JSON.parse(readFileSync(new URL("fixtures.json", import.meta.url), "utf8"));

// the module's text: the parts joined by newlines; `replaced` gives a part's text instead of its file
export function moduleText(parts, replaced = {}) {
  return parts.map((part) => replaced[part] ?? readFileSync(new URL(`${part}.js`, JS), "utf8")).join("\n");
}

// where `got` differs from `want` (numbers to within tol(want); an object on the keys of `want`), or null
function difference(got, want, tol, path) {
  if (typeof want === "number") {
    return typeof got === "number" && Math.abs(got - want) <= tol(want) ? null : `${path}: ${got} instead of ${want}`;
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

// the failures (strings) of one fixture's cases against the module `text`
export async function failures(fixture, text) {
  const module = await import(`data:text/javascript;base64,${Buffer.from(text).toString("base64")}`);
  const found = [], tol = (want) => fixture.atol + (fixture.rtol ?? 0) * Math.abs(want);
  fixture.cases.forEach((testCase, i) => {
    try {
      const problem = difference(module[fixture.function](...testCase.args), testCase.expected, tol,
        `${fixture.function} case ${i}`);
      if (problem) found.push(problem);
    } catch (error) {
      found.push(`${fixture.function} case ${i} threw ${error}`);
    }
  });
  return found;
}
