import type { LoadTarget } from './load';

/**
 * The request pairs measured: each scenario is one business request sent straight to the
 * simulator (the body the gateway itself would send upstream) and through the gateway (the
 * canonical body). Every request carries a new reference, so each creates a new document.
 */

export interface BenchEndpoints {
  runId: string;
  dmsUrl: string;
  dmsApiKey: string;
  gepSmartUrl: string;
  /** GEP SMART bearer token, fetched once before the direct run (as a client would cache it). */
  gepToken: string;
  gatewayUrl: string;
  gatewayKey: string;
  /** The bare Fastify + undici proxy (bench/bare-proxy.ts): same canonical body as the gateway. */
  proxyUrl: string;
  batchItems: number;
}

export interface ScenarioPair {
  name: string;
  /** Connections for this scenario; unset: BENCH_CONNECTIONS. */
  connections?: number;
  /**
   * The scenario whose direct and proxy measurements this one's ratios use when it ran in the
   * same run (the same upstream request at the same load); its own are measured otherwise.
   */
  baseline?: string;
  direct: { description: string; target: LoadTarget };
  proxy: { description: string; target: LoadTarget };
  gateway: { description: string; target: LoadTarget };
}

/** The gateway's request sent to the bare proxy instead (it ignores the gateway key). */
function viaProxy(e: BenchEndpoints, gateway: ScenarioPair['gateway']): ScenarioPair['proxy'] {
  return {
    description: `${gateway.target.method} ${gateway.target.path} (bare Fastify + undici proxy)`,
    target: { ...gateway.target, baseUrl: e.proxyUrl },
  };
}

const DEALER = { code: 'DLR001', name: 'ABC Motors' };
const IO_NUMBER = 'IO-2025-001';
const AMOUNT = 150000;
const GEP_STATUS = 'SentForPayment';
const GEP_PARTNER = 'PC-1530698055599';
const GEP_INVOICE_DATE = '2019-12-14T11:47:24.534Z';
const GEP_INVOICE_STATUS_PATH = '/SmartInterfaceAPI/api/Invoice/InvoiceStatusdetails';

function dmsPair(e: BenchEndpoints, name = 'dms-invoice', tag = ''): ScenarioPair {
  const reference = (kind: string, seq: number) => `BENCH-${e.runId}-${kind}${tag}${seq}`;
  return withProxy(e, {
    name,
    direct: {
      description: 'POST /api/invoices/generate (DMS simulator)',
      target: {
        baseUrl: e.dmsUrl,
        method: 'POST',
        path: '/api/invoices/generate',
        headers: { authorization: `Bearer ${e.dmsApiKey}` },
        body: (seq) => ({
          request_number: reference('D', seq),
          dealer_code: DEALER.code,
          dealer_name: DEALER.name,
          amount: AMOUNT,
          description: `E-Invoice for claim request ${reference('D', seq)}`,
          io_number: IO_NUMBER,
        }),
      },
    },
    gateway: {
      description: 'POST /v1/invoices {provider: dms} (gateway -> DMS simulator)',
      target: {
        baseUrl: e.gatewayUrl,
        method: 'POST',
        path: '/v1/invoices',
        headers: { authorization: `Bearer ${e.gatewayKey}` },
        body: (seq) => ({
          provider: 'dms',
          reference: reference('G', seq),
          party: DEALER,
          amount: AMOUNT,
          description: `E-Invoice for claim request ${reference('G', seq)}`,
          internalOrderNumber: IO_NUMBER,
        }),
      },
    },
  });
}

function gepSmartPair(e: BenchEndpoints): ScenarioPair {
  const documents = (kind: string, seq: number) =>
    Array.from({ length: e.batchItems }, (_, i) => `BENCH-${e.runId}-${kind}${seq}-${i}`);
  return withProxy(e, {
    name: `gep-smart-status-x${e.batchItems}`,
    direct: {
      description: `POST ${GEP_INVOICE_STATUS_PATH}, ${e.batchItems} models (GEP SMART simulator, token cached)`,
      target: {
        baseUrl: e.gepSmartUrl,
        method: 'POST',
        path: GEP_INVOICE_STATUS_PATH,
        headers: { authorization: `Bearer ${e.gepToken}` },
        body: (seq) => ({
          models: documents('D', seq).map((documentNumber) => ({
            documentNumber,
            documentstatusInfo: GEP_STATUS,
            clientPartnerCode: GEP_PARTNER,
            invoiceDate: GEP_INVOICE_DATE,
          })),
        }),
      },
    },
    gateway: {
      description: `POST /v1/invoice-status-updates, ${e.batchItems} updates (gateway -> GEP SMART simulator)`,
      target: {
        baseUrl: e.gatewayUrl,
        method: 'POST',
        path: '/v1/invoice-status-updates',
        headers: { authorization: `Bearer ${e.gatewayKey}` },
        body: (seq) => ({
          provider: 'gep-smart',
          updates: documents('G', seq).map((documentNumber) => ({
            documentNumber,
            status: GEP_STATUS,
            partnerCode: GEP_PARTNER,
            invoiceDate: GEP_INVOICE_DATE,
          })),
        }),
      },
    },
  });
}

function withProxy(e: BenchEndpoints, pair: Omit<ScenarioPair, 'proxy'>): ScenarioPair {
  return { ...pair, proxy: viaProxy(e, pair.gateway) };
}

/** Every BENCH_SCENARIOS value, in the order they run. */
export const SCENARIO_NAMES = [
  'dms',
  'gep-smart',
  'dms-1conn',
  'dms-async',
  'queue-drain',
] as const;
export type ScenarioName = (typeof SCENARIO_NAMES)[number];
/** The scenarios that are request pairs (the queue drain is not: it sends nothing itself). */
export type PairName = Exclude<ScenarioName, 'queue-drain'>;

/** The DMS create with `Prefer: respond-async`: answered 202 once the operation is stored. */
function dmsAsyncPair(e: BenchEndpoints): ScenarioPair {
  const pair = dmsPair(e, 'dms-invoice-async', 'A');
  return {
    ...pair,
    baseline: 'dms-invoice',
    gateway: {
      description:
        'POST /v1/invoices {provider: dms}, Prefer: respond-async (202 once stored; worker off)',
      target: {
        ...pair.gateway.target,
        headers: { ...pair.gateway.target.headers, prefer: 'respond-async' },
      },
    },
  };
}

export function buildScenario(name: PairName, endpoints: BenchEndpoints): ScenarioPair {
  switch (name) {
    case 'dms-async':
      return dmsAsyncPair(endpoints);
    case 'dms':
      return dmsPair(endpoints);
    case 'gep-smart':
      return gepSmartPair(endpoints);
    case 'dms-1conn':
      // one connection: what the gateway adds to an idle request
      return { ...dmsPair(endpoints, 'dms-invoice-1conn', 'L'), connections: 1 };
  }
}
