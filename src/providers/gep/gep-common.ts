import type { BatchItemResult, ItemError } from '../provider.contract';

/**
 * What GEP SMART and GEP Quantum have in common: their error codes, how they bind keys
 * (case-insensitively, .NET style), their dates, and per-item answers that name items by
 * business key rather than by position. Pure functions only.
 */

/** Error codes GEP uses in `errorDetails[].errors[].errorCode`; local rules reuse them. */
export const GEP_ERROR_CODES = {
  mandatory: 'MandatoryField',
  invalid: 'DataValidation',
} as const;

/** Codes of the gateway's own per-item results when GEP's answer does not settle an item. */
export const GEP_RESULT_CODES = {
  /** GEP's answer names no result for the item. */
  noResult: 'NoResult',
  /** The item's key was sent more than once and GEP's results for it disagree. */
  ambiguous: 'AmbiguousResult',
  /** GEP listed the item under errors without saying why. */
  unspecified: 'Rejected',
} as const;

/**
 * Largest answer body the HTTP library keeps whole in an UpstreamError (its audit-body limit).
 * GEP SMART answers a batch in which every item failed with HTTP 400: the per-item details are
 * read from the error, so they must not be cut at the library's 64 KiB default. Audit rows are
 * still truncated by the audit writer (AUDIT_MAX_BODY_BYTES).
 */
export const GEP_MAX_ANSWER_BYTES = 4 * 1024 * 1024;

export function mandatoryField(path: string, message: string): ItemError {
  return { code: GEP_ERROR_CODES.mandatory, message, path };
}

export function dataValidation(path: string, message: string): ItemError {
  return { code: GEP_ERROR_CODES.invalid, message, path };
}

/** A string with visible content; anything else counts as missing (as GEP treats it). */
export function present(value: unknown): value is string {
  return typeof value === 'string' && value.trim() !== '';
}

const ISO_DATE_TIME =
  /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;

/** Epoch ms of an ISO-8601 date or date-time; undefined when the value is not one. */
export function parseIsoDateTime(value: unknown): number | undefined {
  if (typeof value !== 'string' || !ISO_DATE_TIME.test(value.trim())) return undefined;
  const parsed = Date.parse(value.trim());
  return Number.isNaN(parsed) ? undefined : parsed;
}

/**
 * GEP's date form: ISO-8601 UTC with milliseconds (`2019-12-14T11:47:24.534Z`). A value that is
 * not an ISO date is passed on unchanged, so GEP reports it in its own words.
 */
export function toGepDateTime(value: string): string {
  const parsed = parseIsoDateTime(value);
  return parsed === undefined ? value : new Date(parsed).toISOString();
}

/** A copy without the keys whose value is undefined (keeps bodies and audit rows tidy). */
export function compact<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The value of `name` in a GEP answer, whatever the key's case. */
export function field(record: Record<string, unknown>, name: string): unknown {
  if (name in record) return record[name];
  const lower = name.toLowerCase();
  for (const [key, value] of Object.entries(record)) {
    if (key.toLowerCase() === lower) return value;
  }
  return undefined;
}

export function stringField(record: Record<string, unknown>, name: string): string | undefined {
  const value = field(record, name);
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  return undefined;
}

export function arrayField(record: Record<string, unknown>, name: string): unknown[] | undefined {
  const value = field(record, name);
  return Array.isArray(value) ? value : undefined;
}

/** `[{errorCode, errorDescription}]` -> ItemError[] (entries without either are skipped). */
export function readGepErrors(value: unknown): ItemError[] {
  if (!Array.isArray(value)) return [];
  const out: ItemError[] = [];
  for (const entry of value) {
    if (!isRecord(entry)) continue;
    const code = stringField(entry, 'errorCode');
    const message = stringField(entry, 'errorDescription');
    const knownCode = present(code) ? code : undefined;
    const knownMessage = present(message) ? message : undefined;
    if (!knownCode && !knownMessage) continue;
    out.push({
      code: knownCode ?? GEP_RESULT_CODES.unspecified,
      message: knownMessage ?? knownCode ?? '',
    });
  }
  return out;
}

/** Two GEP identifiers are the same when equal after trimming, ignoring case. */
export function sameKey(a: string | undefined, b: string | undefined): boolean {
  return a !== undefined && b !== undefined && a.trim().toLowerCase() === b.trim().toLowerCase();
}

/** One per-item outcome read from a GEP answer. */
export interface GepOutcome {
  accepted: boolean;
  errors: ItemError[];
  documentStatus?: string;
  interfaceStatus?: string;
  documentUrl?: string;
}

/**
 * Assigns GEP's per-item outcomes back to the items sent, in the order sent.
 *
 * GEP names items by business key, not position. Each outcome (in answer order) goes to the
 * first item it `matches` that has no outcome yet; an outcome left over (GEP reported more than
 * one for an item) is merged into the first item it matches, and a rejection wins. When a key
 * was sent more than once and GEP's outcomes for those items disagree (one accepted, one
 * rejected), GEP's answer cannot say which item is which: each of them is reported rejected
 * with `AmbiguousResult` plus GEP's errors for that key. An item no outcome matches is
 * rejected with `NoResult`.
 */
export function assignOutcomes<I>(
  items: readonly I[],
  outcomes: readonly GepOutcome[],
  matches: (item: I, outcomeIndex: number) => boolean,
  keyOf: (item: I) => string,
): BatchItemResult[] {
  const candidates = outcomes.map((_, o) =>
    items.flatMap((item, i) => (matches(item, o) ? [i] : [])),
  );
  const assigned: GepOutcome[][] = items.map(() => []);
  candidates.forEach((matching, o) => {
    if (matching.length === 0) return;
    const free = matching.find((i) => assigned[i].length === 0);
    assigned[free ?? matching[0]].push(outcomes[o]);
  });

  return items.map((item, i): BatchItemResult => {
    const key = keyOf(item);
    const related = candidates.flatMap((matching, o) => (matching.includes(i) ? [o] : []));
    const shared = related.some((o) => candidates[o].length > 1);
    const fates = new Set(related.map((o) => outcomes[o].accepted));
    if (shared && fates.size > 1) {
      return {
        key,
        status: 'rejected',
        errors: [
          {
            code: GEP_RESULT_CODES.ambiguous,
            message: `"${key}" was sent more than once and GEP reported different results for it; this item's result is unknown`,
          },
          ...related.flatMap((o) => outcomes[o].errors),
        ],
      };
    }
    const mine = assigned[i];
    if (mine.length === 0) {
      return {
        key,
        status: 'rejected',
        errors: [
          { code: GEP_RESULT_CODES.noResult, message: 'GEP reported no result for this item' },
        ],
      };
    }
    const rejected = mine.filter((outcome) => !outcome.accepted);
    const chosen = rejected[0] ?? mine[0];
    const errors = rejected.flatMap((outcome) =>
      outcome.errors.length > 0
        ? outcome.errors
        : [
            {
              code: GEP_RESULT_CODES.unspecified,
              message: 'GEP rejected this item without a reason',
            },
          ],
    );
    return compact<BatchItemResult>({
      key,
      status: rejected.length > 0 ? 'rejected' : 'accepted',
      documentStatus: chosen.documentStatus,
      interfaceStatus: chosen.interfaceStatus,
      documentUrl: chosen.documentUrl,
      errors,
    });
  });
}
