import net from 'node:net';
import { recordRawAnswer } from './contract-recorder';

export interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** The answer's JSON body, when it has one. */
  json?: Record<string, unknown>;
}

/**
 * Sends bytes as they are (requests no HTTP client would send: CR/LF/NUL in headers, bad
 * escapes, oversized headers) and reads one answer. Send `Connection: close`: the socket is not
 * half-closed (Node aborts a request in progress when its client half-closes), the server
 * closes it after answering. The answer is checked against the gateway's OpenAPI document
 * (contract-recorder.ts).
 */
export function rawRequest(baseUrl: string, text: string | Buffer): Promise<RawAnswer> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = net.connect(Number(port), hostname, () => socket.write(text));
    socket.setTimeout(5_000, () => socket.destroy(new Error('no answer within 5 s')));
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      // interim answers (100 Continue) come first: read the final one
      const raw = Buffer.concat(chunks)
        .toString('utf8')
        .replace(/^(HTTP\/1\.1 1\d\d [^\r]*\r\n(?:[^\r]+\r\n)*\r\n)+/, '');
      const split = raw.indexOf('\r\n\r\n');
      if (split < 0) return reject(new Error(`not an HTTP answer: ${JSON.stringify(raw)}`));
      const [statusLine, ...lines] = raw.slice(0, split).split('\r\n');
      const headers: Record<string, string> = {};
      for (const line of lines) {
        const colon = line.indexOf(':');
        headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
      }
      let body = raw.slice(split + 4);
      if (headers['transfer-encoding'] === 'chunked') body = dechunk(body);
      let json: Record<string, unknown> | undefined;
      try {
        json = body ? (JSON.parse(body) as Record<string, unknown>) : undefined;
      } catch {
        json = undefined;
      }
      const status = Number(statusLine.split(' ')[1]);
      recordRawAnswer(baseUrl, text, { status, headers, text: body });
      resolve({ status, headers, body, json });
    });
  });
}

function dechunk(body: string): string {
  let out = '';
  let rest = body;
  for (;;) {
    const end = rest.indexOf('\r\n');
    const size = parseInt(rest.slice(0, end), 16);
    if (!size) return out;
    out += rest.slice(end + 2, end + 2 + size);
    rest = rest.slice(end + 2 + size + 2);
  }
}

/** A request head with Host and Connection: close, plus the given header lines. */
export function head(method: string, target: string, ...headerLines: string[]): string {
  return [`${method} ${target} HTTP/1.1`, 'Host: gateway.test', ...headerLines, 'Connection: close']
    .join('\r\n')
    .concat('\r\n\r\n');
}
