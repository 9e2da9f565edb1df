// Checks the JSON Schemas of Samen's wire protocol (schemas/protocol/) and validates messages.
//
//   node validate.mjs              compile every schema (Ajv, draft 2020-12, strict mode); check
//                                  that docs/protocol.md has a "### `type`" heading for every
//                                  message type and no other; validate the examples in
//                                  schemas/protocol/examples/*.jsonl (each must pass, and every
//                                  message type needs one) and bad.jsonl here (each must fail).
//   node validate.mjs FILE.jsonl   compile every schema, then validate each line of FILE, e.g.
//                                  traffic recorded by an integration test.
//   node validate.mjs DIR          the same for every *.jsonl file in DIR.
//
// A JSONL line is {"dir": "c2s" | "s2c", "msg": {...}} ("why" may say what a bad line shows).
// Ends with "schemas: N passed, M failed" and exits 1 when anything failed.
import { readFileSync, readdirSync, existsSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

let Ajv2020, addFormats;
try {
  Ajv2020 = (await import("ajv/dist/2020.js")).default;
  addFormats = (await import("ajv-formats")).default;
} catch (e) {
  console.log(`FAIL cannot load ajv (${e.code ?? e.message}): run "npm ci" in tests/schemas`);
  console.log("schemas: 0 passed, 1 failed");
  process.exit(1);
}

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, "..", "..");
const schemaDir = join(root, "schemas", "protocol");
const docsFile = join(root, "docs", "protocol.md");
const directions = ["c2s", "s2c"];

let passed = 0;
let failed = 0;
const fail = (what, details) => {
  failed++;
  console.log(`FAIL ${what}`);
  if (details) console.log(`     ${details}`);
};
const pass = () => passed++;
const show = (p) => relative(root, p);

function readJson(path) {
  return JSON.parse(readFileSync(path, "utf8"));
}

// ---- (a) every schema compiles under strict mode ----------------------------------------------

const ajv = new Ajv2020({ strict: true, allErrors: true });
addFormats(ajv);

const messageSchemas = new Map(); // "c2s/edit" -> { id, path }
function loadSchemas() {
  try {
    ajv.addSchema(readJson(join(schemaDir, "defs.json")));
  } catch (e) {
    fail("schemas/protocol/defs.json", e.message);
    return;
  }
  for (const dir of directions) {
    for (const file of readdirSync(join(schemaDir, dir)).filter((f) => f.endsWith(".json")).sort()) {
      const path = join(schemaDir, dir, file);
      let schema;
      try {
        schema = readJson(path);
        ajv.addSchema(schema);
      } catch (e) {
        fail(show(path), e.message);
        continue;
      }
      const type = file.slice(0, -".json".length);
      if (schema.properties?.type?.const !== type) {
        fail(show(path), `its "type" must be the constant "${type}"`);
        continue;
      }
      if (!String(schema.$id).endsWith(`/${dir}/${file}`)) {
        fail(show(path), `its $id must end in /${dir}/${file}`);
        continue;
      }
      messageSchemas.set(`${dir}/${type}`, { id: schema.$id, path });
    }
  }
  // Compiling resolves every $ref, so a schema is checked whole only here.
  for (const [key, { id, path }] of messageSchemas) {
    try {
      ajv.getSchema(id);
      pass();
    } catch (e) {
      fail(show(path), e.message);
      messageSchemas.delete(key);
    }
  }
}

// ---- docs/protocol.md names exactly the message types of the schemas ---------------------------

function checkDocs() {
  if (!existsSync(docsFile)) {
    fail(show(docsFile), "missing");
    return;
  }
  const documented = new Set();
  let dir = null;
  readFileSync(docsFile, "utf8")
    .split("\n")
    .forEach((line, i) => {
      const h2 = /^## (.*)$/.exec(line);
      if (h2) {
        dir = /client\s*→\s*server/i.test(h2[1]) ? "c2s" : /server\s*→\s*client/i.test(h2[1]) ? "s2c" : null;
        return;
      }
      const h3 = /^### `([^`]+)`\s*$/.exec(line);
      if (!h3) return;
      if (!dir) {
        fail(`${show(docsFile)}:${i + 1}`, `"${line}" is not under a "client → server" or "server → client" chapter`);
        return;
      }
      documented.add(`${dir}/${h3[1]}`);
    });
  for (const key of messageSchemas.keys()) {
    if (documented.has(key)) pass();
    else fail(show(docsFile), `no heading "### \`${key.split("/")[1]}\`" for the ${key} schema`);
  }
  for (const key of documented) {
    if (!messageSchemas.has(key)) fail(show(docsFile), `documents ${key}, which has no schema`);
  }
}

// ---- (b) messages -------------------------------------------------------------------------------

function errorsOf(validate) {
  return ajv.errorsText(validate.errors, { separator: "; ", dataVar: "msg" });
}

// expectValid: true for examples and recorded traffic, false for bad.jsonl.
function validateFile(path, expectValid, seen) {
  const lines = readFileSync(path, "utf8").split("\n");
  lines.forEach((text, i) => {
    if (text.trim() === "") return;
    const where = `${show(path)}:${i + 1}`;
    let line;
    try {
      line = JSON.parse(text);
    } catch (e) {
      fail(where, `not JSON: ${e.message}`);
      return;
    }
    const { dir, msg } = line ?? {};
    const key = `${dir}/${msg?.type}`;
    const schema = messageSchemas.get(key);
    if (!directions.includes(dir) || !schema) {
      // Even a bad line must name a known type, or it would fail for the wrong reason.
      fail(where, `no schema for dir "${dir}" and type "${msg?.type}"`);
      return;
    }
    const validate = ajv.getSchema(schema.id);
    let valid = validate(msg);
    let errors = valid ? "" : errorsOf(validate);
    // A batch holds messages that each must be valid on their own.
    if (valid && key === "s2c/batch") {
      for (const one of msg.messages) {
        const inner = messageSchemas.get(`s2c/${one?.type}`);
        const check = inner && one?.type !== "batch" ? ajv.getSchema(inner.id) : null;
        if (!check || !check(one)) {
          valid = false;
          errors = check ? `its ${one.type}: ${errorsOf(check)}` : `no schema for "${one?.type}"`;
          break;
        }
      }
    }
    if (valid === expectValid) {
      pass();
      seen?.add(key);
    } else if (expectValid) {
      fail(where, `${key}: ${errors}`);
    } else {
      fail(where, `${key} was accepted but must be refused${line.why ? ` (${line.why})` : ""}`);
    }
  });
}

loadSchemas();
const file = process.argv[2];
if (file) {
  const path = resolve(process.cwd(), file);
  if (existsSync(path) && statSync(path).isDirectory()) {
    // A folder of recorded traffic: every .jsonl file in it, and at least one message.
    const files = readdirSync(path).filter((f) => f.endsWith(".jsonl")).sort();
    for (const f of files) validateFile(join(path, f), true);
    if (passed + failed === 0) fail(show(path), "holds no recorded messages");
  } else {
    validateFile(path, true);
  }
} else {
  checkDocs();
  const examples = join(schemaDir, "examples");
  const seen = new Set();
  for (const f of readdirSync(examples).filter((f) => f.endsWith(".jsonl")).sort()) {
    validateFile(join(examples, f), true, seen);
  }
  for (const key of messageSchemas.keys()) {
    if (!seen.has(key)) fail(show(examples), `no valid example of ${key}`);
  }
  validateFile(join(here, "bad.jsonl"), false);
}
console.log(`schemas: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
