import type { HeaderObject } from '@nestjs/swagger';

/** Response headers, as the OpenAPI document declares them. */

export const X_REQUEST_ID: HeaderObject = {
  description:
    "The request id: the caller's X-Request-Id when it sent a sane one, else a new UUID. Also in the problem body, log lines and audit rows.",
  required: true,
  schema: { type: 'string', maxLength: 128 },
};

export const RETRY_AFTER: HeaderObject = {
  description:
    'Seconds to wait before retrying (always on 429; on 409 while the Idempotency-Key is in flight; on 503 when the provider gave a time or its circuit is open; always on 503 database_unavailable)',
  required: false,
  schema: { type: 'integer', minimum: 1 },
};

export const IDEMPOTENT_REPLAYED: HeaderObject = {
  description:
    'Present (true) when the answer is the stored answer of an earlier request with the same Idempotency-Key',
  required: false,
  schema: { type: 'string', enum: ['true'] },
};

export const WWW_AUTHENTICATE: HeaderObject = {
  description: 'The scheme to authenticate with',
  required: false,
  schema: { type: 'string', example: 'Bearer realm="invoice-gateway"' },
};
