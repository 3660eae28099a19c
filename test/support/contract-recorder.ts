import { appendFileSync } from 'node:fs';
import { OpenApiContract, type RecordedAnswer } from './openapi-contract';

/**
 * Every answer a gateway started by the e2e helpers gives to supertest is checked against the
 * document that gateway serves at /docs-json (test/support/supertest.ts records them;
 * test/support/contract-hooks.ts fails the test on a mismatch).
 */

const gateways = new Map<string, OpenApiContract>();
const failures: string[] = [];
let checked = 0;
let skipped = 0;

/** Fetches /docs-json of a gateway that just started; its answers are checked from now on. */
export async function registerGateway(baseUrl: string): Promise<void> {
  const origin = new URL(baseUrl).origin;
  const res = await fetch(`${origin}/docs-json`);
  if (!res.ok) throw new Error(`${origin}/docs-json answered ${res.status}`);
  gateways.set(origin, new OpenApiContract((await res.json()) as Record<string, unknown>));
}

/** Checks one answer now if it came from a registered gateway; a mismatch is kept for the hook. */
export function recordAnswer(
  method: string,
  url: string,
  answer: Omit<RecordedAnswer, 'method' | 'path'>,
): void {
  const parsed = new URL(url);
  const contract = gateways.get(parsed.origin);
  if (!contract) return;
  try {
    const result = contract.check({
      ...answer,
      method: method.toUpperCase(),
      path: parsed.pathname,
    });
    if (result.checked) checked++;
    else skipped++;
  } catch (error) {
    failures.push((error as Error).message);
  }
}

/** The mismatches recorded since the last call (the hook throws them). */
export function takeContractFailures(): string[] {
  return failures.splice(0, failures.length);
}

export function contractCounts(): { checked: number; skipped: number } {
  return { checked, skipped };
}

/** With OPENAPI_CONTRACT_REPORT set, each test file appends its counts there (one JSON line). */
export function reportContractCounts(testPath: string): void {
  const file = process.env.OPENAPI_CONTRACT_REPORT;
  if (file) appendFileSync(file, `${JSON.stringify({ testPath, checked, skipped })}\n`);
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
