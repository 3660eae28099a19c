import { appendFileSync } from 'node:fs';
import { OpenApiContract, type RecordedAnswer } from './openapi-contract';

/**
 * Every answer a gateway started by the e2e helpers gives is checked against the document that
 * gateway serves at /docs-json, whatever carried it: supertest (test/support/supertest.ts),
 * `fetch` (wrapped by test/support/contract-hooks.ts), the raw-socket helper
 * (test/support/raw-http.ts) and plain node:http requests that call recordAnswer themselves.
 * contract-hooks.ts fails the test on a mismatch.
 */

export type Transport = 'supertest' | 'fetch' | 'raw' | 'node:http';

const gateways = new Map<string, OpenApiContract>();
const failures: string[] = [];
const pending = new Set<Promise<void>>();
const checked: Record<Transport, number> = { supertest: 0, fetch: 0, raw: 0, 'node:http': 0 };
let skipped = 0;

/** Fetches /docs-json of a gateway that just started; its answers are checked from now on. */
export async function registerGateway(baseUrl: string): Promise<void> {
  const origin = new URL(baseUrl).origin;
  const res = await fetch(`${origin}/docs-json`);
  if (!res.ok) throw new Error(`${origin}/docs-json answered ${res.status}`);
  gateways.set(origin, new OpenApiContract((await res.json()) as Record<string, unknown>));
}

/** Whether answers from this URL's origin are checked (a gateway the helpers started). */
export function isRegistered(url: string): boolean {
  return gateways.has(new URL(url).origin);
}

/** Checks one answer now if it came from a registered gateway; a mismatch is kept for the hook. */
export function recordAnswer(
  method: string,
  url: string,
  answer: Omit<RecordedAnswer, 'method' | 'path'>,
  transport: Transport = 'supertest',
): void {
  const parsed = new URL(url);
  const contract = gateways.get(parsed.origin);
  if (!contract) return;
  count(transport, () =>
    contract.check({ ...answer, method: method.toUpperCase(), path: parsed.pathname }),
  );
}

/**
 * Checks an answer to bytes sent over a raw socket (raw-http.ts). The request line says the
 * method and path; a request whose line cannot be read as `METHOD /path HTTP/x.y` matches no
 * route, and its answer must be a documented problem (ProblemDetails, application/problem+json).
 */
export function recordRawAnswer(
  baseUrl: string,
  request: string | Buffer,
  answer: Omit<RecordedAnswer, 'method' | 'path'>,
): void {
  const contract = gateways.get(new URL(baseUrl).origin);
  if (!contract) return;
  const text = Buffer.isBuffer(request) ? request.toString('latin1') : request;
  const line = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+) (\S+) HTTP\/\d\.\d\r?\n/.exec(text);
  const path = line ? targetPath(line[2]) : undefined;
  count('raw', () =>
    line && path !== undefined
      ? contract.check({ ...answer, method: line[1], path })
      : contract.checkProblem({ ...answer, method: '-', path: JSON.stringify(text.slice(0, 60)) }),
  );
}

/** Checks a recording that finishes later (a fetch body still being read); awaited by the hook. */
export function recordLater(work: Promise<void>): void {
  const tracked = work
    .catch((error: unknown) => {
      failures.push(`recording an answer failed: ${(error as Error).message}`);
    })
    .finally(() => pending.delete(tracked));
  pending.add(tracked);
}

/** An answer that could not be read whole: counted as skipped, not checked. */
export function skipAnswer(): void {
  skipped++;
}

function count(transport: Transport, check: () => { checked: boolean }): void {
  try {
    if (check().checked) checked[transport]++;
    else skipped++;
  } catch (error) {
    // checked, and found wrong
    checked[transport]++;
    failures.push(`[${transport}] ${(error as Error).message}`);
  }
}

/** The path of a request target (origin form `/a?b` or absolute form `http://h/a`). */
function targetPath(target: string): string | undefined {
  if (target.startsWith('/')) return target.split('?', 1)[0];
  try {
    return new URL(target).pathname;
  } catch {
    return undefined;
  }
}

/** The mismatches recorded since the last call (the hook throws them). */
export function takeContractFailures(): string[] {
  return failures.splice(0, failures.length);
}

export function contractCounts(): {
  checked: number;
  skipped: number;
  byTransport: Record<Transport, number>;
} {
  const total = Object.values(checked).reduce((a, b) => a + b, 0);
  return { checked: total, skipped, byTransport: { ...checked } };
}

/** With OPENAPI_CONTRACT_REPORT set, each test file appends its counts there (one JSON line). */
export function reportContractCounts(testPath: string): void {
  const file = process.env.OPENAPI_CONTRACT_REPORT;
  if (file) appendFileSync(file, `${JSON.stringify({ testPath, ...contractCounts() })}\n`);
}

/** Waits for the recordings still reading a body (at most `timeoutMs`; one still running fails). */
export async function settleRecordings(timeoutMs = 10_000): Promise<void> {
  if (pending.size === 0) return;
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((done) => (timer = setTimeout(() => done('late'), timeoutMs)));
  const outcome = await Promise.race([Promise.all([...pending]), late]);
  clearTimeout(timer);
  if (outcome === 'late') {
    failures.push(`${pending.size} answer body(ies) did not end within ${timeoutMs} ms`);
  }
}

/** Throws every mismatch recorded since the last call (contract-hooks.ts runs it after each test). */
export function assertAnswersMatchDocument(): void {
  const found = takeContractFailures();
  if (found.length) {
    throw new Error(
      `${found.length} answer(s) do not match the OpenAPI document (/docs-json):\n\n${found.join('\n\n')}`,
    );
  }
}
