// Preload (node --require) that makes the process fail on loading any package outside the
// production dependency tree: the image installs `npm ci --omit=dev`, so a dev dependency that
// the app or the CLI needs at run time must break here, not in production. The tree comes from
// `npm ls --omit=dev`, computed by the caller into PRODUCTION_MODULES (one path per line).
'use strict';
const Module = require('node:module');
const { readFileSync } = require('node:fs');
const path = require('node:path');

const list = process.env.PRODUCTION_MODULES;
if (!list) throw new Error('production-modules-only: set PRODUCTION_MODULES to the npm ls file');
const allowed = new Set(
  readFileSync(list, 'utf8')
    .split('\n')
    .filter((line) => line.includes(`${path.sep}node_modules${path.sep}`)),
);
const marker = `${path.sep}node_modules${path.sep}`;

/** The package folder of a resolved file: .../node_modules/name or .../node_modules/@scope/name. */
function packageDir(file) {
  const at = file.lastIndexOf(marker);
  const rest = file.slice(at + marker.length).split(path.sep);
  const name = rest[0].startsWith('@') ? `${rest[0]}${path.sep}${rest[1]}` : rest[0];
  return file.slice(0, at + marker.length) + name;
}

const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, parent, ...rest) {
  const file = resolve.call(this, request, parent, ...rest);
  if (path.isAbsolute(file) && file.includes(marker) && !allowed.has(packageDir(file))) {
    throw new Error(`${request} (${packageDir(file)}) is not a production dependency`);
  }
  return file;
};
