// The longest functions and files of the TypeScript sources, to hold the house rule (no function
// over 80 lines, no file over 600). Parses with the TypeScript compiler API, so arrow functions,
// methods, getters and class static blocks count as functions; a function's lines run from its
// first to its last line, nested functions included (they count on their own too).
//   node packages/latentkit/longest-code.mjs [top=5]        (from the repository root)
// Scans packages/*/src (generated code excluded). Exits 1 when a limit is broken.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";

const LIMITS = { function: 80, file: 600 };
const root = join(dirname(fileURLToPath(import.meta.url)), "../..");
const top = Number(process.argv[2] ?? 5);

function sources(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (name === "generated" || name === "node_modules") continue;
    if (statSync(p).isDirectory()) out.push(...sources(p));
    else if (/\.(ts|tsx|mts)$/.test(name) && !name.endsWith(".d.ts")) out.push(p);
  }
  return out;
}

function functionName(node, sf) {
  if (node.name) return node.name.getText(sf);
  const parent = node.parent;
  if (parent && ts.isVariableDeclaration(parent)) return parent.name.getText(sf);
  if (parent && ts.isPropertyAssignment(parent)) return parent.name.getText(sf);
  if (ts.isClassStaticBlockDeclaration(node)) return "static {}";
  return "(anonymous)";
}

const functions = [];
const files = [];
for (const pkg of readdirSync(join(root, "packages"))) {
  const src = join(root, "packages", pkg, "src");
  if (!statSync(join(root, "packages", pkg)).isDirectory() || !safeIsDir(src)) continue;
  for (const file of sources(src)) {
    const text = readFileSync(file, "utf8");
    const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
    const rel = relative(root, file);
    files.push({ where: rel, lines: text.split("\n").length - (text.endsWith("\n") ? 1 : 0) });
    const visit = (node) => {
      // a static block is not "function-like" to the compiler, but it is a body of code
      if ((ts.isFunctionLike(node) && "body" in node && node.body) || ts.isClassStaticBlockDeclaration(node)) {
        const first = sf.getLineAndCharacterOfPosition(node.getStart(sf)).line;
        const last = sf.getLineAndCharacterOfPosition(node.getEnd()).line;
        functions.push({ where: `${rel}:${first + 1} ${functionName(node, sf)}`, lines: last - first + 1 });
      }
      ts.forEachChild(node, visit);
    };
    visit(sf);
  }
}

function safeIsDir(p) {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

let broken = false;
for (const [kind, list] of [["function", functions], ["file", files]]) {
  list.sort((a, b) => b.lines - a.lines);
  console.log(`longest ${kind}s (limit ${LIMITS[kind]} lines):`);
  for (const { where, lines } of list.slice(0, top)) console.log(`  ${String(lines).padStart(4)}  ${where}`);
  if (list[0] && list[0].lines > LIMITS[kind]) broken = true;
}
process.exit(broken ? 1 : 0);
