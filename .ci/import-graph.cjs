#!/usr/bin/env node
/**
 * Import circles among the project's TypeScript files: `node .ci/import-graph.cjs [dir...]`.
 * Reads every static import/export-from/require/import() of a relative path or an `@lib/` alias
 * (type-only imports included), and prints each strongly connected component of more than one
 * file. Exit 1 when there is one. No dependency: regex over the source, resolution by hand.
 */
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const dirs = process.argv.slice(2).length
  ? process.argv.slice(2)
  : ['src', 'libs', 'bench', 'test'];
const aliases = JSON.parse(
  fs.readFileSync(path.join(root, 'tsconfig.json'), 'utf8').replace(/^\s*\/\/.*$/gm, ''),
).compilerOptions.paths;

function walk(dir, out) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules' && entry.name !== 'dist') walk(full, out);
    } else if (/\.(ts|mts|cts)$/.test(entry.name) && !entry.name.endsWith('.d.ts')) out.push(full);
  }
  return out;
}

function resolve(from, spec) {
  let base;
  if (spec.startsWith('.')) base = path.resolve(path.dirname(from), spec);
  else if (aliases[spec]) return path.resolve(root, aliases[spec][0]);
  else return undefined;
  for (const candidate of [base, `${base}.ts`, path.join(base, 'index.ts')]) {
    if (fs.existsSync(candidate) && fs.statSync(candidate).isFile()) return candidate;
  }
  return undefined;
}

const pattern =
  /(?:^|[\s;])(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|(?:^|[\s;])import\s*['"]([^'"]+)['"]|(?:require|import)\(\s*['"]([^'"]+)['"]\s*\)/g;
const files = dirs.flatMap((d) =>
  fs.existsSync(path.join(root, d)) ? walk(path.join(root, d), []) : [],
);
const graph = new Map();
for (const file of files) {
  const text = fs
    .readFileSync(file, 'utf8')
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/^\s*\/\/.*$/gm, '');
  const targets = new Set();
  for (const m of text.matchAll(pattern)) {
    const target = resolve(file, m[1] ?? m[2] ?? m[3]);
    if (target) targets.add(target);
  }
  graph.set(file, [...targets]);
}

// Tarjan's strongly connected components
let index = 0;
const indexOf = new Map();
const low = new Map();
const stack = [];
const onStack = new Set();
const components = [];
function connect(v) {
  indexOf.set(v, index);
  low.set(v, index);
  index++;
  stack.push(v);
  onStack.add(v);
  for (const w of graph.get(v) ?? []) {
    if (!indexOf.has(w)) {
      connect(w);
      low.set(v, Math.min(low.get(v), low.get(w)));
    } else if (onStack.has(w)) low.set(v, Math.min(low.get(v), indexOf.get(w)));
  }
  if (low.get(v) === indexOf.get(v)) {
    const component = [];
    let w;
    do {
      w = stack.pop();
      onStack.delete(w);
      component.push(path.relative(root, w));
    } while (w !== v);
    if (component.length > 1) components.push(component.sort());
  }
}
for (const v of graph.keys()) if (!indexOf.has(v)) connect(v);

const inCircles = components.reduce((n, c) => n + c.length, 0);
for (const component of components) {
  process.stdout.write(`circle of ${component.length}:\n  ${component.join('\n  ')}\n`);
}
process.stdout.write(
  `${files.length} files, ${components.length} import circles, ${inCircles} files in a circle\n`,
);
process.exitCode = components.length ? 1 : 0;
