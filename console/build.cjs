/**
 * Builds the console into dist/console (`npm run build` runs this after swc). Skips Vite when
 * nothing it reads changed since the last build (the console's sources and the lock file), so a
 * later `npm start` does not pay for it; `--force` always builds.
 */
const { createHash } = require('node:crypto');
const { existsSync, readFileSync, readdirSync, statSync, writeFileSync } = require('node:fs');
const { join, relative } = require('node:path');

const root = join(__dirname, '..');
const out = join(root, 'dist/console');
const stamp = join(out, '.build-hash');

function files(dir) {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? files(path) : [path];
    });
}

function digest() {
  const hash = createHash('sha256');
  for (const path of [...files(__dirname), join(root, 'package-lock.json')]) {
    hash.update(relative(root, path)).update('\0').update(readFileSync(path)).update('\0');
  }
  return hash.digest('hex');
}

async function main() {
  const wanted = digest();
  const built =
    existsSync(join(out, 'index.html')) &&
    existsSync(stamp) &&
    readFileSync(stamp, 'utf8') === wanted;
  if (built && !process.argv.includes('--force')) return;
  // Vite is an ES module
  const { build } = await import('vite');
  await build({ configFile: join(__dirname, 'vite.config.ts') });
  writeFileSync(stamp, wanted);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
