// ajv 8 + ajv-formats 3 (what the comparator bundles): verdicts for formats and patterns, one process.
// Usage: node ajv_formats_oracle.cjs <node_modules dir> <input.json>
// input: {"formats": [[format, value], ...], "patterns": [[pattern, value], ...]}
// prints {"formats": [true|false, ...], "patterns": [true|false|"invalid", ...]}
"use strict";
const path = require("node:path");
const fs = require("node:fs");

const [modules, input] = process.argv.slice(2);
const Ajv = require(path.join(modules, "ajv", "dist", "2019.js")).default;
const addFormats = require(path.join(modules, "ajv-formats")).default;
const ajv = new Ajv({ allErrors: true, strictSchema: false, logger: false });
addFormats(ajv);
const { formats, patterns } = JSON.parse(fs.readFileSync(input, "utf8"));
const out = { formats: [], patterns: [] };
for (const [format, value] of formats) {
  out.formats.push(ajv.validate({ format }, value));
}
for (const [pattern, value] of patterns) {
  try {
    out.patterns.push(ajv.validate({ type: "string", pattern }, value));
  } catch (error) {
    out.patterns.push("invalid");
  }
}
process.stdout.write(JSON.stringify(out));
