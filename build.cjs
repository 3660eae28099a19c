/**
 * `npm run build` (and the pre-step of `npm start`, `npm test`, the CLI...): compiles src, libs,
 * bench and ormconfig.ts with swc into dist, then builds the console (console/build.cjs). Skips
 * swc when nothing it reads changed since the last build (the sources, .swcrc and the lock file,
 * by content), so a later `npm start` does not pay for a compile; `--force` always builds. The
 * Docker image runs swc itself.
 */
const { execFileSync } = require('node:child_process');
const { createHash } = require('node:crypto');
const { existsSync, readFileSync, readdirSync, statSync, writeFileSync } = require('node:fs');
const { join, relative } = require('node:path');

const root = __dirname;
const inputs = ['src', 'libs', 'bench', 'ormconfig.ts', '.swcrc', 'package-lock.json'];
const stamp = join(root, 'dist/.build-hash');

function files(path) {
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path)
    .sort()
    .flatMap((name) => files(join(path, name)));
}

function digest() {
  const hash = createHash('sha256');
  for (const path of inputs.flatMap((input) => files(join(root, input)))) {
    hash.update(relative(root, path)).update('\0').update(readFileSync(path)).update('\0');
  }
  return hash.digest('hex');
}

const force = process.argv.includes('--force');
const wanted = digest();
const built =
  existsSync(join(root, 'dist/src/main.js')) &&
  existsSync(stamp) &&
  readFileSync(stamp, 'utf8') === wanted;
if (force || !built) {
  execFileSync(
    join(root, 'node_modules/.bin/swc'),
    [
      'src',
      'libs',
      'bench',
      'ormconfig.ts',
      '-d',
      'dist',
      '--config-file',
      '.swcrc',
      '--copy-files',
      '--quiet',
    ],
    { cwd: root, stdio: 'inherit' },
  );
  writeFileSync(stamp, wanted);
}
execFileSync(process.execPath, [join(root, 'console/build.cjs'), ...(force ? ['--force'] : [])], {
  cwd: root,
  stdio: 'inherit',
});
