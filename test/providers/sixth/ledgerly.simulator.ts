import type { FastifyReply, FastifyRequest } from 'fastify';
import {
  bearerToken,
  buildSimulator,
  defaultCommonOptions,
  isRecord,
  safeEqual,
  type CommonSimulatorOptions,
  type Simulator,
} from '@lib/simulators';

/**
 * Ledgerly, a made-up upstream for the test-only sixth provider: `POST /invoices` with
 * `Authorization: Bearer <apiKey>` and `{ ref, total }`, answered `201 { id, number, state }`;
 * a second invoice with the same `ref` is `409 { error: 'DUPLICATE_REF' }`.
 */
export interface LedgerlyCredentials {
  apiKey: string;
}

export type LedgerlySimulatorOptions = CommonSimulatorOptions & LedgerlyCredentials;

export const LEDGERLY_DEFAULT_CREDENTIALS: Readonly<LedgerlyCredentials> = {
  apiKey: 'sim-ledgerly-key',
};

export function createLedgerlySimulator(
  overrides: Partial<LedgerlySimulatorOptions> = {},
): Simulator {
  const options: LedgerlySimulatorOptions = {
    ...defaultCommonOptions(),
    ...LEDGERLY_DEFAULT_CREDENTIALS,
    ...overrides,
  };
  const byRef = new Map<string, { id: string; number: string; state: string }>();
  const errorBody = (status: number, message: string) => ({ error: `HTTP_${status}`, message });

  return buildSimulator({
    id: 'ledgerly',
    options,
    tokenFormat: 'opaque',
    errorBody,
    faultBody: (status) => errorBody(status, 'simulated fault'),
    routes(app) {
      app.post('/invoices', async (request: FastifyRequest, reply: FastifyReply) => {
        const token = bearerToken(request);
        if (token === undefined || !safeEqual(token, options.apiKey)) {
          return reply.code(401).send({ error: 'UNAUTHORIZED', message: 'bad API key' });
        }
        const body = request.body;
        if (!isRecord(body) || typeof body.ref !== 'string' || typeof body.total !== 'number') {
          return reply.code(400).send({ error: 'INVALID', message: 'ref and total are required' });
        }
        if (byRef.has(body.ref)) {
          return reply.code(409).send({ error: 'DUPLICATE_REF', message: `${body.ref} exists` });
        }
        const invoice = {
          id: `lg-${byRef.size + 1}`,
          number: `LG-${1000 + byRef.size}`,
          state: 'ISSUED',
        };
        byRef.set(body.ref, invoice);
        return reply.code(201).send(invoice);
      });
    },
    resetState: () => byRef.clear(),
  });
}
