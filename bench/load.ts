import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';

/** One kind of request, sent again and again; `body(seq)` makes each one unique. */
export interface LoadTarget {
  /** Base URL, e.g. `http://127.0.0.1:41234` (loopback only). */
  baseUrl: string;
  method: 'GET' | 'POST' | 'PUT';
  path: string;
  headers: Record<string, string>;
  body: (seq: number) => unknown;
}

export interface LoadOptions {
  /** Concurrent keep-alive connections, each with one request in flight at a time. */
  connections: number;
  /** How long new requests are started; requests in flight at the end still complete. */
  durationMs: number;
  /** Per-request time limit; a request past it is destroyed and counted as `timeout`. */
  requestTimeoutMs: number;
  /** Next sequence number handed to `body()` (so warm-up and measurement never repeat one). */
  nextSeq: () => number;
  /** Stop starting requests after this many (the queue top-up); unset: only the duration counts. */
  maxRequests?: number;
}

export interface LoadResult {
  /** Completed requests, whatever their status. */
  requests: number;
  /** Requests answered with a 2xx status. */
  ok: number;
  /** Everything else: non-2xx answers, socket errors and timeouts. */
  errors: number;
  /** Answers by status code; `error` for socket errors, `timeout` for requests past the limit. */
  statusCounts: Record<string, number>;
  /** The first answer body seen for each non-2xx outcome (truncated), to say why it failed. */
  errorSamples: Record<string, string>;
  /** Latency of every completed request in milliseconds (2xx and non-2xx alike). */
  latenciesMs: number[];
  /** Wall time from the first request to the last answer. */
  elapsedMs: number;
}

const SAMPLE_CHARS = 300;

interface Outcome {
  status: string;
  latencyMs: number;
  sample?: string;
}

function sendOne(
  agent: Agent,
  target: LoadTarget,
  url: URL,
  seq: number,
  timeoutMs: number,
): Promise<Outcome> {
  const payload = Buffer.from(JSON.stringify(target.body(seq)));
  return new Promise<Outcome>((resolve) => {
    const started = performance.now();
    let settled = false;
    const finish = (status: string, sample?: string) => {
      if (settled) return;
      settled = true;
      resolve({ status, latencyMs: performance.now() - started, sample });
    };
    const req = request(
      {
        agent,
        hostname: url.hostname,
        port: url.port,
        method: target.method,
        path: target.path,
        headers: {
          ...target.headers,
          'content-type': 'application/json',
          'content-length': String(payload.length),
        },
      },
      (res) => {
        const status = res.statusCode ?? 0;
        const ok = status >= 200 && status < 300;
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => {
          // 2xx bodies are read and dropped; others are kept to show why they failed
          if (!ok) chunks.push(chunk);
        });
        res.on('end', () =>
          finish(
            String(status),
            ok ? undefined : Buffer.concat(chunks).toString('utf8').slice(0, SAMPLE_CHARS),
          ),
        );
        res.on('error', (error) => finish('error', error.message));
      },
    );
    req.setTimeout(timeoutMs, () => {
      finish('timeout', `no answer within ${timeoutMs} ms`);
      req.destroy();
    });
    req.on('error', (error) => finish('error', error.message));
    req.end(payload);
  });
}

/**
 * Closed-loop load: `connections` workers, each sending its next request as soon as the previous
 * answer is read, over a keep-alive agent with that many sockets.
 */
export async function runLoad(target: LoadTarget, options: LoadOptions): Promise<LoadResult> {
  const url = new URL(target.baseUrl);
  const agent = new Agent({
    keepAlive: true,
    maxSockets: options.connections,
    maxFreeSockets: options.connections,
  });
  const result: LoadResult = {
    requests: 0,
    ok: 0,
    errors: 0,
    statusCounts: {},
    errorSamples: {},
    latenciesMs: [],
    elapsedMs: 0,
  };
  const started = performance.now();
  const deadline = started + options.durationMs;

  let sent = 0;
  const more = () =>
    performance.now() < deadline &&
    (options.maxRequests === undefined || sent < options.maxRequests);
  const worker = async () => {
    while (more()) {
      sent += 1;
      const outcome = await sendOne(
        agent,
        target,
        url,
        options.nextSeq(),
        options.requestTimeoutMs,
      );
      result.requests += 1;
      result.latenciesMs.push(outcome.latencyMs);
      result.statusCounts[outcome.status] = (result.statusCounts[outcome.status] ?? 0) + 1;
      const status = Number(outcome.status);
      if (status >= 200 && status < 300) {
        result.ok += 1;
      } else {
        result.errors += 1;
        if (result.errorSamples[outcome.status] === undefined) {
          result.errorSamples[outcome.status] = outcome.sample ?? '';
        }
      }
    }
  };

  try {
    await Promise.all(Array.from({ length: options.connections }, () => worker()));
  } finally {
    result.elapsedMs = performance.now() - started;
    agent.destroy();
  }
  return result;
}

/** One request outside the measurement (token fetch, readiness check); JSON answer or throw. */
export function fetchJson(
  baseUrl: string,
  method: 'GET' | 'POST',
  path: string,
  headers: Record<string, string> = {},
  timeoutMs = 5000,
): Promise<{ status: number; body: unknown }> {
  const url = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const req = request(
      { hostname: url.hostname, port: url.port, method, path, headers, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let body: unknown = text;
          try {
            body = text ? JSON.parse(text) : undefined;
          } catch {
            // not JSON: keep the text
          }
          resolve({ status: res.statusCode ?? 0, body });
        });
      },
    );
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end();
  });
}
