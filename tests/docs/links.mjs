// Every link between the repository's own documents leads somewhere: each relative Markdown link
// names a file that exists (and a heading of it, when it names one), and each Markdown file under
// docs/ that code, scripts and documents mention by its path exists. Run from the repository's root:
//   node tests/docs/links.mjs
import fs from "node:fs";
import path from "node:path";

const root = process.argv[2] ?? process.cwd();
const skipDirs = new Set([".git", "node_modules", "build", "dist", "corpus"]);
const textFile = /\.(md|cpp|hpp|h|py|sh|txt|cmake|mjs|js|json|sql|css|html)$/;

function walk(dir, out) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (skipDirs.has(entry.name)) continue;
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) walk(p, out);
    else if (textFile.test(entry.name) || entry.name === "CMakeLists.txt") out.push(p);
  }
  return out;
}

// GitHub's anchor of a heading: lower case, punctuation dropped, spaces as hyphens.
function slug(heading) {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, "")
    .replace(/\s/g, "-");
}

const anchorsOf = new Map();
function anchors(file) {
  if (!anchorsOf.has(file)) {
    const seen = new Map();
    const set = new Set();
    let fenced = false;
    for (const line of fs.readFileSync(file, "utf8").split("\n")) {
      if (line.startsWith("```")) fenced = !fenced;
      const m = !fenced && /^#{1,6}\s+(.*)$/.exec(line);
      if (!m) continue;
      const base = slug(m[1]);
      const n = seen.get(base) ?? 0;
      seen.set(base, n + 1);
      set.add(n === 0 ? base : `${base}-${n}`);
    }
    anchorsOf.set(file, set);
  }
  return anchorsOf.get(file);
}

/// The Markdown text outside code: fenced blocks and inline code cannot hold links.
function prose(text) {
  let fenced = false;
  return text
    .split("\n")
    .map((line) => {
      if (line.startsWith("```")) {
        fenced = !fenced;
        return "";
      }
      return fenced ? "" : line.replace(/`[^`]*`/g, "");
    })
    .join("\n");
}

const problems = [];
const files = walk(root, []);
for (const file of files) {
  const text = fs.readFileSync(file, "utf8");
  const where = path.relative(root, file);
  if (file.endsWith(".md")) {
    for (const m of prose(text).matchAll(/\]\(([^)\s]+)\)/g)) {
      const target = m[1];
      if (/^[a-z]+:/i.test(target)) continue; // http:, https:, mailto:
      const [pathPart, anchor] = target.split("#");
      const resolved = pathPart ? path.resolve(path.dirname(file), decodeURI(pathPart)) : file;
      if (!fs.existsSync(resolved)) {
        problems.push(`${where}: link to ${target}: no such file`);
      } else if (anchor && resolved.endsWith(".md") && !anchors(resolved).has(anchor)) {
        problems.push(`${where}: link to ${target}: no such heading`);
      }
    }
  }
  for (const m of text.matchAll(/(?<![\w/.-])docs\/[\w./-]*?\.md\b/g)) {
    if (!fs.existsSync(path.join(root, m[0]))) problems.push(`${where}: mentions ${m[0]}: no such file`);
  }
}

if (problems.length > 0) {
  console.error(problems.join("\n"));
  console.error(`${problems.length} broken link(s) in ${files.length} files`);
  process.exit(1);
}
console.log(`every link and docs/ path in ${files.length} files leads somewhere`);
