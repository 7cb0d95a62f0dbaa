// node tests/js/run_fixtures.mjs [PART]: run every fixture (or only those whose module ends with
// widget script PART, whose text is then read from standard input: a mutant). Prints the failures
// as JSON; exits 1 when there is any.
import { readFileSync } from "node:fs";
import { FIXTURES, failures, moduleText } from "./harness.mjs";

const part = process.argv[2];
const replaced = part ? { [part]: readFileSync(0, "utf8") } : {};
const found = [];
for (const fixture of FIXTURES.filter((f) => !part || f.parts.at(-1) === part)) {
  found.push(...await failures(fixture, moduleText(fixture.parts, replaced)));
}
console.log(JSON.stringify({ failures: found }));
process.exit(found.length ? 1 : 0);
