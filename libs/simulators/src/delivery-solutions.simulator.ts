/**
 * The Delivery Solutions returns-platform simulator: both auth schemes, the invoice create and
 * update with every documented validation and error type, and the faults on demand. One file of
 * about 500 lines on purpose: it is read beside the spec, section by section, and splitting the
 * validation from the routes would scatter one document's rules over several files.
 */
import { randomBytes } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import {
  defaultDeliverySolutionsOptions,
  type DeliverySolutionsSimulatorOptions,
} from './sim-config';
import { basicCredentials, bearerToken, header, isRecord, safeEqual } from './sim-http';
import { buildSimulator } from './sim-server';
import type { TokenStore } from './sim-tokens';
import type { Simulator } from './sim-types';

export const DELIVERY_SOLUTIONS_PATHS = {
  token: '/ent-services/security/v1/oauth/token',
  invoices: '/returns/v1/invoices',
} as const;

export type DsErrorType =
  | 'VALIDATION_ERROR'
  | 'INVALID_DATA'
  | 'NOT_FOUND'
  | 'DUPLICATE_ID'
  | 'DUPLICATE_RESOURCE'
  | 'INVALID_OPERATION'
  | 'UNAUTHORIZED'
  | 'FORBIDDEN'
  | 'TOO_MANY_REQUESTS'
  | 'INTERNAL_SERVER_ERROR'
  | 'UNMAPPED_ERROR'
  | 'GEOCODING_FAILED';

export interface DsErrorBody {
  type: DsErrorType;
  message: string;
  errors: { type: DsErrorType; message: string; field?: string }[];
}

/** Magic values (see README). */
export const DS_MAGIC = {
  /** OAuth client id: 403 "Blocked Merchant" (any secret). */
  blockedClientId: 'blocked-merchant',
  /** OAuth client id: 429 "Quota Limit Exceeded" (any secret). */
  quotaClientId: 'quota-exceeded',
  /** deliveryAddress.postalCode: 422 GEOCODING_FAILED. */
  geocodingPostalCode: '00000',
  /** orderExternalId prefixes. */
  unmapped: 'SIM-UNMAPPED',
  serverError: 'SIM-500',
  tooManyRequests: 'SIM-429',
  /**
   * A create or update whose orderExternalId starts so succeeds "with warnings" (the spec names
   * no shape; the simulator answers `warnings: [{ type, message }]`, like its errors).
   */
  warning: 'SIM-WARN',
} as const;

/** The warning a SIM-WARN invoice is answered with. */
export const DS_SIM_WARNING = {
  type: 'ADDRESS_UNVERIFIED',
  message: 'Delivery address could not be verified; the invoice was stored as sent',
} as const;

/** `{ warnings }` for an orderExternalId with the SIM-WARN prefix, else nothing. */
function simWarnings(orderExternalId: string): { warnings?: (typeof DS_SIM_WARNING)[] } {
  return orderExternalId.startsWith(DS_MAGIC.warning) ? { warnings: [DS_SIM_WARNING] } : {};
}

const COUNTRY_CODES = ['US', 'CA', 'GB', 'AU', 'IE'];
const E164 = /^\+[1-9]\d{1,14}$/;

export function dsError(type: DsErrorType, message: string, errors?: DsErrorBody['errors']) {
  return { type, message, errors: errors ?? [{ type, message }] };
}

class DsFailure extends Error {
  constructor(
    readonly status: number,
    readonly body: DsErrorBody,
    readonly retryAfterSeconds?: number,
  ) {
    super(body.message);
  }
}

function typeForStatus(status: number): DsErrorType {
  if (status === 401) return 'UNAUTHORIZED';
  if (status === 403) return 'FORBIDDEN';
  if (status === 404) return 'NOT_FOUND';
  if (status === 422) return 'UNMAPPED_ERROR';
  if (status === 429) return 'TOO_MANY_REQUESTS';
  if (status >= 500) return 'INTERNAL_SERVER_ERROR';
  return 'INVALID_DATA';
}

const DEFAULT_MESSAGES: Record<number, string> = {
  401: 'Unauthorized: Invalid or missing authentication token',
  404: 'Not Found',
  422: 'Request received unidentifiable error response.',
  429: 'Too many requests received per second.',
  500: 'Internal Server Error: An unexpected error occurred while processing the request',
};

/** Collects field problems the way the schema states them. */
class Checker {
  readonly problems: string[] = [];

  string(obj: Record<string, unknown>, path: string, key: string, max: number, required = false) {
    const value = obj[key];
    if (value === undefined || value === null) {
      if (required) this.problems.push(`"${path}${key}" is required`);
      return;
    }
    if (typeof value !== 'string') this.problems.push(`"${path}${key}" must be a string`);
    else if (required && value.trim() === '') this.problems.push(`"${path}${key}" is required`);
    else if (value.length > max) {
      this.problems.push(`"${path}${key}" length must be less than or equal to ${max} characters`);
    }
  }

  number(obj: Record<string, unknown>, path: string, key: string, opts: NumberRule = {}) {
    const value = obj[key];
    if (value === undefined || value === null) {
      if (opts.required) this.problems.push(`"${path}${key}" is required`);
      return;
    }
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      this.problems.push(`"${path}${key}" must be a number`);
    } else if (opts.integer && !Number.isInteger(value)) {
      this.problems.push(`"${path}${key}" must be an integer`);
    } else if (opts.min !== undefined && value < opts.min) {
      this.problems.push(`"${path}${key}" must be greater than or equal to ${opts.min}`);
    }
  }

  object(obj: Record<string, unknown>, path: string, key: string, required = false) {
    const value = obj[key];
    if (value === undefined || value === null) {
      if (required) this.problems.push(`"${path}${key}" is required`);
      return undefined;
    }
    if (!isRecord(value)) {
      this.problems.push(`"${path}${key}" must be an object`);
      return undefined;
    }
    return value;
  }
}

interface NumberRule {
  required?: boolean;
  integer?: boolean;
  min?: number;
}

function checkItems(check: Checker, body: Record<string, unknown>, required: boolean): void {
  const list = body.itemList;
  if (list === undefined || list === null) {
    if (required) check.problems.push('"itemList" is required');
    return;
  }
  if (!Array.isArray(list)) {
    check.problems.push('"itemList" must be an array');
    return;
  }
  list.forEach((item: unknown, index) => {
    const path = `itemList[${index}].`;
    if (!isRecord(item)) {
      check.problems.push(`"itemList[${index}]" must be an object`);
      return;
    }
    check.string(item, path, 'sku', 100, true);
    check.string(item, path, 'upc', 100);
    check.string(item, path, 'category', 100);
    check.number(item, path, 'quantity', { integer: true, min: 1 });
    check.object(item, path, 'size');
    check.object(item, path, 'weight');
    check.number(item, path, 'price', { min: 0 });
    check.number(item, path, 'salePrice', { min: 0 });
    check.string(item, path, 'image', 200);
    check.string(item, path, 'title', 200);
    check.string(item, path, 'description', 10_000);
    check.object(item, path, 'itemAttributes');
    const tags = item.tags;
    if (tags !== undefined && tags !== null) {
      if (!Array.isArray(tags) || tags.some((tag) => typeof tag !== 'string')) {
        check.problems.push(`"${path}tags" must be an array of strings`);
      } else if (tags.length > 20) {
        check.problems.push(`"${path}tags" must contain less than or equal to 20 items`);
      }
    }
  });
}

function checkInvoice(body: Record<string, unknown>, create: boolean): string[] {
  const check = new Checker();
  checkItems(check, body, create);
  check.string(body, '', 'groupId', 100);
  check.string(body, '', 'orderExternalId', 100, create);
  const customer = check.object(body, '', 'customer', create);
  if (customer) {
    check.string(customer, 'customer.', 'email', 100);
    check.string(customer, 'customer.', 'phone', 20);
    check.string(customer, 'customer.', 'name', 100);
    check.string(customer, 'customer.', 'userExternalId', 100);
    if (typeof customer.phone === 'string' && customer.phone !== '' && !E164.test(customer.phone)) {
      check.problems.unshift('Please enter the phone number in E.164 format');
    }
  }
  const orderInfo = check.object(body, '', 'orderInfo', create);
  if (orderInfo) {
    check.number(orderInfo, 'orderInfo.', 'tips', { integer: true, min: 0 });
    check.string(orderInfo, 'orderInfo.', 'type', 100);
    check.number(orderInfo, 'orderInfo.', 'amount', { integer: true, min: 0 });
    check.number(orderInfo, 'orderInfo.', 'orderValue', { required: true, min: 0 });
    check.string(orderInfo, 'orderInfo.', 'status', 100, true);
    const delivered = orderInfo.actualDeliveryTime;
    if (delivered !== undefined && delivered !== null) {
      if (typeof delivered !== 'string' || Number.isNaN(Date.parse(delivered))) {
        check.problems.push('"orderInfo.actualDeliveryTime" must be a valid date-time');
      }
    }
  }
  const address = check.object(body, '', 'deliveryAddress');
  if (address) {
    const path = 'deliveryAddress.';
    check.string(address, path, 'street1', 100, true);
    check.string(address, path, 'street2', 100);
    check.string(address, path, 'apartmentNumber', 50);
    check.string(address, path, 'city', 100, true);
    check.string(address, path, 'state', 100, true);
    check.string(address, path, 'postalCode', 20, true);
    const country = address.countryCode;
    if (
      country !== undefined &&
      country !== null &&
      (typeof country !== 'string' || !COUNTRY_CODES.includes(country))
    ) {
      check.problems.push(`"${path}countryCode" must be one of [${COUNTRY_CODES.join(', ')}]`);
    }
    check.number(address, path, 'latitude');
    check.number(address, path, 'longitude');
  }
  check.string(body, '', 'brandExternalId', 100, create);
  check.number(body, '', 'createdDate', { required: create, integer: true, min: 0 });
  check.string(body, '', 'timeZone', 100, create);
  if (typeof body.timeZone === 'string' && body.timeZone.trim() !== '') {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: body.timeZone });
    } catch {
      check.problems.push(`"timeZone" is not a valid IANA time zone`);
    }
  }
  check.string(body, '', 'locationExternalId', 100);
  return check.problems;
}

type StoredInvoice = Record<string, unknown> & { id: string; orderExternalId: string };

/** Field order of the published answer. */
const ANSWER_FIELDS = [
  'groupId',
  'tenantId',
  'orderExternalId',
  'deliveryAddress',
  'customer',
  'brandExternalId',
  'locationExternalId',
  'timeZone',
  'createdAt',
  'createdDate',
  'itemList',
  'orderInfo',
];

/**
 * Delivery Solutions returns invoices: OAuth2 client-credentials token endpoint, and
 * `POST /returns/v1/invoices` / `PUT /returns/v1/invoices/:id` with a Bearer token or
 * `x-api-key` + `tenantid`. Remembers invoices by id; one invoice per `orderExternalId`.
 */
export function createDeliverySolutionsSimulator(
  overrides: Partial<DeliverySolutionsSimulatorOptions> = {},
): Simulator {
  const options: DeliverySolutionsSimulatorOptions = {
    ...defaultDeliverySolutionsOptions(),
    ...overrides,
  };
  const invoices = new Map<string, StoredInvoice>();
  let counter = randomBytes(3).readUIntBE(0, 3);

  /** MongoDB ObjectId-shaped: 4-byte seconds, 5 random bytes, 3-byte counter. */
  function newId(): string {
    counter = (counter + 1) % 0xffffff;
    const seconds = Math.floor(options.now() / 1000)
      .toString(16)
      .padStart(8, '0');
    return `${seconds}${randomBytes(5).toString('hex')}${counter.toString(16).padStart(6, '0')}`;
  }

  function authenticate(request: FastifyRequest, tokens: TokenStore): void {
    const authorization = header(request, 'authorization');
    if (authorization !== undefined) {
      const check = tokens.check(bearerToken(request));
      if (check === 'valid') return;
      const detail = check === 'expired' ? 'Access Token expired' : 'Invalid access token';
      throw new DsFailure(
        401,
        dsError('UNAUTHORIZED', DEFAULT_MESSAGES[401], [{ type: 'UNAUTHORIZED', message: detail }]),
      );
    }
    const apiKey = header(request, 'x-api-key');
    if (!apiKey) throw new DsFailure(403, dsError('FORBIDDEN', 'Invalid Api Key!'));
    const tenant = header(request, 'tenantid');
    if (
      !safeEqual(apiKey, options.apiKey) ||
      tenant === undefined ||
      !safeEqual(tenant, options.tenantId)
    ) {
      throw new DsFailure(401, dsError('UNAUTHORIZED', 'Invalid Api Key!'));
    }
  }

  function magic(body: Record<string, unknown>, stored?: StoredInvoice): void {
    const external =
      typeof body.orderExternalId === 'string'
        ? body.orderExternalId
        : (stored?.orderExternalId ?? '');
    if (external.startsWith(DS_MAGIC.serverError)) {
      throw new DsFailure(500, dsError('INTERNAL_SERVER_ERROR', DEFAULT_MESSAGES[500]));
    }
    if (external.startsWith(DS_MAGIC.tooManyRequests)) {
      throw new DsFailure(429, dsError('TOO_MANY_REQUESTS', DEFAULT_MESSAGES[429]), 1);
    }
    if (external.startsWith(DS_MAGIC.unmapped)) {
      throw new DsFailure(422, dsError('UNMAPPED_ERROR', DEFAULT_MESSAGES[422]));
    }
    const address = isRecord(body.deliveryAddress) ? body.deliveryAddress : undefined;
    if (address?.postalCode === DS_MAGIC.geocodingPostalCode) {
      throw new DsFailure(
        422,
        dsError('GEOCODING_FAILED', 'Geocoding Service for the given address failed.'),
      );
    }
  }

  function validate(body: unknown, create: boolean): Record<string, unknown> {
    if (!isRecord(body)) {
      throw new DsFailure(400, dsError('INVALID_DATA', 'Request body must be a JSON object'));
    }
    const problems = checkInvoice(body, create);
    if (problems.length > 0) {
      throw new DsFailure(
        400,
        dsError(
          'INVALID_DATA',
          problems[0],
          problems.map((message) => ({ type: 'INVALID_DATA' as const, message })),
        ),
      );
    }
    return body;
  }

  function duplicate(orderExternalId: string, exceptId?: string): boolean {
    for (const invoice of invoices.values()) {
      if (invoice.orderExternalId === orderExternalId && invoice.id !== exceptId) return true;
    }
    return false;
  }

  function normalised(body: Record<string, unknown>): Record<string, unknown> {
    const copy = structuredClone(body);
    if (isRecord(copy.deliveryAddress) && copy.deliveryAddress.countryCode === undefined) {
      copy.deliveryAddress.countryCode = 'US';
    }
    return copy;
  }

  function create(request: FastifyRequest) {
    const body = validate(request.body, true);
    magic(body);
    const orderExternalId = body.orderExternalId as string;
    if (duplicate(orderExternalId)) {
      throw new DsFailure(422, dsError('INVALID_DATA', 'Invoice already Exists'));
    }
    const invoice: StoredInvoice = {
      ...normalised(body),
      id: newId(),
      orderExternalId,
      tenantId: options.tenantId,
      createdAt: new Date(options.now()).toISOString(),
    };
    invoices.set(invoice.id, invoice);
    return { id: invoice.id, ...ordered(invoice), ...simWarnings(orderExternalId) };
  }

  function update(request: FastifyRequest) {
    const { id } = request.params as { id: string };
    const stored = invoices.get(id);
    if (!stored) throw new DsFailure(404, dsError('NOT_FOUND', 'Invoice not found'));
    const body = validate(request.body, false);
    magic(body, stored);
    const orderExternalId =
      typeof body.orderExternalId === 'string' ? body.orderExternalId : stored.orderExternalId;
    if (duplicate(orderExternalId, id)) {
      throw new DsFailure(422, dsError('INVALID_DATA', 'Invoice already Exists'));
    }
    const next: StoredInvoice = {
      ...stored,
      ...normalised(body),
      id,
      orderExternalId,
      tenantId: stored.tenantId,
      createdAt: stored.createdAt,
    };
    invoices.set(id, next);
    return { ...ordered(next), id, ...simWarnings(orderExternalId) };
  }

  function route(status: number, operation: (request: FastifyRequest) => unknown) {
    return (tokens: TokenStore) => async (request: FastifyRequest, reply: FastifyReply) => {
      try {
        authenticate(request, tokens);
        return reply.code(status).send(operation(request));
      } catch (error) {
        if (!(error instanceof DsFailure)) throw error;
        if (error.retryAfterSeconds !== undefined) {
          void reply.header('retry-after', String(error.retryAfterSeconds));
        }
        return reply.code(error.status).send(error.body);
      }
    };
  }

  async function token(request: FastifyRequest, reply: FastifyReply, tokens: TokenStore) {
    const basic = basicCredentials(request);
    if (basic?.user === DS_MAGIC.blockedClientId) {
      return reply.code(403).send(dsError('FORBIDDEN', 'Blocked Merchant'));
    }
    if (basic?.user === DS_MAGIC.quotaClientId) {
      return reply.code(429).send(dsError('TOO_MANY_REQUESTS', 'Quota Limit Exceeded'));
    }
    if (
      !basic ||
      !safeEqual(basic.user, options.clientId) ||
      !safeEqual(basic.password, options.clientSecret)
    ) {
      return reply.code(401).send(dsError('UNAUTHORIZED', 'Invalid client credentials'));
    }
    const type = header(request, 'content-type') ?? '';
    if (!/^application\/x-www-form-urlencoded\b/i.test(type) || !isRecord(request.body)) {
      return reply
        .code(400)
        .send(dsError('INVALID_DATA', 'Content-Type must be application/x-www-form-urlencoded'));
    }
    if (request.body.grant_type !== 'client_credentials') {
      return reply
        .code(400)
        .send(dsError('INVALID_DATA', 'Unsupported grant_type: expected client_credentials'));
    }
    const issued = tokens.issue(options.clientId);
    return {
      token_type: 'BearerToken',
      issued_at: String(issued.issuedAt),
      client_id: options.clientId,
      access_token: issued.token,
      scope: '',
      expires_in: String(tokens.lifetimeSeconds),
      refresh_count: '0',
      status: 'approved',
    };
  }

  const errorBody = (status: number, message: string) =>
    dsError(typeForStatus(status), DEFAULT_MESSAGES[status] ?? message);

  return buildSimulator({
    id: 'delivery-solutions',
    options,
    tokenFormat: 'opaque',
    errorBody: (status, message) =>
      status === 400 || status === 404
        ? dsError(typeForStatus(status), message)
        : errorBody(status, message),
    faultBody: (status) => errorBody(status, `Simulated fault ${status}`),
    routes(app, tokens) {
      app.post(DELIVERY_SOLUTIONS_PATHS.token, (request, reply) => token(request, reply, tokens));
      app.post(DELIVERY_SOLUTIONS_PATHS.invoices, route(201, create)(tokens));
      app.put(`${DELIVERY_SOLUTIONS_PATHS.invoices}/:id`, route(200, update)(tokens));
    },
    resetState() {
      invoices.clear();
    },
  });
}

function ordered(invoice: StoredInvoice): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field of ANSWER_FIELDS) if (invoice[field] !== undefined) out[field] = invoice[field];
  for (const [key, value] of Object.entries(invoice)) {
    if (key !== 'id' && !(key in out)) out[key] = value;
  }
  return out;
}
