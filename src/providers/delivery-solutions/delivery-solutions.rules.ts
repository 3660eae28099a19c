import type {
  CanonicalAddress,
  CanonicalInvoice,
  CanonicalInvoiceUpdate,
  CanonicalLine,
  CanonicalOrder,
  CanonicalParty,
  ItemError,
  PreparedUpdate,
} from '../provider.contract';
import { DS_COUNTRY_CODES } from './delivery-solutions.types';

/**
 * The Delivery Solutions rules the gateway can check before sending (pure), from the spec's
 * schema: required fields, maximum lengths, integer and minimum constraints, the country enum,
 * at most 20 tags, E.164 phone numbers (the documented 400 "Please enter the phone number in
 * E.164 format"), a valid IANA time zone. Paths are canonical (`shipTo.city`, `lines[0].sku`).
 */

const E164 = /^\+[1-9]\d{1,14}$/;

export function isIanaTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

const isDateTime = (value: string): boolean =>
  /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(value) && !Number.isNaN(Date.parse(value));

class Rules {
  readonly errors: ItemError[] = [];

  private add(path: string, code: string, message: string): void {
    this.errors.push({ path, code, message });
  }

  required(value: unknown, path: string, upstream: string): boolean {
    const missing =
      value === undefined || value === null || (typeof value === 'string' && value.trim() === '');
    if (missing) this.add(path, 'required', `${path} is required (Delivery Solutions ${upstream})`);
    return !missing;
  }

  text(value: unknown, path: string, max?: number): void {
    if (value === undefined || value === null) return;
    if (typeof value !== 'string') this.add(path, 'invalid', `${path} must be a string`);
    else if (max !== undefined && value.length > max) {
      this.add(path, 'maxLength', `${path} must be at most ${max} characters`);
    }
  }

  number(value: unknown, path: string, opts: { min?: number; integer?: boolean } = {}): void {
    if (value === undefined || value === null) return;
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      this.add(path, 'invalid', `${path} must be a number`);
    } else if (opts.integer && !Number.isInteger(value)) {
      this.add(path, 'integer', `${path} must be a whole number`);
    } else if (opts.min !== undefined && value < opts.min) {
      this.add(path, 'min', `${path} must be at least ${opts.min}`);
    }
  }

  dateTime(value: unknown, path: string): void {
    if (value === undefined || value === null) return;
    if (typeof value !== 'string' || !isDateTime(value)) {
      this.add(path, 'invalid', `${path} must be an ISO-8601 date-time`);
    }
  }

  timeZone(value: unknown, path: string): void {
    if (typeof value === 'string' && value.trim() !== '' && !isIanaTimeZone(value)) {
      this.add(path, 'invalid', `${path} must be an IANA time zone (e.g. America/Los_Angeles)`);
    }
  }

  party(party: CanonicalParty | undefined): void {
    if (!party) return;
    this.text(party.name, 'party.name', 100);
    this.text(party.email, 'party.email', 100);
    this.text(party.externalId, 'party.externalId', 100);
    this.text(party.phone, 'party.phone', 20);
    if (typeof party.phone === 'string' && party.phone !== '' && !E164.test(party.phone)) {
      this.add('party.phone', 'invalid', 'party.phone must be in E.164 format (e.g. +14155550100)');
    }
  }

  order(order: CanonicalOrder | undefined, statusRequired: boolean): void {
    if (statusRequired) this.required(order?.status, 'order.status', 'orderInfo.status');
    if (!order) return;
    this.text(order.status, 'order.status', 100);
    this.text(order.type, 'order.type');
    this.number(order.deliveryCharge, 'order.deliveryCharge', { min: 0, integer: true });
    this.number(order.tips, 'order.tips', { min: 0, integer: true });
    this.dateTime(order.deliveredAt, 'order.deliveredAt');
  }

  address(address: CanonicalAddress | undefined): void {
    if (!address) return;
    const field = (name: keyof CanonicalAddress & string) => `shipTo.${name}`;
    for (const name of ['street1', 'city', 'state', 'postalCode'] as const) {
      this.required(address[name], field(name), `deliveryAddress.${name}`);
    }
    this.text(address.street1, field('street1'), 100);
    this.text(address.street2, field('street2'), 100);
    this.text(address.apartmentNumber, field('apartmentNumber'), 50);
    this.text(address.city, field('city'), 100);
    this.text(address.state, field('state'), 100);
    this.text(address.postalCode, field('postalCode'), 20);
    const country = address.countryCode;
    if (
      country !== undefined &&
      !(DS_COUNTRY_CODES as readonly string[]).includes(String(country))
    ) {
      this.add(
        field('countryCode'),
        'enum',
        `shipTo.countryCode must be one of ${DS_COUNTRY_CODES.join(', ')}`,
      );
    }
    this.number(address.latitude, field('latitude'));
    this.number(address.longitude, field('longitude'));
  }

  lines(lines: CanonicalLine[] | undefined): void {
    lines?.forEach((line, index) => {
      const at = (name: string) => `lines[${index}].${name}`;
      this.required(line.sku, at('sku'), 'itemList[].sku');
      this.text(line.sku, at('sku'), 100);
      this.text(line.upc, at('upc'), 100);
      this.text(line.category, at('category'), 100);
      this.number(line.quantity, at('quantity'), { min: 1, integer: true });
      this.number(line.price, at('price'), { min: 0 });
      this.number(line.salePrice, at('salePrice'), { min: 0 });
      this.text(line.image, at('image'), 200);
      this.text(line.title, at('title'), 200);
      this.text(line.description, at('description'), 10_000);
      if (line.tags !== undefined && line.tags.length > 20) {
        this.add(at('tags'), 'maxItems', `${at('tags')} must have at most 20 tags`);
      }
    });
  }
}

/** Rules for `POST /returns/v1/invoices`; empty when the invoice can be sent. */
export function validateDsInvoice(invoice: CanonicalInvoice): ItemError[] {
  const r = new Rules();
  r.required(invoice.reference, 'reference', 'orderExternalId');
  r.text(invoice.reference, 'reference', 100);
  r.text(invoice.groupReference, 'groupReference', 100);
  r.party(invoice.party);
  if (r.required(invoice.amount, 'amount', 'orderInfo.orderValue')) {
    r.number(invoice.amount, 'amount', { min: 0 });
  }
  r.order(invoice.order, true);
  r.required(invoice.brand, 'brand', 'brandExternalId');
  r.text(invoice.brand, 'brand', 100);
  r.text(invoice.location, 'location');
  if (r.required(invoice.issuedAt, 'issuedAt', 'createdDate')) {
    r.dateTime(invoice.issuedAt, 'issuedAt');
  }
  r.required(invoice.timeZone, 'timeZone', 'timeZone');
  r.timeZone(invoice.timeZone, 'timeZone');
  r.address(invoice.shipTo);
  r.lines(invoice.lines);
  return r.errors;
}

/**
 * Rules for `PUT /returns/v1/invoices/{id}`: the given fields follow the create rules, and an
 * `orderInfo` (sent when `amount` or `order` is given) needs both `orderValue` and `status`.
 */
export function validateDsInvoiceUpdate(update: CanonicalInvoiceUpdate): ItemError[] {
  const r = new Rules();
  if (update.reference !== undefined) {
    r.required(update.reference, 'reference', 'orderExternalId');
    r.text(update.reference, 'reference', 100);
  }
  r.text(update.groupReference, 'groupReference', 100);
  r.party(update.party);
  const touchesOrder = update.amount !== undefined || update.order !== undefined;
  if (touchesOrder && r.required(update.amount, 'amount', 'orderInfo.orderValue')) {
    r.number(update.amount, 'amount', { min: 0 });
  }
  r.order(update.order, touchesOrder);
  r.text(update.brand, 'brand', 100);
  r.text(update.location, 'location');
  r.dateTime(update.issuedAt, 'issuedAt');
  r.timeZone(update.timeZone, 'timeZone');
  r.address(update.shipTo);
  r.lines(update.lines);
  return r.errors;
}

/**
 * The invoice after an update, and what to send. Order fields merge into the stored order, and
 * the upstream's `orderInfo` needs its value and status together, so a change to either sends
 * both from the merged invoice.
 */
export function mergeDsInvoiceUpdate(
  previous: CanonicalInvoice,
  changes: CanonicalInvoiceUpdate,
): PreparedUpdate {
  const merged: CanonicalInvoice = {
    ...previous,
    ...changes,
    ...(changes.order ? { order: { ...previous.order, ...changes.order } } : {}),
  };
  const update: CanonicalInvoiceUpdate = { ...changes };
  if (changes.amount !== undefined || changes.order !== undefined) {
    update.amount = merged.amount;
    update.order = merged.order;
  }
  return { merged, update };
}
