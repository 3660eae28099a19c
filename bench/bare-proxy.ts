/**
 * Child process of `npm run bench`: the floor any Node gateway pays. A bare Fastify server that
 * takes the gateway's canonical body, re-shapes it to the upstream's wire body, forwards it over
 * an undici keep-alive pool and re-shapes the answer — and stores nothing, checks nothing, audits
 * nothing. Started with the upstream URLs and credentials in its environment; prints
 * `listening <url>` on stdout.
 */
import Fastify from 'fastify';
import { Pool } from 'undici';

interface CanonicalInvoice {
  reference: string;
  party: { code: string; name: string };
  amount: number;
  description: string;
  internalOrderNumber?: string;
}

interface StatusBatch {
  updates: { documentNumber: string; status: string; partnerCode: string; invoiceDate: string }[];
}

const env = process.env;
const dms = new Pool(env.PROXY_DMS_URL!, { connections: 64, pipelining: 1 });
const gep = new Pool(env.PROXY_GEP_SMART_URL!, { connections: 64, pipelining: 1 });

async function forward(pool: Pool, path: string, auth: string, body: unknown): Promise<unknown> {
  const answer = await pool.request({
    method: 'POST',
    path,
    headers: { 'content-type': 'application/json', authorization: auth },
    body: JSON.stringify(body),
  });
  return answer.body.json();
}

const app = Fastify({ logger: false, keepAliveTimeout: 65_000 });

app.post<{ Body: CanonicalInvoice }>('/v1/invoices', async (request, reply) => {
  const invoice = request.body;
  const upstream = (await forward(
    dms,
    '/api/invoices/generate',
    `Bearer ${env.PROXY_DMS_API_KEY}`,
    {
      request_number: invoice.reference,
      dealer_code: invoice.party.code,
      dealer_name: invoice.party.name,
      amount: invoice.amount,
      description: invoice.description,
      io_number: invoice.internalOrderNumber,
    },
  )) as { data?: { e_invoice_number?: string; dms_number?: string } };
  return reply.code(201).send({
    provider: 'dms',
    reference: invoice.reference,
    providerInvoiceId: upstream.data?.e_invoice_number ?? null,
    providerDocumentNumber: upstream.data?.dms_number ?? null,
    amount: invoice.amount,
  });
});

app.post<{ Body: StatusBatch }>('/v1/invoice-status-updates', async (request) => {
  const answer = await forward(
    gep,
    '/SmartInterfaceAPI/api/Invoice/InvoiceStatusdetails',
    `Bearer ${env.PROXY_GEP_TOKEN}`,
    {
      models: request.body.updates.map((u) => ({
        documentNumber: u.documentNumber,
        documentstatusInfo: u.status,
        clientPartnerCode: u.partnerCode,
        invoiceDate: u.invoiceDate,
      })),
    },
  );
  const items = Array.isArray(answer) ? answer : [];
  return {
    provider: 'gep-smart',
    results: items.length,
    answer: items.length ? undefined : answer,
  };
});

app
  .listen({ port: 0, host: '127.0.0.1' })
  .then((url) => process.stdout.write(`listening ${url}\n`))
  .catch((error: unknown) => {
    process.stderr.write(`bare proxy failed: ${String(error)}\n`);
    process.exit(1);
  });
process.on('SIGTERM', () => {
  void app.close().then(() => process.exit(0));
});
