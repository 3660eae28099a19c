import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** What the running build is: the package version and the Node it runs on. */
export interface BuildInfo {
  version: string;
  nodeVersion: string;
}

/**
 * The version in the project's package.json, found by walking up from this file: it sits at
 * a different depth in src/ (tests) and dist/src/ (the build, the image).
 */
export function buildInfo(from: string = __dirname): BuildInfo {
  return { version: packageVersion(from), nodeVersion: process.versions.node };
}

function packageVersion(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
        name?: string;
        version?: string;
      };
      if (pkg.name === 'invoice-gateway' && pkg.version) return pkg.version;
    } catch {
      // no (readable) package.json here: look one folder up
    }
    if (dirname(dir) === dir) {
      throw new Error(`invoice-gateway's package.json was not found above ${from}`);
    }
  }
}
