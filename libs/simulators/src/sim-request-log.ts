import { redact, redactHeaders } from '@lib/redaction';

/** One request as `GET /__sim/requests` shows it; secrets are masked. */
export interface LoggedRequest {
  seq: number;
  at: string;
  method: string;
  path: string;
  query: Record<string, unknown>;
  headers: Record<string, unknown>;
  body?: unknown;
  /** W3C Trace Context the caller sent (absent when it sent none). */
  traceparent?: string;
  tracestate?: string;
  /** Status answered, or absent while in flight / when no answer was sent (reset, hang). */
  status?: number;
  /** Id of the fault applied to this request, if any. */
  faultId?: number;
}

/** The last `size` requests received on non-/__sim paths. */
export class RequestLog {
  private entries: LoggedRequest[] = [];
  private seq = 0;

  constructor(private readonly size: number) {}

  record(input: {
    at: number;
    method: string;
    path: string;
    query: Record<string, unknown>;
    headers: Record<string, unknown>;
  }): LoggedRequest {
    const entry: LoggedRequest = {
      seq: ++this.seq,
      at: new Date(input.at).toISOString(),
      method: input.method,
      path: input.path,
      query: redact(input.query),
      headers: redactHeaders(input.headers),
    };
    const traceparent = headerText(input.headers.traceparent);
    const tracestate = headerText(input.headers.tracestate);
    if (traceparent !== undefined) entry.traceparent = traceparent;
    if (tracestate !== undefined) entry.tracestate = tracestate;
    this.entries.push(entry);
    if (this.entries.length > this.size) this.entries.splice(0, this.entries.length - this.size);
    return entry;
  }

  /** Stores the parsed body, masked, on an entry recorded earlier. */
  attachBody(entry: LoggedRequest, body: unknown): void {
    entry.body = redact(body);
  }

  /** Oldest first. */
  list(): LoggedRequest[] {
    return this.entries.map((entry) => ({ ...entry }));
  }

  clear(): void {
    this.entries = [];
  }
}

function headerText(value: unknown): string | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  return typeof text === 'string' ? text : undefined;
}
