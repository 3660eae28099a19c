/**
 * Faults on demand: `POST /__sim/faults` queues a fault that applies to the next `count` matching
 * requests (all of them until cleared when `count` is absent). The first queued fault that
 * matches a request wins; one fault per request.
 */
/**
 * `reset` destroys the socket before processing; `hang` never answers; `lose-answer` processes
 * the request as usual (a create is stored) and then destroys the socket instead of answering:
 * the client cannot know the outcome.
 */
export type FaultMode = 'reset' | 'hang' | 'lose-answer';
const FAULT_MODES: readonly FaultMode[] = ['reset', 'hang', 'lose-answer'];

export interface FaultSpec {
  /** Exact path or path prefix (without query string); absent = every non-/__sim path. */
  path?: string;
  /** HTTP method, case-insensitive; absent = any. */
  method?: string;
  /** Answer with this status (and `body`, or the upstream's own body for that status). */
  status?: number;
  body?: unknown;
  /** Adds a `Retry-After` header (seconds) to the answer. */
  retryAfterSeconds?: number;
  /** Delay before answering (or before normal processing when no status/mode is given). */
  latencyMs?: number;
  /**
   * `reset` destroys the socket; `hang` never answers (the socket is destroyed on stop);
   * `lose-answer` processes the request, then destroys the socket instead of answering.
   */
  mode?: FaultMode;
  /** Number of matching requests to affect; absent = until cleared. */
  count?: number;
}

export interface Fault extends FaultSpec {
  id: number;
  /** Matching requests still to affect; null = unlimited. */
  remaining: number | null;
  hits: number;
}

export class FaultSpecError extends Error {
  override readonly name = 'FaultSpecError';
}

const MAX_LATENCY_MS = 600_000;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function optionalInteger(
  input: Record<string, unknown>,
  key: string,
  min: number,
  max: number,
): number | undefined {
  const value = input[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new FaultSpecError(`${key} must be an integer from ${min} to ${max}`);
  }
  return value;
}

/** Validates one fault description from a request body. */
export function parseFaultSpec(input: unknown): FaultSpec {
  if (!isRecord(input)) throw new FaultSpecError('a fault must be a JSON object');
  const known = new Set([
    'path',
    'method',
    'status',
    'body',
    'retryAfterSeconds',
    'latencyMs',
    'mode',
    'count',
  ]);
  const unknown = Object.keys(input).filter((key) => !known.has(key));
  if (unknown.length > 0) throw new FaultSpecError(`unknown fault field(s): ${unknown.join(', ')}`);
  const spec: FaultSpec = {};
  if (input.path !== undefined) {
    if (typeof input.path !== 'string' || !input.path.startsWith('/')) {
      throw new FaultSpecError('path must be a string starting with "/"');
    }
    if (input.path.startsWith('/__sim')) throw new FaultSpecError('/__sim paths cannot fault');
    spec.path = input.path;
  }
  if (input.method !== undefined) {
    if (typeof input.method !== 'string' || !/^[A-Za-z]+$/.test(input.method)) {
      throw new FaultSpecError('method must be an HTTP method name');
    }
    spec.method = input.method.toUpperCase();
  }
  spec.status = optionalInteger(input, 'status', 100, 599);
  spec.retryAfterSeconds = optionalInteger(input, 'retryAfterSeconds', 0, 86_400);
  spec.latencyMs = optionalInteger(input, 'latencyMs', 0, MAX_LATENCY_MS);
  spec.count = optionalInteger(input, 'count', 1, Number.MAX_SAFE_INTEGER);
  if (input.mode !== undefined) {
    if (!FAULT_MODES.includes(input.mode as FaultMode)) {
      throw new FaultSpecError(
        `mode must be one of ${FAULT_MODES.map((m) => `"${m}"`).join(', ')}`,
      );
    }
    spec.mode = input.mode as FaultMode;
  }
  if (input.body !== undefined) spec.body = input.body;
  if (spec.status === undefined && spec.mode === undefined && spec.latencyMs === undefined) {
    throw new FaultSpecError('a fault needs at least one of status, mode, latencyMs');
  }
  if (spec.mode !== undefined && spec.status !== undefined) {
    throw new FaultSpecError('mode and status are exclusive');
  }
  for (const key of Object.keys(spec) as (keyof FaultSpec)[]) {
    if (spec[key] === undefined) delete spec[key];
  }
  return spec;
}

export class FaultQueue {
  private faults: Fault[] = [];
  private nextId = 1;

  add(spec: FaultSpec): Fault {
    const fault: Fault = { ...spec, id: this.nextId++, remaining: spec.count ?? null, hits: 0 };
    this.faults.push(fault);
    return fault;
  }

  /** The fault to apply to this request, if any; consumes one of its `count`. */
  take(method: string, path: string): Fault | undefined {
    const upper = method.toUpperCase();
    const fault = this.faults.find(
      (candidate) =>
        (candidate.method === undefined || candidate.method === upper) &&
        (candidate.path === undefined || path.startsWith(candidate.path)),
    );
    if (!fault) return undefined;
    fault.hits += 1;
    if (fault.remaining !== null) {
      fault.remaining -= 1;
      if (fault.remaining <= 0) this.faults = this.faults.filter((item) => item !== fault);
    }
    return { ...fault };
  }

  list(): Fault[] {
    return this.faults.map((fault) => ({ ...fault }));
  }

  clear(): number {
    const count = this.faults.length;
    this.faults = [];
    return count;
  }
}
