import type { ValueTransformer } from 'typeorm';

/** numeric columns come back from `pg` as strings; amounts are at most 2 decimals, safe as numbers. */
export const decimalTransformer: ValueTransformer = {
  to: (value: number | null | undefined) => value,
  from: (value: string | null) => (value === null ? null : Number(value)),
};
