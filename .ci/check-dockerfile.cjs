// A light, offline review of the Dockerfile and .dockerignore (there is no Docker engine here):
// the base image pinned to one Node 24 release tag in every stage, `npm ci` only, a numeric
// non-root runtime user, application files not owned by it, the OCI labels and a HEALTHCHECK;
// and, applying .dockerignore to the repository's files, a build context with no tests,
// fixtures, keys, .env files or local data, but with everything the Dockerfile copies.
'use strict';
const { readFileSync, existsSync } = require('node:fs');
const { join } = require('node:path');
const { execFileSync } = require('node:child_process');

const root = join(__dirname, '..');
const problems = [];

/** Dockerfile instructions, continuation lines joined, comments dropped. */
function instructions(text) {
  const out = [];
  let current = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (current === '' && (line === '' || line.startsWith('#'))) continue;
    if (line.startsWith('#')) continue;
    current += (current ? ' ' : '') + line.replace(/\\$/, '').trim();
    if (!line.endsWith('\\')) {
      const [keyword, ...rest] = current.split(/\s+/);
      out.push({ keyword: keyword.toUpperCase(), args: rest.join(' ') });
      current = '';
    }
  }
  return out;
}

/** Docker's .dockerignore patterns as a matcher (last match wins, `!` re-includes). */
function dockerignore(text) {
  const rules = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => {
      const negated = l.startsWith('!');
      const pattern = (negated ? l.slice(1) : l).replace(/^\/+/, '').replace(/\/+$/, '');
      let re = '';
      for (let i = 0; i < pattern.length; i++) {
        const c = pattern[i];
        if (c === '*' && pattern[i + 1] === '*') {
          re += pattern[i + 2] === '/' ? '(?:.*/)?' : '.*';
          i += pattern[i + 2] === '/' ? 2 : 1;
        } else if (c === '*') re += '[^/]*';
        else if (c === '?') re += '[^/]';
        else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
      }
      return { negated, re: new RegExp(`^${re}$`) };
    });
  return (path) => {
    // a pattern that matches a parent folder excludes everything in it
    const prefixes = path.split('/').map((_, i, parts) => parts.slice(0, i + 1).join('/'));
    let excluded = false;
    for (const { negated, re } of rules) if (prefixes.some((p) => re.test(p))) excluded = !negated;
    return excluded;
  };
}

const dockerfile = instructions(readFileSync(join(root, 'Dockerfile'), 'utf8'));
const from = dockerfile.filter((i) => i.keyword === 'FROM').map((i) => i.args.split(/\s+/)[0]);
const tags = new Set(from);
if (from.length < 2) problems.push('expected a multi-stage build');
if (tags.size !== 1)
  problems.push(`every stage should use one base image, found ${[...tags].join(', ')}`);
for (const image of tags) {
  if (!/^node:24\.\d+\.\d+-bookworm-slim$/.test(image)) {
    problems.push(
      `base image ${image} is not a pinned Node 24 release tag (node:24.x.y-bookworm-slim)`,
    );
  }
}
const runs = dockerfile.filter((i) => i.keyword === 'RUN').map((i) => i.args);
if (runs.some((r) => /\bnpm (install|i)\b/.test(r))) problems.push('use npm ci, not npm install');
if (!runs.some((r) => /\bnpm ci\b.*--omit=dev/.test(r)))
  problems.push('no `npm ci --omit=dev` stage');

const lastFrom = dockerfile.map((i) => i.keyword).lastIndexOf('FROM');
const runtime = dockerfile.slice(lastFrom);
const user = runtime.filter((i) => i.keyword === 'USER').pop();
if (!user || !/^[1-9]\d*(:[1-9]\d*)?$/.test(user.args)) {
  problems.push(
    `the runtime USER should be a numeric non-root uid (found ${user ? user.args : 'none'})`,
  );
}
for (const copy of runtime.filter((i) => i.keyword === 'COPY')) {
  const chown = /--chown=(\S+)/.exec(copy.args);
  if (chown && !/^(root|0)(:(root|0))?$/.test(chown[1])) {
    problems.push(`runtime COPY gives files to ${chown[1]}: application files must belong to root`);
  }
}
if (!runtime.some((i) => i.keyword === 'HEALTHCHECK'))
  problems.push('no HEALTHCHECK in the runtime stage');
const labels = runtime
  .filter((i) => i.keyword === 'LABEL')
  .map((i) => i.args)
  .join(' ');
for (const key of ['title', 'description', 'version', 'revision', 'created', 'licenses']) {
  if (!labels.includes(`org.opencontainers.image.${key}=`))
    problems.push(`missing label org.opencontainers.image.${key}`);
}

// the build context: the repository's files (tracked and untracked, not git-ignored) less .dockerignore
const ignored = dockerignore(readFileSync(join(root, '.dockerignore'), 'utf8'));
const files = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], {
  cwd: root,
  encoding: 'utf8',
})
  .split('\n')
  .filter((f) => f && existsSync(join(root, f)));
const context = files.filter((f) => !ignored(f));
const forbidden = [
  [/^test\//, 'tests'],
  [/^bench\//, 'benchmarks'],
  [/\.(e2e-)?spec\.ts$/, 'specs'],
  [/(^|\/)test-fixtures\//, 'test fixtures'],
  [/\.fixture\.ts$/, 'test fixtures'],
  [/\.(pem|key|p12|pfx)$/, 'keys and certificates'],
  [/(^|\/)\.env(\.|$)/, '.env files'],
  [/^\.data\//, 'local data'],
  [/^deploy\//, 'manifests'],
];
for (const f of context) {
  for (const [re, what] of forbidden)
    if (re.test(f)) problems.push(`${f} would be in the build context (${what})`);
}
for (const copy of dockerfile.filter((i) => i.keyword === 'COPY' && !i.args.includes('--from='))) {
  const sources = copy.args
    .split(/\s+/)
    .filter((a) => !a.startsWith('--'))
    .slice(0, -1);
  for (const source of sources) {
    const inContext = context.some(
      (f) => f === source || f.startsWith(`${source.replace(/\/$/, '')}/`),
    );
    if (!inContext) problems.push(`COPY ${source}: not in the build context`);
  }
}

for (const p of problems) console.error(`check:dockerfile: ${p}`);
if (problems.length > 0) process.exit(1);
console.log(
  `check:dockerfile: ${from.length} stages on ${[...tags].join()}, runtime user ${user.args}, ` +
    `${context.length} of ${files.length} files in the build context, none of them a test, fixture, key or .env`,
);
