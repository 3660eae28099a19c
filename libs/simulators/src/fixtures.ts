import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Reads `fixtures/<name>` next to this file; works from `libs/simulators/src` (Jest) and from
 * `dist/libs/simulators/src` (the swc build copies the JSON files).
 */
export function loadFixture<T>(name: string): T {
  return JSON.parse(readFileSync(join(__dirname, 'fixtures', name), 'utf8')) as T;
}
