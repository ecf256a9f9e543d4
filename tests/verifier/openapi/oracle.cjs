// Runs PactFlow's openapi-pact-comparator (the test oracle) over many (spec, pact) pairs in one process.
// Usage: node oracle.cjs <node_modules dir> <input.json>   (input: [{"name", "spec", "pact"}, ...])
// Prints [{"name", "results": [...]} | {"name", "crash": "message"}] as JSON on stdout.
"use strict";
const path = require("node:path");
const fs = require("node:fs");

async function main() {
  const [modules, input] = process.argv.slice(2);
  delete process.env.QUIRKS;
  const { Comparator } = require(path.join(modules, "@pactflow", "openapi-pact-comparator"));
  const cases = JSON.parse(fs.readFileSync(input, "utf8"));
  const out = [];
  for (const item of cases) {
    try {
      const comparator = new Comparator({ oas: item.spec });
      const results = [];
      for await (const result of comparator.compare(item.pact)) results.push(result);
      out.push({ name: item.name, results });
    } catch (error) {
      out.push({ name: item.name, crash: String(error && error.message ? error.message : error) });
    }
  }
  process.stdout.write(JSON.stringify(out));
}

main().catch((error) => {
  process.stderr.write(String(error && error.stack ? error.stack : error));
  process.exit(2);
});
