import { randomInt } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import {
  GEP_MAGIC,
  gepExpiresMinutes,
  isInvalidGepDocument,
  matchStatus,
  startsWithMagic,
  type GepError,
} from './gep-common';
import { defaultGepQuantumOptions, type GepQuantumSimulatorOptions } from './sim-config';
import {
  bearerToken,
  header,
  isRecord,
  lowerKeys,
  parseIsoDate,
  presentString,
  safeEqual,
} from './sim-http';
import { buildSimulator } from './sim-server';
import type { TokenStore } from './sim-tokens';
import type { Simulator } from './sim-types';

export const GEP_QUANTUM_PATHS = {
  token: '/SmartAuth2/Token',
  remittance: '/leo-invoice-interface/api/v1/RemittanceDetails',
} as const;

/** Azure API Management's own bodies in front of GEP Quantum. */
export const APIM_MISSING_KEY = {
  statusCode: 401,
  message:
    'Access denied due to missing subscription key. Make sure to include subscription key when making requests to an API.',
};
export const APIM_INVALID_KEY = {
  statusCode: 401,
  message:
    'Access denied due to invalid subscription key. Make sure to provide a valid key for an active subscription.',
};
export const APIM_INVALID_TOKEN = {
  statusCode: 401,
  message: 'Unauthorized. Access token is missing or invalid.',
};

/** Statuses after which the simulator refuses a different statusInfo. */
const FINAL_STATUSES = new Set(['paid', 'cancelled']);
const INITIAL_STATUS = 'ReadyForPayment';

/** Request fields echoed back, in the answer's order, with their .NET types. */
const STRING_FIELDS = [
  'paymentReferenceNumber',
  'paymentRemittanceId',
  'paymentMethod',
  'paymentDate',
  'currency',
  'statusInfo',
  'batchId',
  'documentNumber',
  'clientSupplierCode',
  'sourceSystemName',
  'supplierInvoiceNumber',
] as const;
const AMOUNT_FIELDS = ['grossAmount', 'netAmount', 'discountAmount', 'adjustmentAmount'] as const;

interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  traceId: string;
  errors?: Record<string, string[]>;
}

class QuantumServerError extends Error {}

const mandatory = (errorDescription: string): GepError => ({
  errorCode: 'MandatoryField',
  errorDescription,
});
const invalid = (errorDescription: string): GepError => ({
  errorCode: 'DataValidation',
  errorDescription,
});

/** Kestrel-style trace identifiers: `<13-char connection id>:<8 hex request number>`. */
function correlationIds(): () => string {
  const alphabet = '0123456789ABCDEFGHIJKLMNOPQRSTUV';
  let connection = '0HN';
  for (let i = 0; i < 10; i += 1) connection += alphabet[randomInt(alphabet.length)];
  let counter = 0;
  return () => `${connection}:${(++counter).toString(16).toUpperCase().padStart(8, '0')}`;
}

/**
 * GEP Quantum (LEO): `GET /SmartAuth2/Token` and `PUT .../RemittanceDetails` (a top-level
 * array), behind an API-Management subscription key. Remembers each document's status.
 */
export function createGepQuantumSimulator(
  overrides: Partial<GepQuantumSimulatorOptions> = {},
): Simulator {
  const options: GepQuantumSimulatorOptions = { ...defaultGepQuantumOptions(), ...overrides };
  const nextCorrelationId = correlationIds();
  const documentStatus = new Map<string, string>();

  function problem(status: number, title: string, errors?: Record<string, string[]>) {
    const body: ProblemDetails = {
      type: `https://tools.ietf.org/html/rfc9110#section-15.5.${status === 415 ? 16 : 1}`,
      title,
      status,
      traceId: nextCorrelationId(),
    };
    if (errors) body.errors = errors;
    return body;
  }

  /** APIM's subscription-key gate; returns the refusal body or undefined. */
  function subscriptionRefusal(request: FastifyRequest) {
    const query = request.query as Record<string, unknown>;
    const key =
      header(request, 'ocp-apim-subscription-key') ??
      (typeof query['subscription-key'] === 'string' ? query['subscription-key'] : undefined);
    if (!key) return APIM_MISSING_KEY;
    return safeEqual(key, options.subscriptionKey) ? undefined : APIM_INVALID_KEY;
  }

  /** System.Text.Json binding: wrong JSON types fail the whole request with a 400. */
  function bindingErrors(items: unknown[]): Record<string, string[]> {
    const errors: Record<string, string[]> = {};
    items.forEach((item, index) => {
      if (!isRecord(item)) {
        errors[`$[${index}]`] = [
          `The JSON value could not be converted to RemittanceDetail. Path: $[${index}].`,
        ];
        return;
      }
      for (const field of STRING_FIELDS) {
        const value = item[field.toLowerCase()];
        if (value !== undefined && value !== null && typeof value !== 'string') {
          errors[`$[${index}].${field}`] = [
            `The JSON value could not be converted to System.String. Path: $[${index}].${field}.`,
          ];
        }
      }
      for (const field of AMOUNT_FIELDS) {
        const value = item[field.toLowerCase()];
        if (value !== undefined && value !== null && typeof value !== 'number') {
          errors[`$[${index}].${field}`] = [
            `The JSON value could not be converted to System.Decimal. Path: $[${index}].${field}.`,
          ];
        }
      }
    });
    return errors;
  }

  function documentKey(item: Record<string, unknown>): string {
    const doc = presentString(item.documentnumber);
    if (doc) return `doc:${doc.toUpperCase()}`;
    const supplier = presentString(item.supplierinvoicenumber);
    if (supplier) return `sup:${supplier.toUpperCase()}`;
    return `batch:${String(item.clientsuppliercode)}/${String(item.batchid)}`;
  }

  function currentStatus(item: Record<string, unknown>): string {
    const known = documentStatus.get(documentKey(item));
    if (known) return known;
    return startsWithMagic(presentString(item.documentnumber), GEP_MAGIC.paid)
      ? 'Paid'
      : INITIAL_STATUS;
  }

  function validate(item: Record<string, unknown>): { errors: GepError[]; status?: string } {
    const errors: GepError[] = [];
    const documentNumber = presentString(item.documentnumber);
    const supplierInvoice = presentString(item.supplierinvoicenumber);
    const clientSupplier = presentString(item.clientsuppliercode);
    const batchId = presentString(item.batchid);
    if (startsWithMagic(documentNumber, GEP_MAGIC.serverError)) throw new QuantumServerError();
    if (!documentNumber && !supplierInvoice && !clientSupplier && !batchId) {
      errors.push(mandatory('Document Number or Supplier Document Number is Mandatory'));
    }
    if (documentNumber && isInvalidGepDocument(documentNumber)) {
      errors.push(invalid('Invalid Document Number'));
    }
    if (startsWithMagic(supplierInvoice, GEP_MAGIC.invalid)) {
      errors.push(invalid('Invalid Supplier Invoice Number'));
    }
    if (startsWithMagic(batchId, GEP_MAGIC.invalid)) errors.push(invalid('Invalid Batch ID'));
    if (clientSupplier && !presentString(item.sourcesystemname)) {
      errors.push(mandatory('Source System Name is Mandatory'));
    }
    const requested = presentString(item.statusinfo);
    const status = requested ? matchStatus(options.statuses, requested) : undefined;
    if (!status) {
      errors.push(invalid('Incorrect status: does not exist in the system'));
    } else {
      const current = currentStatus(item);
      if (
        FINAL_STATUSES.has(current.toLowerCase()) &&
        current.toLowerCase() !== status.toLowerCase()
      ) {
        errors.push(
          invalid(`Incorrect status: ${requested} cannot be updated as the status is ${current}`),
        );
      }
    }
    if (!presentString(item.paymentreferencenumber)) {
      errors.push(mandatory('Payment reference number is Mandatory'));
    }
    if (!presentString(item.paymentremittanceid)) {
      errors.push(mandatory('Payment remittance id is Mandatory'));
    }
    if (parseIsoDate(item.paymentdate) === undefined) {
      errors.push(invalid('Need to pass correct format'));
    }
    return { errors, status };
  }

  function detail(item: Record<string, unknown>) {
    const echo: Record<string, unknown> = {};
    for (const field of [...STRING_FIELDS, ...AMOUNT_FIELDS]) {
      echo[field] = item[field.toLowerCase()] ?? null;
    }
    return { ...echo, comments: item.comments ?? null };
  }

  async function remittance(request: FastifyRequest, reply: FastifyReply, tokens: TokenStore) {
    const refusal = subscriptionRefusal(request);
    if (refusal) return reply.code(401).send(refusal);
    if (tokens.check(bearerToken(request)) !== 'valid') {
      return reply.code(401).send(APIM_INVALID_TOKEN);
    }
    if (typeof request.body === 'string') {
      return reply.code(415).send(problem(415, 'Unsupported Media Type'));
    }
    if (request.body === undefined) {
      return reply.code(400).send(
        problem(400, 'One or more validation errors occurred.', {
          '': ['A non-empty request body is required.'],
        }),
      );
    }
    if (!Array.isArray(request.body)) {
      return reply.code(400).send(
        problem(400, 'One or more validation errors occurred.', {
          $: [
            'The JSON value could not be converted to System.Collections.Generic.List`1[RemittanceDetail]. Path: $.',
          ],
        }),
      );
    }
    const items = lowerKeys(request.body) as unknown[];
    const binding = bindingErrors(items);
    if (Object.keys(binding).length > 0) {
      return reply.code(400).send(problem(400, 'One or more validation errors occurred.', binding));
    }
    const records = items as Record<string, unknown>[];
    const correlationId = nextCorrelationId();
    let results: { item: Record<string, unknown>; errors: GepError[]; status?: string }[];
    try {
      results = records.map((item) => ({ item, ...validate(item) }));
    } catch (error) {
      if (!(error instanceof QuantumServerError)) throw error;
      return reply.code(500).send({
        returnValue: null,
        isSuccess: false,
        errors: null,
        exception: { message: 'Simulated exception', stackTrace: null },
        errorMessage: 'Exception Occurred',
        errorCode: null,
        correlationId,
      });
    }
    const errorDetails: unknown[] = [];
    const successDetails: unknown[] = [];
    for (const { item, errors, status } of results) {
      const documentNumber = presentString(item.documentnumber) ?? null;
      if (errors.length > 0 || !status) {
        errorDetails.push({
          errors: errors.map((error) => ({
            documentNumber,
            documentStatus: currentStatus(item),
            interfaceStatus: 'Failed',
            documentURL: null,
            ...error,
          })),
          success: [],
          ...detail(item),
        });
        continue;
      }
      documentStatus.set(documentKey(item), status);
      const reference = documentNumber ?? presentString(item.supplierinvoicenumber) ?? '';
      successDetails.push({
        errors: [],
        success: [
          {
            documentNumber,
            documentStatus: status,
            interfaceStatus: 'Processed',
            documentURL: `${options.documentBaseUrl}/${encodeURIComponent(reference)}`,
            errorCode: null,
            errorDescription: null,
          },
        ],
        ...detail(item),
      });
    }
    return reply.code(200).send({
      returnValue: { errorDetails, successDetails },
      isSuccess: errorDetails.length === 0,
      errors: null,
      exception: null,
      errorMessage: null,
      errorCode: null,
      correlationId,
    });
  }

  function errorBody(status: number, message: string): unknown {
    if (status === 400) return problem(400, message);
    if (status === 401) return APIM_INVALID_TOKEN;
    if (status === 404) return { statusCode: 404, message: 'Resource not found' };
    if (status === 429) return rateLimited(undefined);
    if (status >= 500) return { statusCode: status, message: 'Internal server error' };
    return { statusCode: status, message };
  }

  return buildSimulator({
    id: 'gep-quantum',
    options,
    tokenFormat: 'jwt',
    errorBody,
    faultBody: (status, retryAfter) =>
      status === 429 ? rateLimited(retryAfter) : errorBody(status, `Simulated fault ${status}`),
    routes(app, tokens) {
      app.get(GEP_QUANTUM_PATHS.token, async (request, reply) => {
        const refusal = subscriptionRefusal(request);
        if (refusal) return reply.code(401).send(refusal);
        const key = header(request, 'gep-auth-key');
        if (!key || !safeEqual(key, options.authKey)) {
          return reply.code(403).send({
            expires: 0,
            token: null,
            statusCode: 403,
            errorMessage: key ? 'Invalid gep-auth-key' : 'gep-auth-key header is missing',
          });
        }
        const issued = tokens.issue('gep-quantum');
        return {
          expires: gepExpiresMinutes(tokens.lifetimeSeconds),
          token: issued.token,
          statusCode: 200,
          errorMessage: '',
        };
      });
      app.put(GEP_QUANTUM_PATHS.remittance, (request, reply) => remittance(request, reply, tokens));
    },
    resetState() {
      documentStatus.clear();
    },
  });
}

function rateLimited(retryAfterSeconds: number | undefined) {
  return {
    statusCode: 429,
    message: `Rate limit is exceeded. Try again in ${retryAfterSeconds ?? 60} seconds.`,
  };
}
