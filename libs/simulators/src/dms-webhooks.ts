import { createHmac, randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isRecord } from './sim-http';

/**
 * The DMS spec's one line on webhooks: "DMS can send webhooks to notify RE Workflow System when
 * invoice/credit note status changes". The spec gives no body nor signature, so the simulator
 * sends what the gateway documents that it reads, signed one of the two ways it accepts:
 *
 * `POST /__sim/webhooks/send` `{ url, payload, scheme?, secret?, webhookId? }`
 * - `url`: where to POST (the gateway's `/v1/inbound/dms/{connection}`);
 * - `payload`: the JSON body, e.g. `{ event, e_invoice_number, status, status_date, remarks }`;
 * - `scheme`: `standard` (default: `webhook-id`, `webhook-timestamp`, `webhook-signature`) or
 *   `dms` (`X-DMS-Signature: sha256=<hex HMAC-SHA256(secret, raw body)>`);
 * - `secret`: the HMAC key (default: the simulator's `webhookSecret` option), used as given
 *   (a `whsec_` secret as base64 after its prefix under `standard`);
 * - `webhookId`: the `webhook-id` to send (default a new `msg_` id), to send a delivery again.
 *
 * Answers `{ status, webhookId, body }` with the receiver's status and answer.
 */
export function registerDmsWebhookSender(app: FastifyInstance, defaultSecret?: string): void {
  app.post('/__sim/webhooks/send', async (request, reply) => {
    const input = isRecord(request.body) ? request.body : {};
    const url = typeof input.url === 'string' ? input.url : '';
    const secret = typeof input.secret === 'string' ? input.secret : defaultSecret;
    if (!/^https?:\/\//.test(url) || !secret) {
      return reply.code(400).send({
        error:
          'url (http or https) is required, and secret unless the simulator has a webhookSecret',
      });
    }
    const body = JSON.stringify(input.payload ?? {});
    const webhookId =
      typeof input.webhookId === 'string'
        ? input.webhookId
        : `msg_${randomBytes(16).toString('hex')}`;
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (input.scheme === 'dms') {
      headers['x-dms-signature'] =
        `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
    } else {
      const timestamp = Math.floor(Date.now() / 1000);
      const key = secret.startsWith('whsec_')
        ? Buffer.from(secret.slice('whsec_'.length), 'base64')
        : Buffer.from(secret, 'utf8');
      const mac = createHmac('sha256', key).update(`${webhookId}.${timestamp}.${body}`);
      headers['webhook-id'] = webhookId;
      headers['webhook-timestamp'] = String(timestamp);
      headers['webhook-signature'] = `v1,${mac.digest('base64')}`;
    }
    const answer = await post(url, headers, body);
    const text = answer.text;
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // not JSON: kept as text
    }
    return { status: answer.status, webhookId, body: parsed };
  });
}

/** One POST on a connection of its own (closed after), never following a redirect. */
function post(
  url: string,
  headers: Record<string, string>,
  body: string,
): Promise<{ status: number; text: string }> {
  const send = url.startsWith('https:') ? httpsRequest : httpRequest;
  return new Promise((done, fail) => {
    const req = send(
      url,
      {
        method: 'POST',
        headers: { ...headers, connection: 'close', 'content-length': Buffer.byteLength(body) },
        timeout: 10_000,
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => done({ status: res.statusCode ?? 0, text }));
        res.on('error', fail);
      },
    );
    req.on('timeout', () => req.destroy(new Error('no answer in 10 s')));
    req.on('error', fail);
    req.end(body);
  });
}
