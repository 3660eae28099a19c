import type { CommonSimulatorOptions } from './sim-types';

/** Credentials the DMS simulator accepts: `Bearer <apiKey>` or `Basic username:password`. */
export interface DmsCredentials {
  apiKey: string;
  username: string;
  password: string;
}

/** GEP SMART: `gep-auth-key` for `GET /token/gep`; `sharedSecret` in credit-memo `header.sender`. */
export interface GepSmartCredentials {
  authKey: string;
  sharedSecret: string;
}

/** GEP Quantum: `gep-auth-key` + `Ocp-Apim-Subscription-Key` (token and every call). */
export interface GepQuantumCredentials {
  authKey: string;
  subscriptionKey: string;
}

/** Delivery Solutions: OAuth2 client credentials, or `x-api-key` + `tenantid`. */
export interface DeliverySolutionsCredentials {
  clientId: string;
  clientSecret: string;
  apiKey: string;
  tenantId: string;
}

export interface DmsDealer {
  code: string;
  name: string;
}

export interface DmsSimulatorOptions extends CommonSimulatorOptions, DmsCredentials {
  /** Registered dealers (default: `fixtures/dms-dealers.json`). */
  dealers?: readonly DmsDealer[];
  /** Known internal-order numbers (default: `fixtures/dms-io-numbers.json`). */
  ioNumbers?: readonly string[];
  /** Base of `invoice_url` / `credit_note_url` (default `https://dms.example.com`). */
  documentBaseUrl: string;
  /** The key `/__sim/webhooks/send` signs status webhooks with unless the call names one. */
  webhookSecret?: string;
}

export interface GepSmartSimulatorOptions extends CommonSimulatorOptions, GepSmartCredentials {
  /** Accepted status values, matched case-insensitively. */
  statuses: readonly string[];
  /**
   * The tenant's `isPartnerInvNoForPayment` (default true): "Client partner code is mandatory
   * (if isPartnerInvNoForPayment=1)"; false accepts an item without one.
   */
  partnerInvNoForPayment: boolean;
}

export interface GepQuantumSimulatorOptions extends CommonSimulatorOptions, GepQuantumCredentials {
  /** Accepted `statusInfo` values, matched case-insensitively. */
  statuses: readonly string[];
  /** Base of the `documentURL` in success details. */
  documentBaseUrl: string;
}

export type DeliverySolutionsSimulatorOptions = CommonSimulatorOptions &
  DeliverySolutionsCredentials;

export const DEFAULT_SIM_HOST = '127.0.0.1';
export const DEFAULT_TOKEN_TTL_SECONDS = 3600;
export const DEFAULT_REQUEST_LOG_SIZE = 200;

/** What the DMS simulator accepts unless told otherwise (SIM_DMS_* variables). */
export const DMS_DEFAULT_CREDENTIALS: Readonly<DmsCredentials> = {
  apiKey: 'sim-dms-key',
  username: 'sim-dms-user',
  password: 'sim-dms-password',
};

/** What the GEP SMART simulator accepts unless told otherwise. */
export const GEP_SMART_DEFAULT_CREDENTIALS: Readonly<GepSmartCredentials> = {
  authKey: 'sim-gep-auth-key',
  sharedSecret: 'sim-gep-shared-secret',
};

/** What the GEP Quantum simulator accepts unless told otherwise. */
export const GEP_QUANTUM_DEFAULT_CREDENTIALS: Readonly<GepQuantumCredentials> = {
  authKey: 'sim-gep-auth-key',
  subscriptionKey: 'sim-gep-subscription-key',
};

/** What the Delivery Solutions simulator accepts unless told otherwise. */
export const DELIVERY_SOLUTIONS_DEFAULT_CREDENTIALS: Readonly<DeliverySolutionsCredentials> = {
  clientId: 'sim-ds-client-id',
  clientSecret: 'sim-ds-client-secret',
  apiKey: 'sim-ds-api-key',
  tenantId: 'sim-tenant',
};

/** Status values GEP shows in its examples (`Exception` is implied by the exceptionType rules). */
export const DEFAULT_GEP_SMART_STATUSES: readonly string[] = [
  'SentForPayment',
  'ReadyForPayment',
  'Cancelled',
  'Exception',
];

/** GEP publishes no list for Quantum `statusInfo`; these are the simulator's choice. */
export const DEFAULT_GEP_QUANTUM_STATUSES: readonly string[] = [
  'ReadyForPayment',
  'SentForPayment',
  'PartiallyPaid',
  'Paid',
  'PaymentFailed',
  'Cancelled',
];

export function defaultCommonOptions(): CommonSimulatorOptions {
  return {
    tokenTtlSeconds: DEFAULT_TOKEN_TTL_SECONDS,
    now: () => Date.now(),
    requestLogSize: DEFAULT_REQUEST_LOG_SIZE,
  };
}

export function defaultDmsOptions(): DmsSimulatorOptions {
  return {
    ...defaultCommonOptions(),
    ...DMS_DEFAULT_CREDENTIALS,
    documentBaseUrl: 'https://dms.example.com',
  };
}

export function defaultGepSmartOptions(): GepSmartSimulatorOptions {
  return {
    ...defaultCommonOptions(),
    ...GEP_SMART_DEFAULT_CREDENTIALS,
    statuses: DEFAULT_GEP_SMART_STATUSES,
    partnerInvNoForPayment: true,
  };
}

export function defaultGepQuantumOptions(): GepQuantumSimulatorOptions {
  return {
    ...defaultCommonOptions(),
    ...GEP_QUANTUM_DEFAULT_CREDENTIALS,
    statuses: DEFAULT_GEP_QUANTUM_STATUSES,
    documentBaseUrl: 'https://leo.gep.example.com/documents',
  };
}

export function defaultDeliverySolutionsOptions(): DeliverySolutionsSimulatorOptions {
  return { ...defaultCommonOptions(), ...DELIVERY_SOLUTIONS_DEFAULT_CREDENTIALS };
}

/** Thrown for a SIM_* variable that is set but unusable; names the variable. */
export class SimulatorConfigError extends Error {
  override readonly name = 'SimulatorConfigError';
}

/** A SIM_* text variable; unset or blank: `fallback`. */
export function simText(env: NodeJS.ProcessEnv, name: string, fallback: string): string {
  const value = env[name]?.trim();
  return value ? value : fallback;
}

/** A SIM_* integer variable from `min` to `max`; unset or blank: `fallback`. */
export function simInteger(
  env: NodeJS.ProcessEnv,
  name: string,
  fallback: number,
  min: number,
  max: number,
): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(value) || value < min || value > max) {
    throw new SimulatorConfigError(
      `${name} must be an integer from ${min} to ${max}, got "${raw}"`,
    );
  }
  return value;
}

/**
 * What every simulator reads from SIM_* variables: SIM_HOST (127.0.0.1), SIM_TOKEN_TTL_SECONDS
 * (3600), SIM_REQUEST_LOG_SIZE (200). Each simulator's port and credentials are read as its
 * provider's definition says (src/providers/simulators.ts starts them all).
 */
export function commonSimulatorEnv(env: NodeJS.ProcessEnv): {
  host: string;
  common: CommonSimulatorOptions;
} {
  return {
    host: simText(env, 'SIM_HOST', DEFAULT_SIM_HOST),
    common: {
      tokenTtlSeconds: simInteger(
        env,
        'SIM_TOKEN_TTL_SECONDS',
        DEFAULT_TOKEN_TTL_SECONDS,
        1,
        31_536_000,
      ),
      now: () => Date.now(),
      requestLogSize: simInteger(env, 'SIM_REQUEST_LOG_SIZE', DEFAULT_REQUEST_LOG_SIZE, 1, 100_000),
    },
  };
}
