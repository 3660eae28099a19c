import type { BaseSettings } from '../provider-definition';

/**
 * Delivery Solutions returns-invoice wire shapes, as `delivery-solutions-invoices.txt` gives
 * them (camelCase; dates as epoch milliseconds, `actualDeliveryTime` as a date-time string).
 * Only this folder knows these names.
 */

export const DS_API_VERSION = 'v1';

export const DS_PATHS = {
  invoices: `/returns/${DS_API_VERSION}/invoices`,
  invoice: (id: string) => `/returns/${DS_API_VERSION}/invoices/${encodeURIComponent(id)}`,
} as const;

/** Error `type`s Delivery Solutions documents. */
export const DS_ERROR_TYPES = [
  'VALIDATION_ERROR',
  'INVALID_DATA',
  'NOT_FOUND',
  'DUPLICATE_ID',
  'DUPLICATE_RESOURCE',
  'INVALID_OPERATION',
  'UNAUTHORIZED',
  'FORBIDDEN',
  'TOO_MANY_REQUESTS',
  'INTERNAL_SERVER_ERROR',
  'UNMAPPED_ERROR',
  'GEOCODING_FAILED',
] as const;
export type DsErrorType = (typeof DS_ERROR_TYPES)[number];

/** Country codes `deliveryAddress.countryCode` accepts (default `US`). */
export const DS_COUNTRY_CODES = ['US', 'CA', 'GB', 'AU', 'IE'] as const;

/** Item (`itemList[]`). */
export interface DsItem {
  /** <= 100, required */
  sku: string;
  upc?: string;
  category?: string;
  /** int32 >= 1 */
  quantity?: number;
  /** Dimensions of the item (schema not published in the spec). */
  size?: Record<string, unknown>;
  /** Weight of the item (schema not published in the spec). */
  weight?: Record<string, unknown>;
  price?: number;
  salePrice?: number;
  image?: string;
  title?: string;
  description?: string;
  itemAttributes?: Record<string, unknown>;
  /** 0..20 items */
  tags?: string[];
}

/** `customer` (schemas-Customer). */
export interface DsCustomer {
  email?: string;
  /** E.164, <= 20 */
  phone?: string;
  name?: string;
  userExternalId?: string;
}

/** `orderInfo` (OrderInfo): a subset of the order. */
export interface DsOrderInfo {
  /** integer >= 0 */
  tips?: number;
  type?: string;
  /** Delivery or shipping charges; int32 >= 0. */
  amount?: number;
  /** Cost of the order in major units; required. */
  orderValue: number;
  attributes?: Record<string, unknown>;
  /** <= 100, required */
  status: string;
  /** date-time */
  actualDeliveryTime?: string;
}

/** `deliveryAddress` (components-schemas-Address). */
export interface DsAddress {
  street1: string;
  street2?: string;
  apartmentNumber?: string;
  city: string;
  state: string;
  postalCode: string;
  countryCode?: string;
  latitude?: number;
  longitude?: number;
}

/** `POST /returns/v1/invoices` body. */
export interface DsCreateInvoiceRequest {
  itemList: DsItem[];
  groupId?: string;
  orderExternalId: string;
  customer: DsCustomer;
  orderInfo: DsOrderInfo;
  deliveryAddress?: DsAddress;
  brandExternalId: string;
  /** epoch milliseconds */
  createdDate: number;
  /** IANA */
  timeZone: string;
  locationExternalId?: string;
  /** Fields passed through unchanged (`passThrough`, e.g. `storeExternalId`). */
  [extra: string]: unknown;
}

/** `PUT /returns/v1/invoices/{invoice_id}` body: every field optional. */
export interface DsUpdateInvoiceRequest {
  itemList?: DsItem[];
  groupId?: string;
  orderExternalId?: string;
  customer?: DsCustomer;
  /** When sent, the spec requires `orderValue` and `status` (checked by the update rules). */
  orderInfo?: Partial<DsOrderInfo>;
  deliveryAddress?: DsAddress;
  brandExternalId?: string;
  createdDate?: number;
  timeZone?: string;
  locationExternalId?: string;
  [extra: string]: unknown;
}

/** Answer of create (201) and update (200). */
export interface DsInvoiceAnswer {
  id: string;
  groupId?: string;
  tenantId?: string;
  orderExternalId?: string;
  deliveryAddress?: DsAddress;
  customer?: DsCustomer;
  brandExternalId?: string;
  locationExternalId?: string;
  timeZone?: string;
  /** ISO-8601: when Delivery Solutions stored the invoice. */
  createdAt?: string;
  /** epoch milliseconds */
  createdDate?: number;
  itemList?: DsItem[];
  orderInfo?: Partial<DsOrderInfo>;
  [extra: string]: unknown;
}

/** Error answer. */
export interface DsErrorAnswer {
  type: string;
  message: string;
  code?: string | number;
  provider?: string;
  errors?: { type?: string; message?: string; field?: string }[];
}

/** Its settings, read by its definition from `DELIVERY_SOLUTIONS_*` variables. */
export interface DeliverySolutionsSettings extends BaseSettings {
  tokenUrl?: string;
  clientId?: string;
  clientSecret?: string;
  scope?: string;
  apiKey?: string;
  tenantId?: string;
}
