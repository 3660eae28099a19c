import type {
  CanonicalAddress,
  CanonicalInvoice,
  CanonicalInvoiceUpdate,
  CanonicalLine,
  CanonicalOrder,
  CanonicalParty,
  InvoiceResult,
  UpstreamWarning,
} from '../provider.contract';
import type {
  DsAddress,
  DsCreateInvoiceRequest,
  DsCustomer,
  DsInvoiceAnswer,
  DsItem,
  DsOrderInfo,
  DsUpdateInvoiceRequest,
} from './delivery-solutions.types';

/**
 * Pure canonical <-> Delivery Solutions mapping (docs/upstreams.md,
 * "Delivery Solutions"). No I/O and no
 * validation: `delivery-solutions.rules.ts` runs first. Absent optional values are not sent.
 */

/** Status the gateway records for an invoice Delivery Solutions stored. */
export const DS_ISSUED = 'issued';

type Plain = Record<string, unknown>;

const isPlain = (value: unknown): value is Plain =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** A copy without the keys whose value is undefined. */
function compact<T extends object>(value: T): T {
  const out: Plain = {};
  for (const [key, inner] of Object.entries(value)) if (inner !== undefined) out[key] = inner;
  return out as T;
}

/**
 * `passThrough` merged under the mapped body: objects merge key by key, and wherever both
 * set a value the mapped one wins, so passThrough adds fields but never replaces a mapped one.
 */
export function mergePassThrough<T extends Plain>(mapped: T, passThrough: Plain | undefined): T {
  if (!passThrough) return mapped;
  const merge = (under: Plain, over: Plain): Plain => {
    const out: Plain = { ...under };
    for (const [key, value] of Object.entries(over)) {
      const below = out[key];
      out[key] = isPlain(below) && isPlain(value) ? merge(below, value) : value;
    }
    return out;
  };
  return merge(passThrough, mapped) as T;
}

/** ISO-8601 -> epoch milliseconds; throws on a value the rules would have rejected. */
export function toEpochMs(iso: string | undefined, field: string): number {
  const ms = iso === undefined ? Number.NaN : Date.parse(iso);
  if (Number.isNaN(ms)) throw new TypeError(`${field} must be an ISO-8601 date-time`);
  return ms;
}

export function toDsCustomer(party: CanonicalParty | undefined): DsCustomer {
  return compact({
    name: party?.name,
    email: party?.email,
    phone: party?.phone,
    userExternalId: party?.externalId,
  });
}

/** `amount` and `order.*` -> `orderInfo` (`deliveryCharge` is the spec's `orderInfo.amount`). */
function orderInfoOf(amount: number | undefined, order: CanonicalOrder | undefined) {
  return compact({
    orderValue: amount,
    status: order?.status,
    type: order?.type,
    amount: order?.deliveryCharge,
    tips: order?.tips,
    actualDeliveryTime: order?.deliveredAt,
    attributes: order?.attributes,
  });
}

export function toDsAddress(address: CanonicalAddress): DsAddress {
  return compact({
    street1: address.street1 ?? '',
    street2: address.street2,
    apartmentNumber: address.apartmentNumber,
    city: address.city ?? '',
    state: address.state ?? '',
    postalCode: address.postalCode ?? '',
    countryCode: address.countryCode,
    latitude: address.latitude,
    longitude: address.longitude,
  });
}

/**
 * One line -> one item. The spec's `size` and `weight` are objects whose schema it does not
 * publish, while the canonical line carries a size label and a weight number: both travel in
 * `itemAttributes` rather than in an invented object shape.
 */
export function toDsItem(line: CanonicalLine): DsItem {
  const extra = compact({ size: line.size, weight: line.weight });
  const attributes =
    line.attributes !== undefined || Object.keys(extra).length > 0
      ? { ...line.attributes, ...extra }
      : undefined;
  return compact({
    sku: line.sku ?? '',
    upc: line.upc,
    category: line.category,
    quantity: line.quantity,
    price: line.price,
    salePrice: line.salePrice,
    title: line.title,
    description: line.description,
    image: line.image,
    tags: line.tags,
    itemAttributes: attributes,
  });
}

/**
 * Canonical invoice -> `POST /returns/v1/invoices`. `itemList` is required by the spec but item
 * details may come later through the update call (spec FAQ): no lines -> an empty list.
 */
export function toDsCreateInvoiceRequest(invoice: CanonicalInvoice): DsCreateInvoiceRequest {
  const orderInfo: DsOrderInfo = {
    ...orderInfoOf(invoice.amount, invoice.order),
    orderValue: invoice.amount,
    status: invoice.order?.status ?? '',
  };
  const mapped: DsCreateInvoiceRequest = compact({
    itemList: (invoice.lines ?? []).map(toDsItem),
    groupId: invoice.groupReference,
    orderExternalId: invoice.reference,
    customer: toDsCustomer(invoice.party),
    orderInfo,
    deliveryAddress: invoice.shipTo ? toDsAddress(invoice.shipTo) : undefined,
    brandExternalId: invoice.brand ?? '',
    createdDate: toEpochMs(invoice.issuedAt, 'issuedAt'),
    timeZone: invoice.timeZone ?? '',
    locationExternalId: invoice.location,
  });
  return mergePassThrough(mapped, invoice.passThrough);
}

/**
 * Canonical update -> `PUT /returns/v1/invoices/{id}`: only the fields given. `orderInfo` is
 * sent when `amount` or `order` is given (the spec then requires `orderValue` and `status`).
 */
export function toDsUpdateInvoiceRequest(update: CanonicalInvoiceUpdate): DsUpdateInvoiceRequest {
  const mapped: DsUpdateInvoiceRequest = compact({
    itemList: update.lines?.map(toDsItem),
    groupId: update.groupReference,
    orderExternalId: update.reference,
    customer: update.party ? toDsCustomer(update.party) : undefined,
    orderInfo:
      update.amount !== undefined || update.order !== undefined
        ? orderInfoOf(update.amount, update.order)
        : undefined,
    deliveryAddress: update.shipTo ? toDsAddress(update.shipTo) : undefined,
    brandExternalId: update.brand,
    createdDate: update.issuedAt !== undefined ? toEpochMs(update.issuedAt, 'issuedAt') : undefined,
    timeZone: update.timeZone,
    locationExternalId: update.location,
  });
  return mergePassThrough(mapped, update.passThrough);
}

/** Create or update answer -> the gateway's invoice result (`providerInvoiceId` = DS id). */
export function fromDsInvoiceAnswer(answer: DsInvoiceAnswer): InvoiceResult {
  const issuedAt =
    typeof answer.createdDate === 'number' && Number.isFinite(answer.createdDate)
      ? new Date(answer.createdDate).toISOString()
      : answer.createdAt;
  const warnings = dsWarnings(answer.warnings);
  return compact({
    providerInvoiceId: answer.id,
    status: DS_ISSUED,
    issuedAt,
    ...(warnings.length ? { warnings } : {}),
    raw: answer,
  });
}

/**
 * A success "with warnings", passed to the caller. The spec names no shape: a warning is read as
 * a string or an object with `type` (or `code`) and `message`, like Delivery Solutions' errors.
 */
export function dsWarnings(warnings: unknown): UpstreamWarning[] {
  if (!Array.isArray(warnings)) return [];
  return warnings.map((warning: unknown): UpstreamWarning => {
    if (typeof warning === 'string') return { code: 'upstream_warning', message: warning };
    const { type, code, message } = (warning ?? {}) as Record<string, unknown>;
    const named = typeof type === 'string' ? type : typeof code === 'string' ? code : undefined;
    return {
      code: named ?? 'upstream_warning',
      message: typeof message === 'string' ? message : JSON.stringify(warning),
    };
  });
}
